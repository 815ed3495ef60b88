"""Command line: `python -m orchestration {ingest,run,publish,summary,report,docs,demo}`.

- ingest   load new inbox files into the landing zone (then a plain `dbt build` works);
- run      run the whole Dagster job (ingest -> dbt build -> GX checks -> publish -> report)
           in this process;
- publish  run the checks that have not passed on the build warehouse (dbt tests, GX suites),
           then publish it over LOYALTY_WAREHOUSE (after a plain `dbt build`);
- summary  print the summary from the marts (read-only);
- docs     build the dbt docs site and the GX Data Docs (LOYALTY_DOCS_SITE, default site/);
- report   (re)write the loyalty report from the marts (LOYALTY_REPORT, LOYALTY_REPORT_LANGUAGE);
- demo     generate the demo inbox, run the job, print the summary and where the report is.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

from orchestration.config import InvalidSetting, Settings


def _ingest(settings: Settings) -> int:
    from orchestration.ingest.header import IngestError
    from orchestration.ingest.lock import IngestLocked
    from orchestration.ingest.run import ingest_all

    failed = False
    try:
        reports = ingest_all(settings.inbox, settings.landing)
    except (IngestLocked, IngestError) as error:  # locked, or the inbox itself is missing
        print(f"error: {error}", file=sys.stderr)
        return 1
    for report in reports:
        rows = report.rows
        print(
            f"{report.entity:<17} files loaded {len(report.loaded):>3}, skipped "
            f"{len(report.skipped):>3}; rows read {rows['rows_read']:>9}, accepted "
            f"{rows['rows_accepted']:>9}, quarantined {rows['rows_quarantined']:>6}"
        )
        for message in report.failed:
            failed = True
            print(f"  NOT LOADED: {message}", file=sys.stderr)
        for message in report.not_files:
            print(f"  SKIPPED: {message}", file=sys.stderr)
        for message in report.waiting:
            print(f"  WAITING: {message}", file=sys.stderr)
        for message in report.late:
            print(f"  {message}", file=sys.stderr)
    if reports and reports[0].unknown_files:
        print(
            "ignored, not an export of any entity: " + ", ".join(reports[0].unknown_files),
            file=sys.stderr,
        )
    return 1 if failed else 0


def _run(settings: Settings) -> int:
    from orchestration.locks import ensure_unlocked

    # A build file held by another process (a second run, a notebook) stops the run here with
    # one line naming the holder, before Dagster logs a failed step and every skipped one.
    ensure_unlocked(settings.build_warehouse)

    from dagster import DagsterInstance

    from orchestration.definitions import defs
    from orchestration.instance import install_instance_config

    os.environ.setdefault("DAGSTER_HOME", str(settings.warehouse.parent / ".dagster_home"))
    install_instance_config()  # the repo's dagster.yaml: one run at a time, no telemetry
    job = defs.resolve_job_def("loyalty_pipeline")
    with DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        )
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure and event.step_key:
                error = event.step_failure_data.error
                # one line: the error's own message, not its traceback (a Failure's description)
                line = (error.message if error else event.message or "").strip().splitlines()
                why = line[0].split(": ", 1)[-1] if line else ""
                print(f"FAILED step {event.step_key}: {why}", file=sys.stderr)
        for check in result.get_asset_check_evaluations():
            if not check.passed:
                print(f"FAILED check {check.asset_check_key.to_user_string()}", file=sys.stderr)
        return 1
    return 0


def _publish(settings: Settings) -> int:
    from orchestration.quality.audit import audit_build
    from orchestration.wap import publish

    audit_build(settings)
    done = publish(settings)
    print(f"published {done.path} ({done.bytes / 1e6:.1f} MB) in {done.seconds:.2f} s")
    return 0


def _summary(settings: Settings) -> int:
    from orchestration.serve.summary import summary

    print(summary(settings.warehouse))
    return 0


def _report(settings: Settings) -> int:
    from orchestration.serve.report import build_report, report_language, report_path

    path = build_report(settings.warehouse, report_path(settings.warehouse), report_language())
    print(f"loyalty report: {path}")
    return 0


def _docs(settings: Settings) -> int:
    from orchestration.serve.docs import build_docs

    for index in build_docs(settings=settings):
        print(f"docs: {index}")
    print("serve the dbt site with: python -m http.server -d site/dbt -b 127.0.0.1 8080")
    return 0


def _reset_for_demo(settings: Settings, force: bool) -> None:
    """The demo starts from nothing: its inbox, the landing zone and the warehouse."""
    from orchestration.ingest.run import inbox_files

    exports = [p for entity, paths in inbox_files(settings.inbox).items() if entity for p in paths]
    if exports and not force:
        raise SystemExit(
            f"{settings.inbox} holds {len(exports)} export files and LOYALTY_INBOX points at it; "
            "the demo would replace them. Unset LOYALTY_INBOX or pass --force."
        )
    for path in exports:
        path.unlink()
    shutil.rmtree(settings.landing, ignore_errors=True)
    for path in (settings.warehouse, settings.build_warehouse):
        for suffix in ("", ".wal", ".audit.json"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _demo(settings: Settings, customers: int, seed: int, force: bool) -> int:
    from orchestration.demo.generator import generate

    started = time.perf_counter()
    _reset_for_demo(settings, force)
    written = generate(settings.inbox, customers=customers, seed=seed)
    print(f"demo inbox: {len(written)} files in {settings.inbox}")
    code = _run(settings)
    if code == 0:
        print()
        _summary(settings)
        from orchestration.serve.report import report_path

        print(f"\nloyalty report (open it in a browser): {report_path(settings.warehouse)}")
        print(f"(pipeline wall time {time.perf_counter() - started:.1f} s)")
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("ingest", "run", "publish", "summary", "report", "docs"):
        sub.add_parser(name)
    demo = sub.add_parser("demo")
    demo.add_argument("--customers", type=int, default=5000)
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--force", action="store_true", help="replace exports in LOYALTY_INBOX")
    args = parser.parse_args(argv)
    user_set_inbox = "LOYALTY_INBOX" in os.environ
    try:
        settings = Settings.from_env()
    except InvalidSetting as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    settings.apply_to_environ()
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    if args.command == "demo":
        return _demo(settings, args.customers, args.seed, args.force or not user_set_inbox)
    from orchestration.locks import WarehouseLocked
    from orchestration.quality.audit import AuditFailed
    from orchestration.serve.report.labels import UnknownLanguage
    from orchestration.serve.warehouse import WarehouseMissing
    from orchestration.wap import PublishError

    commands = {
        "ingest": _ingest,
        "run": _run,
        "publish": _publish,
        "summary": _summary,
        "report": _report,
        "docs": _docs,
    }
    try:
        return commands[args.command](settings)
    except (WarehouseMissing, UnknownLanguage, WarehouseLocked, PublishError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except AuditFailed as error:
        print(f"not published: {error}", file=sys.stderr)
        return 1
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
