"""Personal data stays in the vault (issue 15, item 6).

The corpus tests/fixtures/hostile_pii/<case>/ holds exports a new user might drop in the inbox:
personal columns under other names (``E-mail``, ``Full Name``, ``first_name``, ``telefoon``),
an e-mail address in a comment, an id or a column name, a file without a header. For each
case: what lands, and that no e-mail address, name, phone number or birth date of the
fixture appears anywhere in the landing (every column of every Parquet file, as text) or in
the messages. The expected pseudonyms are computed here with Python's ``hmac``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.contract import ENTITIES
from orchestration.ingest.run import ingest_entity

CORPUS = Path(__file__).parent / "fixtures" / "hostile_pii"
SECRETS = (
    "ada.lovelace@example.com", "grace.hopper@example.org", "ada lovelace", "grace hopper",
    "+31 6 1234 5678", "0612345678", "020-5551234", "1815-12-10",
)  # fmt: skip
WITHHELD = "(withheld: the record holds personal data)"
SURVEY = "survey_responses"


def key() -> bytes:
    """The test session's key (conftest.py points LOYALTY_PSEUDONYM_KEY_FILE at it)."""
    return Path(os.environ["LOYALTY_PSEUDONYM_KEY_FILE"]).read_bytes().strip()


def hmac_of(address: str) -> str:
    return hmac.new(key(), address.strip().lower().encode(), hashlib.sha256).hexdigest()


def landing_text(landing: Path) -> str:
    """Every value of every landed Parquet file (data, quarantine, ledger) as lower-case text."""
    con = duckdb.connect()
    parts = [str(p) for p in landing.rglob("*")]
    for path in landing.rglob("*.parquet"):
        parts += [
            repr(row) for row in con.execute(f"select * from read_parquet('{path}')").fetchall()
        ]
    return "\n".join(parts).lower()


@dataclass(frozen=True)
class Case:
    entity: str
    counts: tuple[int, int, int] = (0, 0, 0)  # rows read, accepted, quarantined
    extra: tuple = ()  # _extra of the accepted rows, parsed, in _record order
    quarantine: tuple = ()  # (line, column_name, value, reason, raw_record parsed if JSON)
    error: str | None = None
    query: str | None = None  # on the entity's landing Parquet ({data}), against expect
    expect: tuple = ()


CUSTOMER_COLUMNS = ", ".join(ENTITIES["customers"].column_names)
CASES = {
    # a personal column under another name in a customers export: the e-mail is pseudonymised
    # into _extra, the name, first name and phone number do not land
    "customers_alias_columns": Case(
        "customers", (2, 2, 0),
        extra=({"e-mail_pseudonym": "ada.lovelace@example.com"},
               {"e-mail_pseudonym": "grace.hopper@example.org"}),
    ),
    "survey_alias_columns": Case(
        SURVEY, (1, 1, 0), extra=({"e-mail_pseudonym": "ada.lovelace@example.com"},)
    ),
    "jsonl_email_key": Case(SURVEY, (1, 1, 0), extra=({"email_pseudonym": "ada.lovelace@example.com"},)),
    "email_in_comment": Case(
        SURVEY, (2, 2, 0), query="select comment from {data} order by _record",
        expect=(("Mail me at [e-mail], or call",), ("no address here",)),
    ),
    "email_in_extra_value": Case(SURVEY, (1, 1, 0), extra=({"handled_by": "agent [e-mail]"},)),
    "email_in_header_name": Case(SURVEY, (1, 1, 0), extra=(None,)),
    # quarantined records: personal columns pseudonymised or left out of the raw record, an
    # unreadable line of a file with personal columns withheld whole
    "customers_alias_quarantine": Case(
        "customers", (2, 0, 2),
        quarantine=(
            (2, "created_at", "not-a-date", "created_at: 'not-a-date' is not an ISO-8601 timestamp",
             {"customer_id": "C101", "e-mail_pseudonym": "ada.lovelace@example.com",
              "country": "NL", "created_at": "not-a-date"}),
            (3, "e-mail", None, "malformed CSV record: Value with unterminated quote found.", WITHHELD),
        ),
    ),
    "survey_alias_malformed_line": Case(
        SURVEY, (3, 1, 2),
        quarantine=(
            (3, None, None, "malformed CSV record: Expected Number of Columns: 7 Found: 8", WITHHELD),
            (4, "nps_score", "11", "nps_score: 11 is outside 0-10",
             {"response_id": "R3", "customer_id": "C001", "survey_type": "relational",
              "submitted_at": "2025-01-10T10:00:00", "nps_score": "11", "comment": "[e-mail]"}),
        ),
    ),
    "email_as_customer_id": Case(
        "orders", (2, 1, 1),
        quarantine=((2, "customer_id", "[e-mail]",
                     "customer_id: holds an e-mail address; an id must not be personal data",
                     {"order_id": "O1", "customer_id": "[e-mail]",
                      "ordered_at": "2025-01-10T10:00:00", "amount": "10.00"}),),
    ),
    # a file without a header: line 1 is a customer; the message does not repeat it
    "headerless_customers": Case(
        "customers",
        error="customers_noheader.csv: missing required column(s) customer_id, created_at; "
        "line 1 has 7 column(s) and none is a contract column (if line 1 is a record, add the "
        f"header row above it); expected {CUSTOMER_COLUMNS}",
    ),
    "headerless_survey_duplicate": Case(
        SURVEY,
        error="survey_responses_noheader.csv: the header repeats a column name "
        "(columns 6 and 7 of line 1)",
    ),
}  # fmt: skip


def pseudonymised(value: object) -> object:
    """An expected JSON object with every *_pseudonym value replaced by its HMAC."""
    if not isinstance(value, dict):
        return value
    return {k: hmac_of(v) if k.endswith("_pseudonym") else v for k, v in value.items()}


def parsed(text: str | None) -> object:
    return json.loads(text) if text and text.startswith("{") else text


def test_every_corpus_folder_has_a_case() -> None:
    assert sorted(p.name for p in CORPUS.iterdir()) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_personal_data_case(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    inbox, landing = tmp_path / "inbox", tmp_path / "landing"
    shutil.copytree(CORPUS / name, inbox)
    report = ingest_entity(inbox, landing, ENTITIES[case.entity])
    messages = "\n".join(report.failed).lower()
    text = landing_text(landing)
    for secret in SECRETS:
        assert secret not in text and secret not in messages, secret
    if case.error is not None:
        assert report.failed == [case.error]
        assert report.loaded == []
        return
    assert report.failed == []
    counts = [(r.rows_read, r.rows_accepted, r.rows_quarantined) for r in report.loaded]
    assert tuple(sum(c) for c in zip(*counts, strict=True)) == case.counts
    con = duckdb.connect()
    data = f"read_parquet('{landing}/{case.entity}/*.parquet')"
    if case.extra:
        extras = con.execute(f"select _extra from {data} order by _record").fetchall()
        assert [parsed(e) for (e,) in extras] == [pseudonymised(e) for e in case.extra]
    quarantine = con.execute(
        "select line, column_name, value, reason, raw_record "
        f"from read_parquet('{landing}/_quarantine/*.parquet') order by line"
    ).fetchall()
    expected = [(*q[:4], pseudonymised(q[4])) for q in case.quarantine]
    assert [(*q[:4], parsed(q[4])) for q in quarantine] == expected
    if case.query is not None:
        assert tuple(con.execute(case.query.format(data=data)).fetchall()) == case.expect
    names = {c for (c, *_) in con.execute(f"describe select * from {data}").fetchall()}
    assert not names & {"e-mail", "full name", "first_name", "telefoon", "naam", "email"}


# ---- the pieces, one by one (imported here, so that the corpus above also runs on old code)


def test_aliases_normalise_case_spaces_hyphens_and_underscores() -> None:
    from orchestration.ingest.aliases import normalise, personal_aliases, personal_kind

    assert {normalise(n) for n in ("E-mail", "e_mail", " EMAIL ", "e.mail")} == {"email"}
    assert personal_kind("Full Name") == personal_kind("full_name") == "name"
    assert personal_kind("E-mailadres") == "email"
    assert personal_kind("Telefoon") == personal_kind("mobile") == "phone"
    assert personal_kind("Geboortedatum") == personal_kind("Date of Birth") == "birth_date"
    assert personal_kind("postcode") == personal_kind("Street") == "address"
    assert personal_kind("comment") is None and personal_kind("customer_id") is None
    aliases = personal_aliases()
    assert len(aliases) >= 50
    kinds = {"email", "name", "phone", "address", "birth_date", "national_id", "bank_account",
             "ip_address"}  # fmt: skip
    assert set(aliases.values()) == kinds
    for entity in ENTITIES.values():  # no contract column is mistaken for personal data
        for column in entity.columns:
            assert (personal_kind(column.name) is not None) == bool(column.personal), column


def test_an_empty_or_short_key_file_is_refused(tmp_path: Path, monkeypatch) -> None:
    from orchestration.ingest.pseudonym import PseudonymKeyError, load_key

    monkeypatch.delenv("LOYALTY_PSEUDONYM_KEY", raising=False)
    path = tmp_path / "pseudonym.key"
    for content, size in ((b"", 0), (b"\n", 0), (b"0123456789abcdef\n", 16), (b"x" * 31, 31)):
        path.write_bytes(content)
        with pytest.raises(PseudonymKeyError) as raised:
            load_key(key_file=path)
        assert str(raised.value).startswith(f"the pseudonym key in {path} is {size} bytes; it must")
        assert path.read_bytes() == content  # never replaced: the user decides
    path.write_bytes(b"k" * 32 + b"\n")
    assert load_key(key_file=path) == b"k" * 32


def test_a_short_key_in_the_env_var_is_refused(monkeypatch) -> None:
    from orchestration.ingest.pseudonym import PseudonymKeyError, load_key

    monkeypatch.setenv("LOYALTY_PSEUDONYM_KEY", "test-key")
    with pytest.raises(PseudonymKeyError, match="LOYALTY_PSEUDONYM_KEY is 8 bytes"):
        load_key()


def test_an_empty_key_file_fails_the_load_and_lands_nothing(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "empty.key"
    path.write_bytes(b"")
    monkeypatch.setenv("LOYALTY_PSEUDONYM_KEY_FILE", str(path))
    inbox, landing = tmp_path / "inbox", tmp_path / "landing"
    shutil.copytree(CORPUS / "customers_alias_columns", inbox)
    report = ingest_entity(inbox, landing, ENTITIES["customers"])
    assert report.loaded == []
    assert report.failed == [
        f"the pseudonym key in {path} is 0 bytes; it must be at least 32 (an empty file is what "
        "an interrupted write leaves): put your saved key back, or, accepting that every e-mail "
        "pseudonym changes, remove it so that a new key is created"
    ]
    assert not [p for p in landing.rglob("*.parquet*") if p.name != "empty.parquet"]


def test_a_new_key_file_is_created_once_with_mode_0600(tmp_path: Path, monkeypatch) -> None:
    from orchestration.ingest.pseudonym import create_key_file, load_key

    monkeypatch.delenv("LOYALTY_PSEUDONYM_KEY", raising=False)
    path = tmp_path / "config" / "loyalty" / "pseudonym.key"
    key = load_key(key_file=path)
    assert len(key) == 64 and int(key, 16) >= 0  # 32 random bytes, hex
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
    create_key_file(path)  # a second creation (another process) never replaces the key
    assert load_key(key_file=path) == key


def test_a_key_left_in_the_landing_folder_must_be_moved(tmp_path: Path, monkeypatch) -> None:
    from orchestration.ingest.pseudonym import PseudonymKeyError, load_key

    monkeypatch.delenv("LOYALTY_PSEUDONYM_KEY", raising=False)
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / ".pseudonym_key").write_text("a" * 64)
    target = tmp_path / "keys" / "pseudonym.key"
    with pytest.raises(PseudonymKeyError, match="next to the data it protects: move it to"):
        load_key(landing, key_file=target)
    assert not target.exists()


def test_the_pseudonym_is_hmac_sha256_with_the_key_bound_not_in_sql() -> None:
    from orchestration.ingest.pseudonym import bind_key, pseudonym, pseudonym_sql

    con = duckdb.connect()
    for secret in (b"k" * 32, b"a much longer key than one SHA-256 block of 64 bytes " * 3):
        bind_key(con, secret)
        sql = pseudonym_sql("v")
        assert secret.decode() not in sql
        got = con.execute(
            f"select {sql} from (values (' Ada.Lovelace@Example.com '), (null)) t(v)"
        ).fetchall()
        expected = hmac.new(secret, b"ada.lovelace@example.com", hashlib.sha256).hexdigest()
        assert got == [(expected,), (None,)]
        assert pseudonym(" Ada.Lovelace@Example.com ", secret) == expected


def test_email_masking_in_sql_and_python_agree() -> None:
    from orchestration.ingest.redact import mask_sql, redact

    texts = [
        "mail ada.lovelace@example.com, or call",
        '{"a":"O\'Brien@x.co.uk"}',
        "chloé.peeters@example.org.",
        "no address, just a @ sign and x@y",
        "nps_score: 'grace.hopper@example.org' is not a whole number",
    ]
    con = duckdb.connect()
    for text in texts:
        (in_sql,) = con.execute(f"select {mask_sql('t')} from (select ? as t)", [text]).fetchone()
        assert in_sql == redact(text)
        assert "@example" not in in_sql and "x.co.uk" not in in_sql
    assert redact(texts[3]) == texts[3]


def test_duckdb_errors_never_quote_the_line(tmp_path: Path) -> None:
    from orchestration.ingest.run import explain

    error = duckdb.InvalidInputException(
        "Invalid Input Error: CSV Error on Line: 2\nOriginal Line: C1,ada.lovelace@example.com,"
        "Ada Lovelace\nExpected Number of Columns: 3"
    )
    message = explain(tmp_path / "customers.csv", error)
    assert message == "customers.csv: Invalid Input Error: CSV Error on Line: 2"
