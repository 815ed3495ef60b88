"""fct_survival_by_nps_group against lifelines' KaplanMeierFitter, from the raw exports.

The oracle reads the inbox CSV files with pandas (tests/raw_exports.py), gives each subscription
its NPS group at the start and its duration T in completed calendar months (dateutil's
relativedelta) to its end or, still running, to the as-of date (censored), and fits lifelines'
Kaplan-Meier estimator per group. The mart must have one row per group and m = 0 .. max T with
at_risk = #(T >= m), the churns and censorings at T = m, and survival = S(m) = P(T > m) within
1e-9 of lifelines. Three inboxes: the fixture, month-end and anniversary edge cases, the demo.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from raw_exports import as_of, completed_months, nps_answers, subscriptions
from warehouse_builder import build_warehouse

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_INBOX = ROOT / "tests" / "fixtures" / "inbox"
LOOKAHEAD = pd.Timedelta(days=90)  # var survival_nps_lookahead_days

# Edge cases on the fixture's customers (as-of 2025-03-15 10:00, R014). NPS group at the start:
# C004 detractor (R004, 16 Jan), C003 passive (R003, 25 Jan), C005 none (unknown).
EDGE_SUBSCRIPTIONS = """subscription_id,customer_id,plan,started_at,ended_at,monthly_amount
X01,C004,basic,2025-01-31T00:00:00,2025-02-28T00:00:00,9.99
X02,C004,basic,2025-01-17T08:00:00,2025-02-17T08:00:00,9.99
X03,C004,basic,2025-01-17T08:00:00,2025-02-17T07:59:00,9.99
X04,C004,basic,2025-01-20T00:00:00,,9.99
X05,C004,basic,2025-02-15T10:00:00,,9.99
Y01,C005,plus,2024-02-29T00:00:00,2025-02-28T00:00:00,19.99
Y02,C005,plus,2024-03-15T10:00:00,2025-03-15T10:00:00,19.99
Y03,C005,plus,2024-03-15T10:00:00,2025-03-14T10:00:00,19.99
Y04,C005,plus,2024-03-31T00:00:00,,19.99
Y05,C005,plus,2024-12-31T12:00:00,2025-02-28T12:00:00,19.99
Z01,C003,basic,2025-01-26T00:00:00,2025-03-01T00:00:00,9.99
Z02,C003,basic,2025-01-26T00:00:00,2025-01-27T00:00:00,9.99
"""
# T (completed months), churned unless noted: X01 1 (31 Jan + 1 month = 28 Feb), X02 1 (the
# monthly anniversary), X03 0 (a minute short), X04 1 censored, X05 1 censored (a churn and a
# censoring tie at 1); Y01 12 (leap day to 28 Feb), Y02 12 (anniversary, ended at the as-of
# moment), Y03 11, Y04 11 censored, Y05 2 (31 Dec + 2 months = 28 Feb); Z01 1, Z02 0.
EDGE_DURATIONS = {
    "X01": 1, "X02": 1, "X03": 0, "X04": 1, "X05": 1,
    "Y01": 12, "Y02": 12, "Y03": 11, "Y04": 11, "Y05": 2, "Z01": 1, "Z02": 0,
}  # fmt: skip


def durations(inbox: Path) -> pd.DataFrame:
    """One row per subscription started by the as-of date: nps_group, T, churned (bool)."""
    cut = as_of(inbox)
    answers = nps_answers(inbox).sort_values(["submitted_at", "response_id"])
    rows = []
    for sub in subscriptions(inbox).itertuples():
        if sub.started_at > cut:
            continue
        mine = answers[answers["customer_id"] == sub.customer_id]
        before = mine[mine["submitted_at"] <= sub.started_at]
        limit = min(sub.started_at + LOOKAHEAD, cut)
        if pd.notna(sub.ended_at):
            limit = min(limit, sub.ended_at)
        after = mine[(mine["submitted_at"] > sub.started_at) & (mine["submitted_at"] <= limit)]
        if len(before):
            group = before["nps_group"].iloc[-1]
        elif len(after):
            group = after["nps_group"].iloc[0]
        else:
            group = "unknown"
        ended = pd.notna(sub.ended_at) and sub.ended_at <= cut
        until = sub.ended_at if ended else cut
        months = max(completed_months(sub.started_at, until), 0)
        rows.append((sub.subscription_id, group, months, ended))
    return pd.DataFrame(rows, columns=["subscription_id", "nps_group", "months", "churned"])


def kaplan_meier(observed: pd.DataFrame) -> list[tuple]:
    """(group, m, at_risk, churned, censored, survival) for m = 0 .. max T, from lifelines."""
    expected = []
    for group, subs in observed.groupby("nps_group"):
        last = int(subs["months"].max())
        fitter = KaplanMeierFitter().fit(
            subs["months"], subs["churned"], timeline=range(0, last + 1)
        )
        events = fitter.event_table
        for m in range(last + 1):
            at_risk = int(events.loc[events.index >= m, "removed"].sum())
            churned = int(events["observed"].get(m, 0))
            censored = int(events["censored"].get(m, 0))
            survival = float(fitter.survival_function_.loc[m].iloc[0])
            expected.append((group, m, at_risk, churned, censored, survival))
    return sorted(expected)


def assert_mart_matches(warehouse: Path, inbox: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        mart = con.execute(
            "select nps_group, months_since_start, at_risk, churned, censored, survival "
            "from marts.fct_survival_by_nps_group order by 1, 2"
        ).fetchall()
    expected = kaplan_meier(durations(inbox))
    assert [row[:5] for row in mart] == [row[:5] for row in expected]
    for got, want in zip(mart, expected, strict=True):
        assert got[5] == pytest.approx(want[5], abs=1e-9), (got, want)
    return expected


@pytest.fixture(scope="module")
def edge_inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    inbox = tmp_path_factory.mktemp("survival_edges") / "inbox"
    shutil.copytree(FIXTURE_INBOX, inbox)
    (inbox / "subscriptions.csv").write_text(EDGE_SUBSCRIPTIONS)
    return inbox


def test_oracle_reads_the_edge_cases(edge_inbox: Path) -> None:
    """The oracle's own inputs, checked by hand: T per subscription and the groups."""
    observed = durations(edge_inbox).set_index("subscription_id")
    assert observed["months"].to_dict() == EDGE_DURATIONS
    censored = {"X04", "X05", "Y04"}
    assert set(observed.loc[observed["churned"]].index) == set(EDGE_DURATIONS) - censored
    assert observed["nps_group"].to_dict() == {
        **{s: "detractor" for s in ("X01", "X02", "X03", "X04", "X05")},
        **{s: "unknown" for s in ("Y01", "Y02", "Y03", "Y04", "Y05")},
        **{s: "passive" for s in ("Z01", "Z02")},
    }


def test_survival_matches_lifelines_on_edge_cases(edge_inbox: Path, tmp_path: Path) -> None:
    warehouse = build_warehouse(edge_inbox, tmp_path)
    expected = assert_mart_matches(warehouse, edge_inbox)
    # detractor: 5 at risk at 0, X03 churns (S = 4/5); at 1: X01 and X02 churn, X04 and X05
    # are censored after them (S = 4/5 * 2/4)
    assert [row for row in expected if row[0] == "detractor"] == [
        ("detractor", 0, 5, 1, 0, pytest.approx(0.8)),
        ("detractor", 1, 4, 2, 2, pytest.approx(0.4)),
    ]


def test_survival_matches_lifelines_on_fixture(fixture_warehouse: Path) -> None:
    assert_mart_matches(fixture_warehouse, FIXTURE_INBOX)


def test_survival_matches_lifelines_on_demo(demo_warehouse: Path) -> None:
    expected = assert_mart_matches(demo_warehouse, demo_warehouse.parent / "inbox")
    assert {row[0] for row in expected} >= {"promoter", "passive", "detractor"}
