"""Batch-scoped data tests (macros/test_batch.sql): with LOYALTY_TEST_SCOPE=batch a daily
build tests only the rows it wrote to an incremental model; by default every row.

The fixture inbox is built, then tests/fixtures/inbox_day2 with the batch scope. A duplicate
order planted among the batch's rows fails the batch's unique test; one planted among older
rows is outside the batch (the weekly full run, scope `all`, finds it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.run import ingest_all

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# a load_seq model and a customer-scoped one (with everything it is built from), and the
# seeds the relationships tests of staging read
MODELS = ["resource_type:seed", "stg_crm__orders", "+int_detractor_followups"]


def dbt(args: list[str], env: dict[str, str], target: Path) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "dbt"), *args, "--target-path", str(target)]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def day_two(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("batch_tests")
    landing, warehouse, target = root / "landing", root / "loyalty.duckdb", root / "target"
    env = {**os.environ, "LOYALTY_LANDING": str(landing), "LOYALTY_WAREHOUSE": str(warehouse)}
    env["LOYALTY_BUILD_WAREHOUSE"] = str(warehouse)  # dbt writes the file the test reads
    env.pop("LOYALTY_TEST_SCOPE", None)
    for inbox in (FIXTURES / "inbox", FIXTURES / "inbox_day2"):
        assert not [m for r in ingest_all(inbox, landing) for m in r.failed]
        scope = {"LOYALTY_TEST_SCOPE": "batch"} if inbox.name == "inbox_day2" else {}
        select = ["--select", *MODELS, "--indirect-selection", "cautious"]
        done = dbt(["build", *select], {**env, **scope}, target)
        assert done.returncode == 0, done.stdout[-3000:]
    return {"env": env, "warehouse": warehouse, "target": target}


def compiled_test(target: Path, name: str) -> str:
    found = list((target / "compiled").rglob(f"{name}.sql"))
    assert len(found) == 1, name
    return " ".join(found[0].read_text().split())


def test_the_build_recorded_the_watermarks_before_it_ran(day_two: dict) -> None:
    with duckdb.connect(str(day_two["warehouse"]), read_only=True) as con:
        recorded = dict(con.execute("select * from ops.test_batch_watermarks").fetchall())
        day_one = con.execute("select min(load_seq) from staging.stg_crm__orders").fetchone()[0]
    assert recorded["stg_crm__orders"] == day_one == 1


def test_a_row_test_reads_only_the_batch(day_two: dict) -> None:
    sql = compiled_test(day_two["target"], "unique_stg_crm__orders_order_id")
    assert "where (load_seq > 1)" in sql


def test_a_customer_scoped_model_is_tested_for_the_batch_customers(day_two: dict) -> None:
    sql = compiled_test(day_two["target"], "unique_int_detractor_followups_response_id")
    assert "customer_id in (select customer_id from" in sql
    assert "stg_crm__interactions" in sql and "where load_seq > 1" in sql


def plant_duplicate(warehouse: Path, load_seq: int) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from staging.stg_crm__orders where order_id = 'O999'")
        con.execute(
            "insert into staging.stg_crm__orders select * replace "
            f"('O999' as order_id, cast({load_seq} as bigint) as load_seq) "
            "from staging.stg_crm__orders where order_id in ('O001', 'O002')"
        )


def unique_orders(day_two: dict, scope: str) -> subprocess.CompletedProcess[str]:
    env = {**day_two["env"], "LOYALTY_TEST_SCOPE": scope}
    select = ["--select", "unique_stg_crm__orders_order_id"]
    return dbt(["test", *select], env, day_two["target"])


def test_a_duplicate_in_the_batch_fails_the_batch_test(day_two: dict) -> None:
    plant_duplicate(day_two["warehouse"], load_seq=2)
    assert unique_orders(day_two, "batch").returncode == 1


def test_a_duplicate_among_older_rows_is_left_to_the_full_run(day_two: dict) -> None:
    plant_duplicate(day_two["warehouse"], load_seq=1)
    assert unique_orders(day_two, "batch").returncode == 0
    assert unique_orders(day_two, "all").returncode == 1
