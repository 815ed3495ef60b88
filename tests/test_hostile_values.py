"""Hostile times and amounts through the whole pipeline: the marts hold real months only.

The fixture inbox plus a survey export with time keywords, BC and pre-1900 years and an offset
beyond +14:00, and a Dutch orders export with ambiguous amounts, is ingested and built with dbt.
Before issue 15 these became NPS months '-infinity' and '2026 BC' and the report and summary
crashed; now they are quarantined, every month in the marts is a real month, and both render.
"""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from warehouse_builder import build_warehouse

from orchestration.__main__ import main as cli_main
from orchestration.config import InvalidSetting, min_year
from orchestration.ingest.contract import ENTITIES
from orchestration.ingest.run import ingest_entity
from orchestration.serve.report import build_report
from orchestration.serve.summary import summary

FIXTURE_INBOX = Path(__file__).parent / "fixtures" / "inbox"
SURVEY_HEADER = (
    "response_id,customer_id,survey_type,interaction_id,touchpoint,channel,submitted_at,"
    "nps_score,ces_score,csat_score,emotion,comment,language"
)
HOSTILE_TIMES = {
    "H1": "infinity",
    "H2": "-infinity",
    "H3": "epoch",
    "H4": "1850-06-01T10:00:00",
    "H5": "-2026-03-01",
    "H6": "2026-03-01 BC",
    "H7": "2025-03-10T10:00:00+15:00",
    "H8": "2025-03-10T10:00:00+01:00",  # the one real time
}
DUTCH_ORDERS = (
    "order_id;customer_id;ordered_at;amount\n"
    "N1;C001;31-12-24;12.50\n"  # two-digit year (and no decimal comma in the file)
    "N2;C001;31-12-2024;0.125\n"  # never 125
    "N3;C001;31-12-2024;12.345\n"  # thousands or decimals? no decimal comma in the file
    "N4;C001;31-12-2024;1.234.567\n"  # only thousands dots: exact
)


@pytest.fixture(scope="module")
def hostile_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile_values")
    inbox = out / "inbox"
    shutil.copytree(FIXTURE_INBOX, inbox)
    rows = [f"{r},C001,relational,,,,{t},3,,,,,en" for r, t in HOSTILE_TIMES.items()]
    (inbox / "survey_responses_2025-03_hostile.csv").write_text(
        "\n".join([SURVEY_HEADER, *rows]) + "\n", encoding="utf-8"
    )
    (inbox / "orders_hostile_nl.csv").write_text(DUTCH_ORDERS, encoding="utf-8")
    return build_warehouse(inbox, out)


def test_only_real_months_reach_the_marts(hostile_warehouse: Path) -> None:
    con = duckdb.connect(str(hostile_warehouse), read_only=True)
    for table, column in (
        ("fct_nps_monthly", "month_start"),
        ("fct_effort_monthly", "month_start"),
        ("fct_survey_responses", "submitted_at"),
    ):
        low, high, infinite = con.execute(
            f"select min({column}), max({column}), count(*) filter (not isfinite({column}))"
            f" from marts.{table}"
        ).fetchone()
        assert infinite == 0, table
        assert low.year >= 1900 and high.year <= 9999, (table, low, high)
    hostile = con.execute(
        "select response_id, submitted_at from marts.fct_survey_responses"
        " where response_id like 'H%'"
    ).fetchall()
    assert [(r, t.date()) for r, t in hostile] == [("H8", date(2025, 3, 10))]
    orders = con.execute(
        "select amount from read_parquet(?) where order_id like 'N%'",
        [str(hostile_warehouse.parent / "landing" / "orders" / "*.parquet")],
    ).fetchall()
    assert orders == [(Decimal("1234567.00"),)]
    con.close()


def test_the_hostile_rows_are_accounted_for_in_the_quarantine(hostile_warehouse: Path) -> None:
    landing = hostile_warehouse.parent / "landing"
    con = duckdb.connect()
    ledger = con.execute(
        "select file_name, rows_read, rows_accepted, rows_quarantined"
        f" from read_parquet('{landing}/_ledger/*.parquet') where file_name like '%hostile%'"
        " order by 1"
    ).fetchall()
    assert ledger == [
        ("orders_hostile_nl.csv", 4, 1, 3),
        ("survey_responses_2025-03_hostile.csv", 8, 1, 7),
    ]


def test_report_and_summary_render(hostile_warehouse: Path, tmp_path: Path) -> None:
    text = summary(hostile_warehouse)
    assert "infinity" not in text and " BC" not in text
    html = build_report(hostile_warehouse, tmp_path / "report.html").read_text("utf-8")
    assert "infinity" not in html and " BC" not in html


def test_min_year_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOYALTY_MIN_YEAR", "2000")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "orders_old.csv").write_text(
        "order_id,customer_id,ordered_at,amount\n"
        "O1,C001,1999-12-31T23:59:59,1.00\nO2,C001,2000-01-01,1.00\n",
        encoding="utf-8",
    )
    report = ingest_entity(inbox, tmp_path / "landing", ENTITIES["orders"])
    assert [(r.rows_read, r.rows_accepted) for r in report.loaded] == [(2, 1)]
    reasons = (
        duckdb.connect()
        .execute(f"select reason from read_parquet('{tmp_path}/landing/_quarantine/*.parquet')")
        .fetchall()
    )
    assert reasons == [
        ("ordered_at: '1999-12-31T23:59:59' is before the year 2000 (LOYALTY_MIN_YEAR)",)
    ]
    monkeypatch.setenv("LOYALTY_MIN_YEAR", "19x0")
    with pytest.raises(
        InvalidSetting, match="LOYALTY_MIN_YEAR is '19x0': set a year from 1 to 9999"
    ):
        min_year()


def test_a_bad_min_year_is_one_sentence_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOYALTY_INBOX", str(tmp_path))
    monkeypatch.setenv("LOYALTY_MIN_YEAR", "nineteen hundred")
    assert cli_main(["ingest"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: LOYALTY_MIN_YEAR is 'nineteen hundred'")
