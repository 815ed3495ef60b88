"""Lines above the header: title rows and Excel's ``sep=`` line.

Exports saved from a report or a spreadsheet often start with a title before the header::

    Klanttevredenheid januari 2025
    Gegenereerd op 2025-02-01

    response_id,customer_id,survey_type,...

and Excel writes (and reads) a first line ``sep=,`` or ``sep=;`` naming the separator. The
header is the first of the first ``SEARCH_ROWS`` records whose names (case and spaces ignored,
after the renames of ``column_mapping.csv``) include every required column of the entity; the
rows above it are skipped. A ``sep=`` line is read: ``,`` or ``;`` is used as the separator, any
other separator is refused with a message saying what to do. The loader is told how many lines
were skipped (``line_offset``), so quarantine lines still point at the line of the user's file.
A file whose header is not found is left as it is: the loader then says which columns are missing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingest.contract import Entity
from orchestration.ingest.header import IngestError

SEARCH_ROWS = 10  # the header is looked for in this many records (and Excel rows)
HEAD_BYTES = 64 * 1024
SEP_LINE = re.compile(r'"?sep=(.)"?[,;\t]*', re.IGNORECASE)
DELIMITERS = {",": "comma", ";": "semicolon"}


def is_header(names: Iterable[object], entity: Entity, renames: dict[str, str]) -> bool:
    """Do these cells name every required column of the entity (after the renames)?"""
    found = set()
    for name in names:
        text = "" if name is None else str(name).strip().lower()
        found.add(renames.get(text, text))
    return set(entity.required_columns) <= found


@dataclass(frozen=True)
class Preamble:
    lines: int  # physical lines above the header (0: the header is the first line)
    skip_bytes: int  # their length in bytes, including a BOM


def _head_text(path: Path) -> tuple[bytes, str]:
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    try:
        return head, head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut at the end of the head
            return head, head[: exc.start].decode("utf-8-sig")
        return head, head.decode("cp1252", errors="replace")


def _sep_line(path: Path, first: str) -> str | None:
    """The separator a ``sep=`` first line names; a clear error for one that is not read."""
    match = SEP_LINE.fullmatch(first.strip(" \r\n"))
    if match is None:
        return None
    delimiter = match.group(1)
    if delimiter not in DELIMITERS:
        shown = "a tab" if delimiter == "\t" else repr(delimiter)
        raise IngestError(
            f"{path.name}: the first line 'sep=' asks for {shown} as the separator, which the "
            "ingest does not read; save the export as CSV UTF-8 (comma-separated) or with ';'"
        )
    return delimiter


def _header_record(
    text: io.StringIO, delimiter: str, entity: Entity, renames: dict[str, str]
) -> int | None:
    """The physical lines before the header among the first records, if it is there."""
    reader = csv.reader(text, delimiter=delimiter)
    before = 0
    try:
        for _, record in zip(range(SEARCH_ROWS), reader, strict=False):
            if is_header(record, entity, renames):
                return before
            before = reader.line_num
    except csv.Error:  # a title with a stray quote: not this delimiter's header
        return None
    return None


def find_preamble(path: Path, entity: Entity, renames: dict[str, str]) -> Preamble | None:
    """The lines above the header of a CSV; None when the header is the first line (or is not
    found in the first records: the loader then says which columns are missing)."""
    head, text = _head_text(path)
    if b"\x00" in head or not text.strip():
        return None
    lines = io.StringIO(text, newline="").readlines()  # only CR, LF, CR LF end a line
    delimiter = _sep_line(path, lines[0])
    skipped = 1 if delimiter else 0
    found = None
    for candidate in (delimiter,) if delimiter else (",", ";"):
        found = _header_record(
            io.StringIO("".join(lines[skipped:]), newline=""), candidate, entity, renames
        )
        if found is not None:
            break
    skipped += found or 0
    if skipped == 0:
        return None
    return Preamble(skipped, sum(len(line) for line in head.splitlines(keepends=True)[:skipped]))


def strip_preamble(path: Path, preamble: Preamble, target: Path) -> None:
    """Copy the file from its header line on (the inbox file is never changed)."""
    with path.open("rb") as src, target.open("wb") as out:
        src.seek(preamble.skip_bytes)
        while chunk := src.read(1 << 20):
            out.write(chunk)
