"""The header row of a canonical CSV: its column names, or a clear error naming the file.

A message names the file, the line and the columns, never a value: when the first line is a
data record (a file without a header), its cells are a customer's e-mail address and name,
so only the contract's own column names found in it are repeated; other cells are counted.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from orchestration.ingest.contract import Entity
from orchestration.ingest.errors import IngestError
from orchestration.ingest.names import refuse_internal, unnamed, user_part

__all__ = ["IngestError", "read_header"]


def read_header(path: Path, entity: Entity, own: tuple[str, ...] = ()) -> list[str]:
    """The header row's column names; a clear error if there is none.

    ``own``: the columns a converter (formats/) appended to the export's; any other column
    with an internal name (names.py) is refused. An empty name becomes ``_unnamed_<pos>``.
    """
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    if not head.strip():
        raise IngestError(
            f"{path.name}: the file is empty; expected a CSV header row with "
            f"{', '.join(entity.column_names)}"
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text" and others
        raise IngestError(f"{path.name}: the file is UTF-16 text; save the export as CSV UTF-8")
    if b"\x00" in head:
        raise IngestError(f"{path.name}: the file contains NUL bytes; expected UTF-8 CSV text")
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if len(head) < 64 * 1024 or exc.start < len(head) - 4:
            raise IngestError(
                f"{path.name}: not UTF-8 text (byte {exc.start}); save the export as UTF-8 CSV"
            ) from exc
        text = head[: exc.start].decode("utf-8-sig")
    first_line = next(csv.reader(io.StringIO(text, newline="")), [])  # CR, LF or CRLF
    header = [name.strip().lower() for name in first_line]
    exported = user_part(header, own)
    refuse_internal(path.name, exported)
    header[: len(exported)] = [n or unnamed(i) for i, n in enumerate(exported, start=1)]
    if len(set(header)) != len(header):
        raise IngestError(f"{path.name}: the header repeats {repeated_column(header, entity)}")
    missing = [c for c in entity.required_columns if c not in header]
    if missing:
        raise IngestError(
            f"{path.name}: missing required column(s) {', '.join(missing)}; "
            + _delimiter_hint(header)
            + _described(header, entity)
            + f"; expected {', '.join(entity.column_names)}"
        )
    return header


def _delimiter_hint(header: list[str]) -> str:
    """A header read as one column that holds another delimiter: say so plainly."""
    if len(header) == 1:
        for name, delimiter in (("semicolon", ";"), ("tab", "\t"), ("pipe", "|")):
            if delimiter in header[0]:
                return f"expected comma-separated; the header looks {name}-separated; "
    return ""


def repeated_column(header: list[str], entity: Entity) -> str:
    """The repeated column: its name if it is a contract column, else its positions (line 1
    may be a record: its values are not repeated in a message)."""
    for name in header:
        if header.count(name) > 1:
            if name in entity.column_names:
                return f"the column name {name}"
            places = [str(i + 1) for i, n in enumerate(header) if n == name]
            return f"a column name (columns {' and '.join(places)} of line 1)"
    return "a column name"


def _described(header: list[str], entity: Entity) -> str:
    """Line 1 in words: the contract columns it names; the other cells only counted."""
    known = [n for n in header if n in entity.column_names]
    others = len(header) - len(known)
    if not known:
        return (
            f"line 1 has {len(header)} column(s) and none is a contract column (if line 1 is "
            "a record, add the header row above it)"
        )
    other = f" and {others} other column(s)" if others else ""
    return f"line 1 has the column(s) {', '.join(known)}{other}"
