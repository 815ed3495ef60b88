"""DuckDB's file lock in one line: which process holds it and what to do.

DuckDB allows one writing process per file, and a writer excludes every other process. When
it cannot lock a file its error names the holder ("Conflicting lock is held in
/usr/bin/python3 (PID 4242) by user ana"); this module turns that into one sentence instead
of the tracebacks of every step that tried.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb

LOCK_ERROR = "Could not set lock on file"
_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


class WarehouseLocked(Exception):
    """Another process holds the DuckDB file; the message names it."""


def lock_message(path: Path, error: str) -> str | None:
    """The one-line explanation of a DuckDB lock error, or None if it is not one."""
    if LOCK_ERROR not in error:
        return None
    match = _HOLDER.search(error)
    holder = f"process {match['pid']} ({match['program']})" if match else "another process"
    return (
        f"{path} is locked by {holder}: close that connection (a BI tool or notebook with the "
        "build file open, or another run) and retry; BI tools should open LOYALTY_WAREHOUSE."
    )


@contextlib.contextmanager
def connect_or_explain(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """duckdb.connect, with a lock conflict raised as WarehouseLocked (one line)."""
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as error:
        message = lock_message(path, str(error))
        if message is None:
            raise
        raise WarehouseLocked(message) from None
    try:
        yield con
    finally:
        con.close()


def ensure_unlocked(path: Path) -> None:
    """Raise WarehouseLocked if another process holds `path` (checked by a short open)."""
    if path.exists():
        with connect_or_explain(path):
            pass
