"""Property test of the loader: any CSV, valid or not, is loaded or refused cleanly.

Hypothesis draws a pool of records (each column a random mix of valid values, out-of-range and
non-numeric scores, unicode, embedded commas, quotes and line breaks) and a file layout (line
ending, quoting, a few broken records); the file repeats pool records to 200-400 rows, so 50
files give over 10,000 rows. Whatever comes in, the loader either raises IngestError or lands
the file with rows read = accepted + quarantined and only in-range scores accepted. Timestamps
include hostile values (tests/hostile_values.py: keywords, extreme years, offsets, BC and
two-digit years); only real times land, checked against Python's own reading of each value.
"""

from __future__ import annotations

import json
import random
import re
import tempfile
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb
from hostile_values import hostile_timestamps
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from orchestration.config import min_year
from orchestration.ingest.aliases import personal_kind
from orchestration.ingest.contract import ENTITIES, Column
from orchestration.ingest.header import IngestError
from orchestration.ingest.landing import Landing
from orchestration.ingest.loader import load_file
from orchestration.ingest.names import is_internal

SURVEY = ENTITIES["survey_responses"]
ROWS_PER_FILE = (200, 400)
MAX_EXAMPLES = 50  # 50 files x at least 200 rows = at least 10,000 rows

tricky_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=30,
)
junk = st.sampled_from(
    ["", " ", "abc", "7.5", "1e3", "-", "NULL", '"', ",", "\n", "é", "👍🏽", "٣", "\r", "a\rb"]
)


def column_values(column: Column) -> st.SearchStrategy[str]:
    """Valid and invalid raw values for one contract column."""
    if column.kind == "integer":
        valid = st.integers(column.min_value, column.max_value).map(str)
        wrong = st.integers(-(10**12), 10**12).map(str)
    elif column.kind == "timestamp":
        valid = st.sampled_from(
            [
                "2025-01-10T10:00:00",
                "2025-03-01 00:30:00",
                "2025-02-28T22:00:00-05:00",
                "2024-12-31",
            ]
        )
        wrong = st.one_of(
            st.sampled_from(["2025-13-01", "yesterday", "31/01/2025", "2999-01-01", "2025-02-30"]),
            hostile_timestamps,
        )
    elif column.allowed:
        valid = st.sampled_from([*column.allowed, *(v.upper() for v in column.allowed)])
        wrong = st.sampled_from(["fax", "NPS", "other"])
    else:
        valid = st.text(alphabet="ABCDEFGHIJ0123456789", min_size=1, max_size=8)
        wrong = tricky_text
    return st.one_of(valid, valid, wrong, junk)


record = st.tuples(*(column_values(c) for c in SURVEY.columns))
SUBMITTED = SURVEY.column_names.index("submitted_at")


def is_real_time(text: str) -> bool:
    """Python's reading, independent of the loader: a real time between min year and 9999."""
    text = text.strip(" \t")
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ].*)?", text):
        return False  # Python reads more than ISO's extended form; the loader need not
    try:
        value = datetime.fromisoformat(text)
        offset = value.utcoffset() or timedelta(0)
        utc = value.replace(tzinfo=None) - offset
    except (ValueError, OverflowError):
        return False
    return abs(offset) <= timedelta(hours=14) and min_year() <= utc.year <= 9999


def field(value: str, rng: random.Random, quote_all: bool) -> str:
    if quote_all or any(ch in value for ch in ',"\n') or rng.random() < 0.2:  # a CR need not be
        return '"' + value.replace('"', '""') + '"'
    return value


@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    pool=st.lists(record, min_size=1, max_size=20),
    seed=st.integers(0, 2**32 - 1),
    newline=st.sampled_from(["\n", "\r\n"]),
    quote_all=st.booleans(),
    broken=st.integers(0, 3),  # records with a field too many, too few or a stray quote
)
def test_loader_accounts_for_every_row(
    pool: list[tuple[str, ...]], seed: int, newline: str, quote_all: bool, broken: int
) -> None:
    rng = random.Random(seed)
    records = [rng.choice(pool) for _ in range(rng.randint(*ROWS_PER_FILE))]
    lines = [",".join(field(v, rng, quote_all) for v in r) for r in records]
    for _ in range(broken):
        i = rng.randrange(len(lines))
        lines[i] = rng.choice([lines[i] + ",surplus", lines[i].rsplit(",", 1)[0], '"' + lines[i]])
    body = ",".join(SURVEY.column_names) + newline + newline.join(lines) + newline
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "survey_responses_generated.csv"
        path.write_text(body, encoding="utf-8", newline="")
        landing = Landing(Path(tmp) / "landing")
        con = duckdb.connect()
        con.execute("set TimeZone = 'UTC'")
        landing.ensure_layout(con)
        try:
            result = load_file(con, path, SURVEY, landing, 1)
        except IngestError:
            return  # a clear file-level refusal is an allowed outcome
        assert result.rows_read == result.rows_accepted + result.rows_quarantined
        if broken == 0:
            # no broken records: every written line is one record (quoted breaks included)
            assert result.rows_read == len(lines)
        data = f"read_parquet('{landing.data_path(SURVEY, result.file_id)}')"
        quarantine = f"read_parquet('{landing.quarantine_path(SURVEY, result.file_id)}')"
        ranges = " or ".join(
            f"{c.name} not between {c.min_value} and {c.max_value}"
            for c in SURVEY.columns
            if c.kind == "integer"
        )
        counts = con.execute(
            f"select (select count(*) from {data}), (select count(*) from {quarantine}),"
            f" (select count(*) from {data} where {ranges} or response_id is null)"
        ).fetchone()
        assert counts == (result.rows_accepted, result.rows_quarantined, 0)
        # only real times land: finite, from LOYALTY_MIN_YEAR to 9999 (no infinity, no BC)
        first = datetime(min_year(), 1, 1)
        unreal = con.execute(
            f"select count(*) from {data} where not isfinite(submitted_at)"
            f" or submitted_at < ? or year(submitted_at) > 9999",
            [first],
        ).fetchone()
        assert unreal == (0,)
        if broken == 0:  # record n is line n: each landed one had a real time by Python's reading
            landed = con.execute(f"select _record from {data}").fetchall()
            assert all(is_real_time(records[n - 1][SUBMITTED]) for (n,) in landed)
        con.close()


ORDERS = ENTITIES["orders"]
hostile_name = st.one_of(
    st.sampled_from(
        [
            "x\" from (select 1); copy (select 42) to 'f.csv'; --",
            "a;b",
            "'",
            '"',
            "",
            " ",
            "_record",
            "_Source_Error",
            "_label_x",
            "_unnamed_2",
            "_x",
            "__",
            "naïve",
            "名前",
            "👍🏽",
            "a,b",
            "a\nb",
            "$.amount",
            "order_id",
        ]
    ),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
        max_size=12,
    ),
    st.text(alphabet="_;'\"é ", max_size=6),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(hostile_name, min_size=1, max_size=4), rows=st.integers(1, 30))
def test_hostile_header_names_are_refused_or_kept_as_data(names: list[str], rows: int) -> None:
    """Extra columns with any name: the file is refused with one sentence naming it, or every
    row is accounted for and each name is a key of ``_extra`` exactly as written."""
    # personal columns (e-mail, name, phone...) are pseudonymised or dropped: tests/test_personal_data.py
    assume(not any(personal_kind(n) for n in names))
    header = [*ORDERS.required_columns, *names]
    quoted = ",".join('"' + n.replace('"', '""') + '"' for n in header)
    record = ",".join(["O1", "C1", "2025-01-01T10:00:00", "1.00", *("v" for _ in names)])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders_generated.csv"
        path.write_text(quoted + "\n" + (record + "\n") * rows, encoding="utf-8", newline="")
        landing = Landing(Path(tmp) / "landing")
        con = duckdb.connect()
        landing.ensure_layout(con)
        normal = [n.strip().lower() for n in header]
        expected = [n or f"_unnamed_{i}" for i, n in enumerate(normal, start=1)][4:]
        try:
            result = load_file(con, path, ORDERS, landing, 1)
        except IngestError as error:
            message = str(error)
            assert message.startswith(f"{path.name}: ")
            reserved = [n for n in normal if is_internal(n)]
            if reserved:
                assert f"the column {reserved[0]!r} has a name the ingest uses itself" in message
            else:
                assert re.search(r"repeats (a|the) column name", message)  # equal once normalised
                assert len(set(expected + normal[:4])) < len(header)
            return
        assert not any(is_internal(n) for n in normal)
        assert result.rows_read == result.rows_accepted + result.rows_quarantined == rows
        assert result.extra_columns == tuple(expected)
        (extra,) = con.execute(
            "select distinct _extra from read_parquet(?)",
            [str(landing.data_path(ORDERS, result.file_id))],
        ).fetchone()
        assert json.loads(extra) == dict.fromkeys(expected, "v")


real_looking = st.sampled_from(
    ["2025-01-10T10:00:00", "2024-12-31", "1900-01-01", "9999-12-31", "2025-02-28 22:00:00Z"]
)


@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(times=st.lists(st.one_of(real_looking, hostile_timestamps), min_size=1, max_size=60))
def test_only_real_times_land(times: list[str]) -> None:
    """Otherwise valid orders with hostile times: exactly those Python reads as real land."""
    lines = [f"O{i},C001,{t},12.50" for i, t in enumerate(times, 1)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders_generated.csv"
        path.write_text("order_id,customer_id,ordered_at,amount\n" + "\n".join(lines) + "\n")
        landing = Landing(Path(tmp) / "landing")
        con = duckdb.connect()
        con.execute("set TimeZone = 'UTC'")
        landing.ensure_layout(con)
        result = load_file(con, path, ORDERS, landing, 1)
        assert (result.rows_read, result.rows_accepted + result.rows_quarantined) == (
            len(times),
            len(times),
        )
        landed = con.execute(
            f"select _record, ordered_at, isfinite(ordered_at)"
            f" from read_parquet('{landing.data_path(ORDERS, result.file_id)}') order by 1"
        ).fetchall()
        expected = [n for n, t in enumerate(times, 1) if is_real_time(t)]
        assert [n for n, _, _ in landed] == expected, [times[n - 1] for n, _, _ in landed]
        assert all(finite and min_year() <= at.year <= 9999 for _, at, finite in landed)
        con.close()


def exact_cents(text: str) -> Decimal | None:
    """Python's reading, independent of the loader: the amount if it is exact in cents."""
    text = text.strip(" \t")
    if any(c in text for c in "eE_") or not text:
        return None  # scientific notation and digit separators are refused, exact or not
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) >= 10**16 or value != value.quantize(Decimal("0.01")):
        return None
    return value


amount_text = st.one_of(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=2, max_value=10**17, min_value=-(10**17)
    ).map(str),
    st.decimals(
        allow_nan=False, allow_infinity=False, places=4, max_value=10**6, min_value=-(10**6)
    ).map(str),
    st.integers(-(10**18), 10**18).map(str),
    st.sampled_from(
        ["1e3", "1.5E+2", "1_000", "0.125", "12.500", ".5", "5.", "-.05", "NaN", "inf", "1,50", "."]
    ),
)


@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(amounts=st.lists(amount_text, min_size=1, max_size=60))
def test_only_exact_amounts_land(amounts: list[str]) -> None:
    """Otherwise valid orders: exactly the amounts exact in cents land, with their exact value."""
    lines = [f'O{i},C001,2025-01-10,"{a}"' for i, a in enumerate(amounts, 1)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders_generated.csv"
        path.write_text("order_id,customer_id,ordered_at,amount\n" + "\n".join(lines) + "\n")
        landing = Landing(Path(tmp) / "landing")
        con = duckdb.connect()
        landing.ensure_layout(con)
        result = load_file(con, path, ORDERS, landing, 1)
        assert result.rows_read == result.rows_accepted + result.rows_quarantined == len(amounts)
        landed = con.execute(
            f"select _record, amount from read_parquet('{landing.data_path(ORDERS, result.file_id)}')"
            " order by 1"
        ).fetchall()
        expected = [
            (n, exact_cents(a)) for n, a in enumerate(amounts, 1) if exact_cents(a) is not None
        ]
        assert landed == expected
        con.close()
