"""Read-only connections to the warehouse: the way everything but dbt opens it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import duckdb


class WarehouseMissing(Exception):
    """The warehouse file does not exist yet: run the pipeline first."""


@contextlib.contextmanager
def read_only(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only DuckDB connection, closed on exit so that dbt can write again."""
    if not warehouse.exists():
        raise WarehouseMissing(f"no warehouse at {warehouse}: run `make run` or `make demo` first")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        yield con
    finally:
        con.close()
