"""Hostile and messy export shapes (issue 15, item 3): nothing silently becomes empty.

tests/fixtures/hostile/<case>/ holds the inbox files of one case (the .xlsx files are written
by make_workbooks.py there). Each case states its exact outcome: rows read / accepted /
quarantined with every quarantine (line, reason), or the one message of a file that cannot
be read (nothing of it is loaded). Some cases also check what landed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import Case, check_case

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
XLSX = "survey_responses_kiosk.xlsx"
REQUIRED = "response_id, survey_type, submitted_at"
FORMULA = "formula without a saved value: open and save the workbook in Excel"
DATA = "read_parquet('{landing}/survey_responses/*.parquet')"


CASES: dict[str, Case] = {
    # Excel: a formula never calculated is quarantined, not landed as a skipped answer or an empty row
    "xlsx_formula_without_saved_value": Case((4, 2, 2), ((3, f"{FORMULA} (H3)"), (4, f"{FORMULA} (A4, B4, C4)")), query=f"select response_id, nps_score from {DATA} order by 1", expect=(("R1", 9), ("R4", 9))),
    # Excel: which sheet, and rows above the header
    "xlsx_title_rows": Case((2, 1, 1), ((6, "nps_score: 11 is outside 0-10"),), query=f"select response_id, _record from {DATA}", expect=(("R1", 1),)),
    "xlsx_data_on_second_sheet": Case((2, 2, 0), query=f"select response_id from {DATA} order by 1", expect=(("R1",), ("R2",))),
    "xlsx_no_sheet_with_header": Case(error=f"{XLSX}: none of its sheets ('Blad1', 'Blad2') has a header row with {REQUIRED} in its first 10 rows; put the export on one sheet with that header"),
    "xlsx_two_sheets_with_header": Case(error=f"{XLSX}: the sheets 'Januari', 'Februari' each have a header row with {REQUIRED}; deliver one sheet per file (delete the other sheets or save each as its own workbook)"),
    # CSV: title rows above the header are skipped; quarantine lines stay lines of the file
    "csv_title_rows": Case((5, 2, 3), ((6, "nps_score: 11 is outside 0-10"), (7, "malformed CSV record: Expected Number of Columns: 13 Found: 14"), (9, "nps_score: 'x' is not a known answer label")), query=f"select response_id, comment from {DATA} order by 1", expect=(("R1", "ok"), ("R4", "quoted, comma"))),
    "csv_title_rows_bom_crlf": Case((2, 1, 1), ((4, "nps_score: -1 is outside 0-10"),), query=f"select response_id, language from {DATA}", expect=(("R1", "en"),)),
    # CSV: Excel's sep= first line names the separator
    "csv_sep_comma": Case((2, 1, 1), ((4, "nps_score: 12 is outside 0-10"),), query=f"select response_id, nps_score from {DATA}", expect=(("R1", 9),)),
    "csv_sep_semicolon": Case((2, 1, 1), ((4, "nps_score: 11 is outside 0-10"),), query=f"select response_id, cast(submitted_at as varchar), comment from {DATA}", expect=(("R1", "2025-01-31 14:22:00", "Snel, goed"),)),
    "csv_utf16": Case(error="survey_responses_unicode.csv: the file is UTF-16 text; save the export as CSV UTF-8"),
    "csv_sep_tab": Case(error="survey_responses_excel.csv: the first line 'sep=' asks for a tab as the separator, which the ingest does not read; save the export as CSV UTF-8 (comma-separated) or with ';'"),
    # JSON: an array instead of lines is read (its records numbered by position); otherwise one sentence
    "json_array": Case((4, 2, 2), ((2, "nps_score: 11 is outside 0-10"), (3, "malformed JSON record: not a JSON object")), query=f"select response_id, customer_id, nps_score, comment from {DATA} order by 1", expect=(("R1", "C001", 9, "Snel!"), ("R4", "C004", 7, None))),
    "jsonl_holding_an_array": Case((2, 2, 0), query=f"select response_id, nps_score from {DATA} order by 1", expect=(("R1", 9), ("R2", 3))),
    "json_lines_named_json": Case((2, 1, 1), ((2, "nps_score: 'x' is not a known answer label"),)),
    "json_one_object": Case(error="survey_responses_api.json: is one JSON value, not a list of records; export the records as JSON lines (one object per line) or as a JSON array of objects"),
    "json_not_json": Case(error="survey_responses_export.json: holds no JSON object; export the records as JSON lines (one object per line) or as a JSON array of objects"),
}  # fmt: skip


def test_every_corpus_folder_has_a_case() -> None:
    folders = sorted(p.name for p in HOSTILE.iterdir() if p.is_dir())
    assert folders == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_shape(name: str, tmp_path: Path) -> None:
    report = check_case(HOSTILE / name, CASES[name], tmp_path)
    assert report.unknown_files == []
