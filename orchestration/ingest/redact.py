"""Masking what the warehouse and the logs may show of a record.

An e-mail address found in a value (a comment, a column kept in ``_extra``, a quarantine
reason that quotes a value) is replaced by ``[e-mail]`` before anything is written. The raw
text of a record that could not be split into columns is withheld whole when the file holds
personal columns (its names and addresses cannot be told apart from the rest of the line),
and masked otherwise. Messages (IngestError, logs) name the file, line and column, never a
value; :func:`redact` is the last guard for text that may quote one (DuckDB's errors do).
"""

from __future__ import annotations

import re

from orchestration.sql import sql_str

EMAIL_MASK = "[e-mail]"
# local part @ domain with at least one dot; RE2 (DuckDB) and Python read it alike
_PART = r"""[^\s@,;:<>()\[\]{}"/\\]+"""  # no space, comma, double quote, bracket, ...
EMAIL_PATTERN = rf"{_PART}@{_PART}\.{_PART}"
EMAIL = re.compile(EMAIL_PATTERN)
WITHHELD = "(withheld: the record holds personal data)"


def _sql_pattern() -> str:
    return "'" + EMAIL_PATTERN.replace("'", "''") + "'"


def mask_sql(expr: str) -> str:
    """SQL: ``expr`` with every e-mail address in it replaced by [e-mail] (null stays null)."""
    return (
        f"case when contains({expr}, '@') then "
        f"regexp_replace({expr}, {_sql_pattern()}, {sql_str(EMAIL_MASK)}, 'g') else {expr} end"
    )


def holds_email_sql(expr: str) -> str:
    """SQL: true when ``expr`` holds an e-mail address."""
    return f"(contains({expr}, '@') and regexp_matches({expr}, {_sql_pattern()}))"


def raw_line_sql(expr: str, personal: bool) -> str:
    """SQL for the raw text of an unreadable record: withheld in a personal file, else masked."""
    if personal:
        return f"case when {expr} is not null then {sql_str(WITHHELD)} end"
    return mask_sql(expr)


def redact(text: str) -> str:
    """``text`` with every e-mail address replaced by [e-mail]."""
    return EMAIL.sub(EMAIL_MASK, text)
