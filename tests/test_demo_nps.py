"""The demo warehouse's monthly NPS equals the NPS computed by hand from the raw CSV exports.

The hand computation is plain Python (csv module, datetime), independent of DuckDB and dbt:
it applies the contract (valid rows only), the re-delivery rule (the later file wins) and
the NPS formula.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.contract import ENTITIES

SURVEY = ENTITIES["survey_responses"]


def _valid(row: dict[str, str]) -> bool:
    for column in SURVEY.columns:
        value = (row.get(column.name) or "").strip()
        if not value:
            if column.required:
                return False
            continue
        if column.allowed and value.lower() not in column.allowed:
            return False
        if column.kind == "integer":
            if not value.lstrip("+-").isdigit():
                return False
            if not column.min_value <= int(value) <= column.max_value:
                return False
        if column.kind == "timestamp":
            try:
                datetime.fromisoformat(value)
            except ValueError:
                return False
    return True


def _month(value: str) -> str:
    stamp = datetime.fromisoformat(value.strip())
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC)
    return stamp.strftime("%Y-%m-01")


def nps_by_hand(inbox: Path) -> dict[str, tuple[int, int, int, float]]:
    latest: dict[str, dict[str, str]] = {}
    for path in sorted(inbox.glob("survey_responses*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            for fields in reader:
                if len(fields) != len(header):
                    continue
                row = dict(zip(header, fields, strict=True))
                if _valid(row):
                    latest[row["response_id"]] = row
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in latest.values():
        if row["nps_score"].strip():
            score = int(row["nps_score"])
            group = 0 if score >= 9 else (2 if score <= 6 else 1)
            counts[_month(row["submitted_at"])][group] += 1
    return {
        month: (sum(c), c[0], c[2], 100.0 * (c[0] - c[2]) / sum(c)) for month, c in counts.items()
    }


def test_demo_nps_monthly_matches_the_raw_exports(demo_warehouse: Path) -> None:
    expected = nps_by_hand(demo_warehouse.parent / "inbox")
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        rows = con.execute(
            "select strftime(month_start, '%Y-%m-01'), responses, promoters, detractors, nps "
            "from marts.fct_nps_monthly"
        ).fetchall()
    actual = {month: (n, p, d, nps) for month, n, p, d, nps in rows}
    assert len(actual) == 24  # two years of months
    assert actual.keys() == expected.keys()
    for month, (n, p, d, nps) in expected.items():
        assert actual[month][:3] == (n, p, d), month
        assert actual[month][3] == pytest.approx(nps, abs=1e-9), month
