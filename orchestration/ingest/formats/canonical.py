"""Shared helpers for the shapes: write query results as a canonical CSV."""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

import duckdb


def csv_field(expr: str) -> str:
    """A SQL expression rendering a value as one always-quoted CSV field ('' for null)."""
    return f"""'"' || replace(coalesce(cast({expr} as varchar), ''), '"', '""') || '"'"""


def write_lines(
    con: duckdb.DuckDBPyConnection, header: list[str], lines_sql: str, target: Path
) -> None:
    """Write the header and the ``line`` column of ``lines_sql`` (in its order) to ``target``.

    Each line is a complete CSV record built in SQL; a record the source parser rejected is
    written as a single quoted field, so the loader quarantines it as malformed at its line.
    """
    with target.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\n").writerow(header)  # a name may hold , or "
        cursor = con.execute(lines_sql)
        while batch := cursor.fetchmany(10_000):
            out.write("".join(line + "\n" for (line,) in batch))


def is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True
