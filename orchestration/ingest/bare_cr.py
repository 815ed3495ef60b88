"""A carriage return that ends no line (a CR without LF) is data, not a record break.

DuckDB's CSV reader (2.0) ends a record at every CR outside quotes, whatever ``new_line``
says; a CR inside quotes it keeps. So an unquoted bare CR in a value (a text answer typed on
an old Mac, or written by a CSV writer that quotes only for LF, such as Python's ``csv``
with ``lineterminator="\\n"``) either splits the record, so the rest of it is quarantined as
a malformed record and the response is counted twice, or, in strict mode, stops the whole
file ("the CSV Parser state machine reached an invalid state").

Exports end their lines with LF or CRLF. Before such a file is parsed, a streamed copy
replaces every bare CR by a placeholder that does not occur in the file (a Unicode
noncharacter), and the parsed values and raw lines get the CR back (``unmask``): the value
stored is the one in the file, CR included, and a bare CR does not count as a line. A CR
LF in a file whose lines end in LF is a line end too (DuckDB refuses the mix): it becomes
LF. A file whose first line ends in a bare CR (classic Mac line endings) is read as it is.
"""

from __future__ import annotations

import re
from pathlib import Path

from orchestration.sql import sql_ident

PLACEHOLDERS = tuple(chr(c) for c in range(0xFDD0, 0xFDF0))  # noncharacters: never text
_BARE_CR = re.compile(rb"\r(?!\n)")
_CR_THEN_BYTE = re.compile(rb"\r[^\n]")  # needs the next byte: never matches a chunk's end
_PLACEHOLDER = re.compile(rb"\xef\xb7[\x90-\xaf]")  # U+FDD0..U+FDEF in UTF-8
_LINE_END = re.compile(rb"\r\n?|\n")
CHUNK = 1 << 20


def plan(path: Path) -> tuple[str, bool] | None:
    """(placeholder, lines end in CRLF) if the file has a CR to rewrite, else None.

    The first line's ending says what ends a line: after LF or CRLF, a CR not followed by
    LF is data (and in an LF file a CR LF is rewritten to LF); after a bare CR, every CR
    ends a line (classic Mac line endings: read as they are).
    """
    any_cr, bare, used, tail, first_end = False, False, set(), b"", None
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            window = tail + chunk  # overlap by 2 bytes: a match across chunks is seen
            end = _LINE_END.search(window) if first_end is None else None
            if end and (end.group() != b"\r" or end.end() < len(window)):
                first_end = end.group()  # (a CR at the chunk's end: LF may follow)
            any_cr = any_cr or b"\r" in chunk
            bare = bare or _CR_THEN_BYTE.search(window) is not None
            used.update(_PLACEHOLDER.findall(window))
            tail = window[-2:]
    crlf = first_end == b"\r\n"
    if first_end in (None, b"\r") or not (bare if crlf else any_cr):
        return None
    free = [p for p in PLACEHOLDERS if p.encode() not in used]
    return (free[0], crlf) if free else None


def mask(path: Path, target: Path, placeholder: str, crlf: bool) -> Path:
    """Copy ``path`` to ``target`` with each bare CR replaced by ``placeholder``, streamed.

    In a file whose lines end in LF, a CR LF also ends a line: it becomes LF (DuckDB refuses
    mixed line endings), also in a quoted value, whose line break is then stored as LF.
    """
    mark = placeholder.encode()
    target.parent.mkdir(parents=True, exist_ok=True)
    with path.open("rb") as source, target.open("wb") as out:
        held = b""
        while chunk := source.read(CHUNK):
            data = held + chunk
            held = b"\r" if data.endswith(b"\r") else b""  # LF may start the next chunk
            data = data[: len(data) - len(held)]
            out.write(_BARE_CR.sub(mark, data if crlf else data.replace(b"\r\n", b"\n")))
        out.write(held if crlf else b"")  # a CR that ends the file ends its last line
    return target


def masked(path: Path, folder: Path) -> tuple[Path, str | None]:
    """The file to parse (``path``, or a masked copy in ``folder``) and its placeholder."""
    found = plan(path)
    if found is None:
        return path, None
    placeholder, crlf = found
    return mask(path, folder / path.name, placeholder, crlf), placeholder


def unmask(expr: str, placeholder: str | None) -> str:
    """SQL: ``expr`` with the placeholder turned back into the CR it stands for."""
    if placeholder is None:
        return expr
    return f"replace({expr}, chr({ord(placeholder)}), chr(13))"


def unmasked_columns(names: list[str], placeholder: str | None) -> str:
    """SQL select list: each column by its name, its CRs restored."""
    quoted = [sql_ident(n) for n in names]
    return ", ".join(f"{unmask(q, placeholder)} as {q}" for q in quoted)
