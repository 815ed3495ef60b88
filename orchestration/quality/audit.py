"""The audit of write-audit-publish: every blocking check must have passed on the build file.

The blocking checks are the dbt data tests (severity error) and every Great Expectations
suite in expectations/. What passed is recorded beside the build file
(``<build>.audit.json``) together with the file's size and modification time, so a check
counts only for the exact bytes it saw: any later write to the build file makes every
check "not run" again.

- In a Dagster run, the asset ``serve/published_warehouse`` reads the run's own asset
  check evaluations (``failed_or_missing_checks``): a failed or missing check fails it,
  naming the check, and the published file is not touched.
- ``python -m orchestration publish`` (``audit_build``) runs what has not run on the
  current build file: ``dbt test`` unless target/run_results.json shows a `dbt build` or
  `dbt test` that ran every data test after the last write, then each GX suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from orchestration.config import PROJECT_ROOT, Settings

DBT_TESTS = "dbt_tests"
PASSING = ("pass", "warn")


class AuditFailed(Exception):
    """A blocking check failed or could not run; the message names it."""


def fingerprint(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def record_path(build: Path) -> Path:
    return build.with_name(build.name + ".audit.json")


def passed_checks(build: Path) -> set[str]:
    """The checks recorded as passed on the build file as it is now."""
    path = record_path(build)
    if not build.is_file() or not path.is_file():
        return set()
    record = json.loads(path.read_text(encoding="utf-8"))
    return set(record["passed"]) if record.get("fingerprint") == fingerprint(build) else set()


def record_passed(build: Path, names: Iterable[str]) -> None:
    """Add `names` to the checks that passed on the build file as it is now."""
    names = passed_checks(build) | set(names)
    record = {"fingerprint": fingerprint(build), "passed": sorted(names)}
    temporary = record_path(build).with_suffix(".tmp")
    temporary.write_text(json.dumps(record, indent=1), encoding="utf-8")
    os.replace(temporary, record_path(build))


def dbt_target() -> Path:
    """dbt's target folder: DBT_TARGET_PATH (dbt reads it too), else target/ in the repo."""
    value = os.environ.get("DBT_TARGET_PATH")
    return Path(value) if value else PROJECT_ROOT / "target"


def dbt_tests_passed(build: Path, target: Path | None = None) -> bool:
    """Whether <target>/run_results.json shows every data test passing after the build file's
    last write (a plain `dbt build` or `dbt test` of the whole project)."""
    target = target or dbt_target()
    results_path, manifest_path = target / "run_results.json", target / "manifest.json"
    if not (results_path.is_file() and manifest_path.is_file() and build.is_file()):
        return False
    if results_path.stat().st_mtime_ns < build.stat().st_mtime_ns:
        return False
    results = json.loads(results_path.read_text(encoding="utf-8"))
    if results.get("args", {}).get("which") not in ("build", "test"):
        return False
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    tests = {key for key, node in manifest["nodes"].items() if node["resource_type"] == "test"}
    status = {r["unique_id"]: r["status"] for r in results.get("results", [])}
    return bool(tests) and all(status.get(test) in PASSING for test in tests)


def run_dbt_tests(settings: Settings) -> str | None:
    """`dbt test` on the build file; None if every test passed, else dbt's summary lines."""
    dbt = Path(sys.executable).parent / "dbt"
    env = {**os.environ, **settings.export()}
    done = subprocess.run(
        [str(dbt) if dbt.exists() else "dbt", "test", "--quiet"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode == 0:
        return None
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    return "\n".join(lines[-12:])


def audit_build(settings: Settings, log: Callable[[str], None] = print) -> None:
    """Run every blocking check that has not passed on the current build file; raise
    AuditFailed naming the first that fails. Nothing is published here."""
    from orchestration.quality.checks import check_name
    from orchestration.quality.suites import load_specs, validate_spec
    from orchestration.wap import checkpoint

    build = settings.build_warehouse
    checkpoint(build)
    done = passed_checks(build)
    if DBT_TESTS not in done:
        if dbt_tests_passed(build):
            log("dbt tests: passed in the last `dbt build` / `dbt test` of this build file")
        else:
            log(f"dbt tests: running `dbt test` on {build}")
            failure = run_dbt_tests(settings)
            if failure:
                raise AuditFailed(f"check {DBT_TESTS} failed on {build}:\n{failure}")
        record_passed(build, [DBT_TESTS])
    for spec in load_specs():
        name = check_name(spec)
        if name in done:
            continue
        outcome = validate_spec(spec, settings)
        if not outcome.success:
            failed = [e.label for e in outcome.expectations if not e.success]
            why = outcome.error or "failed expectations: " + ", ".join(failed)
            raise AuditFailed(f"check {name} failed on {build}: {why}")
        log(f"{name}: passed")
        record_passed(build, [name])


def failed_or_missing_checks(
    evaluations: dict[str, bool], expected: Iterable[str]
) -> tuple[list[str], list[str]]:
    """(failed, missing) check names: a run's evaluations (name -> passed) against the
    blocking checks it must have run."""
    failed = sorted(name for name, ok in evaluations.items() if not ok)
    missing = sorted(set(expected) - set(evaluations))
    return failed, missing
