"""BI access: read-only connections share the published warehouse; dbt writes the build file,
so a reader of the published file never blocks it. A reader of the build file does block dbt,
and a writer blocks readers (DuckDB's single-writer file lock). docs/serving.md documents it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
LOCK_ERROR = "Could not set lock on file"


def other_process(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_many_read_only_connections_while_idle(fixture_warehouse: Path) -> None:
    with duckdb.connect(str(fixture_warehouse), read_only=True) as con:
        (mine,) = con.execute("select count(*) from marts.fct_nps_monthly").fetchone()
        sql = "select count(*) from marts.fct_nps_monthly"
        done = other_process(
            f"import duckdb; con = duckdb.connect({str(fixture_warehouse)!r}, read_only=True); "
            f"print(con.execute({sql!r}).fetchone()[0])"
        )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == mine == 3


def dbt_run_dim_dates(env: dict[str, str], target: Path) -> subprocess.CompletedProcess:
    dbt = [str(Path(sys.executable).parent / "dbt"), "run", "--select", "dim_dates"]
    dbt += ["--target-path", str(target)]
    return subprocess.run(dbt, cwd=ROOT, env=env, capture_output=True, text=True)


def test_a_reader_of_the_published_file_never_blocks_dbt(
    fixture_warehouse: Path, tmp_path: Path
) -> None:
    published, build = tmp_path / "loyalty.duckdb", tmp_path / "build" / "loyalty.duckdb"
    build.parent.mkdir()
    shutil.copy(fixture_warehouse, published)
    shutil.copy(fixture_warehouse, build)
    env = {**os.environ, "LOYALTY_WAREHOUSE": str(published)}
    env.pop("LOYALTY_BUILD_WAREHOUSE", None)  # the default: build/loyalty.duckdb beside it
    reader = duckdb.connect(str(published), read_only=True)  # a BI tool left connected
    try:
        done = dbt_run_dim_dates(env, tmp_path / "target")
        assert reader.execute("select count(*) from marts.fct_nps_monthly").fetchone() == (3,)
    finally:
        reader.close()
    assert done.returncode == 0, done.stdout[-2000:]


def test_a_reader_of_the_build_file_makes_dbt_fail_until_it_disconnects(
    fixture_warehouse: Path, tmp_path: Path
) -> None:
    warehouse = tmp_path / "loyalty.duckdb"
    shutil.copy(fixture_warehouse, warehouse)
    env = {**os.environ, "LOYALTY_WAREHOUSE": str(warehouse)}
    env["LOYALTY_BUILD_WAREHOUSE"] = str(warehouse)
    reader = duckdb.connect(str(warehouse), read_only=True)  # someone opened the build file
    try:
        blocked = dbt_run_dim_dates(env, tmp_path / "target")
    finally:
        reader.close()
    assert blocked.returncode != 0
    assert LOCK_ERROR in blocked.stdout + blocked.stderr
    freed = dbt_run_dim_dates(env, tmp_path / "target")
    assert freed.returncode == 0, freed.stdout[-2000:]


def test_a_reader_cannot_connect_while_a_writer_holds_the_file(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as writer:  # as dbt does during a build
        writer.execute("create table t as select 1 as x")
        done = other_process(f"import duckdb; duckdb.connect({str(path)!r}, read_only=True)")
    assert done.returncode != 0 and LOCK_ERROR in done.stderr
    later = other_process(f"import duckdb; duckdb.connect({str(path)!r}, read_only=True)")
    assert later.returncode == 0, later.stderr  # once the writer is gone, readers are back
