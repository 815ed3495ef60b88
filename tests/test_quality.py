"""The GX validation layer: suites validated in SQL on DuckDB, run as Dagster asset checks."""

from __future__ import annotations

from pathlib import Path

import duckdb
import great_expectations as gx
import pytest
from dagster import AssetKey, Definitions, asset, build_asset_check_context

from orchestration.ingest.contract import ENTITIES
from orchestration.ingest.landing import Landing
from orchestration.quality import gx_duckdb
from orchestration.quality.checks import build_gx_checks
from orchestration.quality.suites import (
    build_suite,
    load_specs,
    validate_query,
    validate_suite,
)

LANDING_SUITES = [s.name for s in load_specs() if s.source == "landing"]
WAREHOUSE_SUITES = [s.name for s in load_specs() if s.source == "warehouse"]
# The marts write_warehouse stubs; every suite also runs on the real marts in test_pipeline.
STUBBED_SUITES = ["marts_dim_customers", "marts_fct_nps_monthly", "marts_fct_survey_responses"]

GOOD_RESPONSES = """
    select 'r' || i as response_id, 'c' || (i % 5) as customer_id,
        case when i % 2 = 0 then 'relational' else 'transactional' end as survey_type,
        timestamp '2025-01-01' + to_days(i::int) as submitted_at,
        case when i % 7 = 0 then null else i % 11 end::integer as nps_score,
        (1 + i % 7)::integer as ces_score, case when i % 3 = 0 then null else 1 + i % 5 end::integer
            as csat_score
    from range(40) t(i)
"""
BAD_RESPONSES = """
    select * from (values
        ('b1', 'relational', 11, 3, 4), ('b2', 'relational', 11, 3, 4),
        ('b3', 'transactional', 5, 0, 4), ('b4', 'other', 5, 3, 6), (null, 'relational', 5, 3, 4)
    ) t(response_id, survey_type, nps_score, ces_score, csat_score)
"""
GOOD_RESPONSES_MART = f"""
    select response_id, customer_id, survey_type, submitted_at, nps_score,
        case when nps_score >= 9 then 'promoter' when nps_score >= 7 then 'passive'
            when nps_score >= 0 then 'detractor' end as nps_category,
        ces_score, csat_score, (nps_score % 7 - 3)::integer as emotion_valence
    from ({GOOD_RESPONSES})
"""
NPS_COLUMNS = (
    "month_start, responses, promoters, passives, detractors, nps, nps_ci_low, nps_ci_high"
)
GOOD_NPS = f"""
    select * from (values
        (date '2025-01-01', 10, 5, 3, 2, 30.0, -5.2, 58.1),
        -- one promoter: the adjusted-Wald interval does not contain the raw 100
        (date '2025-02-01', 1, 1, 0, 0, 100.0, -48.5, 98.5),
        (date '2025-03-01', 2, 2, 0, 0, 100.0, -24.4, 100.0)
    ) t({NPS_COLUMNS})
"""
BAD_NPS = f"""
    select * from (values
        (date '2025-01-01', 10, 5, 3, 2, 30.0, 60.0, 10.0),  -- ci_low > ci_high, nps outside
        (date '2025-02-01', 9, 5, 3, 2, 30.0, -5.2, 58.1),   -- 9 <> 5 + 3 + 2
        (date '2025-03-01', 4, 4, 0, 0, 100.0, -10.0, 90.0), -- nps above ci_high
        (date '2025-04-01', 3, 3, 0, 0, 101.0, 0.0, 100.0)   -- nps out of range
    ) t({NPS_COLUMNS})
"""


def copy_parquet(con: duckdb.DuckDBPyConnection, select_sql: str, path: Path) -> None:
    con.execute(f"copy ({select_sql}) to '{path}' (format parquet)")


@pytest.fixture
def quality_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """An empty landing (zero-row schema files only) and no warehouse yet."""
    paths = {"landing": tmp_path / "landing", "warehouse": tmp_path / "wh" / "loyalty.duckdb"}
    monkeypatch.setenv("LOYALTY_LANDING", str(paths["landing"]))
    monkeypatch.setenv("LOYALTY_WAREHOUSE", str(paths["warehouse"]))
    # the warehouse suites validate the build file: here the stub marts are that file
    monkeypatch.setenv("LOYALTY_BUILD_WAREHOUSE", str(paths["warehouse"]))
    paths["warehouse"].parent.mkdir()
    with duckdb.connect() as con:
        Landing(paths["landing"]).ensure_layout(con)
    return paths


def write_landing(landing: Path, entity: str, select_sql: str, name: str = "f1") -> None:
    with duckdb.connect() as con:
        copy_parquet(con, select_sql, landing / entity / f"{name}.parquet")


def write_warehouse(
    path: Path, nps_sql: str = GOOD_NPS, responses_sql: str = GOOD_RESPONSES_MART
) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute(f"create or replace table marts.fct_survey_responses as {responses_sql}")
        con.execute(f"create or replace table marts.fct_nps_monthly as {nps_sql}")
        con.execute(
            "create or replace table marts.dim_customers as "
            "select 'c' || i as customer_id from range(5) t(i)"
        )


def counts(suite: str) -> dict[str, int | None]:
    outcome = validate_suite(suite)
    assert outcome.error is None, outcome.error
    return {label: e.unexpected_count for label, e in outcome.by_label().items()}


def test_every_suite_file_loads_with_all_its_expectations() -> None:
    specs = load_specs()
    assert {s.name for s in specs} >= {
        "landing_survey_responses",
        "landing_customers",
        "landing_orders",
        "landing_interactions",
        "landing_subscriptions",
        "marts_fct_survey_responses",
        "marts_fct_nps_monthly",
        "marts_dim_customers",
    }
    for spec in specs:
        assert len(build_suite(spec).expectations) == len(spec.expectations) > 0


def test_landing_suites_agree_with_the_contract() -> None:
    """Value sets and score ranges are copied from orchestration/ingest/contract.py."""
    for spec in (s for s in load_specs() if s.source == "landing"):
        columns = {c.name: c for c in ENTITIES[spec.relation].columns}
        for e in spec.expectations:
            column = columns[e["kwargs"]["column"]]
            if e["type"] == "expect_column_values_to_be_in_set":
                assert sorted(e["kwargs"]["value_set"]) == sorted(column.allowed), column
            if e["type"] == "expect_column_values_to_be_between" and column.kind == "integer":
                bounds = (e["kwargs"]["min_value"], e["kwargs"]["max_value"])
                assert bounds == (column.min_value, column.max_value), column


def test_fix_gives_correct_counts_in_sql() -> None:
    gx_duckdb.install()
    gx_duckdb.install()  # idempotent
    assert gx_duckdb.is_installed()
    suite = gx.ExpectationSuite(
        "t", expectations=[gx.expectations.ExpectColumnValuesToBeBetween(column="v", max_value=9)]
    )
    outcome = validate_query(suite, "select (i % 12) as v from range(1200) t(i)")
    assert outcome.expectations[0].unexpected_count == 200
    assert outcome.expectations[0].element_count == 1200


def test_empty_landing_passes(quality_env: dict[str, Path]) -> None:
    for suite in LANDING_SUITES:
        assert validate_suite(suite).success, suite


def test_good_landing_passes(quality_env: dict[str, Path]) -> None:
    landing = quality_env["landing"]
    write_landing(landing, "survey_responses", GOOD_RESPONSES)
    write_landing(landing, "customers", "select 'c' || i as customer_id from range(5) t(i)")
    write_landing(
        landing,
        "orders",
        "select 'o' || i as order_id, 'c1' as customer_id, 12.5::decimal(18, 2) as amount "
        "from range(3) t(i)",
    )
    write_landing(
        landing,
        "interactions",
        "select 'i' || i as interaction_id, ['phone', 'email', 'app'][1 + i % 3] as channel "
        "from range(6) t(i)",
    )
    for suite in LANDING_SUITES:
        outcome = validate_suite(suite)
        assert outcome.success, (suite, outcome)


def test_bad_landing_fails_with_unexpected_counts(quality_env: dict[str, Path]) -> None:
    landing = quality_env["landing"]
    write_landing(landing, "survey_responses", GOOD_RESPONSES, name="good")
    write_landing(landing, "survey_responses", BAD_RESPONSES, name="bad")
    write_landing(
        landing,
        "orders",
        "select * from (values ('o1', 'c1', -1.0::decimal(18, 2)), (null, null, 2.0)) "
        "t(order_id, customer_id, amount)",
    )
    write_landing(
        landing,
        "interactions",
        "select * from (values ('i1', 'fax'), ('i2', 'phone')) t(interaction_id, channel)",
    )
    assert counts("landing_survey_responses") == {
        "column_values_to_not_be_null[response_id]": 1,
        "column_values_to_be_between[nps_score]": 2,
        "column_values_to_be_between[ces_score]": 1,
        "column_values_to_be_between[csat_score]": 1,
        "column_values_to_be_in_set[survey_type]": 1,
    }
    assert counts("landing_orders") == {
        "column_values_to_not_be_null[order_id]": 1,
        "column_values_to_not_be_null[customer_id]": 1,
        "column_values_to_be_between[amount]": 1,
    }
    assert counts("landing_interactions")["column_values_to_be_in_set[channel]"] == 1
    assert not validate_suite("landing_survey_responses").success


def test_good_warehouse_passes(quality_env: dict[str, Path]) -> None:
    write_warehouse(quality_env["warehouse"])
    assert set(STUBBED_SUITES) <= set(WAREHOUSE_SUITES)
    for suite in STUBBED_SUITES:
        outcome = validate_suite(suite)
        assert outcome.success, (suite, outcome)


def test_bad_nps_monthly_fails_with_unexpected_counts(quality_env: dict[str, Path]) -> None:
    write_warehouse(quality_env["warehouse"], nps_sql=BAD_NPS)
    found = counts("marts_fct_nps_monthly")
    assert found["nps_ci_low_le_nps_ci_high"] == 1
    assert found["responses_eq_promoters_passives_detractors"] == 1
    assert found["nps_ci_low_le_nps_if_2_plus_responses"] == 1
    assert found["nps_le_nps_ci_high_if_2_plus_responses"] == 3
    assert found["column_values_to_be_between[nps]"] == 1
    assert found["column_values_to_be_unique[month_start]"] == 0


def test_bad_survey_responses_mart_fails(quality_env: dict[str, Path]) -> None:
    bad = """
        select * from (values
            ('r1', 'c1', 'relational', timestamp '2025-01-01', 11, 'promoter', 0, 6, 4),
            ('r1', 'c1', 'relational', timestamp '2025-01-01', 9, 'fan', 3, 3, 0)
        ) t(response_id, customer_id, survey_type, submitted_at, nps_score, nps_category,
            ces_score, csat_score, emotion_valence)
    """
    write_warehouse(quality_env["warehouse"], responses_sql=bad)
    found = counts("marts_fct_survey_responses")
    assert found["column_values_to_be_unique[response_id]"] == 2
    assert found["column_values_to_be_between[nps_score]"] == 1
    assert found["column_values_to_be_in_set[nps_category]"] == 1
    assert found["column_values_to_be_between[ces_score]"] == 1
    assert found["column_values_to_be_between[csat_score]"] == 1
    assert found["column_values_to_be_between[emotion_valence]"] == 1


def test_warehouse_is_writable_right_after_validation(quality_env: dict[str, Path]) -> None:
    path = quality_env["warehouse"]
    write_warehouse(path)
    assert validate_suite("marts_fct_nps_monthly").success
    with duckdb.connect(str(path)) as con:  # read-write, same process
        con.execute("create table marts.after_validation as select 1 as x")
    assert validate_suite("marts_dim_customers").success
    with duckdb.connect(str(path)) as con:
        con.execute("drop table marts.after_validation")


def test_missing_data_gives_a_failed_outcome_not_an_exception(
    quality_env: dict[str, Path],
) -> None:
    outcome = validate_suite("marts_fct_nps_monthly")
    assert not outcome.success
    assert "does not exist" in (outcome.error or "")
    with duckdb.connect(str(quality_env["warehouse"])) as con:
        con.execute("create schema marts")
    outcome = validate_suite("marts_fct_nps_monthly")
    assert "marts.fct_nps_monthly not found" in (outcome.error or "")
    for parquet in (quality_env["landing"] / "customers").glob("*.parquet"):
        parquet.unlink()
    outcome = validate_suite("landing_customers")
    assert not outcome.success
    assert "no Parquet files" in (outcome.error or "")


def test_checks_are_blocking_one_per_suite_on_the_right_assets() -> None:
    checks = build_gx_checks()
    assert len(checks) == len(load_specs())
    keys = {spec.asset_key for check in checks for spec in check.check_specs}
    assert AssetKey(["landing", "survey_responses"]) in keys
    assert AssetKey(["marts", "fct_nps_monthly"]) in keys
    assert all(spec.blocking for check in checks for spec in check.check_specs)


def test_check_invoked_directly_reports_counts(quality_env: dict[str, Path]) -> None:
    write_warehouse(quality_env["warehouse"], nps_sql=BAD_NPS)
    check = next(c for c in build_gx_checks() if c.check_key.name == "gx_marts_fct_nps_monthly")
    result = check(build_asset_check_context())
    assert not result.passed
    assert result.severity.value == "ERROR"
    assert result.metadata["unexpected_count:nps_ci_low_le_nps_ci_high"].value == 1
    assert result.metadata["elapsed_seconds"].value > 0
    with duckdb.connect(str(quality_env["warehouse"])) as con:
        con.execute("drop table marts.dim_customers")
    missing = next(c for c in build_gx_checks() if c.check_key.name == "gx_marts_dim_customers")
    result = missing(build_asset_check_context())
    assert not result.passed
    assert "not found" in result.metadata["error"].value


def test_checks_run_in_a_job_with_stub_assets(quality_env: dict[str, Path]) -> None:
    write_warehouse(quality_env["warehouse"])
    stubbed = {f"gx_{name}" for name in LANDING_SUITES + STUBBED_SUITES}
    checks = [c for c in build_gx_checks() if {s.name for s in c.check_specs} <= stubbed]
    asset_keys = {spec.asset_key for check in checks for spec in check.check_specs}

    def stub(key: AssetKey):
        @asset(key=key)
        def _stub() -> None:
            return None

        return _stub

    defs = Definitions(assets=[stub(k) for k in sorted(asset_keys)], asset_checks=checks)
    result = defs.resolve_implicit_global_asset_job_def().execute_in_process()
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == len(checks)
    assert all(e.passed for e in evaluations), [e.check_name for e in evaluations if not e.passed]
