"""Dutch Excel habits: ``;`` delimiter, decimal comma, day-first dates, BOM, cp1252 bytes.

Excel with Dutch regional settings saves "CSV" like this::

    order_id;customer_id;ordered_at;amount
    O1;C001;31-12-2025 14:30;12,50

A file has this shape when its header line holds ``;`` and, split on ``;``, names the
entity's required columns (a comma-separated header that does is canonical). The encoding is
taken per file: valid UTF-8 (a BOM is fine), or else Windows-1252 (latin-1 plus the euro sign
and curly quotes). Values are converted in DuckDB SQL:

- decimal columns: ``12,50`` -> ``12.50`` and ``1.234,50`` -> ``1234.50``; a value with a dot
  and no comma is taken as written (``12.50``) unless it has thousands groups (``1.234``);
- timestamp columns: ``31-12-2025``, ``31-12-2025 14:30``, ``31-12-2025 14:30:00`` (also with
  ``/``) -> ISO-8601; an ISO value is left as it is;
- anything else unchanged: a value that does not convert reaches the loader as delivered and is
  quarantined there with the usual reason.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import duckdb

from orchestration.ingest.bare_cr import masked, unmask, unmasked_columns
from orchestration.ingest.contract import Entity
from orchestration.ingest.formats.canonical import csv_field, is_utf8, write_lines
from orchestration.ingest.header import IngestError, repeated_column
from orchestration.ingest.names import refuse_internal, unnamed
from orchestration.ingest.typed_values import (
    COMMA_DECIMAL,
    DUTCH_DATE_FORMATS,
    dutch_amount,
    dutch_timestamp,
)
from orchestration.sql import sql_ident, sql_str

OWN_COLUMNS = ("_source_error",)  # written by this converter when an amount is ambiguous


def _fallback_latin1(error: UnicodeDecodeError) -> tuple[str, int]:
    """The five bytes Windows-1252 leaves undefined read as latin-1."""
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("cp1252_latin1", _fallback_latin1)


def _first_line(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    if b"\x00" in head:
        return ""
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = head.decode("cp1252", errors="cp1252_latin1")
    return text.splitlines()[0] if text.strip() else ""


def _header(line: str, delimiter: str) -> list[str]:
    fields = next(csv.reader(io.StringIO(line), delimiter=delimiter), [])
    return [name.strip().lower() for name in fields]


def detect(path: Path, entity: Entity) -> bool:
    if path.suffix.lower() != ".csv":
        return False
    line = _first_line(path)
    if ";" not in line:
        return False
    required = set(entity.required_columns)
    if required <= set(_header(line, ",")):
        return False
    return required <= set(_header(line, ";"))


def _transcode(path: Path, target: Path) -> None:
    """Windows-1252 bytes to a UTF-8 copy, streamed."""
    with (
        path.open(encoding="cp1252", errors="cp1252_latin1", newline="") as src,
        target.open("w", encoding="utf-8", newline="") as out,
    ):
        while chunk := src.read(1 << 20):
            out.write(chunk)


def _convert(column: str, kind: str, comma_file: bool) -> tuple[str, str]:
    """(canonical value, error or null) for one column: the rules of typed_values.py."""
    value = f"trim({sql_ident(column)})"
    if kind == "decimal":
        converted, error = dutch_amount(column, value, comma_file)
        return f"coalesce({converted}, {sql_ident(column)})", error
    if kind == "timestamp":
        formats = "[" + ", ".join(sql_str(f) for f in DUTCH_DATE_FORMATS) + "]"
        return f"coalesce({dutch_timestamp(value, formats)}, {sql_ident(column)})", "null"
    return sql_ident(column), "null"


def _comma_file(con: duckdb.DuckDBPyConnection, decimals: list[str]) -> bool:
    """Does an amount of the file have a decimal comma (``12,50``)?"""
    if not decimals:
        return False
    tests = " or ".join(
        f"regexp_full_match(trim({sql_ident(c)}), {sql_str(COMMA_DECIMAL)})" for c in decimals
    )
    return bool(con.execute(f"select bool_or({tests}) from dutch").fetchone()[0])


def to_canonical(con: duckdb.DuckDBPyConnection, path: Path, entity: Entity, target: Path) -> None:
    source = path
    if not is_utf8(path):
        source = target.with_name(target.name + ".utf8")
        _transcode(path, source)
    header = _header(_first_line(source).lstrip("\ufeff"), ";")
    refuse_internal(path.name, header)
    header = [n or unnamed(i) for i, n in enumerate(header, start=1)]
    if len(set(header)) != len(header):
        raise IngestError(f"{path.name}: the header repeats {repeated_column(header, entity)}")
    kinds = {c.name: c.kind for c in entity.columns}
    columns = "{" + ", ".join(f"{sql_str(c)}: 'varchar'" for c in header) + "}"
    con.execute("drop table if exists reject_errors; drop table if exists reject_scans")
    parsed, mark = masked(source, target.parent / "bare_cr")  # a CR without LF is data
    con.execute(
        f"""create or replace temp table dutch as
        select row_number() over () as _record, {unmasked_columns(header, mark)}
        from read_csv({sql_str(parsed)}, header = true, auto_detect = false, columns = {columns},
                      delim = ';', quote = '"', escape = '"', encoding = 'utf-8',
                      strict_mode = true, store_rejects = true)"""
    )
    line = csv_field(unmask("trim(csv_line, chr(13) || chr(10))", mark))
    comma_file = _comma_file(con, [c for c in header if kinds.get(c) == "decimal"])
    converted = [_convert(c, kinds.get(c, "text"), comma_file) for c in header]
    fields = " || ',' || ".join(csv_field(value) for value, _ in converted)
    error = f"nullif(concat_ws('; ', {', '.join(e for _, e in converted)}), '')"
    if con.execute(f"select count({error}) from dutch").fetchone()[0]:
        # reasons that show the amount as the user wrote it; they replace the loader's
        fields += " || ',' || " + csv_field(error)
        header = [*header, *OWN_COLUMNS]
    lines = f"""
        with malformed as (
            select distinct on (line) line, csv_line from reject_errors order by line
        ),
        placed as (
            select line - row_number() over (order by line) - 1 as records_before, line, csv_line
            from malformed
        ),
        records as (
            select _record as k, 0 as after, 0 as at_line, {fields} as line from dutch
            union all
            select records_before, 1, line, {line} from placed
        )
        select line from records order by k, after, at_line"""
    write_lines(con, header, lines, target)
    con.execute("drop table dutch")
