"""Excel workbooks (``*.xlsx``) of any entity, read with openpyxl in read-only mode.

The first sheet is read; its first row is the header (the contract's column names, as in a
CSV), every further non-empty row is a record. DuckDB's excel extension cannot be downloaded
here, so the cells are streamed row by row (openpyxl has no bulk reader) into a canonical CSV:

- a date or date-and-time cell becomes ISO-8601 text (``2025-12-31T14:30:00``), a whole number
  ``9`` (also when Excel stored it as ``9.0``), another number its shortest decimal text
  (``12.5``), TRUE/FALSE ``true``/``false``, text stays text (formulas give their cached value);
- an empty row is skipped and not counted (like a blank line in a CSV);
- a value in a column without a header is quarantined with its row;
- the quarantine's ``line`` is the Excel row number.

A file openpyxl cannot open (not a zip, not a workbook, a damaged sheet) fails with a message
naming the file; nothing of it is loaded.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import openpyxl
from openpyxl.utils import get_column_letter

from orchestration.ingest.contract import Entity
from orchestration.ingest.header import IngestError

SUFFIXES = (".xlsx",)
SOURCE = ["_source_line", "_source_error"]


def detect(path: Path, entity: Entity) -> bool:
    return path.suffix.lower() in SUFFIXES


def cell_text(value: object) -> str:
    """The canonical text of one cell value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep="T", timespec="seconds" if not value.microsecond else "auto")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _header(row: tuple[str, ...]) -> list[str]:
    """Header names; an empty header cell between named ones gets its column letter."""
    last = max((i for i, v in enumerate(row) if v.strip()), default=-1)
    return [
        v.strip() or f"column_{get_column_letter(i + 1)}" for i, v in enumerate(row[: last + 1])
    ]


def _records(rows: Iterator[tuple[object, ...]], width: int) -> Iterator[list[str]]:
    for number, row in enumerate(rows, start=2):
        cells = [cell_text(v) for v in row]
        if not any(c.strip() for c in cells):
            continue
        cells += [""] * (width - len(cells))
        overflow = [i for i, c in enumerate(cells[width:], start=width) if c.strip()]
        error = ""
        if overflow:
            letter = get_column_letter(overflow[0] + 1)
            error = f"malformed Excel row: a value in column {letter}, which has no header"
        yield [*cells[:width], str(number), error]


def to_canonical(con: duckdb.DuckDBPyConnection, path: Path, entity: Entity, target: Path) -> None:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise IngestError(_unreadable(path, exc)) from exc
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        first = next(rows, None)
        header = _header(tuple(cell_text(v) for v in first or ()))
        if not header:
            raise IngestError(
                f"{path.name}: the first sheet is empty; expected a header row with "
                f"{', '.join(entity.column_names)}"
            )
        with target.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
            writer.writerow([*header, *SOURCE])
            writer.writerows(_records(rows, len(header)))
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError(_unreadable(path, exc)) from exc
    finally:
        workbook.close()


def _unreadable(path: Path, exc: Exception) -> str:
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return (
        f"{path.name}: not a readable Excel workbook ({detail}); "
        "save the export as Excel Workbook (.xlsx) or as CSV UTF-8"
    )
