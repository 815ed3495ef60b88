"""The Dagster code location: wires ingest -> transform -> quality -> serve; no logic here."""

from __future__ import annotations

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    Definitions,
    ScheduleDefinition,
    define_asset_job,
)

from orchestration.config import Settings
from orchestration.ingest.assets import ingest_assets
from orchestration.ingest.sensors import inbox_sensor
from orchestration.quality.checks import build_gx_checks
from orchestration.serve.assets import serve_assets
from orchestration.transform.assets import dbt_resource, loyalty_dbt_assets

# dbt, GX and the ingest must see the same absolute paths, whatever the working directory.
Settings.from_env().apply_to_environ()

loyalty_pipeline = define_asset_job(
    name="loyalty_pipeline",
    selection=AssetSelection.all(),
    description="Ingest new exports, build and test the dbt project, validate with GX, "
    "write the loyalty report.",
)


def dbt_step_config(test_scope: str) -> dict:
    """Run config of the job's dbt step (orchestration.transform.assets.DbtBuildConfig)."""
    return {"ops": {"loyalty_dbt": {"config": {"test_scope": test_scope}}}}


daily_schedule = ScheduleDefinition(
    name="loyalty_pipeline_daily",
    job=loyalty_pipeline,
    cron_schedule="0 6 * * 1-6",
    execution_timezone="Europe/Amsterdam",
    default_status=DefaultScheduleStatus.RUNNING,
    run_config=dbt_step_config("batch"),
    description="Monday to Saturday at 06:00 Amsterdam time, after the nightly CRM and survey "
    "exports; the incremental models' row tests check only the new batch.",
)

weekly_schedule = ScheduleDefinition(
    name="loyalty_pipeline_weekly",
    job=loyalty_pipeline,
    cron_schedule="0 6 * * 0",
    execution_timezone="Europe/Amsterdam",
    default_status=DefaultScheduleStatus.RUNNING,
    run_config=dbt_step_config("all"),
    description="Sunday at 06:00 Amsterdam time: the same run with every data test on every row.",
)

defs = Definitions(
    assets=[*ingest_assets, loyalty_dbt_assets, *serve_assets],
    asset_checks=build_gx_checks(),
    jobs=[loyalty_pipeline],
    schedules=[daily_schedule, weekly_schedule],
    sensors=[inbox_sensor],
    resources={"dbt": dbt_resource()},
)
