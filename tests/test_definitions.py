"""The code location loads and wires ingest -> dbt -> checks into one job."""

from __future__ import annotations

from dagster import AssetKey


def test_definitions_load_with_job_schedule_and_sensor() -> None:
    from orchestration.definitions import defs

    job = defs.resolve_job_def("loyalty_pipeline")
    assert job is not None
    assert defs.resolve_schedule_def("loyalty_pipeline_daily").cron_schedule == "0 6 * * *"
    assert defs.resolve_sensor_def("inbox_sensor").job_name == "loyalty_pipeline"


def test_graph_runs_from_ingest_through_dbt_to_checks() -> None:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = set(graph.get_all_asset_keys())
    assert AssetKey(["landing", "survey_responses"]) in keys
    assert AssetKey(["marts", "fct_nps_monthly"]) in keys
    parents = graph.get(AssetKey(["staging", "stg_survey__responses"])).parent_keys
    assert AssetKey(["landing", "survey_responses"]) in parents
    checks = {k.name for k in graph.asset_check_keys}
    assert "gx_landing_survey_responses" in checks  # GX, blocking before dbt
    assert "gx_marts_fct_nps_monthly" in checks
    assert "fct_nps_monthly_groups_add_up" in checks  # a dbt test


def test_gx_checks_are_blocking() -> None:
    from orchestration.quality.checks import build_gx_checks

    specs = [spec for checks in build_gx_checks() for spec in checks.check_specs]
    assert specs and all(spec.blocking for spec in specs)
