"""Serving: the summary reads every answer from the marts over a read-only connection."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.serve.summary import summary
from orchestration.serve.warehouse import WarehouseMissing, read_only


def test_summary_shows_every_answer(demo_warehouse: Path) -> None:
    text = summary(demo_warehouse)
    for heading in (
        "As-of date: ",
        "NPS by month (adjusted-Wald 95% interval; change vs the month before",
        "trailing 90 days to",
        "CES mean",
        "Strongest touchpoint drivers",
        "Promises:",
        "next NPS after a kept promise",
        "Personas",
        "Detractor follow-ups:",
        "Ingest:",
    ):
        assert heading in text
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        (latest,) = con.execute(
            "select nps from marts.fct_nps_monthly order by month_start desc limit 1"
        ).fetchone()
    assert f"NPS {latest:>6.1f}" in text  # the mart's number, as shown


def test_read_only_connection_leaves_the_file_writable(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table t as select 1 as x")
    with read_only(path) as con, pytest.raises(duckdb.Error):
        con.execute("insert into t values (2)")
    with duckdb.connect(str(path)) as con:  # a writer can open it again at once
        con.execute("insert into t values (2)")


def test_missing_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WarehouseMissing, match="run `make run` or `make demo` first"):
        summary(tmp_path / "nothing.duckdb")
