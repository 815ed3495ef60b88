"""Hostile names: tests/fixtures/hostile_names/<case>/ holds the inbox files of one case.

Identifiers from a file (header names, JSON keys, sheet names) are data, never SQL; an export
column cannot take a name the ingest uses itself (orchestration/ingest/names.py); the inbox
itself and entries named like an export that are no file get one clear sentence each.
Every expectation is written out here from the fixture files, not computed by the ingest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from dagster import materialize

from orchestration.config import PROJECT_ROOT
from orchestration.ingest.assets import build_ingest_asset
from orchestration.ingest.contract import ENTITIES
from orchestration.ingest.header import IngestError
from orchestration.ingest.run import ingest_entity

HOSTILE = Path(__file__).parent / "fixtures" / "hostile_names"
ORDERS = ENTITIES["orders"]
PAYLOAD = "x\" from (select 1); copy (select 42) to 'f.csv'; --"
PAYLOAD_AS_X = "x\" from (select 1 as x); copy (select 42) to 'f.csv'; --"  # ran COPY before


def run_case(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    inbox, landing = tmp_path / "inbox", tmp_path / "landing"
    shutil.copytree(HOSTILE / case, inbox)
    monkeypatch.chdir(tmp_path)  # a COPY to a relative path would land here
    return ingest_entity(inbox, landing, ORDERS), landing


def landed(landing: Path, columns: str) -> list[tuple]:
    return duckdb.execute(
        f"select {columns} from read_parquet(?) order by _load_seq, _record",
        [str(landing / "orders" / "*.parquet")],
    ).fetchall()


def no_copy_ran(tmp_path: Path) -> None:
    for folder in (tmp_path, PROJECT_ROOT, Path.cwd()):
        assert not list(folder.glob("f.csv")), f"an injected COPY wrote {folder / 'f.csv'}"
    assert not list(tmp_path.rglob("f.csv"))


def test_injection_in_csv_header_is_kept_as_data(tmp_path, monkeypatch) -> None:
    report, landing = run_case("injection_header_csv", tmp_path, monkeypatch)
    assert report.failed == []
    assert [(r.rows_read, r.rows_accepted, r.rows_quarantined) for r in report.loaded] == [
        (1, 1, 0),
        (1, 1, 0),
    ]
    no_copy_ran(tmp_path)
    rows = landed(landing, "order_id, _extra")
    assert [(o, json.loads(e)) for o, e in rows] == [
        ("O1", {PAYLOAD: "hello"}),
        ("O2", {PAYLOAD_AS_X: "hello"}),
    ]
    assert [r.extra_columns for r in report.loaded] == [(PAYLOAD,), (PAYLOAD_AS_X,)]


def test_json_keys_are_read_by_pointer_never_pasted(tmp_path, monkeypatch) -> None:
    report, landing = run_case("injection_key_json", tmp_path, monkeypatch)
    assert report.failed == []
    assert [(r.rows_read, r.rows_accepted, r.rows_quarantined) for r in report.loaded] == [
        (1, 1, 0)
    ]
    no_copy_ran(tmp_path)
    ((order, amount, extra),) = landed(landing, "order_id, amount, _extra")
    assert (order, float(amount)) == ("O1", 12.5)  # the key "$.amount" is a key, not a path
    assert json.loads(extra) == {"$.amount": "99", "naïve": "yes", PAYLOAD_AS_X: "hello"}


def test_xlsx_sheet_and_header_names_are_data(tmp_path, monkeypatch) -> None:
    report, landing = run_case("injection_xlsx", tmp_path, monkeypatch)
    assert report.failed == []
    no_copy_ran(tmp_path)
    ((order, extra),) = landed(landing, "order_id, _extra")
    assert (order, json.loads(extra)) == ("O1", {PAYLOAD_AS_X: "hello"})


def test_a_quote_in_a_header_name_is_data(tmp_path, monkeypatch) -> None:
    report, landing = run_case("quote_in_header", tmp_path, monkeypatch)
    assert report.failed == []
    ((order, extra),) = landed(landing, "order_id, _extra")
    assert (order, json.loads(extra)) == ("O1", {'say "hi"': "hello"})


def test_a_trailing_comma_gives_an_unnamed_column(tmp_path, monkeypatch) -> None:
    report, landing = run_case("trailing_comma", tmp_path, monkeypatch)
    assert report.failed == []
    ((read, accepted, quarantined),) = [
        (r.rows_read, r.rows_accepted, r.rows_quarantined) for r in report.loaded
    ]
    assert (read, accepted, quarantined) == (2, 2, 0)
    assert report.loaded[0].extra_columns == ("_unnamed_5",)
    assert [o for (o,) in landed(landing, "order_id")] == ["O1", "O2"]


@pytest.mark.parametrize(
    ("case", "column"),
    [
        ("column_record", "_record"),
        ("column_source_error", "_source_error"),
        ("column_source_line", "_source_line"),
        ("json_key_source_error", "_source_error"),
        ("label_prefix_column", "_label_amount"),
        ("dutch_column_record", "_record"),
        ("xlsx_column_source_line", "_source_line"),
    ],
)
def test_internal_column_names_are_refused(case, column, tmp_path, monkeypatch) -> None:
    report, landing = run_case(case, tmp_path, monkeypatch)
    (name,) = [p.name for p in (HOSTILE / case).iterdir()]
    assert report.loaded == []
    (message,) = report.failed
    assert message.startswith(f"{name}: the column '{column}' has a name the ingest uses itself")
    assert message.endswith(
        "rename it in the export, or map it to a contract column in column_mapping.csv"
    )
    assert "\n" not in message
    left = [p for p in landing.rglob("*.parquet*") if p.name != "empty.parquet"]
    assert left == []  # nothing of the file was kept


def test_a_missing_inbox_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "no_such_inbox"
    with pytest.raises(IngestError, match=r"the inbox folder .*no_such_inbox does not exist"):
        ingest_entity(missing, tmp_path / "landing", ORDERS)
    env = {**os.environ, "LOYALTY_INBOX": str(missing), "LOYALTY_LANDING": str(tmp_path / "l")}
    env["LOYALTY_WAREHOUSE"] = str(tmp_path / "w" / "w.duckdb")
    env.pop("LOYALTY_BUILD_WAREHOUSE", None)  # then build/w.duckdb beside it
    done = subprocess.run(
        [sys.executable, "-m", "orchestration", "ingest"],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"error: the inbox folder {missing} does not exist; create it or set LOYALTY_INBOX "
        "to the folder that holds the exports"
    ]


def test_the_ingest_asset_fails_with_the_sentence(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("LOYALTY_INBOX", str(tmp_path / "no_such_inbox"))
    monkeypatch.setenv("LOYALTY_LANDING", str(tmp_path / "landing"))
    result = materialize([build_ingest_asset(ORDERS)], raise_on_error=False)
    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    error = failure.step_failure_data.error
    assert "does not exist; create it or set LOYALTY_INBOX" in error.message
    assert "Traceback" not in error.message


def test_folders_and_dangling_links_named_like_exports_are_reported(tmp_path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(HOSTILE / "quote_in_header", inbox)
    (inbox / "orders_folder.csv").mkdir()
    (inbox / "orders_link.csv").symlink_to(tmp_path / "gone.csv")
    (inbox / "customers_folder.csv").mkdir()  # another entity's: reported there, not here
    report = ingest_entity(inbox, tmp_path / "landing", ORDERS)
    assert [r.file_name for r in report.loaded] == ["orders_2025-01.csv"]
    assert report.failed == []
    assert report.not_files == [
        "orders_folder.csv: a folder, not a file; skipped (nothing was loaded from it)",
        "orders_link.csv: a link to a file that does not exist; skipped (nothing was loaded "
        "from it)",
    ]
