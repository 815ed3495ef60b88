"""Version order is name order (extension removed), whatever failed or arrived in between:
a failed file and its `-fix` correction loading together on the next run give the fix's
version; a failed file holds back the later files of its entity in that run; a file that arrives
late keeps its name-order place. Expected versions come from the raw CSVs in plain Python."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

import orchestration.ingest.run as run
from orchestration.ingest.contract import ENTITIES
from orchestration.ingest.order import in_version_order, sort_key
from orchestration.ingest.run import ingest_entity

SURVEY = ENTITIES["survey_responses"]
HEADER = ",".join(SURVEY.column_names)


def answers(path: Path, scores: dict[str, int]) -> None:
    """A survey file with one relational NPS answer per response id."""
    lines = [HEADER]
    for rid, score in scores.items():
        lines.append(f"{rid},C1,relational,,,web,2025-02-03T10:00:00,{score},,,,,en")
    path.write_text("\n".join(lines) + "\n")


def latest_by_name(inbox_files: list[Path]) -> dict[str, int]:
    """Independent: read the CSVs in plain Python, later file name (extension removed) wins."""
    latest: dict[str, int] = {}
    for path in sorted(inbox_files, key=lambda p: p.name.rsplit(".", 1)[0]):
        with path.open(newline="") as handle:
            for row in csv.DictReader(handle):
                latest[row["response_id"]] = int(row["nps_score"])
    return latest


def landed_latest(landing: Path) -> dict[str, int]:
    """What dbt's latest_delivery keeps: per key, the highest _load_seq, then _record."""
    rows = duckdb.sql(
        f"""select response_id, nps_score from read_parquet('{landing}/survey_responses/*.parquet')
        qualify row_number() over (
            partition by response_id order by _load_seq desc, _record desc) = 1"""
    ).fetchall()
    return dict(rows)


def failing_once(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Loading `name` fails as on a full disk (DuckDB's IO error), on this run only."""
    real = run.load_export

    def load(con, path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if path.name == name:
            raise duckdb.IOException(f'Could not write file "{path.name}": No space left on device')
        return real(con, path, *args, **kwargs)

    monkeypatch.setattr(run, "load_export", load)


def test_sort_key_removes_the_extension() -> None:
    names = ["s_2025-03.csv", "s_2025-02-fix.csv", "s_2025-02.xlsx", "s_2025-02.csv"]
    assert [p.name for p in in_version_order(Path(n) for n in names)] == [
        "s_2025-02.csv",
        "s_2025-02.xlsx",
        "s_2025-02-fix.csv",
        "s_2025-03.csv",
    ]
    assert sort_key("survey_responses_2025-02-fix.csv") > sort_key("survey_responses_2025-02.csv")


def test_fix_delivered_with_the_file_it_corrects_wins(tmp_path: Path) -> None:
    inbox, landing = tmp_path / "inbox", tmp_path / "landing"
    inbox.mkdir()
    answers(inbox / "survey_responses_2025-02.csv", {"R1": 3, "R2": 4})
    answers(inbox / "survey_responses_2025-02-fix.csv", {"R1": 9})
    report = ingest_entity(inbox, landing, SURVEY)
    assert [r.file_name for r in report.loaded] == [
        "survey_responses_2025-02.csv",
        "survey_responses_2025-02-fix.csv",
    ]
    assert landed_latest(landing) == latest_by_name(list(inbox.iterdir())) == {"R1": 9, "R2": 4}


def test_failed_file_and_its_fix_load_on_the_next_run_and_the_fix_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, landing = tmp_path / "inbox", tmp_path / "landing"
    inbox.mkdir()
    answers(inbox / "survey_responses_2025-01.csv", {"R0": 7})
    answers(inbox / "survey_responses_2025-02.csv", {"R1": 3, "R2": 4})
    with monkeypatch.context() as patch:
        failing_once(patch, "survey_responses_2025-02.csv")
        first = ingest_entity(inbox, landing, SURVEY)
    assert [r.file_name for r in first.loaded] == ["survey_responses_2025-01.csv"]
    assert first.failed == [
        'survey_responses_2025-02.csv: Could not write file "survey_responses_2025-02.csv": '
        "No space left on device"
    ]
    # the correction arrives; the next run loads the failed file and then its correction
    answers(inbox / "survey_responses_2025-02-fix.csv", {"R1": 9})
    second = ingest_entity(inbox, landing, SURVEY)
    assert [r.file_name for r in second.loaded] == [
        "survey_responses_2025-02.csv",
        "survey_responses_2025-02-fix.csv",
    ]
    assert landed_latest(landing) == latest_by_name(list(inbox.iterdir()))
    assert landed_latest(landing)["R1"] == 9
    assert (second.failed, second.waiting, second.late) == ([], [], [])


def test_failed_file_blocks_the_later_files_of_its_entity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, landing = tmp_path / "inbox", tmp_path / "landing"
    inbox.mkdir()
    answers(inbox / "survey_responses_2025-02.csv", {"R1": 3, "R2": 4})
    answers(inbox / "survey_responses_2025-02-fix.csv", {"R1": 9})
    answers(inbox / "survey_responses_2025-03.csv", {"R3": 10})
    with monkeypatch.context() as patch:
        failing_once(patch, "survey_responses_2025-02.csv")
        first = ingest_entity(inbox, landing, SURVEY)
    assert first.loaded == [] and len(first.failed) == 1
    assert first.waiting == [
        f"survey_responses_{n}.csv: waits for survey_responses_2025-02.csv, which failed and "
        "comes before it in name order; it stays in the inbox and loads on the next run after "
        "survey_responses_2025-02.csv is fixed or removed"
        for n in ("2025-02-fix", "2025-03")
    ]
    assert landed_latest(landing) == {}
    assert len(list(inbox.iterdir())) == 3  # nothing moved out of the inbox
    second = ingest_entity(inbox, landing, SURVEY)  # the disk has room again
    assert [r.load_seq for r in second.loaded] == [1, 2, 3]
    assert landed_latest(landing) == latest_by_name(list(inbox.iterdir()))
    assert landed_latest(landing) == {"R1": 9, "R2": 4, "R3": 10}


def test_other_entities_are_not_blocked(tmp_path: Path, inbox: Path) -> None:
    (inbox / "survey_responses_2025-01.csv").write_bytes(b"")  # cannot be read: fails
    survey = ingest_entity(inbox, tmp_path / "landing", SURVEY)
    assert survey.loaded == [] and len(survey.failed) == 1 and len(survey.waiting) == 3
    for name in ("customers", "orders"):
        report = ingest_entity(inbox, tmp_path / "landing", ENTITIES[name])
        assert (report.failed, report.waiting, len(report.loaded)) == ([], [], 1)


def test_late_file_takes_its_name_order_place(tmp_path: Path) -> None:
    inbox, landing = tmp_path / "inbox", tmp_path / "landing"
    inbox.mkdir()
    answers(inbox / "survey_responses_2025-01.csv", {"R1": 1, "R2": 2, "R3": 3})
    answers(inbox / "survey_responses_2025-03.csv", {"R2": 8})
    ingest_entity(inbox, landing, SURVEY)
    # 2025-02 arrives after 2025-03 was loaded: newer than 2025-01, older than 2025-03
    answers(inbox / "survey_responses_2025-02.csv", {"R1": 5, "R2": 6, "R4": 4})
    report = ingest_entity(inbox, landing, SURVEY)
    assert report.late == [
        "LATE: survey_responses_2025-02.csv sorts before survey_responses_2025-03.csv, which is "
        "already loaded; it is loaded in its name-order place: its records that a later-named "
        "file already delivered keep that file's version and are quarantined as superseded "
        "(name it so it sorts after survey_responses_2025-03.csv if it is the newer version)"
    ]
    (loaded,) = report.loaded
    assert (loaded.rows_read, loaded.rows_accepted, loaded.rows_quarantined) == (3, 2, 1)
    assert landed_latest(landing) == latest_by_name(list(inbox.iterdir()))
    assert landed_latest(landing) == {"R1": 5, "R2": 8, "R3": 3, "R4": 4}
    reasons = duckdb.sql(
        f"select line, column_name, reason from read_parquet('{landing}/_quarantine/*.parquet')"
    ).fetchall()
    assert reasons == [
        (
            3,
            "response_id",
            "superseded: survey_responses_2025-03.csv, which comes later in name order, already "
            "delivered this record; this file arrived late, so its version is the older one",
        )
    ]
