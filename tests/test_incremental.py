"""Incremental models: a build on day 1, then day 2's exports (new answers, corrected
re-deliveries, newly delivered customers) built incrementally, gives the same rows as a full
build of both days, for every incremental model of the project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.demo.generator import generate
from orchestration.demo.nextday import write_next_day
from orchestration.ingest.run import ingest_all

ROOT = Path(__file__).resolve().parent.parent


def dbt(args: list[str], landing: Path, warehouse: Path, target: Path) -> None:
    env = {**os.environ, "LOYALTY_LANDING": str(landing), "LOYALTY_WAREHOUSE": str(warehouse)}
    command = [str(Path(sys.executable).parent / "dbt"), *args, "--quiet"]
    done = subprocess.run(
        [*command, "--target-path", str(target)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]


def ingest(inbox: Path, landing: Path) -> None:
    failed = [m for report in ingest_all(inbox, landing) for m in report.failed]
    assert not failed, failed


def incremental_models(manifest: Path) -> list[tuple[str, str]]:
    nodes = json.loads(manifest.read_text())["nodes"].values()
    return sorted(
        (n["name"], n["config"]["unique_key"])
        for n in nodes
        if n["resource_type"] == "model" and n["config"]["materialized"] == "incremental"
    )


@pytest.fixture(scope="module")
def two_days(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("incremental")
    inbox, landing, target = root / "inbox", root / "landing", root / "target"
    day1 = root / "day1.duckdb"
    generate(inbox, customers=300, seed=11)
    ingest(inbox, landing)
    # the incremental models and everything upstream (seeds included), without the tests
    select = ["--select", "+config.materialized:incremental", "--resource-type", "model", "seed"]
    dbt(["build", *select], landing, day1, target)
    with duckdb.connect(str(day1), read_only=True) as con:
        before = con.execute("select * from marts.fct_survey_responses").fetchall()
    written = write_next_day(inbox, root / "day2")
    assert all(rows > 0 for rows in written.values()), written
    ingest(root / "day2", landing)
    incremental = root / "incremental.duckdb"
    incremental.write_bytes(day1.read_bytes())
    dbt(["build", *select], landing, incremental, target)
    compiled = (target / "run/loyalty/models/marts/survey/fct_survey_responses.sql").read_text()
    full = root / "full.duckdb"
    dbt(["build", *select, "--full-refresh"], landing, full, root / "target_full")
    return {
        "incremental": incremental,
        "full": full,
        "manifest": target / "manifest.json",
        "compiled": compiled,
        "day1_rows": before,
    }


def test_the_incremental_build_only_added_the_new_batch(two_days: dict) -> None:
    """The second build ran as delete+insert of a batch, not as a rebuild of the table."""
    assert "delete from" in two_days["compiled"]
    assert "insert into" in two_days["compiled"]
    assert "create table" not in two_days["compiled"].lower()


def test_incremental_equals_full_refresh_for_every_incremental_model(two_days: dict) -> None:
    models = incremental_models(two_days["manifest"])
    assert ("fct_survey_responses", "response_id") in models
    con = duckdb.connect()
    con.execute(f"attach '{two_days['incremental']}' as inc (read_only)")
    con.execute(f"attach '{two_days['full']}' as fr (read_only)")
    for name, key in models:
        inc, full = f"inc.marts.{name}", f"fr.marts.{name}"
        only_inc = con.execute(f"select count(*) from (from {inc} except all from {full})")
        assert only_inc.fetchall()[0][0] == 0, name
        only_full = con.execute(f"select count(*) from (from {full} except all from {inc})")
        assert only_full.fetchall()[0][0] == 0, name
        dupes = con.execute(f"select count(*) - count(distinct {key}) from {inc}").fetchall()
        assert dupes[0][0] == 0, name


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
