"""The demo export generator: determinism, the CSV contract, and the planted effects."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from orchestration.config import PROJECT_ROOT
from orchestration.demo.__main__ import main
from orchestration.demo.generator import customers_for, generate, persona_of
from orchestration.demo.measure import measure
from orchestration.ingest.contract import ENTITIES, entity_of

CUSTOMERS, SEED = 1000, 7
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
MONEY = re.compile(r"\d+\.\d{2}")
VOCABULARY = PROJECT_ROOT / "seeds" / "emotion_vocabulary.csv"
BAD_ROW = "(nps_score IN ('11', 'abc') OR ces_score = '9')"  # the planted invalid rows


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("demo")
    return out, generate(out, customers=CUSTOMERS, seed=SEED)


@pytest.fixture(scope="module")
def con(demo):
    out = demo[0].as_posix()
    db = duckdb.connect()
    for entity in ENTITIES:
        db.execute(
            f"CREATE TABLE {entity} AS SELECT * FROM read_csv('{out}/{entity}*.csv', "
            "all_varchar = true, filename = true)"
        )
    yield db
    db.close()


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_same_seed_gives_identical_bytes(tmp_path):
    first = generate(tmp_path / "a", customers=300, seed=1)
    second = generate(tmp_path / "b", customers=300, seed=1)
    other = generate(tmp_path / "c", customers=300, seed=2)
    assert first == second != other
    for name in first:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert any(
        (tmp_path / "a" / name).read_bytes() != (tmp_path / "c" / name).read_bytes()
        for name in first
    )


def test_file_names_and_row_counts(demo):
    out, written = demo
    names = {p.name for p in out.glob("*.csv")}
    assert names == set(written)
    assert {"customers.csv", "customers_2026-10_delta.csv", "subscriptions.csv"} <= names
    for entity in ("orders", "interactions", "survey_responses"):
        monthly = sorted(n for n in names if re.fullmatch(rf"{entity}_\d{{4}}-\d{{2}}\.csv", n))
        assert len(monthly) == 24
        assert (monthly[0], monthly[-1]) == (f"{entity}_2024-11.csv", f"{entity}_2026-10.csv")
    survey = sorted(n for n in names if n.startswith("survey_responses"))
    assert survey[-1] == "survey_responses_corrections.csv"  # later file wins
    for name, count in written.items():
        assert count > 0
        with open(out / name, encoding="utf-8") as f:
            assert sum(1 for _ in f) == count + 1


def test_headers_follow_the_contract(demo):
    out, written = demo
    for name in written:
        entity = entity_of(name)
        assert entity is not None, name
        header = (out / name).read_text(encoding="utf-8").split("\n", 1)[0]
        assert header.split(",") == list(entity.column_names), name


def test_codes_are_allowed(con):
    for entity in ENTITIES.values():
        for column in entity.columns:
            if column.allowed:
                values = rows(con, f"SELECT DISTINCT {column.name} FROM {entity.name}")
                assert {v for (v,) in values} - {None} <= set(column.allowed), column.name


def test_timestamps_and_amounts_are_formatted(con):
    for entity in ENTITIES.values():
        for column in entity.columns:
            if column.kind in ("timestamp", "decimal"):
                pattern = TIMESTAMP if column.kind == "timestamp" else MONEY
                values = rows(con, f"SELECT DISTINCT {column.name} FROM {entity.name}")
                bad = [v for (v,) in values if v is not None and not pattern.fullmatch(v)]
                assert not bad, (entity.name, column.name, bad[:3])
    window = rows(
        con,
        "SELECT min(started_at), max(started_at) FROM interactions UNION ALL "
        "SELECT min(submitted_at), max(submitted_at) FROM survey_responses UNION ALL "
        "SELECT min(ordered_at), max(ordered_at) FROM orders",
    )
    for low, high in window:
        assert "2024-11-01T00:00:00" <= low <= high < "2026-11-01T00:00:00"


def test_customers_split_into_full_file_and_delta(con):
    (total, distinct, delta, delta_late) = rows(
        con,
        "SELECT count(*), count(DISTINCT customer_id), count(*) FILTER (filename LIKE '%delta%'),"
        " count(*) FILTER (filename LIKE '%delta%' AND created_at >= '2026-10-01') FROM customers",
    )[0]
    assert total == distinct == CUSTOMERS
    assert delta == delta_late and 0.02 * CUSTOMERS < delta < 0.15 * CUSTOMERS
    emails = rows(con, "SELECT email FROM customers WHERE email IS NOT NULL")
    assert all(re.fullmatch(r"[a-z]+\.[a-z]+\d+@example\.(com|org|nl)", e) for (e,) in emails)


def test_scores_in_range_except_planted_bad_rows(con):
    bad, total = rows(con, f"SELECT count(*) FILTER ({BAD_ROW}), count(*) FROM survey_responses")[0]
    assert 3 <= bad <= max(3, 0.002 * total)
    out_of_range = rows(
        con,
        "SELECT count(*) FROM survey_responses WHERE NOT " + BAD_ROW + " AND ("
        "try_cast(nps_score AS int) NOT BETWEEN 0 AND 10 OR "
        "try_cast(ces_score AS int) NOT BETWEEN 1 AND 7 OR "
        "try_cast(csat_score AS int) NOT BETWEEN 1 AND 5 OR "
        "(nps_score IS NOT NULL AND try_cast(nps_score AS int) IS NULL))",
    )
    assert out_of_range == [(0,)]


def test_transactional_answers_point_at_their_interaction(con):
    broken_links = rows(
        con,
        "SELECT count(*) FROM survey_responses r LEFT JOIN interactions i USING (interaction_id) "
        "WHERE r.survey_type = 'transactional' AND (i.interaction_id IS NULL "
        "OR r.touchpoint <> i.touchpoint OR r.channel <> i.channel "
        "OR r.submitted_at <= i.started_at)",
    )
    assert broken_links == [(0,)]
    relational_extras = rows(
        con,
        "SELECT count(*) FROM survey_responses WHERE survey_type = 'relational' AND "
        "(interaction_id IS NOT NULL OR touchpoint IS NOT NULL OR channel IS NOT NULL)",
    )
    assert relational_extras == [(0,)]


def test_promises_kept_and_broken(con):
    (promised, broken, early) = rows(
        con,
        "SELECT avg((promised_by IS NOT NULL)::int), "
        "avg((responded_at > promised_by)::int) FILTER (promised_by IS NOT NULL), "
        "count(*) FILTER (resolved_at < responded_at OR promised_by <= started_at) "
        "FROM interactions",
    )[0]
    assert 0.35 < promised < 0.45 and 0.15 < broken < 0.25 and early == 0


def test_anonymous_unknown_and_corrected_answers(con):
    (anonymous, unknown) = rows(
        con,
        "SELECT avg((customer_id IS NULL)::int), "
        "avg((customer_id NOT IN (SELECT customer_id FROM customers))::int) "
        "FROM survey_responses WHERE filename NOT LIKE '%corrections%'",
    )[0]
    assert 0.015 < anonymous < 0.05 and 0.004 < unknown < 0.02
    corrections = rows(
        con,
        "SELECT count(*), count(*) FILTER (a.nps_score <> b.nps_score) FROM survey_responses a "
        "JOIN survey_responses b USING (response_id) "
        "WHERE a.filename LIKE '%corrections%' AND b.filename NOT LIKE '%corrections%'",
    )
    fixes = rows(con, "SELECT count(*) FROM survey_responses WHERE filename LIKE '%corrections%'")
    assert corrections[0][0] == corrections[0][1] == fixes[0][0] > 0


def test_emotions_come_from_the_vocabulary_in_the_answer_language(con):
    mismatches = rows(
        con,
        "SELECT count(*) FROM survey_responses r LEFT JOIN "
        f"read_csv('{VOCABULARY.as_posix()}', all_varchar = true) v ON v.label = r.emotion "
        "WHERE r.emotion IS NOT NULL AND (v.label IS NULL OR v.language <> r.language)",
    )
    assert mismatches == [(0,)]


def test_planted_effects_have_the_right_sign(demo):
    m = measure(demo[0], persona_of(CUSTOMERS, SEED))
    assert m["promise_kept_minus_broken_nps"] > 1.0  # 1. broken promise lowers next NPS
    assert min(m["peak_weight"], m["end_weight"]) > m["mean_weight"] + 0.1  # 2. peak-end
    assert m["ces_nps_corr"] > 0.3  # 3. effort makes detractors
    assert m["detractors_at_ces_1_3"] > m["detractors_at_ces_5_7"] + 0.3
    churn = [m[f"churn_per_100_months_{g}"] for g in ("promoter", "passive", "detractor")]
    assert churn == sorted(churn) and churn[0] < churn[2] / 2  # 4. promoters survive longer
    personas = ("ambassador", "loyal_passive", "shopper", "walk_away")
    shares = {p: m[f"{p}_discount_share"] for p in personas}
    answers = {p: m[f"{p}_responses_per_customer"] for p in personas}
    assert max(shares, key=shares.get) == "shopper" == min(answers, key=answers.get)  # 5.
    assert 0.2 < shares["shopper"] < 0.4
    assert m["ambassador_promoters"] > 0.5 and m["walk_away_detractors"] > 0.6  # 6.
    assert m["loyal_passive_passives"] > 0.45


def test_responses_knob_and_cli(tmp_path, capsys):
    out = tmp_path / "inbox"
    out.mkdir()
    (out / "stale.csv").write_text("x\n")
    assert main(["--out", str(out), "--responses", "3000", "--seed", "3", "--clean"]) == 0
    printed = capsys.readouterr().out
    assert "customers.csv" in printed and "survey_responses_corrections.csv" in printed
    assert not (out / "stale.csv").exists()
    answers = duckdb.sql(
        f"SELECT count(*) FROM read_csv('{out.as_posix()}/survey_responses_2*.csv')"
    ).fetchall()[0][0]
    assert 0.8 * 3000 < answers < 1.2 * 3000
    assert customers_for(10_000_000) > 100 * customers_for(50_000)
