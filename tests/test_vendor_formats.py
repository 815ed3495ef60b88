"""Vendor shapes (orchestration/ingest/formats/): converted to canonical CSV, then loaded.

Fixtures in tests/fixtures/vendor/; each test copies the files it needs into a fresh inbox and
states the exact outcome: ledger counts, typed values in the landing Parquet, quarantine.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from orchestration.ingest.contract import ENTITIES
from orchestration.ingest.loader import file_digest
from orchestration.ingest.run import ingest_entity

VENDOR = Path(__file__).parent / "fixtures" / "vendor"


def ingest(tmp_path: Path, entity: str, *names: str):
    inbox, landing = tmp_path / "inbox", tmp_path / "landing"
    inbox.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(VENDOR / name, inbox / name)
    return ingest_entity(inbox, landing, ENTITIES[entity]), landing


def query(sql: str) -> list[tuple]:
    return duckdb.connect().execute(sql).fetchall()


def counts(report) -> list[tuple]:
    return [(r.file_name, r.rows_read, r.rows_accepted, r.rows_quarantined) for r in report.loaded]


# Dutch Excel habits ------------------------------------------------------------------------


def test_dutch_csv_decimal_comma_day_first_dates_bom(tmp_path: Path) -> None:
    before = (VENDOR / "orders_nl.csv").read_bytes()
    report, landing = ingest(tmp_path, "orders", "orders_nl.csv")
    assert report.failed == []
    assert counts(report) == [("orders_nl.csv", 7, 4, 3)]
    assert query(
        f"select order_id, ordered_at, amount, discount_amount, _file_name, _record "
        f"from read_parquet('{landing}/orders/*.parquet') order by order_id"
    ) == [
        ("O1", datetime(2025, 12, 31, 14, 30), Decimal("12.50"), Decimal("0.00"), "orders_nl.csv", 1),
        ("O2", datetime(2025, 12, 31), Decimal("1234.56"), None, "orders_nl.csv", 2),
        ("O3", datetime(2025, 12, 30, 10), Decimal("12.50"), None, "orders_nl.csv", 3),
        ("O7", datetime(2025, 2, 1, 9, 5, 30), Decimal("-3.50"), None, "orders_nl.csv", 6),
    ]  # fmt: skip
    assert query(
        f"select file_name, line, reason, raw_record "
        f"from read_parquet('{landing}/_quarantine/*.parquet') order by line"
    ) == [
        ("orders_nl.csv", 5, "ordered_at: '32-12-2025' is not an ISO-8601 timestamp",
         '{"order_id":"O4","customer_id":"C004","ordered_at":"32-12-2025","amount":"12.50",'
         '"discount_amount":null,"currency":"EUR","status":"paid"}'),
        ("orders_nl.csv", 6, "amount: 'twaalf' is not a number",
         '{"order_id":"O5","customer_id":"C005","ordered_at":"2025-12-31T00:00:00",'
         '"amount":"twaalf","discount_amount":null,"currency":"EUR","status":"paid"}'),
        ("orders_nl.csv", 7, "malformed CSV record: Expected Number of Columns: 7 Found: 1",
         '"O6;C006;31-12-2025;12,50;EUR"'),
    ]  # fmt: skip
    # the ledger keys the user's file; the inbox file is unchanged; no scratch file is left
    assert query(f"select file_id, file_name from read_parquet('{landing}/_ledger/orders__*')") == [
        (file_digest(VENDOR / "orders_nl.csv"), "orders_nl.csv")
    ]
    assert (tmp_path / "inbox" / "orders_nl.csv").read_bytes() == before
    assert list((landing / ".normalised").iterdir()) == []


def test_dutch_csv_is_loaded_once(tmp_path: Path) -> None:
    ingest(tmp_path, "orders", "orders_nl.csv")
    report, _ = ingest(tmp_path, "orders", "orders_nl.csv")
    assert (report.loaded, report.skipped, report.failed) == ([], ["orders_nl.csv"], [])


def test_dutch_csv_in_windows_1252_keeps_accents_and_euro(tmp_path: Path) -> None:
    raw = (VENDOR / "survey_responses_nl.csv").read_bytes()
    assert b"Chlo\xe9" in raw and b"\x80" in raw  # cp1252 bytes, not UTF-8
    report, landing = ingest(tmp_path, "survey_responses", "survey_responses_nl.csv")
    assert report.failed == []
    assert counts(report) == [("survey_responses_nl.csv", 2, 2, 0)]
    assert query(
        f"select response_id, submitted_at, nps_score, emotion, comment "
        f"from read_parquet('{landing}/survey_responses/*.parquet') order by 1"
    ) == [
        (
            "R1",
            datetime(2025, 12, 31, 14, 30),
            9,
            "opluchting",
            "Chloé vond het top \u2013 € 5 korting",
        ),
        ("R2", datetime(2025, 2, 1), 10, None, 'Ééntje; met "quotes"'),
    ]


def test_semicolon_file_without_the_contract_columns_keeps_the_delimiter_message(
    tmp_path: Path,
) -> None:
    report, _ = ingest(tmp_path, "orders", "orders_semicolon_unknown.csv")
    assert report.loaded == []
    assert report.failed == [
        "orders_semicolon_unknown.csv: missing required column(s) order_id, customer_id, "
        "ordered_at, amount; expected comma-separated; the header looks semicolon-separated; "
        "line 1 has 1 column(s) and none is a contract column (if line 1 is a record, add the "
        "header row above it); expected order_id, customer_id, ordered_at, "
        "amount, discount_amount, currency, status"
    ]
