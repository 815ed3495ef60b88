"""The publish step as a Dagster asset: the build warehouse replaces LOYALTY_WAREHOUSE once
every blocking check of the run has passed on it (write-audit-publish, orchestration/wap.py).

No `from __future__ import annotations` here: Dagster reads the annotations at runtime.
"""

from dagster import (
    AssetCheckEvaluation,
    AssetCheckKey,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    DagsterEventType,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from orchestration.config import Settings
from orchestration.quality.audit import DBT_TESTS, failed_or_missing_checks, record_passed
from orchestration.quality.checks import build_gx_checks, check_name
from orchestration.quality.suites import load_specs
from orchestration.transform.assets import loyalty_dbt_assets
from orchestration.wap import publish

PUBLISHED_KEY = AssetKey(["serve", "published_warehouse"])


def blocking_check_keys() -> set[AssetCheckKey]:
    """Every blocking check of the pipeline: the dbt tests of severity error and the GX suites."""
    keys = {spec.key for spec in loyalty_dbt_assets.check_specs if spec.blocking}
    for checks in build_gx_checks():
        keys |= {spec.key for spec in checks.check_specs if spec.blocking}
    return keys


def run_evaluations(context: AssetExecutionContext) -> dict[str, bool]:
    """check name -> passed, for the checks evaluated in this run (a warning counts as passed)."""
    evaluations: dict[str, bool] = {}
    records = context.instance.all_logs(
        context.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
    )
    for record in records:
        event = record.dagster_event
        data = event.event_specific_data if event else None
        if isinstance(data, AssetCheckEvaluation):
            ok = data.passed or data.severity == AssetCheckSeverity.WARN
            evaluations[data.asset_check_key.to_user_string()] = ok
    return evaluations


@asset(
    key=PUBLISHED_KEY,
    deps=list(loyalty_dbt_assets.keys),
    group_name="serve",
    description="The published warehouse (LOYALTY_WAREHOUSE), the file BI tools, the report and "
    "MetricFlow read: the build warehouse, copied and renamed over it atomically once every dbt "
    "test and GX suite of the run has passed on the build file.",
    kinds={"duckdb"},
)
def published_warehouse(context: AssetExecutionContext) -> MaterializeResult:
    settings = Settings.from_env()
    # Every blocking check, whatever the run selected: a run of some assets only (from the UI)
    # evaluates only their checks and so cannot publish; the whole job can.
    expected = blocking_check_keys()
    evaluations = run_evaluations(context)
    failed, missing = failed_or_missing_checks(
        evaluations, (key.to_user_string() for key in expected)
    )
    if failed or missing:
        names = failed or missing
        what = "failed" if failed else "did not run in this run"
        more = f" (and {len(names) - 3} more)" if len(names) > 3 else ""
        raise Failure(
            description=f"not published: check {', '.join(names[:3])}{more} {what}; "
            f"{settings.warehouse} is unchanged, the build file {settings.build_warehouse} "
            "is kept for inspection.",
        )
    record_passed(settings.build_warehouse, [DBT_TESTS, *(check_name(s) for s in load_specs())])
    done = publish(settings)
    context.log.info(f"published {done.path} ({done.bytes} bytes) in {done.seconds:.2f} s")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(done.path)),
            "bytes": done.bytes,
            "publish_seconds": MetadataValue.float(round(done.seconds, 3)),
            "checks_passed": len(evaluations),
        }
    )
