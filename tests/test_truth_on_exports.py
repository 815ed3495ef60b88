"""Truth on real-shaped exports (issue 16, items 1, 2, 3 and 9): small raw exports that real
CRMs deliver, built into a warehouse, and the marts compared with plain Python / pandas
computed from the raw files (never with the project's SQL).

- an as-of date from the latest event of any kind: a subscription export whose latest event
  is an ended_at (and an end after the load that has not happened yet), and LOYALTY_AS_OF_DATE;
- an order log without a status column (and an empty status): completed orders;
- orders that all end up as zeros (all cancelled): a warning, not silence;
- an inbox without contact moments: the follow-ups are "Not measured", not overdue;
- a month-on-month NPS change the z-test calls significant while the intervals overlap: the
  summary and the report mark what fct_nps_monthly says.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from warehouse_builder import build_warehouse

from orchestration.config import InvalidSetting, as_of_date_from_env
from orchestration.serve.report import build_report
from orchestration.serve.report.data import load
from orchestration.serve.summary import summary
from orchestration.serve.warehouse import read_only

# every event timestamp of the contract (promised_by is a deadline, not an event)
EVENT_COLUMNS = {
    "customers": ["created_at"],
    "orders": ["ordered_at"],
    "subscriptions": ["started_at", "ended_at"],
    "interactions": ["started_at", "responded_at", "resolved_at"],
    "survey_responses": ["submitted_at"],
}
SURVEY_HEADER = (
    "response_id,customer_id,survey_type,interaction_id,touchpoint,channel,submitted_at,"
    "nps_score,ces_score,csat_score,emotion,comment,language"
)


def write(folder: Path, name: str, lines: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def customers_csv(folder: Path, ids: list[str]) -> None:
    write(
        folder,
        "customers.csv",
        ["customer_id,email,full_name,country,segment,acquisition_channel,created_at"]
        + [f"{c},,,NL,b2c,search,2024-01-0{i + 1}T09:00:00" for i, c in enumerate(ids)],
    )


def raw(inbox: Path, entity: str) -> pd.DataFrame:
    """Every row of an entity's CSV files, as strings (empty -> NaN)."""
    files = sorted(inbox.glob(f"{entity}*.csv"))
    return pd.concat([pd.read_csv(f, dtype=str) for f in files]) if files else pd.DataFrame()


def latest_event(inbox: Path, loaded_at: datetime) -> pd.Timestamp:
    """The oracle of item 1: the latest event timestamp of any kind not after the load."""
    times = []
    for entity, columns in EVENT_COLUMNS.items():
        frame = raw(inbox, entity)
        for column in columns:
            if column in frame:
                times += list(pd.to_datetime(frame[column].dropna()))
    cutoff = pd.Timestamp(loaded_at.replace(tzinfo=None))
    return max(t for t in times if t <= cutoff)


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


# --- inbox 1: the latest event is a subscription end; all orders cancelled -----------------


@pytest.fixture(scope="module")
def ended_inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    inbox = tmp_path_factory.mktemp("ended") / "inbox"
    customers_csv(inbox, ["C1", "C2", "C3"])
    write(
        inbox,
        "subscriptions.csv",
        [
            "subscription_id,customer_id,plan,started_at,ended_at,monthly_amount",
            "S1,C1,basic,2024-02-01T10:00:00,2025-06-30T00:00:00,9.99",  # the latest event
            "S2,C2,basic,2024-03-01T10:00:00,,9.99",
            "S3,C3,plus,2024-04-01T10:00:00,2099-01-01T00:00:00,19.99",  # ends after the load
        ],
    )
    write(
        inbox,
        "orders.csv",
        [
            "order_id,customer_id,ordered_at,amount,discount_amount,currency,status",
            "O1,C1,2024-02-02T10:00:00,50.00,,EUR,cancelled",
            "O2,C2,2024-03-02T10:00:00,70.00,,EUR,cancelled",
        ],
    )
    write(
        inbox,
        "interactions.csv",
        [
            "interaction_id,customer_id,channel,touchpoint,started_at,promised_by,responded_at,"
            "resolved_at",
            "I1,C1,phone,support,2025-01-10T09:00:00,2099-01-01T00:00:00,,2025-01-11T09:00:00",
        ],
    )
    write(
        inbox,
        "survey_responses.csv",
        [
            SURVEY_HEADER,
            "R1,C2,relational,,,,2025-04-01T10:00:00,9,,,,,en",
            "R2,C1,relational,,,,2025-05-01T10:00:00,3,,,,,en",
        ],
    )
    return inbox


@pytest.fixture(scope="module")
def ended_warehouse(ended_inbox: Path) -> tuple[Path, datetime]:
    env = {"LOYALTY_AS_OF_DATE": ""}
    loaded_at = datetime.now(UTC)
    return build_warehouse(ended_inbox, ended_inbox.parent / "auto", env=env), loaded_at


@pytest.fixture(scope="module")
def pinned_warehouse(ended_inbox: Path) -> Path:
    env = {"LOYALTY_AS_OF_DATE": "2025-03-01"}
    return build_warehouse(ended_inbox, ended_inbox.parent / "pinned", env=env)


def subscription_oracle(inbox: Path, as_of: pd.Timestamp) -> tuple[int, dict[str, bool]]:
    """Churned subscriptions (ended on or before the as-of date) and active customers."""
    subs = raw(inbox, "subscriptions")
    ended = pd.to_datetime(subs["ended_at"])
    churned = int((ended <= as_of).sum())
    running = ended.isna() | (ended > as_of)
    active = running.groupby(subs["customer_id"]).any().to_dict()
    return churned, {str(k): bool(v) for k, v in active.items()}


def test_as_of_is_the_latest_event_of_any_kind(
    ended_inbox: Path, ended_warehouse: tuple[Path, datetime]
) -> None:
    warehouse, loaded_at = ended_warehouse
    expected = latest_event(ended_inbox, loaded_at)
    assert expected == pd.Timestamp("2025-06-30")  # S1's end: not the 2099 end, not a promise
    [(as_of_at, as_of_date, source)] = query(
        warehouse, "select as_of_at, as_of_date, as_of_source from marts.dim_as_of_date"
    )
    assert (pd.Timestamp(as_of_at), source) == (expected, "latest event")
    churned, active = subscription_oracle(ended_inbox, expected)
    assert churned == 1
    [(mart_churned,)] = query(warehouse, "select sum(churned) from marts.fct_survival_by_nps_group")
    assert mart_churned == churned
    rows = dict(query(warehouse, "select customer_id, is_active from marts.dim_customers"))
    assert rows == active == {"C1": False, "C2": True, "C3": True}
    text = summary(warehouse)
    assert f"As-of date: {as_of_date:%Y-%m-%d} (the latest event in the exports)" in text


def test_loyalty_as_of_date_is_honoured(ended_inbox: Path, pinned_warehouse: Path) -> None:
    as_of = pd.Timestamp("2025-03-01")
    [(as_of_at, source)] = query(
        pinned_warehouse, "select as_of_at, as_of_source from marts.dim_as_of_date"
    )
    assert (pd.Timestamp(as_of_at), source) == (as_of, "LOYALTY_AS_OF_DATE")
    churned, active = subscription_oracle(ended_inbox, as_of)
    [(mart_churned,)] = query(
        pinned_warehouse, "select coalesce(sum(churned), 0) from marts.fct_survival_by_nps_group"
    )
    assert mart_churned == churned == 0
    rows = dict(query(pinned_warehouse, "select customer_id, is_active from marts.dim_customers"))
    assert rows == active
    assert "As-of date: 2025-03-01 (set by LOYALTY_AS_OF_DATE)" in summary(pinned_warehouse)


def test_loaded_rows_that_all_become_zeros_warn(
    ended_inbox: Path, ended_warehouse: tuple[Path, datetime], tmp_path: Path
) -> None:
    warehouse, _ = ended_warehouse
    orders = raw(ended_inbox, "orders")
    [(loaded, counted, all_zero)] = query(
        warehouse,
        "select rows_loaded, rows_counted, is_all_zero from marts.fct_data_coverage "
        "where entity = 'orders'",
    )
    assert (loaded, counted, all_zero) == (len(orders), 0, True)
    assert f"WARNING orders: {len(orders)} records loaded but none counted" in summary(warehouse)
    html = build_report(warehouse, tmp_path / "report.html").read_text("utf-8")
    assert "Data coverage warnings" in html and "orders: 2 records loaded" in html


def test_invalid_as_of_date_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for value in ("31-03-2025", "2025-02-30", "yesterday", "2025-03-01T10:00"):
        monkeypatch.setenv("LOYALTY_AS_OF_DATE", value)
        with pytest.raises(InvalidSetting, match=r"LOYALTY_AS_OF_DATE is .*: set an ISO date"):
            as_of_date_from_env()
    monkeypatch.setenv("LOYALTY_AS_OF_DATE", " 2025-03-31 ")
    assert f"{as_of_date_from_env()}" == "2025-03-31"
    monkeypatch.setenv("LOYALTY_AS_OF_DATE", "")
    assert as_of_date_from_env() is None


# --- inbox 2: an order log without status; no contact moments; a significant NPS fall -----


def adjusted(promoters: int, detractors: int, n: int) -> tuple[float, float]:
    """Adjusted-Wald NPS and its standard error in points (Rocks 2016), by hand."""
    p, d = (promoters + 0.75) / (n + 3), (detractors + 0.75) / (n + 3)
    return 100 * (p - d), 100 * math.sqrt((p + d - (p - d) ** 2) / (n + 3))


@pytest.fixture(scope="module")
def plain_inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    inbox = tmp_path_factory.mktemp("plain") / "inbox"
    customers_csv(inbox, ["C1", "C2", "C3"])
    write(
        inbox,
        "orders.csv",  # a retailer's order log: no status column at all
        [
            "order_id,customer_id,ordered_at,amount,discount_amount,currency",
            "O1,C1,2025-01-05T10:00:00,100.00,10.00,EUR",
            "O2,C1,2025-02-05T10:00:00,50.00,,EUR",
            "O3,C2,2025-01-20T10:00:00,80.00,,EUR",
        ],
    )
    write(
        inbox,
        "orders_2.csv",  # a status column, one of them empty
        [
            "order_id,customer_id,ordered_at,amount,discount_amount,currency,status",
            "O4,C3,2025-02-10T10:00:00,40.00,,EUR,",
            "O5,C3,2025-02-11T10:00:00,30.00,,EUR,cancelled",
        ],
    )
    # January: 20 passives (NPS 0); February: 6 detractors and 14 passives (NPS -30). The
    # intervals overlap, the z-test says the fall is significant (|z| = 2.2).
    answers = [SURVEY_HEADER]
    for i in range(20):
        answers.append(f"J{i:02},C{i % 3 + 1},relational,,,,2025-01-{i + 1:02}T10:00:00,7,,,,,en")
    for i in range(20):
        score = 2 if i < 6 else 8
        answers.append(
            f"F{i:02},C{i % 3 + 1},relational,,,,2025-02-{i + 1:02}T10:00:00,{score},,,,,en"
        )
    write(inbox, "survey_responses.csv", answers)
    return inbox


@pytest.fixture(scope="module")
def plain_warehouse(plain_inbox: Path) -> Path:
    return build_warehouse(plain_inbox, plain_inbox.parent, env={"LOYALTY_AS_OF_DATE": ""})


def test_orders_without_status_count_as_completed(plain_inbox: Path, plain_warehouse: Path) -> None:
    orders = raw(plain_inbox, "orders")
    status = orders["status"].fillna("").str.strip().str.lower()
    completed = orders[status.isin(["", "completed"])].copy()
    completed["net"] = completed["amount"].astype(float) - completed["discount_amount"].fillna(
        "0"
    ).astype(float)
    expected = completed.groupby("customer_id").agg(
        orders=("order_id", "count"), revenue=("net", "sum")
    )
    rows = query(
        plain_warehouse,
        "select customer_id, orders, revenue from marts.dim_customers order by customer_id",
    )
    assert [(c, n, float(r)) for c, n, r in rows] == [
        (c, int(row.orders), float(row.revenue)) for c, row in expected.iterrows()
    ]
    assert len(completed) == 4  # O1, O2, O3 (no status column), O4 (empty status)
    first_month = pd.to_datetime(completed["ordered_at"]).groupby(completed["customer_id"]).min()
    cohorts = {d.date() for d in first_month.dt.to_period("M").dt.to_timestamp()}
    mart = {
        c
        for (c,) in query(
            plain_warehouse, "select distinct cohort_month from marts.fct_retention_cohorts"
        )
    }
    assert mart == cohorts
    [(counted, all_zero)] = query(
        plain_warehouse,
        "select rows_counted, is_all_zero from marts.fct_data_coverage where entity = 'orders'",
    )
    assert (counted, all_zero) == (4, False)


def test_never_delivered_contact_moments_are_not_measured(
    plain_warehouse: Path, tmp_path: Path
) -> None:
    [(delivered,)] = query(
        plain_warehouse,
        "select is_delivered from marts.fct_data_coverage where entity = 'interactions'",
    )
    assert delivered is False
    text = summary(plain_warehouse)
    reason = "no contact-moment export (interactions*) was delivered"
    assert f"Detractor follow-ups: Not measured ({reason})" in text
    assert f"Promises: Not measured ({reason})" in text
    assert "overdue" not in text
    html = build_report(plain_warehouse, tmp_path / "report.html").read_text("utf-8")
    assert "Not measured: no contact-moment export (interactions*) was delivered." in html
    assert "followup-queue" not in html
    nl = build_report(plain_warehouse, tmp_path / "report_nl.html", "nl").read_text("utf-8")
    assert "Niet gemeten: er is geen export van contactmomenten (interactions*)" in nl


def test_significant_change_is_the_marts_z_test(plain_inbox: Path, plain_warehouse: Path) -> None:
    answers = raw(plain_inbox, "survey_responses")
    scores = answers["nps_score"].astype(int)
    month = pd.to_datetime(answers["submitted_at"]).dt.to_period("M")
    counts = {
        m: (int((s >= 9).sum()), int((s <= 6).sum()), len(s)) for m, s in scores.groupby(month)
    }
    (jan, feb) = sorted(counts)
    (a, se_a), (b, se_b) = adjusted(*counts[jan]), adjusted(*counts[feb])
    z = (b - a) / math.hypot(se_a, se_b)
    rows = query(
        plain_warehouse,
        "select nps, previous_month_nps, nps_change, change_z, is_significant_change, "
        "nps_ci_low, nps_ci_high from marts.fct_nps_monthly order by month_start",
    )
    assert rows[0][1:5] == (None, None, None, None)
    nps, previous, change, mart_z, significant, _low, high = rows[1]
    assert (previous, nps, change) == (0.0, -30.0, -30.0)
    assert mart_z == pytest.approx(z, abs=1e-9) and abs(z) >= 1.96 and significant is True
    assert high > rows[0][5]  # the intervals overlap: interval overlap would not mark it
    text = summary(plain_warehouse)
    assert "2025-02  NPS  -30.0" in text and "▼ significant fall" in text
    with read_only(plain_warehouse) as con:
        monthly = load(con).monthly
    assert [r["change"] for r in monthly] == [None, "down"]
