"""One writer at a time: a second ingest of a landing that another process is ingesting into
fails at once with one line naming the holder (CLI exit 1, a Dagster asset failure), changes
nothing, and the first ingest's landing ends exactly as an ingest that ran alone; the lock
goes when its process dies (kill -9)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import duckdb

from orchestration.ingest.lock import lock_path
from orchestration.ingest.run import ingest_all

ROOT = Path(__file__).resolve().parent.parent
# A real ingest (ingest_all) that stops after its first loaded file until a line arrives on
# stdin: a second ingest started meanwhile meets a landing in the middle of a load.
PAUSED_INGEST = """
import sys
from pathlib import Path
import orchestration.ingest.run as run
real, calls = run.load_export, []
def paused(*args, **kwargs):
    result = real(*args, **kwargs)
    if not calls:
        calls.append(1)
        print("paused", flush=True)
        sys.stdin.readline()
    return result
run.load_export = paused
run.ingest_all(Path(sys.argv[1]), Path(sys.argv[2]))
print("done", flush=True)
"""
HOLDER = re.compile(r"another ingest \(pid (\d+)\) is running since \d{4}-\d\d-\d\dT[\d:]+Z")


def paused_ingest(inbox: Path, landing: Path) -> subprocess.Popen[str]:
    first = subprocess.Popen(
        [sys.executable, "-c", PAUSED_INGEST, str(inbox), str(landing)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert first.stdout is not None and first.stdout.readline().strip() == "paused"
    return first


def cli_ingest(inbox: Path, landing: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "LOYALTY_INBOX": str(inbox),
        "LOYALTY_LANDING": str(landing),
        "LOYALTY_WAREHOUSE": str(tmp / "warehouse" / "loyalty.duckdb"),
    }
    return subprocess.run(
        [sys.executable, "-m", "orchestration", "ingest"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def ledger(landing: Path) -> list[tuple]:
    with duckdb.connect() as con:
        return con.execute(
            f"""select entity, file_name, load_seq, rows_read, rows_accepted, rows_quarantined
            from read_parquet('{landing}/_ledger/*.parquet') where file_id is not null
            order by entity, load_seq"""
        ).fetchall()


def landed_files(landing: Path) -> list[str]:
    """Every Parquet file of the landing, by entity folder and name (file ids are hashes)."""
    return sorted(
        str(p.relative_to(landing))
        for p in landing.rglob("*")
        if p.is_file() and not p.name.startswith(".") and ".spill" not in p.parts
    )


def test_second_ingest_fails_with_one_line_and_changes_nothing(inbox: Path, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    first = paused_ingest(inbox, landing)
    try:
        during = landed_files(landing)
        assert lock_path(landing, "orders").read_text().split()[0] == str(first.pid)
        second = cli_ingest(inbox, landing, tmp_path)
        assert second.returncode == 1, second.stdout + second.stderr
        assert "Traceback" not in second.stderr
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1, second.stderr
        match = HOLDER.search(lines[0])
        assert match and int(match.group(1)) == first.pid, lines[0]
        assert str(landing) in lines[0]
        assert landed_files(landing) == during  # the second ingest wrote and removed nothing
    finally:
        out, _ = first.communicate("\n", timeout=120)
    assert first.returncode == 0 and out.strip() == "done"
    alone = tmp_path / "alone"
    ingest_all(inbox, alone)
    assert ledger(landing) == ledger(alone)
    assert lock_path(landing, "orders").read_text() == ""  # released
    assert len(ledger(landing)) == len(list(inbox.iterdir()))
    assert landed_files(landing) == landed_files(alone)
    again = cli_ingest(inbox, landing, tmp_path)  # the lock is free again: all skipped
    assert again.returncode == 0, again.stderr
    assert ledger(landing) == ledger(alone)


def test_dagster_asset_fails_with_the_message(loyalty_env: dict[str, Path], tmp_path: Path) -> None:
    from dagster import materialize

    from orchestration.ingest.assets import ingest_assets

    first = paused_ingest(loyalty_env["inbox"], loyalty_env["landing"])
    try:
        orders = next(a for a in ingest_assets if a.key.path == ["landing", "orders"])
        result = materialize([orders], raise_on_error=False)
        assert not result.success
        failures = [e for e in result.all_events if e.is_step_failure]
        message = failures[0].step_failure_data.user_failure_data.description
        match = HOLDER.search(message)
        assert match and int(match.group(1)) == first.pid, message
    finally:
        first.communicate("\n", timeout=120)
    assert first.returncode == 0


def test_lock_goes_with_a_killed_ingest(inbox: Path, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    first = paused_ingest(inbox, landing)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=60)
    assert lock_path(landing, "customers").exists()  # the file stays, its flock is gone
    after = cli_ingest(inbox, landing, tmp_path)
    assert after.returncode == 0, after.stderr
    alone = tmp_path / "alone"
    ingest_all(inbox, alone)
    assert ledger(landing) == ledger(alone)
