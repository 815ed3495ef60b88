"""Excel workbooks (``*.xlsx``) of any entity, read with openpyxl in read-only mode.

The sheet holding the export is read: a workbook with one sheet (of any name) is read; of a
workbook with several sheets, the one sheet that has a header row (the contract's required
column names, as in a CSV) in its first 10 rows; none or several such sheets is an error that
names the sheets and says what to do. Rows above the header (a title) are skipped; every
further non-empty row is a record. DuckDB's excel extension cannot be downloaded
here, so the cells are streamed row by row (openpyxl has no bulk reader) into a canonical CSV:

- a date or date-and-time cell becomes ISO-8601 text (``2025-12-31T14:30:00``), a whole number
  ``9`` (also when Excel stored it as ``9.0``), another number its shortest decimal text
  (``12.5``), TRUE/FALSE ``true``/``false``, text stays text (formulas give their saved value);
- a row with a formula that has no saved value (a workbook written by a program and never
  opened in Excel) is quarantined: "formula without a saved value: open and save the workbook
  in Excel" (formats/xlsx_formulas.py), rather than landing as an empty (skipped) answer;
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
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from orchestration.ingest.contract import Entity
from orchestration.ingest.formats.mapping import read_mapping
from orchestration.ingest.formats.preamble import SEARCH_ROWS, is_header
from orchestration.ingest.formats.xlsx_formulas import REASON, uncached_formulas
from orchestration.ingest.header import IngestError

SUFFIXES = (".xlsx",)
OWN_COLUMNS = ("_source_line", "_source_error")  # written by this converter


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


def _records(
    rows: Iterator[tuple[object, ...]], width: int, first: int, uncached: dict[int, list[str]]
) -> Iterator[list[str]]:
    for number, row in enumerate(rows, start=first):
        cells = [cell_text(v) for v in row]
        formulas = uncached.get(number)
        if not formulas and not any(c.strip() for c in cells):
            continue
        cells += [""] * (width - len(cells))
        overflow = [i for i, c in enumerate(cells[width:], start=width) if c.strip()]
        error = ""
        if formulas:
            error = f"{REASON} ({', '.join(formulas)})"
        elif overflow:
            letter = get_column_letter(overflow[0] + 1)
            error = f"malformed Excel row: a value in column {letter}, which has no header"
        yield [*cells[:width], str(number), error]


def _header_row(sheet: ReadOnlyWorksheet, entity: Entity, renames: dict[str, str]) -> int | None:
    """The Excel row number of the sheet's header among its first rows, if it has one."""
    rows = sheet.iter_rows(max_row=SEARCH_ROWS, values_only=True)
    for number, row in enumerate(rows, start=1):
        if is_header((cell_text(v) for v in row), entity, renames):
            return number
    return None


def _sheet(
    path: Path, workbook: openpyxl.Workbook, entity: Entity, renames: dict[str, str]
) -> tuple[ReadOnlyWorksheet, int]:
    """The sheet that holds the export and its header's row number."""
    sheets = workbook.worksheets
    found = [(s, _header_row(s, entity, renames)) for s in sheets]
    if len(sheets) == 1:
        return sheets[0], found[0][1] or 1
    with_header = [(s, row) for s, row in found if row is not None]
    if len(with_header) == 1:
        return with_header[0]
    names = ", ".join(repr(s.title) for s in sheets)
    columns = ", ".join(entity.required_columns)
    if not with_header:
        raise IngestError(
            f"{path.name}: none of its sheets ({names}) has a header row with {columns} in its "
            f"first {SEARCH_ROWS} rows; put the export on one sheet with that header"
        )
    both = ", ".join(repr(s.title) for s, _ in with_header)
    raise IngestError(
        f"{path.name}: the sheets {both} each have a header row with {columns}; deliver one "
        "sheet per file (delete the other sheets or save each as its own workbook)"
    )


def to_canonical(con: duckdb.DuckDBPyConnection, path: Path, entity: Entity, target: Path) -> None:
    renames = read_mapping(path.parent).renames_of(entity.name)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise IngestError(_unreadable(path, exc)) from exc
    try:
        sheet, header_row = _sheet(path, workbook, entity, renames)
        uncached = uncached_formulas(path, sheet._worksheet_path)
        rows = sheet.iter_rows(min_row=header_row, values_only=True)
        first = next(rows, None)
        header = _header(tuple(cell_text(v) for v in first or ()))
        if not header:
            raise IngestError(
                f"{path.name}: the sheet {sheet.title!r} is empty; expected a header row with "
                f"{', '.join(entity.column_names)}"
            )
        with target.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
            writer.writerow([*header, *OWN_COLUMNS])
            writer.writerows(_records(rows, len(header), header_row + 1, uncached))
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
