"""The peer a CX analyst would otherwise use: the same marts computed with pandas.

Reads the landing Parquet (through DuckDB's reader: pyarrow is not in the lock, and reading
is not what is compared), computes fct_survey_responses, fct_nps_monthly, fct_effort_monthly,
dim_customers and fct_persona_value with vectorised pandas (groupby, merge, no row loops),
and writes each as <out>/<mart>.parquet. Thresholds are the dbt_project.yml defaults.

    python -m bench.pandas_peer --landing DIR --seeds seeds --out DIR
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from orchestration.sql import sql_str

DAY = pd.Timedelta(days=1)


# text columns with a handful of distinct values: held as pandas categoricals (what an analyst
# does at 10 M rows: one Python string per category, not one per row)
LOW_CARDINALITY = (
    "survey_type", "touchpoint", "channel", "emotion", "language", "_file_name",
    "status", "currency", "country", "segment", "acquisition_channel", "plan",
)  # fmt: skip


def read_latest(landing: Path, entity: str, key: str) -> pd.DataFrame:
    """Every version delivered, then the latest per key (load order, then record)."""
    path = sql_str(landing / entity / "*.parquet")
    # the columns an analyst needs: not the ingest's bookkeeping or the extra-columns JSON
    frame = duckdb.sql(
        f"select * exclude (_file_id, _loaded_at, _extra) "
        f"from read_parquet({path}, union_by_name = true)"
    ).df()
    for column in frame.columns.intersection(LOW_CARDINALITY):
        frame[column] = frame[column].astype("category")
    # positions in load order; the last position of each key is its latest version (one
    # take of the rows instead of a sorted copy and a de-duplicated copy)
    order = np.lexsort((frame["_record"].to_numpy(), frame["_load_seq"].to_numpy()))
    keys = frame[key].take(order)
    latest = order[~keys.duplicated(keep="last").to_numpy()]
    versions = keys.value_counts(sort=False)
    out = frame.take(latest).reset_index(drop=True)
    del frame
    out["versions_delivered"] = out[key].map(versions).to_numpy()
    return out


def nps_columns(frame: pd.DataFrame, p: str, d: str, n: str) -> pd.DataFrame:
    """nps, nps_ci_low, nps_ci_high (macros/nps.sql, macros/nps_interval.sql)."""
    pos, det, cnt = (frame[c].astype("float64") for c in (p, d, n))
    has = cnt > 0
    n3 = cnt + 3.0
    pp, dd = (pos + 0.75) / n3, (det + 0.75) / n3
    se = np.sqrt((pp + dd - (pp - dd) ** 2) / n3)
    frame["nps"] = (100.0 * (pos - det) / cnt).where(has)
    frame["nps_ci_low"] = (100.0 * ((pp - dd) - 1.96 * se)).clip(lower=-100.0).where(has)
    frame["nps_ci_high"] = (100.0 * ((pp - dd) + 1.96 * se)).clip(upper=100.0).where(has)
    return frame


def survey_responses(r: pd.DataFrame, customers: pd.DataFrame, seeds: Path) -> pd.DataFrame:
    vocab = pd.read_csv(seeds / "emotion_vocabulary.csv")
    out = pd.DataFrame({"response_id": r["response_id"], "customer_id": r["customer_id"]})
    out["is_anonymous"] = r["customer_id"].isna()
    out["is_known_customer"] = r["customer_id"].isin(customers["customer_id"])
    for col in ("survey_type", "interaction_id", "touchpoint", "channel", "submitted_at"):
        # categoricals back to text: an object array of the categories' strings (shared)
        is_category = isinstance(r[col].dtype, pd.CategoricalDtype)
        out[col] = r[col].astype(object) if is_category else r[col]
    out["submitted_month"] = r["submitted_at"].dt.to_period("M").dt.to_timestamp()
    nps = r["nps_score"]
    out["nps_score"] = nps
    conditions = [(nps >= t).fillna(False).to_numpy(dtype=bool) for t in (9, 7, 0)]
    out["nps_category"] = np.select(conditions, ["promoter", "passive", "detractor"], None)
    out["ces_score"] = r["ces_score"]
    out["is_low_effort"] = (r["ces_score"] >= 5).where(r["ces_score"].notna())
    out["csat_score"] = r["csat_score"]
    out["is_satisfied"] = (r["csat_score"] >= 4).where(r["csat_score"].notna())
    out["emotion_label"] = r["emotion"].str.strip().str.lower()
    mapped = out[["emotion_label"]].merge(
        vocab[["label", "emotion", "valence"]],
        left_on="emotion_label",
        right_on="label",
        how="left",
    )
    out["emotion"] = mapped["emotion"].to_numpy()
    out["emotion_valence"] = mapped["valence"].to_numpy()
    out["comment"] = r["comment"]
    out["language_code"] = r["language"].str.lower()
    out["versions_delivered"] = r["versions_delivered"]
    out["source_file_name"] = r["_file_name"].astype(object)
    return out


def nps_monthly(fct: pd.DataFrame) -> pd.DataFrame:
    answered = fct[fct["nps_score"].notna()]
    cat = answered["nps_category"]
    counted = (
        pd.DataFrame(
            {
                "month_start": answered["submitted_month"],
                "responses": 1,
                "promoters": (cat == "promoter").astype("int64"),
                "passives": (cat == "passive").astype("int64"),
                "detractors": (cat == "detractor").astype("int64"),
            }
        )
        .groupby("month_start", as_index=False)
        .sum()
        .sort_values("month_start", ignore_index=True)
    )
    out = nps_columns(counted, "promoters", "detractors", "responses")
    # the change against the previous calendar month: z on the adjusted-Wald estimates
    n3 = out["responses"].astype("float64") + 3.0
    pp = (out["promoters"].astype("float64") + 0.75) / n3
    dd = (out["detractors"].astype("float64") + 0.75) / n3
    adjusted, se = 100.0 * (pp - dd), 100.0 * np.sqrt((pp + dd - (pp - dd) ** 2) / n3)
    month = pd.to_datetime(out["month_start"])
    has_previous = month.shift(1) == month - pd.DateOffset(months=1)
    out["previous_month_nps"] = out["nps"].shift(1).where(has_previous)
    out["nps_change"] = out["nps"] - out["previous_month_nps"]
    z = (adjusted - adjusted.shift(1)) / np.sqrt(se**2 + se.shift(1) ** 2)
    out["change_z"] = z.where(has_previous)
    out["is_significant_change"] = (
        (out["change_z"].abs() >= 1.96).astype(object).where(has_previous, None)
    )
    return out


def effort_monthly(fct: pd.DataFrame) -> pd.DataFrame:
    rows = fct[fct["ces_score"].notna() | fct["csat_score"].notna()]
    base = pd.DataFrame(
        {
            "month_start": rows["submitted_month"],
            "touchpoint": rows["touchpoint"].fillna("(none)"),
            "channel": rows["channel"].fillna("(none)"),
            "ces_score": rows["ces_score"].astype("float64"),
            "easy": rows["is_low_effort"].eq(True).fillna(False).astype("int64"),
            "csat_score": rows["csat_score"].astype("float64"),
            "sat": rows["is_satisfied"].eq(True).fillna(False).astype("int64"),
        }
    )
    total = base.assign(touchpoint="all", channel="all")
    agg = {
        "ces_responses": ("ces_score", "count"),
        "ces_easy_responses": ("easy", "sum"),
        "ces_total": ("ces_score", "sum"),
        "csat_responses": ("csat_score", "count"),
        "csat_satisfied_responses": ("sat", "sum"),
        "csat_total": ("csat_score", "sum"),
    }
    out = (
        pd.concat([base, total])
        .groupby(["month_start", "touchpoint", "channel"], as_index=False)
        .agg(**agg)
    )
    ces_n, csat_n = out["ces_responses"].where(out["ces_responses"] > 0), out["csat_responses"]
    csat_n = csat_n.where(csat_n > 0)
    out["ces_mean"] = out["ces_total"] / ces_n
    out["ces_easy_share"] = out["ces_easy_responses"] / ces_n
    out["csat_satisfied_share"] = out["csat_satisfied_responses"] / csat_n
    out["csat_mean"] = out["csat_total"] / csat_n
    return out.drop(columns=["ces_total", "csat_total"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pandas_peer", description=__doc__)
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--seeds", type=Path, default=Path("seeds"))
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    from bench.pandas_customers import dim_customers, persona_value

    responses = read_latest(args.landing, "survey_responses", "response_id")
    customers = read_latest(args.landing, "customers", "customer_id")
    orders = read_latest(args.landing, "orders", "order_id")
    subs = read_latest(args.landing, "subscriptions", "subscription_id")
    # the latest event of any kind not after the latest load (models/.../int_as_of_date.sql)
    (loaded_at, *contact) = duckdb.sql(
        """select (select max(loaded_at) from read_parquet(?)),
            max(started_at), max(responded_at), max(resolved_at) from read_parquet(?)""",
        params=[
            str(args.landing / "_ledger" / "*.parquet"),
            str(args.landing / "interactions" / "*.parquet"),
        ],
    ).fetchall()[0]
    events = [
        responses["submitted_at"],
        orders["ordered_at"],
        subs["started_at"],
        subs["ended_at"],
        customers["created_at"],
        pd.Series(pd.to_datetime(contact)),
    ]
    cutoff = pd.Timestamp(loaded_at)
    as_of = max(e[e <= cutoff].max() for e in events if e.notna().any())
    fct = survey_responses(responses, customers, args.seeds)
    del responses
    dim = dim_customers(customers, orders, subs, fct, as_of)
    marts = {
        "fct_survey_responses": fct,
        "fct_nps_monthly": nps_monthly(fct),
        "fct_effort_monthly": effort_monthly(fct),
        "dim_customers": dim,
        "fct_persona_value": persona_value(dim),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    for name, frame in marts.items():
        con.register("frame", frame)
        con.execute(f"copy frame to {sql_str(args.out / f'{name}.parquet')} (format parquet)")
        con.unregister("frame")
        print(f"{name:<24} {len(frame):>12,} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
