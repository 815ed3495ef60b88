"""Crash safety: an ingest killed with SIGKILL mid-way, then run again, lands exactly what an
uninterrupted ingest lands; and ingesting the same inbox twice changes nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.contract import ENTITIES
from orchestration.ingest.run import ingest_all

ROOT = Path(__file__).resolve().parent.parent
SURVEY_HEADER = ",".join(ENTITIES["survey_responses"].column_names)
FILES, ROWS_PER_FILE = 4, 300_000


def big_inbox(inbox: Path) -> None:
    """Four survey files of 300,000 rows each (one in 1,000 with an out-of-range score)."""
    inbox.mkdir()
    con = duckdb.connect()
    for n in range(FILES):
        con.execute(
            f"""copy (
                select 'R' || (i % 1000000) as response_id, 'C' || (i % 5000) as customer_id,
                    'relational' as survey_type, '' as interaction_id, '' as touchpoint,
                    'web' as channel,
                    strftime(timestamp '2025-01-01' + to_seconds(i), '%Y-%m-%dT%H:%M:%S')
                        as submitted_at,
                    case when i % 1000 = 0 then 11 else i % 11 end as nps_score,
                    1 + i % 7 as ces_score, 1 + i % 5 as csat_score, 'joy' as emotion,
                    'comment, number ' || i as comment, 'en' as language
                from range({n * ROWS_PER_FILE}, {(n + 1) * ROWS_PER_FILE}) as t(i)
            ) to '{inbox}/survey_responses_{n:02d}.csv' (header true)"""
        )
    con.close()


def parquet_files(landing: Path) -> list[str]:
    """Every file of the landing zone (the DuckDB spill folder and the ingest's lock files,
    orchestration/ingest/lock.py, aside), relative to it."""
    found = [
        str(p.relative_to(landing))
        for p in sorted(landing.rglob("*"))
        if p.is_file() and ".spill" not in p.parts and p.suffix != ".lock"
    ]
    assert all(name.endswith(".parquet") for name in found), f"left-overs: {found}"
    return found


def differing_rows(a: Path, b: Path) -> int:
    """Rows in one Parquet file and not the other (as multisets), load timestamps aside."""
    con = duckdb.connect()
    columns = [r[0] for r in con.execute(f"describe select * from '{a}'").fetchall()]
    keep = ", ".join(f'"{c}"' for c in columns if c not in ("loaded_at", "_loaded_at"))
    (count,) = con.execute(
        f"""select count(*) from (
            (select {keep} from '{a}' except all select {keep} from '{b}')
            union all
            (select {keep} from '{b}' except all select {keep} from '{a}'))"""
    ).fetchone()
    con.close()
    return count


def assert_same_landing(actual: Path, expected: Path) -> None:
    files = parquet_files(expected)
    assert parquet_files(actual) == files
    assert {f: differing_rows(actual / f, expected / f) for f in files} == dict.fromkeys(files, 0)


def run_ingest(inbox: Path, landing: Path) -> subprocess.Popen:
    env = os.environ | {
        "LOYALTY_INBOX": str(inbox),
        "LOYALTY_LANDING": str(landing),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "orchestration", "ingest"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.e2e
def test_killed_ingest_recovers_to_the_same_landing_zone(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    big_inbox(inbox)
    reference, crashed = tmp_path / "reference", tmp_path / "crashed"
    ingest_all(inbox, reference)

    process = run_ingest(inbox, crashed)
    survey = crashed / "survey_responses"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        written = [p for p in survey.glob("*.parquet*") if p.name != "empty.parquet"]
        if written:
            break
        time.sleep(0.01)
    assert process.poll() is None, "the ingest finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    ledger = list((crashed / "_ledger").glob("survey_responses__*.parquet"))
    assert len(ledger) < FILES  # it really was interrupted mid-way

    reports = {r.entity: r for r in ingest_all(inbox, crashed)}
    assert reports["survey_responses"].failed == []
    assert_same_landing(crashed, reference)
    (loaded,) = (
        duckdb.connect()
        .execute(f"select count(*) from '{crashed}/_ledger/survey_responses__*.parquet'")
        .fetchone()
    )
    assert loaded == FILES


@pytest.mark.e2e
def test_ingesting_the_same_inbox_twice_changes_nothing(inbox: Path, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    ingest_all(inbox, landing)

    def files() -> dict[str, bytes]:
        return {
            str(p.relative_to(landing)): p.read_bytes()
            for p in sorted(landing.rglob("*"))
            if p.is_file() and ".spill" not in p.parts
        }

    before = files()
    second = ingest_all(inbox, landing)
    assert all(not r.loaded and not r.failed and r.orphans_removed == 0 for r in second)
    assert files() == before


def big_json_lines_inbox(inbox: Path, files: int = 2, rows: int = 60_000) -> None:
    """Survey exports as JSON lines (a vendor shape, converted in <landing>/.normalised/)."""
    inbox.mkdir()
    con = duckdb.connect()
    for n in range(files):
        con.execute(
            f"""copy (
                select 'R' || i as response_id, {{'id': 'C' || (i % 5000)}} as customer,
                    'relational' as survey_type,
                    strftime(timestamp '2025-01-01' + to_seconds(i), '%Y-%m-%dT%H:%M:%S')
                        as submitted_at,
                    {{'nps': case when i % 1000 = 0 then 11 else i % 11 end,
                      'ces': 1 + i % 7, 'comment': 'comment ' || i}} as answers
                from range({n * rows}, {(n + 1) * rows}) as t(i)
            ) to '{inbox}/survey_responses_{n:02d}.jsonl' (format json)"""
        )
    con.close()


@pytest.mark.e2e
def test_killed_vendor_ingest_leaves_no_scratch_and_recovers(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    big_json_lines_inbox(inbox)
    reference, crashed = tmp_path / "reference", tmp_path / "crashed"
    ingest_all(inbox, reference)

    process = run_ingest(inbox, crashed)
    scratch = crashed / ".normalised"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if any(scratch.glob("survey_responses.*/*.jsonl")):  # a converted file is being written
            break
        time.sleep(0.005)
    assert process.poll() is None, "the ingest finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert any(scratch.glob("survey_responses.*"))  # the kill left the scratch folder behind

    reports = {r.entity: r for r in ingest_all(inbox, crashed)}
    assert reports["survey_responses"].failed == []
    assert reports["survey_responses"].orphans_removed >= 1
    assert list(scratch.iterdir()) == []
    assert_same_landing(crashed, reference)  # also: no file but Parquet is left anywhere
    again = {r.entity: r for r in ingest_all(inbox, crashed)}["survey_responses"]
    assert (again.loaded, len(again.skipped)) == ([], 2)
