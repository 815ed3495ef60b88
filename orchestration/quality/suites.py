"""Great Expectations suites: load them from ``expectations/*.json`` and validate in SQL.

Each suite file is a GX 1.x ExpectationSuite (``name``, ``expectations``, ``meta``). Its
``meta.loyalty`` block says what the suite validates, so the mapping lives next to the
expectations::

    "meta": {"loyalty": {
        "source": "landing" | "warehouse",
        "asset_key": ["landing", "survey_responses"],      # the Dagster asset it checks
        "relation": "survey_responses",                    # landing entity, or schema.table
        "query": "select *, a + b as ab from {relation}"   # optional; default select *
    }}

A landing relation reads ``read_parquet('<landing>/<entity>/*.parquet', union_by_name=true)``
through an in-memory DuckDB; a warehouse relation is a table of the DuckDB file, opened
read-only (dbt is its only writer): the build warehouse LOYALTY_BUILD_WAREHOUSE, published
only once every suite has passed (orchestration/wap.py). Either way GX gets a query asset
and computes every metric in DuckDB: no table is pulled into pandas. Each engine keeps one
connection for the validation (``gx_duckdb.POOL_CLASS``), closed when the validation ends,
so dbt can write to the file again.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import great_expectations as gx
from great_expectations.data_context.types.base import ProgressBarsConfig

from orchestration.config import PROJECT_ROOT, Settings
from orchestration.locks import lock_message
from orchestration.quality import gx_duckdb
from orchestration.sql import sql_str

EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
RESULT_FORMAT = "SUMMARY"
SOURCES = ("landing", "warehouse")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SuiteSpec:
    """A suite file: its GX expectation configurations and the data it validates."""

    name: str
    source: str
    asset_key: tuple[str, ...]
    relation: str
    query: str
    expectations: tuple[dict[str, Any], ...]
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExpectationOutcome:
    label: str
    success: bool
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    element_count: int | None = None
    observed_value: Any = None
    partial_unexpected_list: tuple[Any, ...] = ()
    exception: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe summary (first 5 unexpected values), for Dagster metadata."""
        data = {
            "success": self.success,
            "unexpected_count": self.unexpected_count,
            "unexpected_percent": self.unexpected_percent,
            "element_count": self.element_count,
            "observed_value": self.observed_value,
            "partial_unexpected_list": list(self.partial_unexpected_list[:5]),
            "exception": self.exception,
        }
        kept = {k: v for k, v in data.items() if v is not None and v != []}
        return json.loads(json.dumps(kept, default=str))  # dates, decimals -> JSON-safe


@dataclass(frozen=True)
class ValidationOutcome:
    """A suite's result. ``error`` is set when the data could not be read at all."""

    suite: str
    success: bool
    elapsed_seconds: float
    expectations: tuple[ExpectationOutcome, ...] = ()
    error: str | None = None

    def by_label(self) -> dict[str, ExpectationOutcome]:
        return {e.label: e for e in self.expectations}


def suite_paths(directory: Path = EXPECTATIONS_DIR) -> list[Path]:
    return sorted(directory.glob("*.json"))


def load_spec(path: Path) -> SuiteSpec:
    """Read a suite file and its ``meta.loyalty`` mapping (raises ValueError if malformed)."""
    data = json.loads(path.read_text())
    target = data.get("meta", {}).get("loyalty") or {}
    source = target.get("source")
    if source not in SOURCES or not target.get("relation") or not target.get("asset_key"):
        raise ValueError(f"{path.name}: meta.loyalty needs source {SOURCES}, relation, asset_key")
    return SuiteSpec(
        name=data.get("name") or path.stem,
        source=source,
        asset_key=tuple(target["asset_key"]),
        relation=target["relation"],
        query=target.get("query") or "select * from {relation}",
        expectations=tuple(data.get("expectations", ())),
        meta=data.get("meta", {}),
    )


def load_specs(directory: Path = EXPECTATIONS_DIR) -> list[SuiteSpec]:
    return [load_spec(p) for p in suite_paths(directory)]


def build_suite(spec: SuiteSpec) -> gx.ExpectationSuite:
    """The GX suite; fails loudly where GX would log and drop an invalid expectation."""
    suite = gx.ExpectationSuite(name=spec.name, expectations=list(spec.expectations))
    if len(suite.expectations) != len(spec.expectations):
        raise ValueError(f"suite {spec.name}: some expectations are invalid (see the GX log)")
    return suite


def _label(result: Any, seen: dict[str, int]) -> str:
    config = result.expectation_config
    label = (config.meta or {}).get("label")
    if not label:
        kwargs = config.kwargs
        columns = kwargs.get("column_list") or [
            kwargs[k] for k in ("column", "column_A", "column_B") if kwargs.get(k)
        ]
        label = f"{config.type.removeprefix('expect_')}[{','.join(columns)}]"
    seen[label] = seen.get(label, 0) + 1
    return label if seen[label] == 1 else f"{label}#{seen[label]}"


def _outcome(result: Any, seen: dict[str, int]) -> ExpectationOutcome:
    info = result.exception_info or {}
    if "raised_exception" not in info:  # a dict of metric id -> info when metrics failed
        info = next(iter(info.values()), {}) if info else {}
    summary = result.result or {}
    return ExpectationOutcome(
        label=_label(result, seen),
        success=bool(result.success),
        unexpected_count=summary.get("unexpected_count"),
        unexpected_percent=summary.get("unexpected_percent"),
        element_count=summary.get("element_count"),
        observed_value=summary.get("observed_value"),
        partial_unexpected_list=tuple(summary.get("partial_unexpected_list") or ()),
        exception=info.get("exception_message") if info.get("raised_exception") else None,
    )


def validate_query(
    suite: gx.ExpectationSuite,
    query: str,
    connection_string: str = "duckdb:///:memory:",
    connect_args: dict[str, Any] | None = None,
) -> ValidationOutcome:
    """Validate the rows of a SQL query on DuckDB with a suite, in an ephemeral GX context."""
    gx_duckdb.install()
    started = time.perf_counter()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    datasource = context.data_sources.add_sql(
        name="duckdb",
        connection_string=connection_string,
        kwargs={"connect_args": connect_args or {}, "poolclass": gx_duckdb.POOL_CLASS},
    )
    try:
        asset = datasource.add_query_asset(name=suite.name, query=query)
        batch = asset.add_batch_definition_whole_table("all").get_batch()
        result = batch.validate(suite, result_format=RESULT_FORMAT)
    finally:
        _dispose(datasource)
    seen: dict[str, int] = {}
    outcomes = tuple(_outcome(r, seen) for r in result.results)
    return ValidationOutcome(
        suite=suite.name,
        success=bool(result.success),
        elapsed_seconds=round(time.perf_counter() - started, 3),
        expectations=outcomes,
    )


def _dispose(datasource: Any) -> None:
    """Close every connection GX opened (it has its own engine and its execution engine's)."""
    engines = [getattr(datasource, "_engine", None)]
    execution_engine = getattr(datasource, "_execution_engine", None)
    engines.append(getattr(execution_engine, "engine", None))
    for engine in engines:
        if engine is not None and hasattr(engine, "dispose"):
            engine.dispose()


def _failed(spec: SuiteSpec, started: float, error: str) -> ValidationOutcome:
    elapsed = round(time.perf_counter() - started, 3)
    return ValidationOutcome(suite=spec.name, success=False, elapsed_seconds=elapsed, error=error)


def _landing_source(spec: SuiteSpec, settings: Settings) -> tuple[str | None, str]:
    """(error, from-clause) for a landing entity."""
    folder = settings.landing / spec.relation
    if not any(folder.glob("*.parquet")):
        return f"landing folder {folder} has no Parquet files (has the ingest run?)", ""
    pattern = sql_str(folder / "*.parquet")
    return None, f"read_parquet({pattern}, union_by_name = true)"


def _warehouse_error(spec: SuiteSpec, settings: Settings) -> str | None:
    """Why the warehouse table cannot be read, or None (checked with a short read-only open)."""
    path = settings.build_warehouse
    if not path.is_file():
        return f"warehouse {path} does not exist (has dbt run?)"
    schema, _, table = spec.relation.rpartition(".")
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            found = con.execute(
                "select count(*) from information_schema.tables "
                "where table_schema = ? and table_name = ?",
                [schema or "main", table],
            ).fetchone()
    except duckdb.Error as e:
        return lock_message(path, str(e)) or f"cannot open warehouse {path} read-only: {e}"
    if not found or not found[0]:
        return f"table {spec.relation} not found in warehouse {path} (has dbt built it?)"
    return None


def validate_spec(spec: SuiteSpec, settings: Settings | None = None) -> ValidationOutcome:
    """Validate one suite against the landing zone or the build warehouse of ``settings``
    (default: the environment). Unreadable data gives a failed outcome, not an exception."""
    settings = settings or Settings.from_env()
    started = time.perf_counter()
    suite = build_suite(spec)
    if spec.source == "landing":
        error, relation = _landing_source(spec, settings)
        connection_string, connect_args = "duckdb:///:memory:", {}
    else:
        error, relation = _warehouse_error(spec, settings), spec.relation
        connection_string = f"duckdb:///{settings.build_warehouse}"
        connect_args = {"read_only": True}
    if error:
        return _failed(spec, started, error)
    query = spec.query.format(relation=relation)
    try:
        outcome = validate_query(suite, query, connection_string, connect_args)
    except Exception as e:  # GX wraps driver errors in many types; report, don't crash
        log.exception("validation of suite %s failed", spec.name)
        return _failed(spec, started, f"{type(e).__name__}: {e}")
    return ValidationOutcome(
        suite=outcome.suite,
        success=outcome.success,
        elapsed_seconds=round(time.perf_counter() - started, 3),
        expectations=outcome.expectations,
    )


def validate_suite(name: str, settings: Settings | None = None) -> ValidationOutcome:
    """Validate the suite ``expectations/<name>.json``."""
    return validate_spec(load_spec(EXPECTATIONS_DIR / f"{name}.json"), settings)
