"""One case of an ingest corpus (tests/fixtures/bad, tests/fixtures/hostile): a folder that is
an inbox, ingested for one entity, and what must come of it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.ingest.contract import ENTITIES
from orchestration.ingest.run import IngestReport, ingest_entity


@dataclass(frozen=True)
class Case:
    counts: tuple[int, int, int] = (0, 0, 0)  # rows read, accepted, quarantined
    quarantine: tuple[tuple[int, str], ...] = ()  # (line, reason)
    error: str | None = None  # the whole message of a file that cannot be read
    query: str | None = None  # on the landing zone ({landing}), checked against `expect`
    expect: tuple[tuple, ...] = ()
    entity: str = "survey_responses"


def check_case(folder: Path, case: Case, tmp_path: Path) -> IngestReport:
    """Ingest a copy of `folder` and assert `case`: the file fails with exactly its message
    and keeps nothing, or every row is accepted or quarantined with the expected reasons."""
    inbox, landing = tmp_path / "inbox", tmp_path / "landing"
    shutil.copytree(folder, inbox)
    report = ingest_entity(inbox, landing, ENTITIES[case.entity])
    if case.error is not None:
        assert (report.failed, report.loaded) == ([case.error], [])
        left = [p for p in landing.rglob("*.parquet*") if p.name != "empty.parquet"]
        assert left == []  # nothing of the file was kept
        return report
    assert report.failed == []
    counts = [(r.rows_read, r.rows_accepted, r.rows_quarantined) for r in report.loaded]
    assert tuple(sum(column) for column in zip(*counts, strict=True)) == case.counts
    assert all(read == ok + bad for read, ok, bad in counts)
    con = duckdb.connect()
    quarantine = con.execute(
        f"select line, reason from read_parquet('{landing}/_quarantine/*.parquet') order by line"
    ).fetchall()
    assert tuple(quarantine) == case.quarantine
    if case.query is not None:
        assert tuple(con.execute(case.query.format(landing=landing)).fetchall()) == case.expect
    return report
