"""Start the pipeline when a new or changed export lands in the inbox."""

from __future__ import annotations

import hashlib
import json

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from orchestration.config import Settings
from orchestration.ingest.run import inbox_files


def inbox_signature() -> dict[str, str]:
    """name -> "size:mtime" of every export file in the inbox the ingest would read."""
    inbox = Settings.from_env().inbox
    signature = {}
    for entity, paths in inbox_files(inbox).items():
        for path in paths if entity else []:
            stat = path.stat()
            signature[path.name] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return signature


def new_files(previous: dict[str, str], current: dict[str, str]) -> list[str]:
    """Files that are new or changed since the previous look."""
    return sorted(name for name, sig in current.items() if previous.get(name) != sig)


def read_cursor(cursor: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """(files a run was requested for, files seen changed on the previous tick), name -> sig.

    An older cursor (one flat name -> sig dict) is the first of the two.
    """
    data = json.loads(cursor) if cursor else {}
    if "requested" in data and "pending" in data:
        return data["requested"], data["pending"]
    return data, {}


def plan_tick(
    requested: dict[str, str], pending: dict[str, str], current: dict[str, str]
) -> tuple[list[str], list[str], dict[str, str]]:
    """(files to run for now, files still growing, the next pending).

    A new or changed file starts a run once its size and mtime are the same on two ticks in a
    row (it has stopped growing: an export being copied or written into the inbox is not read
    half-way). While any changed file is still growing no run starts, since the ingest reads
    every file of the inbox.
    """
    changed = new_files(requested, current)
    growing = [name for name in changed if pending.get(name) != current[name]]
    if growing:
        return [], growing, {name: current[name] for name in changed}
    return changed, [], {}


@sensor(
    job_name="loyalty_pipeline",
    minimum_interval_seconds=30,
    default_status=DefaultSensorStatus.RUNNING,
    description="Runs the loyalty pipeline when a new or changed export file lands in the inbox "
    "and has stopped growing (the same size and mtime on two looks, 30 s apart). Runs queue "
    "behind a running one (dagster.yaml: one run at a time).",
)
def inbox_sensor(context: SensorEvaluationContext) -> SensorResult | SkipReason:
    requested, pending = read_cursor(context.cursor)
    inbox = Settings.from_env().inbox
    if not inbox.is_dir():  # an error to fix, not "no new files" (the ingest fails the same way)
        reason = f"the inbox folder {inbox} does not exist: create it or set LOYALTY_INBOX"
        return SensorResult(skip_reason=SkipReason(reason), cursor=context.cursor)
    current = inbox_signature()
    ready, growing, pending = plan_tick(requested, pending, current)
    requested = {n: s for n, s in requested.items() if n in current}
    if not ready:
        reason = (
            f"waiting for {len(growing)} file(s) to stop growing: {', '.join(growing)[:500]}"
            if growing
            else "no new export files in the inbox"
        )
        cursor = json.dumps({"requested": requested, "pending": pending}, sort_keys=True)
        return SensorResult(skip_reason=SkipReason(reason), cursor=cursor)
    requested.update({name: current[name] for name in ready})
    run_key = hashlib.sha256(
        json.dumps({n: current[n] for n in ready}, sort_keys=True).encode()
    ).hexdigest()
    return SensorResult(
        run_requests=[
            RunRequest(run_key=run_key, tags={"loyalty/new_files": ", ".join(ready)[:1000]})
        ],
        cursor=json.dumps({"requested": requested, "pending": {}}, sort_keys=True),
    )
