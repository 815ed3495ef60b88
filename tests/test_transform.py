"""The dbt side as Dagster sees it: CLI arguments, asset keys, lineage to the ingest."""

from __future__ import annotations

import json

from dagster import AssetKey

from orchestration.transform.cli_args import dbt_build_args


def test_default_is_a_build_without_unit_tests() -> None:
    assert dbt_build_args() == ["build", "--exclude-resource-type", "unit_test"]
    assert dbt_build_args(unit_tests=True) == ["build"]


def test_options_in_a_stable_order() -> None:
    args = dbt_build_args(
        full_refresh=True,
        select=["marts"],
        exclude=["stg_ingest__quarantine"],
        dbt_vars={"nps_ci_z": 2.58, "as_of_date": "2025-01-01"},
        target="spark",
    )
    assert args[:2] == ["build", "--full-refresh"]
    assert args[2:4] == ["--select", "marts"]
    assert args[4:6] == ["--exclude", "stg_ingest__quarantine"]
    assert args[6] == "--vars"
    assert json.loads(args[7]) == {"as_of_date": "2025-01-01", "nps_ci_z": 2.58}
    assert args[7] == '{"as_of_date": "2025-01-01", "nps_ci_z": 2.58}'  # sorted keys
    assert args[8:10] == ["--target", "spark"]
    assert args[10:] == ["--exclude-resource-type", "unit_test"]


def test_asset_keys_follow_the_warehouse_schema_and_sources_link_to_ingest() -> None:
    from orchestration.transform.assets import loyalty_dbt_assets

    keys = set(loyalty_dbt_assets.keys)
    assert AssetKey(["marts", "fct_nps_monthly"]) in keys
    assert AssetKey(["marts", "fct_survey_responses"]) in keys
    assert AssetKey(["marts", "dim_customers"]) in keys
    assert AssetKey(["staging", "stg_survey__responses"]) in keys
    upstream = {dep for deps in loyalty_dbt_assets.asset_deps.values() for dep in deps}
    for entity in ("customers", "orders", "subscriptions", "interactions", "survey_responses"):
        assert AssetKey(["landing", entity]) in upstream


def test_dbt_tests_become_asset_checks() -> None:
    from orchestration.transform.assets import loyalty_dbt_assets

    checks = {key.name for key in loyalty_dbt_assets.check_keys}
    assert "fct_nps_monthly_groups_add_up" in checks
    assert "fct_survey_responses_nps_score_0_10" in checks
