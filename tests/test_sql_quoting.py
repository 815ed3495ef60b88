"""Identifiers and values from a file reach SQL only through orchestration.sql.

A guard reads the source of orchestration/ and bench/: an f-string may not wrap an
interpolated value in quotes (``"{name}"`` or ``'{value}'``), the pattern that pasted a
header name into SQL; names go through ``sql_ident``, values through ``sql_str`` or a bound
parameter. A behavioural test feeds a header that closes the quote and runs a COPY.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import duckdb
import pytest

from orchestration.config import PROJECT_ROOT
from orchestration.ingest.contract import ENTITIES
from orchestration.ingest.run import ingest_entity
from orchestration.sql import fill_paths, sql_ident, sql_str

SCANNED = ("orchestration", "bench")
# modules that write HTML/SVG, not SQL: their quoted attributes are escaped with html.escape
NOT_SQL = {"orchestration/serve/report/page.py", "orchestration/serve/report/svg.py"}
HEADER = "x\" from (select 1); copy (select 42) to 'f.csv'; --"
SQL_WORDS = re.compile(
    r"\b(select|from|copy|create|insert|attach|read_csv|read_parquet|case|when|then|cast"
    r"|coalesce|json_\w+)\b",
    re.IGNORECASE,
)


def _quote_state(text: str, state: str | None) -> str | None:
    """The open quote (' of a literal, " of an identifier) after ``text``, or None."""
    for char in text:
        if state is None and char in "'\"":
            state = char
        elif char == state:
            state = None  # a doubled quote closes and reopens: the same state after both
    return state


def values_inside_literals(source: str) -> list[tuple[int, str]]:
    """(line, value) of every f-string value that lands inside a SQL literal or quoted
    identifier (``'{day}T08:00'``), in f-strings that read as SQL."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.JoinedStr):
            continue
        text = "".join(str(v.value) if isinstance(v, ast.Constant) else "?" for v in node.values)
        if not SQL_WORDS.search(text):
            continue
        state = None
        for part in node.values:
            if isinstance(part, ast.Constant):
                state = _quote_state(str(part.value), state)
            elif state is not None:
                found.append((node.lineno, f"{state}...{{{ast.unparse(part.value)}}}"))
    return found


def quoted_interpolations(source: str) -> list[tuple[int, str]]:
    """(line, text) of every f-string value that sits between two quotes of the same kind."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.JoinedStr):
            continue
        parts = node.values
        for i, part in enumerate(parts):
            if not isinstance(part, ast.FormattedValue):
                continue
            before = parts[i - 1] if i > 0 else None
            after = parts[i + 1] if i + 1 < len(parts) else None
            for quote in "\"'":
                if (
                    isinstance(before, ast.Constant)
                    and isinstance(after, ast.Constant)
                    and str(before.value).endswith(quote)
                    and str(after.value).startswith(quote)
                ):
                    found.append((node.lineno, f"{quote}{{{ast.unparse(part.value)}}}{quote}"))
    return found


def test_the_guard_finds_the_old_pattern() -> None:
    old = '''sql = f'json_object({sql_str(c)}, "{c}")'\nmsg = f"x = '{v}' and y"'''
    assert quoted_interpolations(old) == [(1, '"{c}"'), (2, "'{v}'")]
    assert quoted_interpolations('f"a.{sql_ident(c)} = {sql_str(v)}"') == []
    inside = """f"select 'RD{tag}' || x, '{day}T08:00' as t, '\\"' || {ok} from a" """
    assert values_inside_literals(inside) == [(1, "'...{tag}"), (1, "'...{day}")]
    assert values_inside_literals("""f"the value '{v}' is not a number" """) == []


def test_no_f_string_pastes_a_name_or_value_in_quotes() -> None:
    offenders = []
    for folder in SCANNED:
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            relative = path.relative_to(PROJECT_ROOT).as_posix()
            if relative in NOT_SQL:
                continue
            source = path.read_text(encoding="utf-8")
            for line, text in quoted_interpolations(source) + values_inside_literals(source):
                offenders.append(f"{relative}:{line}: {text}")
    assert offenders == [], "use sql_ident / sql_str (orchestration/sql.py) or a parameter"


@pytest.mark.parametrize("name", ["plain", 'say "hi"', HEADER, "naïve", "a,b", "  ", "'"])
def test_sql_ident_makes_a_column_of_exactly_that_name(name: str) -> None:
    con = duckdb.connect()
    con.execute(f"create table t as select 1 as {sql_ident(name)}, {sql_str(name)} as v")
    assert con.execute(f"select {sql_ident(name)}, v from t").fetchall() == [(1, name)]
    assert [c[0] for c in con.description] == [name, "v"]


def test_sql_ident_refuses_what_no_engine_takes() -> None:
    for bad in ("", "a\x00b"):
        with pytest.raises(ValueError, match="identifier cannot"):
            sql_ident(bad)


def test_fill_paths_keeps_a_quote_in_a_folder_name(tmp_path: Path) -> None:
    folder = tmp_path / "it's here"
    folder.mkdir()
    (folder / "a.csv").write_text("x\n1\n")
    sql = fill_paths("select x from read_csv('${ROOT}/a.csv')", ROOT=folder)
    assert duckdb.connect().execute(sql).fetchall() == [(1,)]


def test_an_injected_header_runs_nothing_and_is_kept_as_data(tmp_path, monkeypatch) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    header = 'order_id,customer_id,ordered_at,amount,"' + HEADER.replace('"', '""') + '"'
    (inbox / "orders_1.csv").write_text(header + "\nO1,C1,2025-01-01T10:00:00,1.00,v\n")
    monkeypatch.chdir(tmp_path)
    report = ingest_entity(inbox, tmp_path / "landing", ENTITIES["orders"])
    assert report.failed == []
    assert [(r.rows_read, r.rows_accepted, r.rows_quarantined) for r in report.loaded] == [
        (1, 1, 0)
    ]
    assert list(tmp_path.rglob("f.csv")) == [] and not (PROJECT_ROOT / "f.csv").exists()
    (extra,) = duckdb.execute(
        "select _extra from read_parquet(?)", [str(tmp_path / "landing/orders/*.parquet")]
    ).fetchone()
    assert json.loads(extra) == {HEADER: "v"}
