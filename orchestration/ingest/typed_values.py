"""The typing rules for timestamps and amounts: only real times and exact amounts land.

Every shape (canonical CSV, Dutch CSV, JSON lines, xlsx, Qualtrics) reaches the loader as a
canonical CSV of text values; the loader types them with the SQL built here, so one set of
rules holds for all formats (docs/exports.md, "Times and amounts").

Timestamps: only ISO-8601 shaped text is cast (the regex first, then DuckDB's cast), so the
keywords DuckDB would otherwise accept (``infinity``, ``-infinity``, ``epoch``) never land. A
time is real when, in UTC, its year is from ``LOYALTY_MIN_YEAR`` (default 1900) to 9999 and
its UTC offset is within +/-14:00. A day-month date with a two-digit year (``31-12-24``) is
ambiguous (2024? 1924? 24?): it is quarantined, never guessed.

Amounts: plain decimal digits with a ``.`` decimal point and at most 2 decimals (the warehouse
stores cents as ``decimal(18, 2)``); more decimals are quarantined, never rounded; so are
scientific notation (``1e3``), digit separators (``1_000``) and more than 16 integer digits.
Trailing zeros (``12.500``) are exact and land.
"""

from __future__ import annotations

from orchestration.config import min_year
from orchestration.sql import sql_str

# YYYY-MM-DD, optionally a time (T or space) with seconds, a fraction and a UTC offset
ISO_TIMESTAMP = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)?)?"
)
# a UTC offset beyond +/-14:00 after an ISO time: +15 to +99 hours, or +14 with minutes
OFFSET_BEYOND = r"[T ][0-9:.]+[+-]((1[5-9]|[2-9][0-9])(:?[0-9]{2})?|14:?([0-9][1-9]|[1-9][0-9]))$"
# the words DuckDB or PostgreSQL read as a time (some of them as an infinite one)
TIME_KEYWORDS = (
    "infinity",
    "-infinity",
    "+infinity",
    "epoch",
    "now",
    "today",
    "tomorrow",
    "yesterday",
    "allballs",
)
BC_YEAR = r"(?i)^-[0-9]|\bBC\b"
TWO_DIGIT_YEAR = r"[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2}([ T].*)?"

# an exact amount: digits, a '.' and at most 2 decimals (trailing zeros beyond are exact too)
AMOUNT = r"[+-]?([0-9]{1,16}(\.[0-9]{0,2}0*)?|\.[0-9]{1,2}0*)"  # also 5. and .5
AMOUNT_DECIMALS = r"[+-]?[0-9]*\.[0-9]*"
SCIENTIFIC = r"[+-]?[0-9.]+[eE][+-]?[0-9]+"
DIGIT_SEPARATOR = r"[+-]?[0-9]+(_[0-9]+)+(\.[0-9]*)?"
AMOUNT_TYPE = "decimal(18, 2)"


def _cases(prefix: str, shown: str, cases: list[tuple[str, str]]) -> str:
    """``case when <test> then <prefix> || <value> || '<words>' ... end``."""
    whens = " ".join(
        f"when {test} then {prefix} || {shown} || {sql_str(words)}" for test, words in cases
    )
    return f"case {whens} end"


def timestamp_checks(prefix: str, raw: str) -> tuple[str, str]:
    """(typed UTC timestamp, error or null) for the text expression ``raw``.

    ``prefix``: the message's start as a SQL literal (``'submitted_at: '``).
    The error's cases are in order: the first that holds names the value's class.
    """
    shown = f"'''' || {raw} || ''''"
    cast = f"timezone('UTC', try_cast({raw} as timestamptz))"
    typed = f"case when regexp_full_match({raw}, {sql_str(ISO_TIMESTAMP)}) then {cast} end"
    beyond = f"regexp_matches({raw}, {sql_str(OFFSET_BEYOND)})"
    keywords = ", ".join(f"{sql_str(k)}" for k in TIME_KEYWORDS)
    first = min_year()
    low, high = f"timestamp '{first:04d}-01-01'", "timestamp '10000-01-01'"
    real = f"year({typed}) between {first} and 9999 and not {beyond}"
    error = _cases(
        prefix,
        shown,
        [
            (f"lower({raw}) in ({keywords})", " is a keyword, not a real time"),
            (f"regexp_matches({raw}, {sql_str(BC_YEAR)})", " is a BC year, not a real time"),
            (
                f"regexp_full_match({raw}, {sql_str(TWO_DIGIT_YEAR)})",
                " has a two-digit year, which is ambiguous: write the year in four digits",
            ),
            (f"{raw} is not null and {typed} is null", " is not an ISO-8601 timestamp"),
            (beyond, " has a UTC offset beyond +/-14:00"),
            (f"{typed} < {low}", f" is before the year {first} (LOYALTY_MIN_YEAR)"),
            (f"{typed} >= {high}", " is after the year 9999"),
        ],
    )
    # a real time (most rows) is told by the cast, the range and one regex; others are classified
    return typed, f"case when {raw} is null or ({real}) then null else {error} end"


def amount_checks(prefix: str, raw: str) -> tuple[str, str]:
    """(typed exact amount, error or null) for ``raw``; ``prefix`` as in timestamp_checks."""
    shown = f"'''' || {raw} || ''''"
    exact = f"regexp_full_match({raw}, {sql_str(AMOUNT)})"
    typed = f"case when {exact} then cast({raw} as {AMOUNT_TYPE}) end"
    error = _cases(
        prefix,
        shown,
        [
            (
                f"regexp_full_match({raw}, {sql_str(SCIENTIFIC)})",
                " is in scientific notation: write the amount in full",
            ),
            (
                f"regexp_full_match({raw}, {sql_str(DIGIT_SEPARATOR)})",
                " has a digit separator: write plain digits",
            ),
            (
                f"regexp_full_match({raw}, {sql_str(AMOUNT_DECIMALS)}) and not regexp_full_match("
                f"{raw}, '[+-]?[0-9]*\\.[0-9]{{0,2}}0*')",
                " has more than 2 decimals: amounts are in cents and are not rounded",
            ),
            (
                f"regexp_full_match({raw}, '[+-]?[0-9]+(\\.[0-9]*)?')",
                " is out of range: at most 16 digits before the decimal point",
            ),
            ("true", " is not a number"),
        ],
    )
    return typed, f"case when {raw} is not null and {typed} is null then {error} end"


# Dutch Excel (formats/dutch_csv.py): day-first dates with a four-digit year, decimal commas
DUTCH_DATE = r"[0-9]{1,2}[-/][0-9]{1,2}[-/][0-9]{4}( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?"
DUTCH_DATE_FORMATS = [
    f"%d{sep}%m{sep}%Y{time}" for sep in ("-", "/") for time in (" %H:%M:%S", " %H:%M", "")
]
COMMA_DECIMAL = r"[+-]?([1-9][0-9]{0,2}(\.[0-9]{3})+|[0-9]+),[0-9]+"  # 12,50  1.234,50
THOUSANDS = r"[+-]?[1-9][0-9]{0,2}(\.[0-9]{3}){2,}"  # 1.234.567: only thousands dots
ONE_GROUP = r"[+-]?[1-9][0-9]{0,2}\.[0-9]{3}"  # 1.234 or 12.345: thousands or decimals?


def dutch_timestamp(value: str, formats_sql: str) -> str:
    """A Dutch day-first date as ISO-8601 text; anything else (``31-12-24``) unchanged."""
    return (
        f"case when regexp_full_match({value}, {sql_str(DUTCH_DATE)})"
        f" then strftime(try_strptime({value}, {formats_sql}), '%Y-%m-%dT%H:%M:%S') end"
    )


def dutch_amount(name: str, value: str, comma_file: bool) -> tuple[str, str]:
    """(amount as canonical text or null when unchanged, ambiguity error or null).

    A dot is a thousands separator when a comma follows it (``1.234,50``), when there are
    several dot groups (``1.234.567``), or when the value is one 3-digit group (``1.234``) in
    a file whose amounts use decimal commas. A single 3-digit dot group in a file without
    decimal commas is ambiguous (1234 or 1.234?) and quarantined. Any other dot is a decimal
    point (``12.50``, ``0.125``), typed by the loader's rules.
    """
    plain = f"replace(replace({value}, '.', ''), ',', '.')"
    converted = (
        f"case when regexp_full_match({value}, {sql_str(COMMA_DECIMAL)})"
        f" or regexp_full_match({value}, {sql_str(THOUSANDS)})"
        + (f" or regexp_full_match({value}, {sql_str(ONE_GROUP)})" if comma_file else "")
        + f" then {plain} end"
    )
    shown = f"{sql_str(name + ': ')} || '''' || {value} || ''''"
    cents = f"regexp_full_match({value}, '.*,[0-9]{{0,2}}0*')"
    error = (
        f"case when regexp_full_match({value}, {sql_str(COMMA_DECIMAL)}) and not {cents}"
        f" then {shown} || ' has more than 2 decimals: amounts are in cents and are not rounded'"
    )
    if not comma_file:
        error += (
            f" when regexp_full_match({value}, {sql_str(ONE_GROUP)})"
            f" then {shown} || ' is ambiguous in a"
            " Dutch file without decimal commas (thousands or decimals): write '"
            f" || replace({value}, '.', '') || ' or ' || replace({value}, '.', ',')"
        )
    return converted, error + " end"
