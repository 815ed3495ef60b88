"""JSON lines, .xlsx and Qualtrics exports, the mapping file, and the scratch-folder cleanup.

Fixtures in tests/fixtures/vendor/; each test states the exact outcome: ledger counts and the
user's file in the ledger, typed values in the landing Parquet, quarantine lines and reasons.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from test_vendor_formats import VENDOR, counts, ingest, query

from orchestration.ingest.contract import ENTITIES
from orchestration.ingest.loader import file_digest
from orchestration.ingest.run import ingest_entity


def quarantine(landing: Path) -> list[tuple]:
    return query(
        f"select file_name, line, column_name, reason, raw_record "
        f"from read_parquet('{landing}/_quarantine/*.parquet') order by file_name, line"
    )


def ledger(landing: Path, entity: str) -> list[tuple]:
    return query(
        f"select file_id, file_name, rows_read, rows_accepted, rows_quarantined, extra_columns "
        f"from read_parquet('{landing}/_ledger/{entity}__*.parquet') order by file_name"
    )


# JSON lines --------------------------------------------------------------------------------


def test_json_lines_nested_answers_labels_and_bad_lines(tmp_path: Path) -> None:
    name = "survey_responses_app.jsonl"
    report, landing = ingest(tmp_path, "survey_responses", name)
    assert report.failed == []
    assert counts(report) == [(name, 6, 2, 4)]  # 7 lines, one blank
    assert ledger(landing, "survey_responses") == [
        (file_digest(VENDOR / name), name, 6, 2, 4, "answers.q7,device")
    ]
    assert query(
        f"select response_id, customer_id, interaction_id, touchpoint, channel, submitted_at, "
        f"nps_score, ces_score, csat_score, emotion, comment, language, _record, _extra "
        f"from read_parquet('{landing}/survey_responses/*.parquet') order by 1"
    ) == [
        ("J1", "C001", None, None, "app", datetime(2025, 1, 31, 13, 22, 5), 9, 6, 4, "blij",
         "Snel geholpen 👍", "nl", 1, '{"answers.q7":null,"device":null}'),
        ("J2", None, "I7", "delivery", None, datetime(2025, 2, 1), 10, 7, None, None, None,
         None, 2, '{"answers.q7":null,"device":"ios"}'),
    ]  # fmt: skip
    rows = quarantine(landing)
    assert [r[:4] for r in rows] == [
        (name, 4, "nps_score", "nps_score: 11 is outside 0-10"),
        (name, 5, None, "malformed JSON line: not valid JSON"),
        (name, 6, None, "malformed JSON line: not a JSON object"),
        (name, 7, "nps_score", "nps_score: 'Zeer waarschijnlijkk' is not a known answer label"),
    ]
    assert rows[1][4].startswith('{"response_id": "J4"') and rows[1][4].endswith('"nps": 7')
    assert rows[2][4] == '["J5", "C005"]'
    assert list((landing / ".normalised").iterdir()) == []


def test_json_lines_loaded_once_and_unreadable_files_fail(tmp_path: Path) -> None:
    ingest(tmp_path, "survey_responses", "survey_responses_app.jsonl")
    report, _ = ingest(tmp_path, "survey_responses", "survey_responses_app.jsonl")
    assert (report.loaded, report.skipped) == ([], ["survey_responses_app.jsonl"])
    inbox = tmp_path / "bad"
    inbox.mkdir()
    (inbox / "survey_responses_empty.ndjson").write_text("\n  \n")
    (inbox / "survey_responses_latin1.ndjson").write_bytes(b'{"response_id": "caf\xe9"}\n')
    report = ingest_entity(inbox, tmp_path / "bad_landing", ENTITIES["survey_responses"])
    assert report.loaded == []
    assert report.failed == [
        "survey_responses_empty.ndjson: the file is empty; expected one JSON object per line",
    ]
    # a failed file holds back the later files of its entity (ingest/order.py) until removed
    assert [m.split(":")[0] for m in report.waiting] == ["survey_responses_latin1.ndjson"]
    (inbox / "survey_responses_empty.ndjson").unlink()
    report = ingest_entity(inbox, tmp_path / "bad_landing", ENTITIES["survey_responses"])
    assert (report.loaded, report.waiting) == ([], [])
    assert report.failed == [
        "survey_responses_latin1.ndjson: not UTF-8 text; save the JSON export as UTF-8",
    ]


def test_json_lines_of_another_entity_are_flat_objects(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(VENDOR / "survey_responses_app.jsonl", inbox)  # another entity's file: not read
    (inbox / "orders_shop.jsonl").write_text(
        '{"order_id": "O1", "customer_id": "C1", "ordered_at": "2025-01-02", "amount": 12.5}\n'
    )
    report = ingest_entity(inbox, tmp_path / "landing", ENTITIES["orders"])
    assert counts(report) == [("orders_shop.jsonl", 1, 1, 0)]


# Excel workbooks ---------------------------------------------------------------------------


def test_xlsx_customers_cells_become_canonical_text(tmp_path: Path) -> None:
    name = "customers_crm.xlsx"
    report, landing = ingest(tmp_path, "customers", name)
    assert report.failed == []
    assert counts(report) == [(name, 5, 2, 3)]  # 6 data rows, one empty
    assert ledger(landing, "customers") == [
        (file_digest(VENDOR / name), name, 5, 2, 3, "loyalty_tier")
    ]
    assert query(
        f"select customer_id, country, segment, created_at, _record, _extra "
        f"from read_parquet('{landing}/customers/*.parquet') order by 1"
    ) == [
        ("1001", "NL", "b2c", datetime(2024, 3, 5, 9, 30), 1, '{"loyalty_tier":"gold"}'),
        ("C1002", "BE", "b2b", datetime(2024, 12, 31), 2, '{"loyalty_tier":null}'),
    ]
    assert [r[:4] for r in quarantine(landing)] == [
        (name, 5, "created_at", "created_at: '31-12-2024' is not an ISO-8601 timestamp"),
        (name, 6, "segment", "segment: 'consumer' is not one of b2c|b2b"),
        (name, 7, None, "malformed Excel row: a value in column H, which has no header"),
    ]
    landed = query(
        f"select string_agg(cast(t as varchar), ' ') from (select * from read_parquet("
        f"['{landing}/customers/*.parquet', '{landing}/_quarantine/*.parquet'], union_by_name = true)) t"
    )[0][0]
    assert "@example.nl" not in landed and "Anna" not in landed and "Chloé" not in landed


def test_xlsx_survey_numbers_dates_and_labels(tmp_path: Path) -> None:
    name = "survey_responses_kiosk.xlsx"
    report, landing = ingest(tmp_path, "survey_responses", name)
    assert counts(report) == [(name, 4, 2, 2)]
    assert query(
        f"select response_id, customer_id, submitted_at, nps_score, ces_score, csat_score "
        f"from read_parquet('{landing}/survey_responses/*.parquet') order by 1"
    ) == [
        ("X1", "C1001", datetime(2025, 1, 31, 14, 22, 5), 9, 6, 4),
        ("X2", "1002", datetime(2025, 2, 1), 10, 7, 4),
    ]
    assert [r[:4] for r in quarantine(landing)] == [
        (name, 4, "nps_score", "nps_score: '7.5' is not a whole number"),
        (name, 5, "submitted_at", "submitted_at: '45690.5' is not an ISO-8601 timestamp"),
    ]


def test_xlsx_reingest_is_a_no_op_and_a_corrupt_workbook_fails_alone(tmp_path: Path) -> None:
    _, landing = ingest(tmp_path, "customers", "customers_crm.xlsx")
    before = sorted((p.name, p.read_bytes()) for p in landing.rglob("*.parquet"))
    report, _ = ingest(tmp_path, "customers", "customers_crm.xlsx", "customers_corrupt.xlsx")
    assert (report.loaded, report.skipped) == ([], ["customers_crm.xlsx"])
    assert report.failed == [
        "customers_corrupt.xlsx: not a readable Excel workbook (File is not a zip file); "
        "save the export as Excel Workbook (.xlsx) or as CSV UTF-8"
    ]
    assert sorted((p.name, p.read_bytes()) for p in landing.rglob("*.parquet")) == before
    assert list((landing / ".normalised").iterdir()) == []


# Qualtrics and the mapping file ------------------------------------------------------------

QUALTRICS = "survey_responses_qualtrics.csv"


def test_qualtrics_wide_export_through_the_mapping_file(tmp_path: Path) -> None:
    report, landing = ingest(tmp_path, "survey_responses", QUALTRICS, "column_mapping.csv")
    assert (report.failed, report.unknown_files) == ([], [])  # the mapping file is no export
    assert counts(report) == [(QUALTRICS, 5, 3, 2)]
    assert ledger(landing, "survey_responses") == [
        (file_digest(VENDOR / QUALTRICS), QUALTRICS, 5, 3, 2, "q6")
    ]
    assert query(
        f"select response_id, customer_id, survey_type, touchpoint, submitted_at, nps_score, "
        f"ces_score, csat_score, emotion, comment, language, _extra "
        f"from read_parquet('{landing}/survey_responses/*.parquet') order by 1"
    ) == [
        ("R_1aAbBcC", "C001", "relational", "delivery", datetime(2025, 1, 31, 10, 1), 10, 7, 4,
         "blij", 'Snel, "vriendelijk"', "nl", '{"q6":"ja"}'),
        ("R_2dDeEfF", "C002", "relational", "support", datetime(2025, 2, 1, 10, 1), 6, 3, 3,
         None, None, "en", '{"q6":"nee"}'),
        ("R_5mMnNoO", None, "relational", "billing", datetime(2025, 2, 4, 10, 1), 0, 1, 1,
         None, None, "en", '{"q6":null}'),
    ]  # fmt: skip
    rows = quarantine(landing)
    assert [r[:4] for r in rows] == [  # the question text of header row 2 spans two lines
        (
            QUALTRICS,
            7,
            "nps_score",
            "nps_score: 'Zeer waarschijnlijkk' is not a known answer label",
        ),
        (QUALTRICS, 8, None, "malformed CSV record: Expected Number of Columns: 24 Found: 19"),
    ]
    assert rows[1][4].startswith("2025-02-03 10:00:00,") and rows[1][4].endswith(",NL,8,7")
    landed = query(
        f"select string_agg(cast(t as varchar), ' ') from (select * from read_parquet("
        f"'{landing}/survey_responses/*.parquet')) t"
    )[0][0]
    assert "192.0.2.1" not in landed and "anna@" not in landed and "Vries" not in landed


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_qualtrics_bare_carriage_returns_are_kept_in_the_values(
    tmp_path: Path, newline: str
) -> None:
    """A CR without LF is data, quoted or not: each response is read once, the CR is kept."""
    text = (VENDOR / QUALTRICS).read_text(encoding="utf-8").replace("\r\n", newline)
    for old, new in (
        ("Neutral,,,nee", "Neutral,,Te laat\rgeleverd,nee"),  # R_2: unquoted
        ("1,1,,,,billing", '1,1,,"\rNee",,billing'),  # R_5: quoted, the CR first
        (",NL,8,7", ",NL,8\r7"),  # R_4, the malformed record: 18 fields now
    ):
        assert old in text
        text = text.replace(old, new)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / QUALTRICS).write_bytes(text.encode("utf-8"))
    shutil.copy(VENDOR / "column_mapping.csv", inbox)
    report = ingest_entity(inbox, tmp_path / "landing", ENTITIES["survey_responses"])
    assert (report.failed, counts(report)) == ([], [(QUALTRICS, 5, 3, 2)])
    assert query(
        f"select response_id, comment, touchpoint "
        f"from read_parquet('{tmp_path}/landing/survey_responses/*.parquet') order by 1"
    ) == [
        ("R_1aAbBcC", 'Snel, "vriendelijk"', "delivery"),
        ("R_2dDeEfF", "Te laat\rgeleverd", "support"),
        ("R_5mMnNoO", "\rNee", "billing"),
    ]
    rows = quarantine(tmp_path / "landing")
    assert [r[1:4] for r in rows] == [  # the lines of the file: a bare CR is no line break
        (7, "nps_score", "nps_score: 'Zeer waarschijnlijkk' is not a known answer label"),
        (8, None, "malformed CSV record: Expected Number of Columns: 24 Found: 18"),
    ]
    assert rows[1][4].endswith(",NL,8\r7")
    assert list((tmp_path / "landing" / ".normalised").iterdir()) == []


def test_qualtrics_without_a_survey_type_says_how_to_map_it(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(VENDOR / QUALTRICS, inbox)
    mapping = (
        (VENDOR / "column_mapping.csv")
        .read_text()
        .replace("survey_responses,,survey_type,relational\n", "")
    )
    (inbox / "column_mapping.csv").write_text(mapping)
    report = ingest_entity(inbox, tmp_path / "landing", ENTITIES["survey_responses"])
    assert report.failed == [
        f"{QUALTRICS}: no column for survey_type; map one in column_mapping.csv, "
        "e.g. 'survey_responses,,survey_type,relational'"
    ]


def test_renamed_columns_of_a_dutch_customers_csv(tmp_path: Path) -> None:
    name = "customers_renamed_nl.csv"
    report, landing = ingest(tmp_path, "customers", name, "column_mapping.csv")
    assert report.failed == []
    assert counts(report) == [(name, 2, 2, 0)]
    assert query(
        f"select customer_id, email_pseudonym is not null, created_at, _file_name "
        f"from read_parquet('{landing}/customers/*.parquet') order by 1"
    ) == [
        ("K1", True, datetime(2024, 12, 31, 9, 30), name),
        ("K2", False, datetime(2025, 2, 1), name),
    ]
    assert ledger(landing, "customers")[0][:2] == (file_digest(VENDOR / name), name)
    (tmp_path / "plain").mkdir()
    without_mapping, _ = ingest(tmp_path / "plain", "customers", name)
    assert without_mapping.failed[0].startswith(
        f"{name}: missing required column(s) customer_id, created_at;"
    )


def test_a_wrong_mapping_file_fails_with_its_line(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(VENDOR / "customers_renamed_nl.csv", inbox)
    (inbox / "column_mapping.csv").write_text(
        "entity,source,column,value\ncustomers,klantnummer,klant_id,\n"
    )
    report = ingest_entity(inbox, tmp_path / "landing", ENTITIES["customers"])
    assert report.failed == [
        "column_mapping.csv line 2: 'klant_id' is not a column of customers; expected one of "
        "customer_id, email, full_name, country, segment, acquisition_channel, created_at"
    ]


# Scratch folder ----------------------------------------------------------------------------


def test_scratch_left_by_a_killed_load_is_removed_on_the_next_run(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    leftover = landing / ".normalised" / "customers.k1ll3d" / "customers_crm.xlsx"
    leftover.parent.mkdir(parents=True)
    leftover.write_text('customer_id,email\n"C1","anna@example.nl"\n')
    other = landing / ".normalised" / "orders.busy"  # another entity's load: not touched
    other.mkdir()
    report, _ = ingest(tmp_path, "customers", "customers_crm.xlsx")
    assert counts(report) == [("customers_crm.xlsx", 5, 2, 3)]
    assert report.orphans_removed == 1
    assert sorted(p.name for p in (landing / ".normalised").iterdir()) == ["orders.busy"]
