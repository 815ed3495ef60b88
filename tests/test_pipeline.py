"""End to end: the Dagster job on the fixture inbox, into a tmp warehouse, checked by hand."""

from __future__ import annotations

import csv
import json
import math
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURE_INBOX
from dagster import DagsterInstance

pytestmark = pytest.mark.e2e


def adjusted_wald(promoters: int, detractors: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The interval as the issue states it, written independently of the dbt macro."""
    n_adj = n + 3
    p, d = (promoters + 0.75) / n_adj, (detractors + 0.75) / n_adj
    se = math.sqrt((p + d - (p - d) ** 2) / n_adj)
    low, high = 100 * ((p - d) - z * se), 100 * ((p - d) + z * se)
    return max(-100.0, low), min(100.0, high)


def run_job() -> object:
    from orchestration.definitions import defs

    job = defs.resolve_job_def("loyalty_pipeline")
    with DagsterInstance.ephemeral() as instance:
        return job.execute_in_process(instance=instance, raise_on_error=False)


@pytest.fixture(scope="module")
def loyalty_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """One pipeline run for the module (a run costs ~30 s, mostly dbt's start-up)."""
    root = tmp_path_factory.mktemp("pipeline")
    paths = {
        "inbox": root / "inbox",
        "landing": root / "landing",
        "warehouse": root / "warehouse" / "loyalty.duckdb",
    }
    shutil.copytree(FIXTURE_INBOX, paths["inbox"])
    with pytest.MonkeyPatch.context() as mp:
        for name, path in paths.items():
            mp.setenv(f"LOYALTY_{name.upper()}", str(path))
        yield paths


@pytest.fixture(scope="module")
def pipeline_result(loyalty_env: dict[str, Path]) -> object:
    return run_job()


def marts(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_job_succeeds_with_every_check_passing(pipeline_result) -> None:
    assert pipeline_result.success
    evaluations = pipeline_result.get_asset_check_evaluations()
    failed = [e.asset_check_key.to_user_string() for e in evaluations if not e.passed]
    assert failed == []
    names = {e.asset_check_key.name for e in evaluations}
    assert "fct_nps_monthly_groups_add_up" in names  # a dbt test
    assert any(name.startswith("gx_") for name in names)  # a GX suite


def test_nps_monthly_matches_hand_computation(pipeline_result, loyalty_env) -> None:
    # January: R001 10, R002 9, R003 7, R004 3, R005 8 (anonymous), R007 0 (unknown customer);
    #   R006 skipped NPS, R008 (11) quarantined -> 2 promoters, 2 passives, 2 detractors.
    # February: R009 9, R010 re-delivered 6 -> 9, R011 8, R012 10 (00:30 +01:00 on 1 March is
    #   23:30 UTC on 28 February); R013 'abc' and R015 (malformed) quarantined.
    # March: R014 10 alone.
    rows = marts(
        loyalty_env["warehouse"],
        "select month_start, responses, promoters, passives, detractors, nps, nps_ci_low, "
        "nps_ci_high from marts.fct_nps_monthly order by month_start",
    )
    expected = [
        (date(2025, 1, 1), 6, 2, 2, 2, 0.0),
        (date(2025, 2, 1), 4, 3, 1, 0, 75.0),
        (date(2025, 3, 1), 1, 1, 0, 0, 100.0),
    ]
    assert [r[:6] for r in rows] == expected
    for row, (_, n, promoters, _, detractors, _) in zip(rows, expected, strict=True):
        low, high = adjusted_wald(promoters, detractors, n)
        assert row[6] == pytest.approx(low, abs=1e-9)
        assert row[7] == pytest.approx(high, abs=1e-9)
    assert rows[2][6:] == (-48.5, 98.5)


def test_responses_customers_and_flags(pipeline_result, loyalty_env) -> None:
    warehouse = loyalty_env["warehouse"]
    responses = marts(
        warehouse,
        "select response_id, nps_score, is_anonymous, is_known_customer, versions_delivered, "
        "emotion_valence from marts.fct_survey_responses order by response_id",
    )
    by_id = {r[0]: r[1:] for r in responses}
    assert sorted(by_id) == [
        "R001", "R002", "R003", "R004", "R005", "R006", "R007", "R009", "R010", "R011",
        "R012", "R014",
    ]  # fmt: skip
    assert by_id["R010"] == (9, False, True, 2, 2)  # the corrected version, opluchting = +2
    assert by_id["R005"][1:3] == (True, False)  # anonymous
    assert by_id["R007"][1:3] == (False, False)  # unknown customer C999, still counted
    customers = marts(
        warehouse,
        "select customer_id, orders, revenue, latest_nps_score, nps_answers "
        "from marts.dim_customers order by customer_id",
    )
    assert len(customers) == 6
    assert customers[0][:5] == ("C001", 3, 300.0, 9, 2)  # R008 (11) was quarantined


def test_job_writes_the_loyalty_report(pipeline_result, loyalty_env) -> None:
    report = loyalty_env["warehouse"].parent / "report" / "loyalty_report.html"
    (materialization,) = [
        m
        for m in pipeline_result.get_asset_materialization_events()
        if m.asset_key.path == ["serve", "loyalty_report"]
    ]
    assert materialization.materialization.metadata["path"].value == str(report)
    html = report.read_text(encoding="utf-8")
    assert 'data-testid="nps-latest">100.0<' in html  # March 2025: one promoter


def test_job_publishes_the_audited_build_file(pipeline_result, loyalty_env) -> None:
    published = loyalty_env["warehouse"]
    build = published.parent / "build" / published.name
    (event,) = [
        m
        for m in pipeline_result.get_asset_materialization_events()
        if m.asset_key.path == ["serve", "published_warehouse"]
    ]
    assert event.materialization.metadata["bytes"].value == published.stat().st_size
    assert build.read_bytes() == published.read_bytes()  # kept: the next build grows from it
    record = json.loads((build.parent / f"{build.name}.audit.json").read_text())
    assert "dbt_tests" in record["passed"] and "gx_marts_fct_nps_monthly" in record["passed"]


# A BI tool: a read-only connection held for the whole run; on each line it reads the count on
# that connection ("reconnect": on a new one).
READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("ready", flush=True)
for line in sys.stdin:
    if line.strip() == "reconnect":
        con.close()
        con = duckdb.connect(sys.argv[1], read_only=True)
    sql = "select count(*), (select count(*) from staging.stg_ingest__ledger) from marts.dim_customers"
    print(con.execute(sql).fetchone(), flush=True)
"""


def test_second_run_changes_nothing_with_a_reader_connected(pipeline_result, loyalty_env) -> None:
    sql = "select * from marts.fct_nps_monthly order by month_start"
    published = loyalty_env["warehouse"]
    before = marts(published, sql)
    inode = published.stat().st_ino
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(published)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdin and reader.stdout
    try:
        assert reader.stdout.readline().strip() == "ready"
        again = run_job()  # the reader stays connected to the published file all along
        assert again.success
        reader.stdin.write("read\nreconnect\n")
        reader.stdin.flush()
        old, new = reader.stdout.readline().strip(), reader.stdout.readline().strip()
    finally:
        reader.kill()
        reader.wait()
    assert old == new == "(6, 8)"  # its old file, then the new one: the same marts
    assert published.stat().st_ino != inode  # a new file was published under the reader
    assert marts(published, sql) == before
    ledger = marts(
        loyalty_env["warehouse"], "select count(*), sum(rows_read) from staging.stg_ingest__ledger"
    )
    assert ledger == [(8, 38)]  # 8 files loaded once; not again


def test_no_personal_data_in_marts(pipeline_result, loyalty_env) -> None:
    columns = marts(
        loyalty_env["warehouse"],
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts'",
    )
    names = {c for _, c in columns}
    assert not names & {"email", "full_name", "email_pseudonym"}
    # no value of any text column of any mart holds an address or a name from the exports
    secrets = set()
    with (FIXTURE_INBOX / "customers.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            secrets |= {row["email"].lower(), row["full_name"].lower()}
    for table, column in marts(
        loyalty_env["warehouse"],
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts' and data_type = 'VARCHAR'",
    ):
        values = marts(
            loyalty_env["warehouse"], f'select distinct lower("{column}") from marts.{table}'
        )
        leaked = {v for (v,) in values if v and any(s in v for s in secrets)}
        assert not leaked, (table, column, leaked)
