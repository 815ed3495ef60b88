"""The bad-input corpus: tests/fixtures/bad/<case>/ holds the inbox files of one case.

Each case states its exact outcome: rows read / accepted / quarantined with every quarantine
(line, reason), or the one IngestError message (nothing of the file is loaded). Some cases
also check what landed, with a query on the landing Parquet (`{landing}` is its folder).
"""

from __future__ import annotations

import shutil
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from corpus import Case, check_case

from orchestration.ingest.contract import ENTITIES
from orchestration.ingest.run import UNDELIMITED_HINT, ingest_entity

BAD = Path(__file__).parent / "fixtures" / "bad"
SURVEY_COLUMNS = ", ".join(ENTITIES["survey_responses"].column_names)
FILE = "survey_responses_case.csv"
DATA = "read_parquet('{landing}/survey_responses/*.parquet')"
ORDERS = "read_parquet('{landing}/orders/*.parquet')"


def missing(columns: str, line_1: str, hint: str = "") -> str:
    """The message of a header without required columns; line 1's cells are never repeated
    unless they are contract column names (a first line may be a customer's record)."""
    return (
        f"{FILE}: missing required column(s) {columns}; {hint}{line_1}; expected {SURVEY_COLUMNS}"
    )


CASES: dict[str, Case] = {
    # scores
    "nps_above_range": Case((1, 0, 1), ((2, "nps_score: 11 is outside 0-10"),)),
    "nps_below_range": Case((1, 0, 1), ((2, "nps_score: -1 is outside 0-10"),)),
    "ces_out_of_range": Case((1, 0, 1), ((2, "ces_score: 8 is outside 1-7"),)),
    "csat_zero": Case((1, 0, 1), ((2, "csat_score: 0 is outside 1-5"),)),
    "all_scores_out_of_range": Case((1, 0, 1), ((2, "nps_score: 12 is outside 0-10; ces_score: 0 is outside 1-7; csat_score: 6 is outside 1-5"),)),
    "non_numeric_score": Case((1, 0, 1), ((2, "nps_score: 'nine' is not a known answer label"),)),
    "decimal_score": Case((1, 0, 1), ((2, "nps_score: '7.5' is not a whole number"),)),
    "huge_integer_score": Case((1, 0, 1), ((2, "nps_score: '99999999999' is not a whole number"),)),
    "skipped_scores": Case((1, 1, 0), query=f"select nps_score, ces_score, csat_score from {DATA}", expect=((None, None, None),)),
    # keys, duplicates, customers
    "duplicate_within_file": Case((2, 2, 0), query=f"select _record, nps_score from {DATA} order by _load_seq desc, _record desc", expect=((2, 8), (1, 3))),
    "duplicate_across_files": Case((2, 2, 0), query=f"select _load_seq, _file_name, nps_score from {DATA} order by _load_seq", expect=((1, "survey_responses_01.csv", 3), (2, "survey_responses_02.csv", 10))),
    "unknown_customer": Case((1, 1, 0), query=f"select customer_id from {DATA}", expect=(("C999",),)),
    "anonymous": Case((1, 1, 0), query=f"select customer_id from {DATA}", expect=((None,),)),
    "required_empty": Case((2, 0, 2), ((2, "response_id: required but empty"), (3, "survey_type: required but empty; submitted_at: required but empty"))),
    "unknown_code": Case((2, 0, 2), ((2, "channel: 'fax' is not one of phone|email|chat|store|web|app"), (3, "survey_type: 'nps' is not one of relational|transactional"))),
    "upper_case_codes": Case((1, 1, 0), query=f"select survey_type, touchpoint, channel from {DATA}", expect=(("transactional", "support", "phone"),)),
    "whitespace_around_values": Case((1, 1, 0), query=f"select response_id, customer_id, survey_type, channel, nps_score, comment from {DATA}", expect=(("R1", "C001", "relational", "web", 9, "ok"),)),
    # timestamps
    "future_date": Case((2, 1, 1), ((2, "submitted_at: '2999-01-01T00:00:00' is more than 1 day after the load time"),)),
    "timestamp_offsets": Case((5, 5, 0), query=f"select response_id, cast(submitted_at as varchar) from {DATA} order by 1", expect=(("R1", "2025-02-28 23:30:00"), ("R2", "2025-03-01 10:00:00"), ("R3", "2025-03-01 10:00:00"), ("R4", "2025-03-01 00:00:00"), ("R5", "2025-03-01 03:00:00"))),
    "invalid_timestamp": Case((2, 0, 2), ((2, "submitted_at: '31/01/2025' is not an ISO-8601 timestamp"), (3, "submitted_at: 'yesterday' is a keyword, not a real time"))),
    # only real times land (orchestration/ingest/typed_values.py): keywords, years before
    # LOYALTY_MIN_YEAR (1900) or after 9999 in UTC, BC years, offsets beyond +/-14:00
    "time_keywords": Case((6, 1, 5), tuple((line, f"submitted_at: '{word}' is a keyword, not a real time") for line, word in enumerate(("infinity", "-infinity", "epoch", "now", "TODAY"), 2)), query=f"select response_id, submitted_at from {DATA}", expect=(("R6", datetime(2025, 3, 1, 10)),)),
    "year_out_of_range": Case((5, 1, 4), ((2, "submitted_at: '1850-06-01' is before the year 1900 (LOYALTY_MIN_YEAR)"), (3, "submitted_at: '0001-01-01' is before the year 1900 (LOYALTY_MIN_YEAR)"), (4, "submitted_at: '1900-01-01T00:30:00+01:00' is before the year 1900 (LOYALTY_MIN_YEAR)"), (6, "submitted_at: '9999-12-31T23:00:00-05:00' is after the year 9999")), query=f"select response_id, submitted_at from {DATA}", expect=(("R4", datetime(1900, 1, 1)),)),
    "bc_year": Case((3, 0, 3), ((2, "submitted_at: '2025-01-01 BC' is a BC year, not a real time"), (3, "submitted_at: '0044-03-15 BC' is a BC year, not a real time"), (4, "submitted_at: '-0044-03-15' is a BC year, not a real time"))),
    "offset_beyond_14_hours": Case((4, 2, 2), ((2, "submitted_at: '2025-03-01T10:00:00+15:00' has a UTC offset beyond +/-14:00"), (3, "submitted_at: '2025-03-01T10:00:00-14:30' has a UTC offset beyond +/-14:00")), query=f"select response_id, submitted_at from {DATA} order by 1", expect=(("R3", datetime(2025, 2, 28, 20)), ("R4", datetime(2025, 3, 1, 22)))),
    "dutch_two_digit_year": Case((3, 1, 2), ((2, "ordered_at: '31-12-24' has a two-digit year, which is ambiguous: write the year in four digits"), (3, "ordered_at: '31-12-24 14:30' has a two-digit year, which is ambiguous: write the year in four digits")), query=f"select order_id, ordered_at from {ORDERS}", expect=(("O3", datetime(2024, 12, 31)),), entity="orders"),
    # text
    "multiline_comment": Case((2, 1, 1), ((3, "nps_score: 11 is outside 0-10"),), query=f"select comment from {DATA}", expect=(("first line\nsecond line",),)),
    "quoted_commas_and_quotes": Case((1, 1, 0), query=f"select comment from {DATA}", expect=(('Fast, friendly "and" cheap',),)),
    "emoji_and_non_latin": Case((4, 4, 0), query=f"select comment from {DATA} order by response_id", expect=(("Great 👍🏽 service 🎉",), ("非常好的服务",), ("Очень хорошо",), ("ممتاز جدا",))),
    # a CR without LF is data (orchestration/ingest/bare_cr.py); in an LF file a CR LF ends a line
    "bare_cr_in_comment": Case((5, 3, 2), ((4, "malformed CSV record: Expected Number of Columns: 13 Found: 14"), (5, "nps_score: 11 is outside 0-10")), query=f"select response_id, comment, language from {DATA} order by 1", expect=(("R1", "first\rsecond", "en"), ("R2", "\rquoted", "en"), ("R5", "CR LF line end", "en"))),
    "bare_cr_crlf_line_endings": Case((2, 2, 0), query=f"select response_id, comment from {DATA} order by 1", expect=(("R1", "first\rsecond"), ("R2", "\r"))),
    "long_comment_100kb": Case((1, 1, 0), query=f"select length(comment) from {DATA}", expect=((100_000,),)),
    # file shape
    "empty_file": Case(error=f"{FILE}: the file is empty; expected a CSV header row with {SURVEY_COLUMNS}"),
    "whitespace_only_file": Case(error=f"{FILE}: the file is empty; expected a CSV header row with {SURVEY_COLUMNS}"),
    "header_only": Case((0, 0, 0)),
    "no_trailing_newline": Case((1, 1, 0)),
    "empty_lines_between_records": Case((2, 2, 0), query=f"select response_id, _record from {DATA} order by 1", expect=(("R1", 1), ("R2", 2))),  # blank lines are not records
    # a ';' header naming the contract columns is the Dutch Excel shape (tests/test_vendor_formats.py)
    "semicolon_delimiter": Case((1, 1, 0), query=f"select response_id, nps_score from {DATA}", expect=(("R1", 9),)),
    "tab_delimiter": Case(error=missing("response_id, survey_type, submitted_at", "line 1 has 1 column(s) and none is a contract column (if line 1 is a record, add the header row above it)", "expected comma-separated; the header looks tab-separated; ")),
    "truncated_last_line": Case((2, 1, 1), ((3, "malformed CSV record: Expected Number of Columns: 13 Found: 3"),)),
    "too_many_fields": Case((1, 0, 1), ((2, "malformed CSV record: Expected Number of Columns: 13 Found: 14"),)),
    # the open quote swallows the rest of the file into one record; its raw text keeps it all
    "unterminated_quote": Case((2, 1, 1), ((3, "malformed CSV record: Value with unterminated quote found."),)),
    "mixed_good_and_bad": Case((5, 2, 3), ((3, "nps_score: 'x' is not a known answer label"), (5, "malformed CSV record: Expected Number of Columns: 13 Found: 14"), (6, "submitted_at: '2025-13-01' is not an ISO-8601 timestamp"))),
    # encodings and bytes
    "bare_lf_in_crlf_file": Case(error=f"{FILE}: {UNDELIMITED_HINT}"),  # LF inside an unquoted value
    "nul_bytes": Case(error=f"{FILE}: the file contains NUL bytes; expected UTF-8 CSV text"),
    "latin1_bytes": Case(error=f"{FILE}: not UTF-8 text (byte 194); save the export as UTF-8 CSV"),
    "bom": Case((1, 1, 0), query=f"select response_id from {DATA}", expect=(("R1",),)),
    "cr_line_endings": Case((2, 2, 0), query=f"select response_id, language from {DATA} order by 1", expect=(("R1", "en"), ("R2", "en"))),  # classic Mac
    "crlf_line_endings": Case((2, 2, 0), query=f"select response_id, language from {DATA} order by 1", expect=(("R1", "en"), ("R2", "en"))),
    # header
    "header_case_and_spaces": Case((1, 1, 0), query=f"select response_id from {DATA}", expect=(("R1",),)),
    "extra_unknown_column": Case((1, 1, 0), query=f"select _extra from {DATA}", expect=(('{"store_id":"S42"}',),)),
    "missing_optional_column": Case((1, 1, 0), query=f"select comment, language from {DATA}", expect=((None, "en"),)),
    "missing_required_column": Case(error=missing("submitted_at", "line 1 has the column(s) " + SURVEY_COLUMNS.replace(", submitted_at", ""))),
    "duplicate_header_column": Case(error=f"{FILE}: the header repeats the column name nps_score"),
    "reordered_header": Case((1, 1, 0), query=f"select response_id, customer_id, survey_type, nps_score, submitted_at from {DATA}", expect=(("R1", "C001", "relational", 9, datetime(2025, 1, 10, 10)),)),
    # other entities
    "decimal_comma_amount": Case((2, 1, 1), ((2, "amount: '12,50' is not a number"),), entity="orders"),
    # amounts land exact in cents or not at all (typed_values.py): never rounded, no 1e3 or 1_000
    "amount_more_decimals": Case((4, 1, 3), tuple((line, f"amount: '{v}' has more than 2 decimals: amounts are in cents and are not rounded") for line, v in ((2, "12.345"), (3, "-0.001"), (5, "0.125"))), query=f"select order_id, amount from {ORDERS}", expect=(("O3", Decimal("12.50")),), entity="orders"),
    "amount_scientific_notation": Case((2, 0, 2), ((2, "amount: '1e3' is in scientific notation: write the amount in full"), (3, "amount: '1.5E+2' is in scientific notation: write the amount in full")), entity="orders"),
    "amount_digit_separator": Case((2, 0, 2), ((2, "amount: '1_000' has a digit separator: write plain digits"), (3, "amount: '1_000.50' has a digit separator: write plain digits")), entity="orders"),
    "amount_out_of_range": Case((2, 1, 1), ((2, "amount: '12345678901234567' is out of range: at most 16 digits before the decimal point"),), query=f"select order_id, amount from {ORDERS}", expect=(("O2", Decimal("9999999999999999.99")),), entity="orders"),
    # Dutch files: a dot is a thousands separator only where it cannot be a decimal point
    "dutch_amount_decimals": Case((4, 2, 2), ((2, "amount: '0,125' has more than 2 decimals: amounts are in cents and are not rounded"), (3, "amount: '0.125' has more than 2 decimals: amounts are in cents and are not rounded")), query=f"select order_id, amount from {ORDERS} order by 1", expect=(("O3", Decimal("1234")), ("O4", Decimal("1.50"))), entity="orders"),
    "dutch_amount_dot_only": Case((4, 2, 2), ((2, "amount: '0.125' has more than 2 decimals: amounts are in cents and are not rounded"), (3, "amount: '12.345' is ambiguous in a Dutch file without decimal commas (thousands or decimals): write 12345 or 12,345")), query=f"select order_id, amount from {ORDERS} order by 1", expect=(("O3", Decimal("1234567")), ("O4", Decimal("12.50"))), entity="orders"),
}  # fmt: skip


def test_every_corpus_folder_has_a_case() -> None:
    folders = sorted(p.name for p in BAD.iterdir())
    assert folders == sorted([*CASES, "unknown_prefix"])
    assert len(folders) >= 30


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input(name: str, tmp_path: Path) -> None:
    check_case(BAD / name, CASES[name], tmp_path)


def test_unknown_file_names_are_ignored_and_reported(tmp_path: Path) -> None:
    shutil.copytree(BAD / "unknown_prefix", tmp_path / "inbox")
    report = ingest_entity(tmp_path / "inbox", tmp_path / "landing", ENTITIES["survey_responses"])
    assert (report.loaded, report.failed) == ([], [])
    assert report.unknown_files == ["notes.csv", "survey.txt"]
