"""The inbox sensor: a run for new or changed files once they have stopped growing, nothing
otherwise."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from dagster import SensorResult, build_sensor_context

from orchestration.ingest.sensors import inbox_sensor, new_files, plan_tick


def tick(cursor: str | None) -> SensorResult:
    result = inbox_sensor(build_sensor_context(cursor=cursor))
    assert isinstance(result, SensorResult)
    return result


def test_new_files_are_new_or_changed() -> None:
    assert new_files({"a.csv": "1:1"}, {"a.csv": "1:1", "b.csv": "2:2"}) == ["b.csv"]
    assert new_files({"a.csv": "1:1"}, {"a.csv": "1:2"}) == ["a.csv"]
    assert new_files({"a.csv": "1:1"}, {}) == []


def test_a_file_runs_once_it_is_the_same_on_two_looks() -> None:
    assert plan_tick({}, {}, {"a.csv": "1:1"}) == ([], ["a.csv"], {"a.csv": "1:1"})
    assert plan_tick({}, {"a.csv": "1:1"}, {"a.csv": "2:2"}) == ([], ["a.csv"], {"a.csv": "2:2"})
    assert plan_tick({}, {"a.csv": "2:2"}, {"a.csv": "2:2"}) == (["a.csv"], [], {})
    # one file still growing holds back the others: the ingest would read it half-way
    ready, growing, _ = plan_tick({}, {"a.csv": "1:1"}, {"a.csv": "1:1", "b.csv": "5:5"})
    assert (ready, growing) == ([], ["b.csv"])


def test_sensor_requests_one_run_per_new_delivery(loyalty_env: dict[str, Path]) -> None:
    first = tick(None)
    assert not first.run_requests  # seen once: may still be growing
    second = tick(first.cursor)
    assert len(second.run_requests) == 1
    assert "survey_responses_2025-01.csv" in second.run_requests[0].tags["loyalty/new_files"]
    cursor = second.cursor

    assert not tick(cursor).run_requests  # nothing new

    new = loyalty_env["inbox"] / "survey_responses_2025-04.csv"
    new.write_text((loyalty_env["inbox"] / "survey_responses_2025-03.csv").read_text())
    os.utime(new, ns=(1, 1))
    seen = tick(cursor)
    assert not seen.run_requests
    third = tick(seen.cursor)
    assert third.run_requests[0].tags["loyalty/new_files"] == "survey_responses_2025-04.csv"
    assert "survey_responses_2025-04.csv" in json.loads(third.cursor)["requested"]


def test_a_growing_file_starts_no_run_until_it_stops(loyalty_env: dict[str, Path]) -> None:
    cursor = tick(tick(None).cursor).cursor  # the fixture inbox, run requested
    growing = loyalty_env["inbox"] / "survey_responses_2025-05.csv"
    source = (loyalty_env["inbox"] / "survey_responses_2025-03.csv").read_text()
    half = len(source) // 2
    growing.write_text(source[:half])  # the copy into the inbox is half-way
    os.utime(growing, ns=(1, 1))
    looked = tick(cursor)
    assert not looked.run_requests
    growing.write_text(source)  # still being written: bigger now
    os.utime(growing, ns=(2, 2))
    looked = tick(looked.cursor)
    assert not looked.run_requests
    assert "survey_responses_2025-05.csv" in str(looked.skip_reason)
    stopped = tick(looked.cursor)  # the same size and mtime as last time
    assert stopped.run_requests[0].tags["loyalty/new_files"] == "survey_responses_2025-05.csv"


def test_unknown_files_do_not_start_runs(loyalty_env: dict[str, Path]) -> None:
    cursor = tick(tick(None).cursor).cursor
    (loyalty_env["inbox"] / "readme.txt").write_text("not an export")
    assert not tick(cursor).run_requests


def test_a_missing_inbox_is_said_not_counted_as_no_files(
    loyalty_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = loyalty_env["inbox"].parent / "no-such-inbox"
    monkeypatch.setenv("LOYALTY_INBOX", str(missing))
    result = tick("{}")
    assert not result.run_requests
    assert result.skip_reason is not None
    assert result.skip_reason.skip_message == (
        f"the inbox folder {missing} does not exist: create it or set LOYALTY_INBOX"
    )
