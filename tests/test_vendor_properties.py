"""Property test of the vendor shapes: any JSON lines or Qualtrics file is accounted for.

Hypothesis draws answers (valid scores, labels, typos, junk, unicode) and a few broken lines;
each file has 100-300 responses, so 40 examples give over 10,000 rows. The ingest either
refuses the file cleanly (IngestError) or lands it with rows read = accepted + quarantined,
one record per non-blank line, and only in-range scores accepted.
"""

from __future__ import annotations

import csv
import io
import json
import random
import tempfile
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.ingest.contract import ENTITIES
from orchestration.ingest.formats import load_export
from orchestration.ingest.header import IngestError
from orchestration.ingest.landing import Landing

SURVEY = ENTITIES["survey_responses"]
answer = st.one_of(
    st.integers(-3, 13),
    st.sampled_from(["10 - Extremely likely", "Zeer makkelijk", "zeer  TEVREDEN", "Neutraal"]),
    st.sampled_from(
        ["Zeer waarschijnlijkk", "7.5", "", " ", "é", "👍🏽", "٣", '"', ",", "\n", "\r", "7\r"]
    ),
    st.text(max_size=12),
    st.none(),
)
response = st.fixed_dictionaries(
    {
        "response_id": st.one_of(st.text("RX0123", min_size=1, max_size=6), st.just("")),
        "survey_type": st.sampled_from(["relational", "TRANSACTIONAL", "fax"]),
        "submitted_at": st.sampled_from(["2025-01-10T10:00:00", "2025-02-28 22:00:00", "nope"]),
        "nps": answer,
        "ces": answer,
        "csat": answer,
        "comment": st.one_of(st.text(max_size=40), st.sampled_from(["Te laat\rgeleverd", "\r"])),
    }
)


def json_line(r: dict, rng: random.Random) -> str:
    obj = {
        "response_id": r["response_id"],
        "customer": {"id": "C1"},
        "survey_type": r["survey_type"],
        "submitted_at": r["submitted_at"],
        "answers": {k: r[k] for k in ("nps", "ces", "csat", "comment")},
    }
    line = json.dumps(obj, ensure_ascii=rng.random() < 0.5)
    return (
        rng.choice([line[: rng.randrange(1, len(line))], "[1, 2]", "nul"])
        if rng.random() < 0.02
        else line
    )


def qualtrics_file(rows: list[dict]) -> str:
    ids = ["ResponseId", "RecordedDate", "survey_type", "Q1", "Q2", "Q3", "Q4_TEXT"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([ids, [f"question {i}\nline two" for i in ids]])
    writer.writerow([json.dumps({"ImportId": f"QID{i}"}) for i in range(len(ids))])
    for r in rows:
        values = [r["response_id"], r["submitted_at"], r["survey_type"]]
        values += [r[k] for k in ("nps", "ces", "csat", "comment")]
        # One physical line per response; a CR stays (csv.writer leaves it unquoted here).
        writer.writerow(["" if v is None else str(v).replace("\n", " ") for v in values])
    return out.getvalue()


MAPPING = "entity,source,column\n" + "".join(
    f"survey_responses,QID{i},{c}\n"
    for i, c in ((3, "nps_score"), (4, "ces_score"), (5, "csat_score"), (6, "comment"))
)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    pool=st.lists(response, min_size=1, max_size=15),
    seed=st.integers(0, 2**32 - 1),
    shape=st.sampled_from(["jsonl", "qualtrics"]),
)
def test_vendor_shapes_account_for_every_row(pool: list[dict], seed: int, shape: str) -> None:
    rng = random.Random(seed)
    rows = [rng.choice(pool) for _ in range(rng.randint(100, 300))]
    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp) / "inbox"
        inbox.mkdir()
        if shape == "jsonl":
            path = inbox / "survey_responses_generated.jsonl"
            path.write_text("\n".join(json_line(r, rng) for r in rows) + "\n", encoding="utf-8")
        else:
            path = inbox / "survey_responses_generated.csv"
            path.write_text(qualtrics_file(rows), encoding="utf-8")
            (inbox / "column_mapping.csv").write_text(MAPPING)
        landing = Landing(Path(tmp) / "landing")
        con = duckdb.connect()
        con.execute("set TimeZone = 'UTC'")
        landing.ensure_layout(con)
        try:
            result = load_export(con, path, SURVEY, landing, 1)
        except IngestError:
            return
        assert result.rows_read == result.rows_accepted + result.rows_quarantined == len(rows)
        data = f"read_parquet('{landing.data_path(SURVEY, result.file_id)}')"
        quarantine = f"read_parquet('{landing.quarantine_path(SURVEY, result.file_id)}')"
        bad = (
            "nps_score not between 0 and 10 or ces_score not between 1 and 7"
            " or csat_score not between 1 and 5 or response_id is null"
        )
        counts = con.execute(
            f"select (select count(*) from {data}), (select count(*) from {quarantine}),"
            f" (select count(*) from {data} where {bad}),"
            f" (select count(*) from {quarantine} where line is null or reason is null)"
        ).fetchone()
        assert counts == (result.rows_accepted, result.rows_quarantined, 0, 0)
        assert list(landing.scratch_root.iterdir()) == []
        con.close()
