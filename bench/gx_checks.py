"""Run every Great Expectations suite of expectations/ (the Dagster asset checks' code)
against the landing zone and warehouse named by LOYALTY_LANDING / LOYALTY_BUILD_WAREHOUSE.
Exit 1 when a suite fails or cannot run.

    python -m bench.gx_checks
"""

from __future__ import annotations

import time

from orchestration.quality.suites import load_specs, validate_spec


def main() -> int:
    failed = []
    for spec in load_specs():
        started = time.perf_counter()
        outcome = validate_spec(spec)
        seconds = time.perf_counter() - started
        status = "ok" if outcome.success else f"FAILED {outcome.error or ''}"
        print(f"{spec.name:<42} {seconds:6.2f} s  {status}", flush=True)
        if not outcome.success:
            failed.append(spec.name)
    if failed:
        print("failed suites: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
