"""The ingest: typing, quarantine, ledger, replacement order, idempotence, clear errors."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.contract import ENTITIES, entity_of
from orchestration.ingest.landing import Landing
from orchestration.ingest.run import ingest_all, ingest_entity

SURVEY = ENTITIES["survey_responses"]
HEADER = (
    "response_id,customer_id,survey_type,interaction_id,touchpoint,channel,submitted_at,"
    "nps_score,ces_score,csat_score,emotion,comment,language\n"
)


def rows(sql: str) -> list[tuple]:
    return duckdb.connect().execute(sql).fetchall()


def write(inbox: Path, name: str, body: str) -> Path:
    path = inbox / name
    path.write_text(body, encoding="utf-8")
    return path


def test_entity_of_uses_the_file_name_prefix() -> None:
    assert entity_of("survey_responses_2025-01.csv").name == "survey_responses"
    assert entity_of("Customers.csv").name == "customers"
    assert entity_of("notes.csv") is None


def test_fixture_inbox_counts_and_quarantine(inbox: Path, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    reports = {r.entity: r for r in ingest_all(inbox, landing)}
    assert all(not r.failed for r in reports.values())
    survey = reports["survey_responses"]
    assert [r.file_name for r in survey.loaded] == [
        "survey_responses_2025-01.csv",
        "survey_responses_2025-02.csv",
        "survey_responses_2025-02_redelivery.csv",
        "survey_responses_2025-03.csv",
    ]
    assert survey.rows == {"rows_read": 16, "rows_accepted": 13, "rows_quarantined": 3}
    quarantine = rows(
        f"select file_name, line, column_name, value, reason "
        f"from read_parquet('{landing}/_quarantine/*.parquet') order by file_name, line"
    )
    assert quarantine == [
        ("survey_responses_2025-01.csv", 9, "nps_score", "11", "nps_score: 11 is outside 0-10"),
        (
            "survey_responses_2025-02.csv",
            6,
            "nps_score",
            "abc",
            "nps_score: 'abc' is not a known answer label",
        ),
        (
            "survey_responses_2025-02.csv",
            7,
            None,
            None,
            "malformed CSV record: Expected Number of Columns: 13 Found: 14",
        ),
    ]
    ledger = rows(
        f"select sum(rows_read), sum(rows_accepted + rows_quarantined) "
        f"from read_parquet('{landing}/_ledger/*.parquet')"
    )
    assert ledger[0][0] == ledger[0][1] == 6 + 7 + 4 + 5 + 16


def test_types_timestamps_to_utc_and_codes_to_lower_case(inbox: Path, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    ingest_all(inbox, landing)
    (submitted,) = rows(
        f"select submitted_at from read_parquet('{landing}/survey_responses/*.parquet') "
        "where response_id = 'R012'"
    )[0]
    assert str(submitted) == "2025-02-28 23:30:00"  # 2025-03-01T00:30:00+01:00
    (segment,) = rows(
        f"select segment from read_parquet('{landing}/customers/*.parquet') "
        "where customer_id = 'C006'"
    )[0]
    assert segment == "b2b"  # delivered as B2B


def test_same_file_is_never_loaded_twice(inbox: Path, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    ingest_all(inbox, landing)
    before = sorted(p.name for p in landing.rglob("*.parquet"))
    # the same bytes under another name are the same delivery
    (inbox / "survey_responses_2025-03_copy.csv").write_bytes(
        (inbox / "survey_responses_2025-03.csv").read_bytes()
    )
    second = {r.entity: r for r in ingest_all(inbox, landing)}
    assert all(not r.loaded for r in second.values())
    assert "survey_responses_2025-03_copy.csv" in second["survey_responses"].skipped
    assert sorted(p.name for p in landing.rglob("*.parquet")) == before


def test_later_files_get_higher_load_sequence(inbox: Path, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    ingest_all(inbox, landing)
    write(
        inbox,
        "survey_responses_2025-04.csv",
        HEADER + "R010,C002,relational,,,,2025-02-07T10:00:00,3,2,1,boosheid,,nl\n",
    )
    report = ingest_entity(inbox, landing, SURVEY)
    assert [r.load_seq for r in report.loaded] == [5]
    seqs = rows(
        f"select _load_seq, nps_score from read_parquet('{landing}/survey_responses/*.parquet') "
        "where response_id = 'R010' order by _load_seq"
    )
    assert seqs == [(2, 6), (3, 9), (5, 3)]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("R1,,relational,,,,2025-01-01T00:00:00,10,8,5,joy,,en", "ces_score: 8 is outside 1-7"),
        ("R1,,relational,,,,2025-01-01T00:00:00,7.5,,,,,en", "nps_score: '7.5' is not a whole number"),
        ("R1,,relational,,,,2025-01-01T00:00:00,,,0,,,en", "csat_score: 0 is outside 1-5"),
        ("R1,,relational,,,,yesterday,9,,,,,en", "submitted_at: 'yesterday' is a keyword, not a real time"),
        (",C1,relational,,,,2025-01-01T00:00:00,9,,,,,en", "response_id: required but empty"),
        ("R1,C1,nps,,,,2025-01-01T00:00:00,9,,,,,en", "survey_type: 'nps' is not one of relational|transactional"),
        ("R1,C1,transactional,I1,support,fax,2025-01-01T00:00:00,9,,,,,en", "channel: 'fax' is not one of phone|email|chat|store|web|app"),
        ("R1,C1,relational,,,,2025-01-01T00:00:00,11,0,9,,,en", "nps_score: 11 is outside 0-10; ces_score: 0 is outside 1-7; csat_score: 9 is outside 1-5"),
    ],
)  # fmt: skip
def test_bad_values_are_quarantined_with_a_reason(
    inbox: Path, tmp_path: Path, line: str, reason: str
) -> None:
    for path in inbox.glob("survey_responses*"):
        path.unlink()
    write(inbox, "survey_responses_bad.csv", HEADER + line + "\n")
    report = ingest_entity(inbox, tmp_path / "landing", SURVEY)
    assert report.rows == {"rows_read": 1, "rows_accepted": 0, "rows_quarantined": 1}
    stored = rows(
        f"select reason, line from read_parquet('{tmp_path}/landing/_quarantine/*.parquet')"
    )
    assert stored == [(reason, 2)]


def test_skipped_scores_are_accepted_as_null(inbox: Path, tmp_path: Path) -> None:
    for path in inbox.glob("survey_responses*"):
        path.unlink()
    write(inbox, "survey_responses_x.csv", HEADER + "R1,,relational,,,,2025-01-01,,,,,,\n")
    report = ingest_entity(inbox, tmp_path / "landing", SURVEY)
    assert report.rows == {"rows_read": 1, "rows_accepted": 1, "rows_quarantined": 0}
    assert rows(
        f"select nps_score, ces_score, csat_score, customer_id "
        f"from read_parquet('{tmp_path}/landing/survey_responses/*.parquet')"
    ) == [(None, None, None, None)]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "the file is empty"),
        (b"response_id,customer_id\nR1,C1\n", "missing required column(s) survey_type, submitted_at"),
        (b"\x00\x01\x02binary", "NUL bytes"),
        (b"response_id;survey_type\n", "missing required column(s) response_id, survey_type"),
        ("response_id,survey_type,submitted_at\nR1,relational,2025-01-01,caf\xe9\n".encode("latin-1"),
         "not UTF-8"),
    ],
)  # fmt: skip
def test_unreadable_files_fail_clearly_and_load_nothing(
    inbox: Path, tmp_path: Path, body: bytes, message: str
) -> None:
    for path in inbox.glob("survey_responses*"):
        path.unlink()
    (inbox / "survey_responses_broken.csv").write_bytes(body)
    report = ingest_entity(inbox, tmp_path / "landing", SURVEY)
    assert report.loaded == []
    assert len(report.failed) == 1
    assert report.failed[0].startswith("survey_responses_broken.csv: ")
    assert message in report.failed[0]
    data = [p for p in (tmp_path / "landing").rglob("*.parquet") if p.name != "empty.parquet"]
    assert data == []


def test_header_only_file_loads_zero_rows(inbox: Path, tmp_path: Path) -> None:
    for path in inbox.glob("survey_responses*"):
        path.unlink()
    write(inbox, "survey_responses_empty.csv", HEADER)
    report = ingest_entity(inbox, tmp_path / "landing", SURVEY)
    assert [(r.rows_read, r.rows_accepted, r.rows_quarantined) for r in report.loaded] == [
        (0, 0, 0)
    ]


def test_leftovers_of_an_interrupted_load_are_removed(inbox: Path, tmp_path: Path) -> None:
    landing_root = tmp_path / "landing"
    ingest_all(inbox, landing_root)
    landing = Landing(landing_root)
    orphan = landing.data_path(SURVEY, "deadbeef")
    orphan.write_bytes(b"partial")
    tmp = landing.quarantine_path(SURVEY, "cafe").with_suffix(".parquet.tmp")
    tmp.write_bytes(b"partial")
    report = ingest_entity(inbox, landing_root, SURVEY)
    assert report.orphans_removed == 2
    assert not orphan.exists() and not tmp.exists()


def test_extra_columns_are_kept_as_json(inbox: Path, tmp_path: Path) -> None:
    for path in inbox.glob("survey_responses*"):
        path.unlink()
    write(
        inbox,
        "survey_responses_extra.csv",
        HEADER.rstrip("\n") + ",store_id\nR1,,relational,,,,2025-01-01,9,,,,,en,S42\n",
    )
    report = ingest_entity(inbox, tmp_path / "landing", SURVEY)
    assert report.loaded[0].extra_columns == ("store_id",)
    assert rows(
        f"select _extra from read_parquet('{tmp_path}/landing/survey_responses/*.parquet')"
    ) == [('{"store_id":"S42"}',)]


def test_no_email_or_name_lands_anywhere(inbox: Path, tmp_path: Path, monkeypatch) -> None:
    key = b"test-key-of-at-least-32-bytes-long"
    monkeypatch.setenv("LOYALTY_PSEUDONYM_KEY", key.decode())
    (inbox / "customers_bad.csv").write_text(
        "customer_id,email,full_name,created_at\n"
        "C777,Secret.Person@Example.nl ,Secret Person,not-a-date\n"
        'C778,"broken,line\n',
        encoding="utf-8",
    )
    landing = tmp_path / "landing"
    ingest_entity(inbox, landing, ENTITIES["customers"])
    everything = b"".join(p.read_bytes() for p in landing.rglob("*.parquet"))
    for secret in (b"Secret.Person@Example.nl", b"secret.person@example.nl", b"Secret Person",
                   b"anna.jansen@example.nl", b"Anna Jansen"):  # fmt: skip
        assert secret not in everything
    columns = rows(f"describe select * from read_parquet('{landing}/customers/*.parquet')")
    names = [c[0] for c in columns]
    assert "email_pseudonym" in names and "email" not in names and "full_name" not in names
    # the same address, however written, gets the same keyed hash (HMAC-SHA256, computed here
    # with Python's hmac); another key another hash
    expected = hmac.new(key, b"secret.person@example.nl", hashlib.sha256).hexdigest()
    (raw,) = rows(
        f"select raw_record from read_parquet('{landing}/_quarantine/*.parquet') "
        "where column_name = 'created_at'"
    )[0]
    assert json.loads(raw)["email_pseudonym"] == expected
    (anna,) = rows(
        f"select email_pseudonym from read_parquet('{landing}/customers/*.parquet') "
        "where customer_id = 'C001'"
    )[0]
    assert anna == hmac.new(key, b"anna.jansen@example.nl", hashlib.sha256).hexdigest()


def test_without_a_key_env_var_a_key_file_is_created_once_away_from_the_landing(
    inbox: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv("LOYALTY_PSEUDONYM_KEY", raising=False)
    key_file = tmp_path / "secrets" / "pseudonym.key"
    monkeypatch.setenv("LOYALTY_PSEUDONYM_KEY_FILE", str(key_file))
    landing = tmp_path / "landing"
    ingest_entity(inbox, landing, ENTITIES["customers"])
    assert not list(landing.rglob("*key*"))
    assert len(key_file.read_text().strip()) == 64
    assert key_file.stat().st_mode & 0o077 == 0
    first = key_file.read_text()
    ingest_entity(inbox, landing, ENTITIES["customers"])
    assert key_file.read_text() == first
