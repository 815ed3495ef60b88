"""Write-audit-publish: a reader of the published warehouse never blocks a build or a publish,
a failing check publishes nothing, and kill -9 while publishing leaves the old or the new file."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
NPS_ROWS = "select count(*) from marts.fct_nps_monthly"

# Holds a read-only connection for as long as it runs; prints the row count it sees on that
# connection every time it reads a line, and on a new connection for "reconnect".
READER = """
import sys, duckdb
path = sys.argv[1]
con = duckdb.connect(path, read_only=True)
print("ready", flush=True)
for line in sys.stdin:
    if line.strip() == "reconnect":
        con.close()
        con = duckdb.connect(path, read_only=True)
    print(con.execute("select count(*) from marts.fct_nps_monthly").fetchone()[0], flush=True)
"""


def env_for(root: Path) -> dict[str, str]:
    env = {**os.environ, "LOYALTY_LANDING": str(root / "landing")}
    env["LOYALTY_WAREHOUSE"] = str(root / "wh" / "loyalty.duckdb")
    env["DBT_TARGET_PATH"] = str(root / "target")  # not the repo's target/
    env.pop("LOYALTY_BUILD_WAREHOUSE", None)  # default: wh/build/loyalty.duckdb
    return env


def published_placeholder(path: Path) -> None:
    """An 'old' published warehouse: the marts table exists but is empty."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create table marts.fct_nps_monthly (x integer)")


def scratch(fixture_warehouse: Path, tmp_path: Path) -> dict[str, Path]:
    """A published placeholder and a build file that is the fixture build (3 NPS months)."""
    build = tmp_path / "wh" / "build" / "loyalty.duckdb"
    build.parent.mkdir(parents=True)
    shutil.copy(fixture_warehouse, build)
    shutil.copytree(fixture_warehouse.parent / "landing", tmp_path / "landing")
    published = tmp_path / "wh" / "loyalty.duckdb"
    published_placeholder(published)
    return {"build": build, "published": published}


def publish_cli(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "orchestration", "publish"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)


def test_a_reader_holds_the_published_file_through_build_and_publish(
    fixture_warehouse: Path, tmp_path: Path
) -> None:
    paths, env = scratch(fixture_warehouse, tmp_path), env_for(tmp_path)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(paths["published"])],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdin and reader.stdout
    try:
        assert reader.stdout.readline().strip() == "ready"
        build = subprocess.run(
            [str(Path(sys.executable).parent / "dbt"), "run", "--quiet", "--select", "dim_dates"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert build.returncode == 0, build.stdout[-2000:]
        done = publish_cli(env)  # runs `dbt test` and every GX suite, then publishes
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        assert "published" in done.stdout
        reader.stdin.write("count\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "0"  # its open connection: the old file
        reader.stdin.write("reconnect\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "3"  # the new marts
    finally:
        reader.kill()
        reader.wait()
    assert paths["build"].exists()  # the incremental models grow from it next time


def test_a_failing_check_publishes_nothing_and_names_the_check(
    fixture_warehouse: Path, tmp_path: Path
) -> None:
    paths, env = scratch(fixture_warehouse, tmp_path), env_for(tmp_path)
    with duckdb.connect(str(paths["build"])) as con:  # an NPS outside -100..100
        con.execute(
            "update marts.fct_nps_monthly set nps = 250 where month_start = (select min(month_start) "
            "from marts.fct_nps_monthly)"
        )
    before = paths["published"].read_bytes()
    done = publish_cli(env)
    assert done.returncode == 1
    message = done.stderr
    assert "not published: check dbt_tests failed" in message
    assert "fct_nps_monthly" in message  # dbt's summary names the failing test
    assert "Traceback" not in message
    assert paths["published"].read_bytes() == before
    assert paths["build"].exists()


def test_a_failing_gx_suite_blocks_the_publish(fixture_warehouse: Path, tmp_path: Path) -> None:
    from orchestration.config import Settings
    from orchestration.quality.audit import AuditFailed, audit_build, record_passed

    paths = scratch(fixture_warehouse, tmp_path)
    with duckdb.connect(str(paths["build"])) as con:
        con.execute("update marts.fct_nps_monthly set nps = 250")
    settings = Settings(tmp_path / "inbox", tmp_path / "landing", paths["published"])
    record_passed(paths["build"], ["dbt_tests"])  # only the GX suites are left to run
    before = paths["published"].read_bytes()
    with pytest.raises(AuditFailed, match="check gx_marts_fct_nps_monthly failed"):
        audit_build(settings, log=lambda line: None)
    assert paths["published"].read_bytes() == before


# Publishes a.duckdb's build over the published file, pausing (and saying so) at each step.
KILLED_PUBLISH = """
import os, shutil, sys, time
from pathlib import Path
from orchestration import wap
from orchestration.config import Settings

step = sys.argv[3]
def pause(name):
    if name == step:
        print(name, flush=True)
        time.sleep(60)

real_replace, real_fsync, real_copy = os.replace, wap._fsync_dir, shutil.copyfileobj
def copy(src, dst, length=0):
    dst.write(src.read(1 << 20))  # the temp file is half written when the kill comes
    dst.flush()
    pause("copy")
    real_copy(src, dst)
def replace(a, b):
    pause("rename")
    real_replace(a, b)
def fsync_dir(folder):
    pause("fsync_dir")
    real_fsync(folder)
wap.shutil.copyfileobj, wap.os.replace, wap._fsync_dir = copy, replace, fsync_dir
pause("start")
wap.publish(Settings(Path("."), Path("."), Path(sys.argv[2]), Path(sys.argv[1])))
print("done", flush=True)
"""


def marts_of(path: Path, rows: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(f"create table marts.fct_nps_monthly as select range as x from range({rows})")
    return path


@pytest.mark.parametrize("step", ["start", "copy", "rename", "fsync_dir", "done"])
def test_kill_9_while_publishing_leaves_the_old_or_the_new_file(tmp_path: Path, step: str) -> None:
    build = marts_of(tmp_path / "build" / "loyalty.duckdb", 300_000)
    published = marts_of(tmp_path / "loyalty.duckdb", 7)
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_PUBLISH, str(build), str(published), step],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout
    assert process.stdout.readline().strip() == step
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    with duckdb.connect(str(published), read_only=True) as con:
        (rows,) = con.execute(NPS_ROWS).fetchone()
    expected = 7 if step in ("start", "copy", "rename") else 300_000
    assert rows == expected
    # the next publish completes over whatever the killed one left behind
    from orchestration.config import Settings
    from orchestration.wap import publish

    publish(Settings(tmp_path, tmp_path, published, build))
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute(NPS_ROWS).fetchone() == (300_000,)
    assert not list(tmp_path.glob("*.publishing"))


def test_a_locked_build_file_is_one_line_naming_the_holder(tmp_path: Path) -> None:
    from orchestration.locks import WarehouseLocked, ensure_unlocked

    path = marts_of(tmp_path / "loyalty.duckdb", 1)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c = duckdb.connect({str(path)!r}); "
            "print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout and holder.stdout.readline().strip() == "ready"
        with pytest.raises(WarehouseLocked) as error:
            ensure_unlocked(path)
        assert f"(PID {holder.pid})" not in str(error.value)  # reworded, not DuckDB's dump
        assert f"process {holder.pid}" in str(error.value)
        assert "\n" not in str(error.value)
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    ensure_unlocked(path)  # free again


def test_a_run_blocked_by_a_build_file_reader_says_so_in_one_line(tmp_path: Path) -> None:
    build = marts_of(tmp_path / "wh" / "build" / "loyalty.duckdb", 1)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c = duckdb.connect({str(build)!r}, read_only=True); "
            "print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout and holder.stdout.readline().strip() == "ready"
        env = env_for(tmp_path)
        command = [sys.executable, "-m", "orchestration", "run"]
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"is locked by process {holder.pid}" in lines[0]


def test_a_missing_build_file_is_seeded_from_the_published_one(tmp_path: Path) -> None:
    from orchestration.config import Settings
    from orchestration.wap import prepare_build

    published = marts_of(tmp_path / "loyalty.duckdb", 5)
    settings = Settings(tmp_path, tmp_path, published)
    assert settings.build_warehouse == tmp_path / "build" / "loyalty.duckdb"
    prepare_build(settings)  # the incremental models grow from the published state
    assert settings.build_warehouse.read_bytes() == published.read_bytes()
    with duckdb.connect(str(settings.build_warehouse)) as con:
        con.execute("insert into marts.fct_nps_monthly values (99)")
    prepare_build(settings)  # an existing build file is never replaced
    with duckdb.connect(str(settings.build_warehouse), read_only=True) as con:
        assert con.execute(NPS_ROWS).fetchone() == (6,)


def test_the_publish_asset_refuses_a_run_without_the_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dagster import materialize

    from orchestration.serve.publish import published_warehouse

    build = marts_of(tmp_path / "wh" / "build" / "loyalty.duckdb", 3)
    published = marts_of(tmp_path / "wh" / "loyalty.duckdb", 1)
    monkeypatch.setenv("LOYALTY_WAREHOUSE", str(published))
    before = published.read_bytes()
    result = materialize([published_warehouse], raise_on_error=False)  # no dbt, no GX in it
    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    message = failure.step_failure_data.error.message
    assert "not published: check " in message and "did not run in this run" in message
    assert published.read_bytes() == before
    assert build.exists()
