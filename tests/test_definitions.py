"""The code location loads and wires ingest -> dbt -> checks into one job."""

from __future__ import annotations

from dagster import AssetKey


def test_definitions_load_with_job_schedule_and_sensor() -> None:
    from orchestration.definitions import defs

    job = defs.resolve_job_def("loyalty_pipeline")
    assert job is not None
    daily = defs.resolve_schedule_def("loyalty_pipeline_daily")
    weekly = defs.resolve_schedule_def("loyalty_pipeline_weekly")
    assert (daily.cron_schedule, weekly.cron_schedule) == ("0 6 * * 1-6", "0 6 * * 0")
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


def test_daily_runs_test_the_batch_and_the_weekly_run_everything() -> None:
    """The schedules' run config reaches the dbt step as its test scope."""
    from dagster import build_schedule_context

    from orchestration.definitions import defs
    from orchestration.transform.assets import DbtBuildConfig

    for name, scope in (("loyalty_pipeline_daily", "batch"), ("loyalty_pipeline_weekly", "all")):
        schedule = defs.resolve_schedule_def(name)
        (request,) = schedule.evaluate_tick(build_schedule_context()).run_requests
        config = request.run_config["ops"]["loyalty_dbt"]["config"]
        assert DbtBuildConfig(**config).test_scope == scope


def test_the_test_scope_reaches_the_dbt_process_and_is_restored(monkeypatch) -> None:
    import os

    from orchestration.transform.assets import dbt_test_scope

    monkeypatch.setenv("LOYALTY_TEST_SCOPE", "all")
    with dbt_test_scope("batch"):
        assert os.environ["LOYALTY_TEST_SCOPE"] == "batch"
    assert os.environ["LOYALTY_TEST_SCOPE"] == "all"
    monkeypatch.delenv("LOYALTY_TEST_SCOPE")
    with dbt_test_scope("batch"):
        pass
    assert "LOYALTY_TEST_SCOPE" not in os.environ
