"""The semantic layer: `mf query` (MetricFlow over the dbt semantic models) equals the marts."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SEMANTIC_YML = ROOT / "models" / "marts" / "semantic" / "_semantic__models.yml"


def mf_query(warehouse: Path, out: Path, metrics: str, group_by: str) -> list[dict[str, str]]:
    """Run the query a BI user runs, as a subprocess, and read its CSV."""
    mf = Path(sys.executable).parent / "mf"
    # the `published` target: MetricFlow reads the published file, read-only
    env = {**os.environ, "LOYALTY_WAREHOUSE": str(warehouse), "LOYALTY_DBT_TARGET": "published"}
    args = [str(mf), "query", "--metrics", metrics, "--group-by", group_by]
    args += ["--order", group_by, "--csv", str(out)]
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    with out.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def marts(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_mf_nps_by_month_equals_the_mart(fixture_warehouse: Path, tmp_path: Path) -> None:
    rows = mf_query(fixture_warehouse, tmp_path / "nps.csv", "nps,responses", "metric_time__month")
    got = [(r["metric_time__month"][:10], float(r["nps"]), int(r["responses"])) for r in rows]
    expected = marts(
        fixture_warehouse,
        "select strftime(month_start, '%Y-%m-%d'), nps, responses "
        "from marts.fct_nps_monthly order by month_start",
    )
    assert len(expected) == 3  # January to March 2025 of the fixture inbox
    assert [(m, n) for m, _, n in got] == [(m, n) for m, _, n in expected]
    for (_, nps, _), (_, mart_nps, _) in zip(got, expected, strict=True):
        assert nps == pytest.approx(mart_nps, abs=1e-9)


def test_mf_retention_by_persona_equals_the_mart(demo_warehouse: Path, tmp_path: Path) -> None:
    rows = mf_query(demo_warehouse, tmp_path / "r.csv", "retention_rate", "customer__persona")
    got = {r["customer__persona"]: float(r["retention_rate"]) for r in rows}
    expected = dict(
        marts(demo_warehouse, "select persona, retention_rate from marts.fct_persona_value")
    )
    assert len(expected) >= 4 and got.keys() == expected.keys()
    for persona, rate in expected.items():
        assert got[persona] == pytest.approx(rate, abs=1e-9), persona


def test_every_metric_of_the_issue_is_defined_and_described() -> None:
    spec = yaml.safe_load(SEMANTIC_YML.read_text(encoding="utf-8"))
    metrics = {m["name"]: m for m in spec["metrics"]}
    wanted = {
        "responses", "promoters", "detractors", "nps", "ces_mean", "ces_easy_share",
        "csat_satisfied_share", "retention_rate", "promise_keeping_rate",
    }  # fmt: skip
    assert wanted <= metrics.keys()
    assert metrics["nps"]["type"] == "derived"
    assert all(m.get("description") and m.get("label") for m in metrics.values())
    dimensions = {
        d["name"] for model in spec["semantic_models"] for d in model.get("dimensions", [])
    }
    assert {"touchpoint", "channel", "segment", "persona", "survey_type"} <= dimensions
