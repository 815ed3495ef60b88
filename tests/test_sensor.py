"""The inbox sensor: a run for new or changed files, nothing otherwise."""

from __future__ import annotations

import json
import os
from pathlib import Path

from dagster import RunRequest, SkipReason, build_sensor_context

from orchestration.ingest.sensors import inbox_sensor, new_files


def test_new_files_are_new_or_changed() -> None:
    assert new_files({"a.csv": "1:1"}, {"a.csv": "1:1", "b.csv": "2:2"}) == ["b.csv"]
    assert new_files({"a.csv": "1:1"}, {"a.csv": "1:2"}) == ["a.csv"]
    assert new_files({"a.csv": "1:1"}, {}) == []


def test_sensor_requests_one_run_per_new_delivery(loyalty_env: dict[str, Path]) -> None:
    first = inbox_sensor(build_sensor_context(cursor=None))
    assert len(first.run_requests) == 1
    request: RunRequest = first.run_requests[0]
    assert "survey_responses_2025-01.csv" in request.tags["loyalty/new_files"]
    cursor = first.cursor

    again = inbox_sensor(build_sensor_context(cursor=cursor))
    assert isinstance(again, SkipReason)

    new = loyalty_env["inbox"] / "survey_responses_2025-04.csv"
    new.write_text((loyalty_env["inbox"] / "survey_responses_2025-03.csv").read_text())
    os.utime(new, ns=(1, 1))
    third = inbox_sensor(build_sensor_context(cursor=cursor))
    assert third.run_requests[0].tags["loyalty/new_files"] == "survey_responses_2025-04.csv"
    assert "survey_responses_2025-04.csv" in json.loads(third.cursor)


def test_unknown_files_do_not_start_runs(loyalty_env: dict[str, Path]) -> None:
    first = inbox_sensor(build_sensor_context(cursor=None))
    (loyalty_env["inbox"] / "readme.txt").write_text("not an export")
    assert isinstance(inbox_sensor(build_sensor_context(cursor=first.cursor)), SkipReason)
