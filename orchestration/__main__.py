"""Command line: `python -m orchestration {ingest,run,summary,demo}`.

- ingest   load new inbox files into the landing zone (then a plain `dbt build` works);
- run      run the whole Dagster job (ingest -> dbt build -> GX checks) in this process;
- summary  print the summary from the marts (read-only);
- demo     generate the demo inbox, run the job, print the summary.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from orchestration.config import Settings


def _ingest(settings: Settings) -> int:
    from orchestration.ingest.run import ingest_all

    failed = False
    for report in ingest_all(settings.inbox, settings.landing):
        rows = report.rows
        print(
            f"{report.entity:<17} files loaded {len(report.loaded):>3}, skipped "
            f"{len(report.skipped):>3}; rows read {rows['rows_read']:>9}, accepted "
            f"{rows['rows_accepted']:>9}, quarantined {rows['rows_quarantined']:>6}"
        )
        for message in report.failed:
            failed = True
            print(f"  NOT LOADED: {message}", file=sys.stderr)
    return 1 if failed else 0


def _run(settings: Settings) -> int:
    from dagster import DagsterInstance

    from orchestration.definitions import defs

    os.environ.setdefault("DAGSTER_HOME", str(settings.warehouse.parent / ".dagster_home"))
    os.makedirs(os.environ["DAGSTER_HOME"], exist_ok=True)
    job = defs.resolve_job_def("loyalty_pipeline")
    with DagsterInstance.get() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    if not result.success:
        for event in result.all_events:
            if event.is_failure and event.step_key:
                print(f"FAILED step {event.step_key}: {event.message}", file=sys.stderr)
        for check in result.get_asset_check_evaluations():
            if not check.passed:
                print(f"FAILED check {check.asset_check_key.to_user_string()}", file=sys.stderr)
        return 1
    return 0


def _summary(settings: Settings) -> int:
    from orchestration.serve.summary import summary

    print(summary(settings.warehouse))
    return 0


def _demo(settings: Settings, customers: int, seed: int) -> int:
    from orchestration.demo.generator import generate

    started = time.perf_counter()
    written = generate(settings.inbox, customers=customers, seed=seed)
    print(f"demo inbox: {len(written)} files in {settings.inbox}")
    code = _run(settings)
    if code == 0:
        print()
        _summary(settings)
        print(f"\n(pipeline wall time {time.perf_counter() - started:.1f} s)")
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("ingest", "run", "summary"):
        sub.add_parser(name)
    demo = sub.add_parser("demo")
    demo.add_argument("--customers", type=int, default=5000)
    demo.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    settings.apply_to_environ()
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    if args.command == "demo":
        return _demo(settings, args.customers, args.seed)
    return {"ingest": _ingest, "run": _run, "summary": _summary}[args.command](settings)


if __name__ == "__main__":
    sys.exit(main())
