"""Incremental models: a build on day 1, then day 2's exports (new answers, corrected
re-deliveries of answers, orders and contact moments, newly delivered customers) built
incrementally, gives the same rows as a full build of both days, for every incremental model
of the project and every model built from them (the marts downstream)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.demo.generator import generate
from orchestration.demo.nextday import write_next_day
from orchestration.ingest.run import ingest_all

ROOT = Path(__file__).resolve().parent.parent


def run_dbt(
    args: list[str], landing: Path, warehouse: Path, target: Path
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LOYALTY_LANDING": str(landing), "LOYALTY_WAREHOUSE": str(warehouse)}
    env["LOYALTY_BUILD_WAREHOUSE"] = str(warehouse)  # dbt writes the file the test reads
    command = [str(Path(sys.executable).parent / "dbt"), *args, "--quiet"]
    return subprocess.run(
        [*command, "--target-path", str(target)], cwd=ROOT, env=env, capture_output=True, text=True
    )


def dbt(args: list[str], landing: Path, warehouse: Path, target: Path) -> None:
    done = run_dbt(args, landing, warehouse, target)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]


def ingest(inbox: Path, landing: Path) -> None:
    failed = [m for report in ingest_all(inbox, landing) for m in report.failed]
    assert not failed, failed


def built_models(manifest: Path) -> list[tuple[str, str, str, str | list[str] | None]]:
    """(name, schema, materialization, unique key) of every model that is stored as a table."""
    nodes = json.loads(manifest.read_text())["nodes"].values()
    return sorted(
        (n["name"], n["schema"], n["config"]["materialized"], n["config"].get("unique_key"))
        for n in nodes
        if n["resource_type"] == "model" and n["config"]["materialized"] in {"table", "incremental"}
    )


def incremental_models(manifest: Path) -> list[tuple[str, str, str | list[str]]]:
    """(name, schema, unique key) of every incremental model."""
    return [
        (n, schema, key) for n, schema, kind, key in built_models(manifest) if kind == "incremental"
    ]


@pytest.fixture(scope="module")
def two_days(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("incremental")
    inbox, landing, target = root / "inbox", root / "landing", root / "target"
    day1 = root / "day1.duckdb"
    generate(inbox, customers=300, seed=11)
    ingest(inbox, landing)
    # the incremental models, what is built from them and all their parents (seeds too), no tests
    select = ["--select", "@config.materialized:incremental", "--resource-type", "model", "seed"]
    dbt(["build", *select], landing, day1, target)
    with duckdb.connect(str(day1), read_only=True) as con:
        before = con.execute("select * from marts.fct_survey_responses").fetchall()
    # 1% corrections (the demo default is 0.1%): enough re-deliveries that move an answer or a
    # contact moment to another customer for a customer-scoped model to get them wrong
    written = write_next_day(inbox, root / "day2", corrected_share=0.01)
    assert all(rows > 0 for rows in written.values()), written
    ingest(root / "day2", landing)
    incremental = root / "incremental.duckdb"
    incremental.write_bytes(day1.read_bytes())
    dbt(["build", *select], landing, incremental, target)
    run = target / "run/loyalty/models"
    compiled = {
        name: (run / path).read_text()
        for name, path in {
            "fct_survey_responses": "marts/survey/fct_survey_responses.sql",
            "stg_crm__orders": "staging/crm/stg_crm__orders.sql",
            "int_detractor_followups": "intermediate/journeys/int_detractor_followups.sql",
            "int_customer_profile": "intermediate/customers/int_customer_profile.sql",
            "int_journey_contact_moments": "intermediate/journeys/int_journey_contact_moments.sql",
            "int_subscriptions_nps_grouped": (
                "intermediate/retention/int_subscriptions_nps_grouped.sql"
            ),
            "int_contact_moments": "intermediate/journeys/int_contact_moments.sql",
        }.items()
    }
    selected = (target / "compiled/loyalty/models/staging/crm/stg_crm__orders.sql").read_text()
    full = root / "full.duckdb"
    dbt(["build", *select, "--full-refresh"], landing, full, root / "target_full")
    return {
        "root": root,
        "landing": landing,
        "incremental": incremental,
        "full": full,
        "manifest": target / "manifest.json",
        "compiled": compiled,
        "orders_select": selected,
        "day1_rows": before,
    }


@pytest.mark.parametrize(
    "model",
    [
        "fct_survey_responses",
        "stg_crm__orders",
        "int_detractor_followups",
        "int_customer_profile",
        "int_journey_contact_moments",
        "int_subscriptions_nps_grouped",
        "int_contact_moments",
    ],
)
def test_the_incremental_build_only_added_the_new_batch(two_days: dict, model: str) -> None:
    """The second build ran as delete+insert of a batch, not as a rebuild of the table."""
    compiled = two_days["compiled"][model]
    assert "delete from" in compiled
    assert "insert into" in compiled
    assert "create table" not in compiled.lower()


def test_a_staging_model_reads_only_the_batch_above_its_watermark(two_days: dict) -> None:
    """The watermark reaches the Parquet scan as a literal (earlier files are skipped)."""
    compiled = " ".join(two_days["orders_select"].split())
    assert re.search(
        r"read_parquet\([^)]*orders/\*\.parquet[^)]*\) where _load_seq > [1-9]\d*", compiled
    )


def attach_both(two_days: dict) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"attach '{two_days['incremental']}' as inc (read_only)")
    con.execute(f"attach '{two_days['full']}' as fr (read_only)")
    return con


def assert_same_rows(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> None:
    """Same rows (as a multiset); doubles rounded to 9 decimals, because a sum or mean of
    doubles depends on the order rows are read in (stored differently after delete+insert)."""
    types = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = 'inc' and table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [schema, name],
    ).fetchall()
    columns = ", ".join(
        f'round("{c}", 9)' if kind in ("DOUBLE", "FLOAT") else f'"{c}"' for c, kind in types
    )
    inc = f"(select {columns} from inc.{schema}.{name})"
    full = f"(select {columns} from fr.{schema}.{name})"
    only_inc = con.execute(f"select count(*) from (from {inc} except all from {full})")
    assert only_inc.fetchall()[0][0] == 0, name
    only_full = con.execute(f"select count(*) from (from {full} except all from {inc})")
    assert only_full.fetchall()[0][0] == 0, name


def test_incremental_equals_full_refresh_for_every_incremental_model(two_days: dict) -> None:
    models = incremental_models(two_days["manifest"])
    assert ("fct_survey_responses", "marts", "response_id") in models
    assert ("stg_crm__customers", "staging", "customer_id") in models
    con = attach_both(two_days)
    for name, schema, key in models:
        assert_same_rows(con, schema, name)
        # a unique key of several columns (a list): distinct rows of them, nulls included
        columns = ", ".join(key) if isinstance(key, list) else key
        dupes = con.execute(
            f"select count(*) - count(distinct row({columns})) from inc.{schema}.{name}"
        )
        assert dupes.fetchall()[0][0] == 0, name


def test_every_model_built_from_them_has_the_same_rows(two_days: dict) -> None:
    """Intermediate models and marts downstream see the same data either way."""
    con = attach_both(two_days)
    built = {
        (schema, name)
        for schema, name in con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = 'inc'"
        ).fetchall()
    }
    models = [(n, s) for n, s, _, _ in built_models(two_days["manifest"]) if (s, n) in built]
    assert {"dim_customers", "fct_promises"} <= {n for n, _ in models}
    for name, schema in models:
        assert_same_rows(con, schema, name)


def test_day_two_replaced_crm_rows(two_days: dict) -> None:
    """Day 2 delivered customers and corrected orders and contact moments: the staging
    tables hold the new versions, counted on top of the earlier ones."""
    with duckdb.connect(str(two_days["incremental"]), read_only=True) as con:
        for name in ("customers", "orders", "interactions"):
            latest = con.execute(f"select max(load_seq) from staging.stg_crm__{name}").fetchone()
            rows = con.execute(
                f"select versions_delivered from staging.stg_crm__{name} where load_seq = ?",
                latest,
            ).fetchall()
            assert rows, name
            assert all(r[0] >= (1 if name == "customers" else 2) for r in rows), name


def test_day_two_changed_what_it_should(two_days: dict) -> None:
    """New answers arrived, corrections replaced their originals, unknown customers became
    known: otherwise the equality above would prove little."""
    day1 = {row[0]: row for row in two_days["day1_rows"]}
    with duckdb.connect(str(two_days["incremental"]), read_only=True) as con:
        rows = con.execute(
            "select response_id, nps_score, versions_delivered, is_known_customer, "
            "source_file_name from marts.fct_survey_responses"
        ).fetchall()
    day2 = [r for r in rows if r[4].startswith("survey_responses_2026-11-27")]
    new = [r for r in day2 if r[0] not in day1]
    corrected = [r for r in day2 if r[0] in day1]
    assert new and corrected
    assert all(r[2] >= 2 for r in corrected)
    assert len(rows) == len(day1) + len(new)
    known_before = {k for k, v in day1.items() if v[3]}
    became_known = [r for r in rows if r[3] and r[0] in day1 and r[0] not in known_before]
    assert became_known


# the landing folder each incremental model counts its delivered versions from
LANDING_OF = {
    "fct_survey_responses": "survey_responses",
    **{f"stg_crm__{e}": e for e in ("customers", "interactions", "orders", "subscriptions")},
}


def counted_and_landed(warehouse: Path, landing: Path, schema: str, name: str) -> tuple[int, int]:
    """sum(versions_delivered) of the model, and the landed versions up to its watermark."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        watermark, counted = con.execute(
            f"select coalesce(max(load_seq), 0), coalesce(sum(versions_delivered), 0) "
            f"from {schema}.{name}"
        ).fetchone()
        files = f"{landing}/{LANDING_OF[name]}/*.parquet"
        (landed,) = con.execute(
            f"select count(*) from read_parquet('{files}', union_by_name = true) "
            "where _load_seq <= ?",
            [watermark],
        ).fetchone()
    return int(counted), int(landed)


def test_every_incremental_model_counts_each_landed_version_once(two_days: dict) -> None:
    """The invariant the watermark guard (macro load_watermark) checks before a batch build
    holds after a first build, an incremental build and a full refresh alike."""
    models = [m for m in incremental_models(two_days["manifest"]) if m[0] in LANDING_OF]
    assert {name for name, _, _ in models} == set(LANDING_OF)
    for warehouse in (two_days["incremental"], two_days["full"]):
        for name, schema, _ in models:
            counted, landed = counted_and_landed(warehouse, two_days["landing"], schema, name)
            assert counted == landed > 0, (warehouse.name, name, counted, landed)


def test_a_changed_landing_stops_the_incremental_build(two_days: dict) -> None:
    """Day-1 files removed from the landing (as after a wipe and a re-ingest of part of the
    inbox): the incremental build fails and says why and how to fix it, instead of keeping
    rows the landing no longer has; a --full-refresh then rebuilds from the landing."""
    root = two_days["root"]
    landing, warehouse = root / "changed_landing", root / "changed.duckdb"
    shutil.copytree(two_days["landing"], landing)
    warehouse.write_bytes(two_days["incremental"].read_bytes())
    for folder in ("survey_responses", "orders"):
        files = sorted((landing / folder).glob("*.parquet"))
        with duckdb.connect() as con:
            seqs = [con.execute(f"select min(_load_seq) from '{f}'").fetchone()[0] for f in files]
        first = min((s, f) for s, f in zip(seqs, files, strict=True) if s is not None)[1]
        first.unlink()
    select = ["--select", "stg_survey__responses", "fct_survey_responses", "stg_crm__orders"]
    failed = run_dbt(["run", *select], landing, warehouse, root / "target_changed")
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    for name in ("fct_survey_responses", "stg_crm__orders"):
        assert f"Incremental model {name} no longer matches its landing" in output, output
        assert f"dbt build --full-refresh --select {name}+" in output, output
    assert "Incremental model stg_crm__customers" not in output
    dbt(["run", *select, "--full-refresh"], landing, warehouse, root / "target_changed")
    for name, schema in (("fct_survey_responses", "marts"), ("stg_crm__orders", "staging")):
        counted, landed = counted_and_landed(warehouse, landing, schema, name)
        assert counted == landed > 0, (name, counted, landed)
