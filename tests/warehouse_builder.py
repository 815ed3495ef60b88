"""Build a warehouse from an inbox without Dagster: ingest, then `dbt build` (for mart tests)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from orchestration.ingest.run import ingest_all

ROOT = Path(__file__).resolve().parent.parent


def build_warehouse(
    inbox: Path, out: Path, *, select: str | None = None, env: dict[str, str] | None = None
) -> Path:
    """Ingest `inbox` into `out/landing` and `dbt build` it into `out/loyalty.duckdb`.

    `env`: more environment variables for dbt (e.g. LOYALTY_AS_OF_DATE).
    """
    landing, warehouse = out / "landing", out / "loyalty.duckdb"
    reports = ingest_all(inbox, landing)
    failed = [message for report in reports for message in report.failed]
    assert not failed, failed
    env = {
        **os.environ,
        "LOYALTY_INBOX": str(inbox),
        "LOYALTY_LANDING": str(landing),
        "LOYALTY_WAREHOUSE": str(warehouse),
        # dbt builds straight into the file the mart tests read (no publish step here)
        "LOYALTY_BUILD_WAREHOUSE": str(warehouse),
        **(env or {}),
    }
    dbt = Path(sys.executable).parent / "dbt"
    args = [str(dbt), "build", "--quiet", "--target-path", str(out / "target")]
    if select:
        args += ["--select", select]
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return warehouse
