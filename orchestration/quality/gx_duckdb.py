"""Make Great Expectations' SQL execution engine work on DuckDB (through duckdb_engine).

The bug (GX 1.24.1, duckdb_engine 0.17, SQLAlchemy 2.x): ``SqlAlchemyExecutionEngine.
execute_query`` runs a query inside ``with engine.connect() as connection:`` and returns
the *unread* ``CursorResult`` after the block has closed the connection. Closing (or
returning it to the pool) issues a ROLLBACK, and duckdb_engine's cursor is the DuckDB
connection itself, so that ROLLBACK replaces DuckDB's pending result: the caller then
fetches nothing. Every bundled metric fails with ``IndexError: list index out of range``
in ``resolve_metric_bundle`` (or a metric silently comes back empty). Upstream:

* great_expectations #11579 "resolve_metric_bundle raises IndexError with duckdb-engine
  (empty results)"; the linked PR #11635 only turns the IndexError into a clearer error;
* duckdb_engine #1087 (the driver side: an unread result does not survive the
  connection's ROLLBACK).

Reproduced here: without this patch every expectation on a DuckDB table reports
``MetricResolutionError: list index out of range``.

The fix: for DuckDB engines only, read the rows *before* the connection closes and return
a buffered result (``CursorResult.freeze()``, replayed as a ``Result`` that supports the
``fetchall/fetchmany/fetchone/scalar/first`` calls GX makes). Every query GX sends with
``result_format`` SUMMARY is an aggregate or is limited to ``partial_unexpected_count``
rows, so buffering never pulls a table into memory.

``install()`` applies this once per process (idempotent; ``orchestration.quality.suites``
calls it before every validation) and leaves every other dialect on GX's own code path.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from great_expectations.execution_engine.sqlalchemy_execution_engine import (
    SqlAlchemyExecutionEngine,
)
from sqlalchemy.pool import StaticPool

_MARK = "_loyalty_duckdb_buffered"
DUCKDB_DIALECT = "duckdb"

# The pool of a GX DuckDB datasource: one connection per engine, reused by every metric query
# of a validation and closed by ``engine.dispose()`` when the validation ends (the caller must
# dispose, in a ``finally``: an open read-only connection keeps dbt from writing the file).
# Opening the file again for each query (NullPool) cost a third of the GX stage's CPU at 1 M
# answers (66 s -> 42 s for the 22 suites).
POOL_CLASS = StaticPool


def _buffered(result: Any) -> Any:
    """All rows of a result, read now; results without rows (DDL) pass through."""
    if getattr(result, "returns_rows", False):
        return result.freeze()()
    return result


def _is_duckdb(engine: SqlAlchemyExecutionEngine) -> bool:
    return engine.engine.dialect.name.lower() == DUCKDB_DIALECT


def _patch_execute_query(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def execute_query(self: SqlAlchemyExecutionEngine, query: Any) -> Any:
        if not _is_duckdb(self):
            return original(self, query)
        with self.get_connection() as connection:
            return _buffered(self._execute_query_with_recovery(connection, query))

    setattr(execute_query, _MARK, True)
    return execute_query


def _patch_execute_query_in_transaction(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def execute_query_in_transaction(self: SqlAlchemyExecutionEngine, query: Any) -> Any:
        if not _is_duckdb(self):
            return original(self, query)
        with self.get_connection() as connection:
            result = _buffered(self._execute_query_with_recovery(connection, query))
            if connection.in_transaction():
                connection.commit()
            return result

    setattr(execute_query_in_transaction, _MARK, True)
    return execute_query_in_transaction


def is_installed() -> bool:
    """Whether ``install()`` has patched the execution engine in this process."""
    return getattr(SqlAlchemyExecutionEngine.execute_query, _MARK, False)


def install() -> None:
    """Patch ``SqlAlchemyExecutionEngine`` once so DuckDB results are read before the
    connection closes (see the module docstring). Idempotent; other dialects unaffected."""
    if is_installed():
        return
    engine_cls: Any = SqlAlchemyExecutionEngine
    engine_cls.execute_query = _patch_execute_query(engine_cls.execute_query)
    engine_cls.execute_query_in_transaction = _patch_execute_query_in_transaction(
        engine_cls.execute_query_in_transaction
    )
