"""Render bench/results/*.json into docs/benchmarks.md (the tables; notes stay in NOTES)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bench.compare import COVERED

ORDER = {"smoke": 0, "1m": 1, "10m": 2}
NOT_COVERED = (
    "fct_nps_by_dimension, fct_nps_trailing_90d, fct_satisfaction_vs_loyalty, "
    "fct_satisfaction_vs_loyalty_bands, fct_retention_cohorts, fct_survival_by_nps_group, "
    "fct_customer_journeys, fct_touchpoint_drivers, fct_promises, fct_promise_impact, "
    "fct_detractor_followups, fct_quarantine_summary"
)


def machine() -> str:
    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), "unknown CPU")  # fmt: skip
    mem_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )  # fmt: skip
    return f"{os.cpu_count()} cores ({model}), {mem_kb / 1024 / 1024:.1f} GB memory"


def _row(name: str, s: dict, n: int, limit: dict, peer: dict) -> str:
    """One stage: wall and CPU seconds, and each ratio as wall (CPU)."""
    wall, cpu = s["seconds"], s.get("cpu_seconds", 0.0)

    def ratio(other: dict) -> str:
        if other.get("failed"):  # the peer did not finish: no ratio to it
            return "—"
        return f"{wall / other['seconds']:.2f} ({cpu / max(other['cpu_seconds'], 1e-9):.2f})"

    if s.get("failed"):
        name = f"{name} — **did not finish** ({s['failed']})"
    return (
        f"| {name} | {wall:.2f} | {cpu:.2f} | {n / wall:,.0f} | {s['peak_mb']:,.0f} | "
        f"{ratio(limit)} | {ratio(peer)} |"
    )


def _total(name: str, stages: list[dict]) -> dict:
    return {
        "stage": name,
        "seconds": sum(s["seconds"] for s in stages),
        "cpu_seconds": sum(s["cpu_seconds"] for s in stages),
        "peak_mb": max(s["peak_mb"] for s in stages),
    }


def section(r: dict) -> list[str]:
    n, limit, peer = r["responses"], r["reference"], r["pandas"]
    by = {s["stage"]: s for s in r["stages"] + r["incremental"]}
    build = by["dbt build"]
    lines = [
        f"## {r['size']}: {n:,} survey responses",
        "",
        f"Run {r['date']}; load average at the end {', '.join(f'{x:.1f}' for x in r['load'])}"
        " (2 cores shared with other jobs: wall seconds include waiting for a core, CPU "
        "seconds do not). Ratios: wall (CPU).",
        "",
        "| stage | wall s | CPU s | responses/s | peak MB | ratio to the limit | ratio to pandas |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    # "covered": dbt run of the marts the references compute (the same work), when measured
    covered = [("dbt run: the covered marts only", r["covered"])] if "covered" in r else []
    rows = [
        *((s["stage"], s) for s in r["stages"]),
        ("**pipeline** (ingest → GX)", _total("pipeline", r["stages"])),
        ("**transform** (dbt parse + build)", _total("t", [by["dbt parse"], build])),
        ("dbt build alone", build),
        *covered,
        ("the limit: bench/reference.sql", limit),
        ("the peer: bench/pandas_peer.py", peer),
        *((s["stage"], s) for s in r["incremental"]),
    ]
    lines += [_row(name, s, n, limit, peer) for name, s in rows]
    inc = by["day 2: dbt build (incremental)"]
    full = by["day 2: dbt build --full-refresh"]
    lines += [
        "",
        f"- dbt build: {build['startup_seconds']} s start-up (wall minus run_results elapsed), "
        f"{build['models_seconds']} s models, {build['tests_seconds']} s tests (thread time). "
        "Slowest nodes: " + ", ".join(f"`{u.split('.')[-1]}` {t} s" for u, t in build["slowest"]),
        f"- Day 2 ({', '.join(f'{k}: {v:,}' for k, v in r['day2_rows'].items())}): incremental "
        f"build {inc['seconds']} s = {inc['seconds'] / full['seconds']:.0%} of the full rebuild "
        f"({full['seconds']} s); CPU {inc['cpu_seconds']} s = "
        f"{inc['cpu_seconds'] / full['cpu_seconds']:.0%}. Slowest incremental nodes: "
        + ", ".join(f"`{u.split('.')[-1]}` {t} s" for u, t in inc["slowest"][:5]),
        f"- Rows: {', '.join(f'{k} {v:,}' for k, v in r['rows'].items())}.",
    ]
    if r.get("generate"):
        g = r["generate"]
        lines.append(f"- Generating the exports (not timed as a stage): {g['seconds']} s, "
                     f"peak {g['peak_mb']:,.0f} MB.")  # fmt: skip
    return [*lines, ""]


def write_report(results: Path, target: Path) -> None:
    runs = sorted(
        (json.loads(p.read_text()) for p in results.glob("*.json")),
        key=lambda r: ORDER.get(r["size"], 9),
    )
    notes = results / "NOTES.md"
    head = [
        "# Benchmarks",
        "",
        "Written by `make bench SIZE=smoke|1m|10m` (bench/run.py); do not edit the tables by "
        "hand (the notes come from bench/results/NOTES.md).",
        "",
        f"Machine: {machine()}.",
        "",
        "Commands: `make bench SIZE=1m` runs `python -m bench.run --size 1m` with BENCH_DIR "
        "(default /tmp/issue5). Stages, each its own process: `python -m orchestration demo"
        " --out DIR --clean --responses N` (cached), `python -m orchestration ingest`, "
        "`dbt parse`, `dbt build`, `python -m bench.gx_checks` (every suite of expectations/), "
        "`python -m bench.reference` (bench/reference.sql), `python -m bench.pandas_peer`; then "
        "day 2 (`orchestration.demo.nextday`): ingest, `dbt build`, `dbt build --full-refresh`.",
        "",
        "Before any time is reported the harness checks that dbt, the DuckDB script and pandas "
        f"agree (same keys, numbers within 1e-9 relative) on {', '.join(COVERED)}. "
        f"Not covered by the references (timed only as part of dbt build): {NOT_COVERED}.",
        "",
    ]
    body = [line for r in runs for line in section(r)]
    extra = notes.read_text().splitlines() if notes.exists() else []
    target.write_text("\n".join(head + body + extra) + "\n")
