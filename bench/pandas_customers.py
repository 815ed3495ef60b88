"""pandas peer, customer marts: dim_customers and fct_persona_value (see bench/pandas_peer.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.pandas_peer import DAY, nps_columns

PERSONA_OF_RULE = {
    "walk_away_churned": "walk_away",
    "shopper": "shopper",
    "walk_away_detractor": "walk_away",
    "ambassador": "ambassador",
    "loyal_passive": "loyal_passive",
}


def _completed(orders: pd.DataFrame) -> pd.Series:
    """Completed orders: status 'completed', or no status (stg_crm__orders)."""
    status = orders["status"].astype(object).fillna("").str.strip().str.lower()
    return status.isin(["", "completed"])


def _lifecycle(orders: pd.DataFrame, subs: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    done = orders[_completed(orders)]
    activity = pd.concat(
        [
            pd.DataFrame(
                {"customer_id": done["customer_id"], "to": done["ordered_at"] + 180 * DAY}
            ),
            pd.DataFrame(
                {"customer_id": subs["customer_id"], "to": subs["ended_at"].fillna(as_of + DAY)}
            ),
        ]
    )
    until = activity.groupby("customer_id")["to"].max()
    return pd.DataFrame(
        {"is_active_lc": until > as_of, "churned_at": until.where(until <= as_of)}
    ).rename_axis("customer_id")


def _answers(fct: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    known = fct[fct["customer_id"].notna()]
    recent = (known["submitted_at"] > as_of - 365 * DAY) & (known["submitted_at"] <= as_of)
    grouped = known.assign(recent=recent.astype("int64")).groupby("customer_id")
    totals = grouped.agg(
        survey_answers=("response_id", "size"),
        recent_answers=("recent", "sum"),
        last_answer_at=("submitted_at", "max"),
        ces_mean=("ces_score", "mean"),
    )
    nps = known[known["nps_score"].notna()].sort_values(
        ["customer_id", "submitted_at", "response_id"]
    )
    cols = ["submitted_at", "nps_score", "nps_category"]
    first = nps.drop_duplicates("customer_id", keep="first").set_index("customer_id")[cols]
    latest = nps.drop_duplicates("customer_id", keep="last").set_index("customer_id")[cols]
    totals["nps_answers"] = nps.groupby("customer_id").size()
    totals = totals.join(first.add_prefix("first_")).join(latest.add_prefix("latest_"))
    return totals.rename(columns={"first_submitted_at": "first_nps_at",
                                  "latest_submitted_at": "latest_nps_at"})  # fmt: skip


def _persona_rule(d: pd.DataFrame) -> pd.Series:
    latest = d["latest_nps_category"].fillna("none")
    conditions = [
        d["activity_status"] == "churned",
        latest.isin(["passive", "detractor", "none"]) & (d["discount_share"] >= 0.10),
        latest == "detractor",
        (latest == "promoter") & (d["activity_status"] == "active"),
        (latest == "passive") & (d["orders"] >= 2) & (d["recent_answers"] <= 12),
    ]
    masks = [c.fillna(False).to_numpy(dtype=bool) for c in conditions]
    return pd.Series(np.select(masks, list(PERSONA_OF_RULE), default=None), index=d.index)


def dim_customers(
    customers: pd.DataFrame,
    orders: pd.DataFrame,
    subs: pd.DataFrame,
    fct: pd.DataFrame,
    as_of: pd.Timestamp,
) -> pd.DataFrame:
    done = orders[_completed(orders)].assign(
        discount=lambda o: o["discount_amount"].fillna(0).astype("float64"),
        amount_f=lambda o: o["amount"].astype("float64"),
    )
    order_totals = done.groupby("customer_id").agg(
        orders=("order_id", "size"),
        gross_amount=("amount_f", "sum"),
        discount_total=("discount", "sum"),
        first_order_at=("ordered_at", "min"),
        last_order_at=("ordered_at", "max"),
    )
    order_totals["revenue"] = order_totals["gross_amount"] - order_totals["discount_total"]
    sub_status = subs.assign(
        active=subs["ended_at"].isna() | (subs["ended_at"] > as_of)
    ).groupby("customer_id").agg(subscriptions=("subscription_id", "size"),
                                 has_active_subscription=("active", "max"))  # fmt: skip
    d = (
        customers.set_index("customer_id")[
            ["country", "segment", "acquisition_channel", "created_at"]
        ]
        .join(order_totals)
        .join(sub_status)
        .join(_answers(fct, as_of))
        .join(_lifecycle(orders, subs, as_of))
        .reset_index()
    )
    d["country_code"] = d.pop("country").str.upper()
    d["acquisition_channel"] = d["acquisition_channel"].str.lower()
    d["tenure_days"] = (as_of.normalize() - d["created_at"].dt.normalize()).dt.days
    for col in ("orders", "subscriptions", "nps_answers", "survey_answers", "recent_answers"):
        d[col] = d[col].fillna(0).astype("int64")
    d["revenue"] = d["revenue"].fillna(0.0).round(2)
    d["discount_total"] = d["discount_total"].fillna(0.0).round(2)
    d["discount_share"] = d["discount_total"] / d["gross_amount"].where(d["gross_amount"] > 0)
    d["has_active_subscription"] = d["has_active_subscription"].eq(True).fillna(False)
    d["is_active"] = d.pop("is_active_lc").eq(True).fillna(False)
    d["activity_status"] = np.where(
        d["churned_at"].isna() & ~d["is_active"],
        "never_active",
        np.where(d["is_active"], "active", "churned"),
    )
    last = d[["last_order_at", "last_answer_at"]].max(axis=1)
    d["recency_days"] = (as_of.normalize() - last.dt.normalize()).dt.days.astype("Int64")
    d["orders_per_year"] = d["orders"] * 365.25 / d["tenure_days"].clip(lower=30).astype(float)
    d["persona_rule_id"] = _persona_rule(d)
    d["persona"] = d["persona_rule_id"].map(PERSONA_OF_RULE).fillna("unclassified")
    parts = [  # (weight, component in 0..1; NaN = unknown, its weight drops out)
        (0.30, d["latest_nps_score"].astype("float64") / 10.0),
        (0.20, 1.0 - (d["recency_days"].astype("float64") / 365.0).clip(0.0, 1.0).fillna(1.0)),
        (0.20, (d["orders_per_year"] / 12.0).clip(0.0, 1.0)),
        (0.10, (d["tenure_days"] / 1095.0).clip(0.0, 1.0)),
        (0.20, (d["ces_mean"] - 1.0) / 6.0),
    ]
    weighted = sum(w * c.fillna(0.0) for w, c in parts)
    weights = sum(c.notna() * w for w, c in parts)
    d["loyalty_score"] = 100.0 * weighted / weights.where(weights > 0)
    return d


def persona_value(dim: pd.DataFrame) -> pd.DataFrame:
    cat = dim["latest_nps_category"]
    counted = (
        dim.assign(
            active=dim["is_active"].astype("int64"),
            gross=dim["revenue"] + dim["discount_total"],
            responded=cat.notna().astype("int64"),
            promoters=(cat == "promoter").astype("int64"),
            passives=(cat == "passive").astype("int64"),
            detractors=(cat == "detractor").astype("int64"),
        )
        .groupby("persona", as_index=False)
        .agg(
            customers=("customer_id", "size"),
            active_customers=("active", "sum"),
            revenue=("revenue", "sum"),
            discount_total=("discount_total", "sum"),
            gross_amount=("gross", "sum"),
            nps_respondents=("responded", "sum"),
            promoters=("promoters", "sum"),
            passives=("passives", "sum"),
            detractors=("detractors", "sum"),
            ces_mean=("ces_mean", "mean"),
            loyalty_score_mean=("loyalty_score", "mean"),
        )
    )
    counted["customer_share"] = counted["customers"] / counted["customers"].sum()
    counted["revenue_per_customer"] = counted["revenue"] / counted["customers"]
    counted["retention_rate"] = counted["active_customers"] / counted["customers"]
    gross = counted["gross_amount"].where(counted["gross_amount"] > 0)
    counted["discount_share"] = counted["discount_total"] / gross
    return nps_columns(counted, "promoters", "detractors", "nps_respondents")
