"""The benchmark: `make bench SIZE=smoke|1m|10m` (see docs/benchmarks.md).

Generates the demo exports at the size (cached in the bench dir), then times each stage of
the real pipeline in its own process, with the peak RSS of its process tree: ingest, dbt
parse (start-up + warm partial parse), dbt build (start-up vs work from run_results.json),
the GX suites. Then the two references on the same landing Parquet (bench/reference.sql:
every mart, bench/pandas_peer.py: five of them), checks that dbt agrees with each on every
mart it covers (it stops before reporting anything when they do not), times a dbt run of the
pandas peer's five marts only, and a day of new exports (incremental build) against a full
rebuild. Results: bench/results/<size>.json, rendered into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from bench.compare import NOT_IN_REFERENCE, PANDAS, REFERENCE, compare_all
from bench.measure import Measured, run
from bench.report import write_report
from orchestration.transform.cli_args import dbt_build_args

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"smoke": 50_000, "1m": 1_000_000, "10m": 10_000_000}
PY = sys.executable
DBT = str(Path(PY).with_name("dbt"))
# the arguments the Dagster asset passes (unit tests excluded: CI runs them)
BUILD = dbt_build_args()
# the same work as the pandas peer: its five marts and what they need, models only (the
# DuckDB reference computes every mart: its same work is the whole dbt build)
PANDAS_MARTS_RUN = ["run", "--full-refresh", "--select", *(f"+{mart}" for mart in PANDAS)]


def generate(inbox: Path, responses: int) -> Measured | None:
    """Demo exports at the size, once per bench dir (the marker records the size)."""
    marker = inbox / ".generated"
    if marker.exists() and marker.read_text() == str(responses):
        print(f"  inbox {inbox} already holds {responses:,} responses")
        return None
    cmd = [PY, "-m", "orchestration.demo", "--out", str(inbox), "--clean"]
    measured = run("generate", [*cmd, "--responses", str(responses)], cwd=ROOT)
    marker.write_text(str(responses))
    return measured


def stage(m: Measured) -> dict:
    result = {
        "stage": m.name,
        "seconds": m.seconds,
        "cpu_seconds": m.cpu_seconds,
        "peak_mb": m.peak_mb,
    }
    if m.returncode != 0:  # only stages run with check=False get here
        last = m.output.strip().splitlines()[-1:] or [""]
        result["failed"] = m.stopped or f"exit code {m.returncode}: {last[0][:300]}"
    return result


def memory_cap_mb() -> float:
    """The pandas peer may use this much before the harness stops it: 80% of the memory,
    leaving the rest to the system rather than to the kernel's OOM killer."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            return int(line.split()[1]) / 1024 * 0.8
    return 16_000.0


def dbt(name: str, args: list[str], env: dict[str, str], target: Path) -> dict:
    """A dbt command; its wall time split into start-up and the run's own elapsed time."""
    flags = ["--target-path", str(target), "--log-path", str(target / "logs"), "--quiet"]
    measured = run(name, [DBT, *args, *flags], env=env, cwd=ROOT)
    result = stage(measured)
    results = target / "run_results.json"
    if args[0] != "parse" and results.exists():
        # kept per stage (the next dbt command overwrites it) for a closer profile
        slug = "".join(c if c.isalnum() else "_" for c in name).strip("_")
        shutil.copy(results, target / f"run_results.{slug}.json")
        data = json.loads(results.read_text())
        timing = sorted(
            ((r["unique_id"], r["execution_time"]) for r in data["results"]),
            key=lambda t: -t[1],
        )
        result["dbt_elapsed"] = round(data["elapsed_time"], 2)
        result["startup_seconds"] = round(measured.seconds - data["elapsed_time"], 2)
        result["models_seconds"] = round(sum(t for u, t in timing if u.startswith("model.")), 2)
        result["tests_seconds"] = round(
            sum(t for u, t in timing if u.startswith(("test.", "unit_test."))), 2
        )
        result["slowest"] = [(u, round(t, 2)) for u, t in timing[:8]]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--size", choices=SIZES, default="smoke")
    parser.add_argument(
        "--bench-dir", type=Path, default=Path(os.environ.get("BENCH_DIR", "/tmp/issue5"))
    )
    args = parser.parse_args(argv)
    responses = SIZES[args.size]
    base = args.bench_dir.resolve() / args.size
    inbox, day2 = base / "inbox", base / "day2"
    landing, warehouse = base / "landing", base / "warehouse" / "loyalty.duckdb"
    target = args.bench_dir.resolve() / "dbt-target"  # shared: partial parsing stays warm
    env = {
        "LOYALTY_INBOX": str(inbox),
        "LOYALTY_LANDING": str(landing),
        "LOYALTY_WAREHOUSE": str(warehouse),
        # dbt builds straight into the compared file (the bench times dbt, not the publish)
        "LOYALTY_BUILD_WAREHOUSE": str(warehouse),
        "DAGSTER_HOME": str(base / "dagster_home"),
    }
    print(f"bench {args.size}: {responses:,} responses in {base}")
    generated = generate(inbox, responses)
    for path in (landing, warehouse.parent, day2, base / "pandas"):
        shutil.rmtree(path, ignore_errors=True)
    warehouse.parent.mkdir(parents=True)
    started = time.perf_counter()
    stages = [stage(run("ingest", [PY, "-m", "orchestration", "ingest"], env=env, cwd=ROOT))]
    stages.append(dbt("dbt parse", ["parse"], env, target))
    stages.append(dbt("dbt build", BUILD, env, target))
    stages.append(stage(run("GX checks", [PY, "-m", "bench.gx_checks"], env=env, cwd=ROOT)))
    pipeline_seconds = round(time.perf_counter() - started, 2)
    reference = run("reference (DuckDB SQL)", [PY, "-m", "bench.reference", "--landing",
                    str(landing), "--db", str(base / "reference.duckdb")], cwd=ROOT)  # fmt: skip
    peer = run("pandas peer", [PY, "-m", "bench.pandas_peer", "--landing", str(landing),
               "--out", str(base / "pandas")], cwd=ROOT, check=False,
               max_mb=memory_cap_mb())  # fmt: skip
    # a peer that could not finish (out of memory) is reported as such, not compared
    pandas_dir = base / "pandas" if peer.returncode == 0 else None
    rows, problems = compare_all(warehouse, base / "reference.duckdb", pandas_dir)
    if problems:
        print("THE IMPLEMENTATIONS DISAGREE; no times reported:\n  " + "\n  ".join(problems))
        return 1
    print("  dbt and the reference agree on " + ", ".join(REFERENCE))
    if NOT_IN_REFERENCE:
        print("  not computed by the reference: " + ", ".join(NOT_IN_REFERENCE))
    if pandas_dir:
        print("  dbt and pandas agree on " + ", ".join(PANDAS))
    else:
        print("  pandas failed: not compared")
    covered = dbt("dbt run: the pandas peer's marts only", PANDAS_MARTS_RUN, env, target)

    from orchestration.demo.nextday import write_next_day

    day_rows = write_next_day(inbox, day2)
    day_env = {**env, "LOYALTY_INBOX": str(day2)}
    incremental = [stage(run("day 2: ingest", [PY, "-m", "orchestration", "ingest"],
                             env=day_env, cwd=ROOT))]  # fmt: skip
    # as the daily schedule runs it: the incremental models' row tests check the batch only
    batch_env = {**env, "LOYALTY_TEST_SCOPE": "batch"}
    incremental.append(dbt("day 2: dbt build (incremental)", BUILD, batch_env, target))
    incremental.append(
        dbt("day 2: dbt build --full-refresh", dbt_build_args(full_refresh=True), env, target)
    )
    result = {
        "size": args.size,
        "responses": rows["fct_survey_responses"],
        "rows": rows,
        "generate": stage(generated) if generated else None,
        "stages": stages,
        "pipeline_seconds": pipeline_seconds,
        "reference": stage(reference),
        "reference_marts": list(REFERENCE),
        "pandas": stage(peer),
        "pandas_marts": list(PANDAS),
        # a dbt run of the pandas peer's marts only (the key predates the full reference)
        "covered": covered,
        "day2_rows": day_rows,
        "incremental": incremental,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load": os.getloadavg(),
    }
    out = ROOT / "bench" / "results" / f"{args.size}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    write_report(ROOT / "bench" / "results", ROOT / "docs" / "benchmarks.md")
    print(f"wrote {out} and docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
