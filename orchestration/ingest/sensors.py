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


@sensor(
    job_name="loyalty_pipeline",
    minimum_interval_seconds=30,
    default_status=DefaultSensorStatus.RUNNING,
    description="Runs the loyalty pipeline when a new or changed export file lands in the inbox.",
)
def inbox_sensor(context: SensorEvaluationContext) -> SensorResult | SkipReason:
    previous = json.loads(context.cursor) if context.cursor else {}
    current = inbox_signature()
    changed = new_files(previous, current)
    if not changed:
        return SkipReason("no new export files in the inbox")
    run_key = hashlib.sha256(
        json.dumps({n: current[n] for n in changed}, sort_keys=True).encode()
    ).hexdigest()
    return SensorResult(
        run_requests=[
            RunRequest(run_key=run_key, tags={"loyalty/new_files": ", ".join(changed)[:1000]})
        ],
        cursor=json.dumps(current, sort_keys=True),
    )
