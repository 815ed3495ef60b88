"""Answer labels instead of scores (seeds/answer_labels.csv), in any survey export shape."""

from __future__ import annotations

import csv
from pathlib import Path

from test_vendor_formats import counts, ingest, query

from orchestration.ingest.labels import SEED


def test_labels_become_scores_and_an_unknown_label_is_quarantined(tmp_path: Path) -> None:
    report, landing = ingest(tmp_path, "survey_responses", "survey_responses_labels.csv")
    assert report.failed == []
    assert counts(report) == [("survey_responses_labels.csv", 5, 3, 2)]
    assert query(
        f"select response_id, nps_score, ces_score, csat_score "
        f"from read_parquet('{landing}/survey_responses/*.parquet') order by 1"
    ) == [("L1", 10, 7, 5), ("L2", 0, 7, 5), ("L3", 7, 4, 3)]
    assert query(
        f"select line, column_name, value, reason "
        f"from read_parquet('{landing}/_quarantine/*.parquet') order by line"
    ) == [
        (5, "nps_score", "Zeer waarschijnlijkk",
         "nps_score: 'Zeer waarschijnlijkk' is not a known answer label"),
        (6, "csat_score", "7.5", "csat_score: '7.5' is not a whole number"),
    ]  # fmt: skip


def test_label_seed_rows_are_unique_per_question_and_in_range() -> None:
    with SEED.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    ranges = {"nps": (0, 10), "ces": (1, 7), "csat": (1, 5)}
    keys = [(r["question"], " ".join(r["label"].lower().split())) for r in rows]
    assert len(keys) == len(set(keys))
    assert all(
        ranges[r["question"]][0] <= int(r["score"]) <= ranges[r["question"]][1] for r in rows
    )
    assert {r["language"] for r in rows} == {"nl", "en"}
    assert {"10 - Extremely likely", "0 - Zeer onwaarschijnlijk", "Zeer makkelijk"} <= {
        r["label"] for r in rows
    }
