"""Write the simulated demo exports as contract CSVs with duckdb.

Numeric columns go to duckdb as they are, codes as pandas categoricals (duckdb ENUMs); the
SELECT per entity formats ids, timestamps (YYYY-MM-DDTHH:MM:SS) and 2-decimal amounts, and
names its columns exactly as, and in the order of, orchestration.ingest.contract.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pandas as pd

from orchestration.demo import effects as fx
from orchestration.demo import vocab
from orchestration.ingest.contract import CHANNELS, ENTITIES, TOUCHPOINTS
from orchestration.sql import sql_str

if TYPE_CHECKING:
    from orchestration.demo.generator import Demo


def _ts(col: str) -> str:
    return f"strftime({col}, '%Y-%m-%dT%H:%M:%S')"


def _money(col: str) -> str:
    return f"{col}::decimal(18, 2)"


SURVEY_TYPES = fx.allowed("survey_responses", "survey_type")  # code 0 relational
NPS_TEXT = (*(str(i) for i in range(11)), "11", "abc")  # codes 11 and 12: planted bad rows
CES_TEXT = (*(str(i) for i in range(1, 8)), "9")  # code 7 ('9'): planted bad rows
CSAT_TEXT = tuple(str(i) for i in range(1, 6))

# column name -> SELECT expression over the frame, per entity
SELECTS = {
    "customers": {
        "customer_id": "printf('C%06d', cid)",
        "email": "CASE WHEN has_email THEN lower(replace(first::varchar || '.' || "
        "last::varchar, ' ', '')) || email_no::varchar || '@' || domain::varchar END",
        "full_name": "first::varchar || ' ' || last::varchar",
        "country": "country",
        "segment": "segment",
        "acquisition_channel": "acquisition",
        "created_at": _ts("created"),
    },
    "orders": {
        "order_id": "printf('O%08d', oid)",
        "customer_id": "printf('C%06d', cid)",
        "ordered_at": _ts("ordered"),
        "amount": _money("amount"),
        "discount_amount": _money("discount"),
        "currency": "'EUR'",
        "status": "status",
    },
    "subscriptions": {
        "subscription_id": "printf('S%06d', sid)",
        "customer_id": "printf('C%06d', cid)",
        "plan": "plan",
        "started_at": _ts("started"),
        "ended_at": _ts("ended"),
        "monthly_amount": _money("amount"),
    },
    "interactions": {
        "interaction_id": "printf('I%08d', iid)",
        "customer_id": "printf('C%06d', cid)",
        "channel": "channel",
        "touchpoint": "touchpoint",
        "started_at": _ts("started"),
        "promised_by": _ts("promised"),
        "responded_at": _ts("responded"),
        "resolved_at": _ts("resolved"),
    },
    "survey_responses": {
        "response_id": "printf('R%08d', rid)",
        "customer_id": "printf('C%06d', nullif(cid, 0))",
        "survey_type": "type",
        "interaction_id": "printf('I%08d', nullif(iid, 0))",
        "touchpoint": "touchpoint",
        "channel": "channel",
        "submitted_at": _ts("submitted"),
        "nps_score": "nps",
        "ces_score": "ces",
        "csat_score": "csat",
        "emotion": "emotion",
        "comment": "comment",
        "language": "lang",
    },
}
TIMES = {"created", "ordered", "started", "ended", "promised", "responded", "resolved", "submitted"}


def _categories() -> dict[str, tuple[str, ...]]:
    return {
        "first": vocab.flat(vocab.FIRST_NAMES)[0],
        "last": vocab.flat(vocab.LAST_NAMES)[0],
        "domain": vocab.EMAIL_DOMAINS,
        "country": fx.COUNTRIES,
        "segment": fx.SEGMENTS,
        "acquisition": fx.ACQUISITION,
        "status": fx.ORDER_STATUS,
        "plan": fx.PLANS,
        "touchpoint": TOUCHPOINTS,
        "channel": CHANNELS,
        "type": SURVEY_TYPES,
        "nps": NPS_TEXT,
        "ces": CES_TEXT,
        "csat": CSAT_TEXT,
        "emotion": vocab.emotion_table()[0],
        "comment": vocab.comment_table()[0],
        "lang": vocab.LANGUAGES,
    }


def _frame(columns: dict[str, np.ndarray], categories: dict[str, tuple[str, ...]]):
    data = {}
    for name, values in columns.items():
        if name in TIMES:
            data[name] = values.astype(np.int64).view("datetime64[s]")
        elif name in categories:
            codes = values.astype(np.int16 if len(categories[name]) > 127 else np.int8)
            data[name] = pd.Categorical.from_codes(codes, categories[name])
        else:
            data[name] = values
    return pd.DataFrame(data)


def _copy(con, frame: pd.DataFrame, entity: str, path: Path) -> int:
    select = ", ".join(f"{expr} AS {col}" for col, expr in SELECTS[entity].items())
    assert tuple(SELECTS[entity]) == ENTITIES[entity].column_names
    con.register("src", frame)
    con.execute(f"COPY (SELECT {select} FROM src) TO {sql_str(path)} (HEADER, DELIMITER ',')")
    con.unregister("src")
    return len(frame)


def write_exports(demo: Demo, out: Path, month_starts: np.ndarray, delta_from) -> dict[str, int]:
    """Write every export file (two at a time; duckdb's CSV writer is mostly one thread)."""
    out.mkdir(parents=True, exist_ok=True)
    cats = _categories()
    months = month_starts.astype("datetime64[s]").astype("datetime64[M]").astype(str)
    jobs: dict[str, tuple[str, dict[str, np.ndarray]]] = {}

    def emit(name: str, entity: str, columns: dict[str, np.ndarray]) -> None:
        if len(next(iter(columns.values()))):
            jobs[name] = (entity, columns)

    def monthly(entity: str, columns: dict[str, np.ndarray], time: str) -> None:
        bounds = np.searchsorted(columns[time], month_starts)
        for month, a, b in zip(months[:-1], bounds[:-1], bounds[1:], strict=True):
            emit(f"{entity}_{month}.csv", entity, {k: v[a:b] for k, v in columns.items()})

    c = demo.customers
    keep = ["cid", "has_email", "first", "last", "email_no", "domain", "country", "segment"]
    cust = {k: c[k] for k in [*keep, "acquisition", "created"]}
    old = c["created"] < delta_from
    emit("customers.csv", "customers", {k: v[old] for k, v in cust.items()})
    delta = f"customers_{np.datetime64(int(delta_from), 's').astype('datetime64[M]')}_delta.csv"
    emit(delta, "customers", {k: v[~old] for k, v in cust.items()})
    monthly("orders", demo.orders, "ordered")
    emit("subscriptions.csv", "subscriptions", demo.subscriptions)
    i = demo.interactions
    cols = ["iid", "cid", "channel", "touchpoint", "started", "promised", "responded", "resolved"]
    monthly("interactions", {k: i[k] for k in cols}, "started")
    r = demo.responses
    survey = {
        "rid": np.arange(1, len(r["cid"]) + 1),
        **{k: r[k] for k in ("cid", "type", "iid", "touchpoint", "channel", "submitted")},
        "nps": r["nps_out"],
        "ces": np.where(r["ces_out"] > 0, r["ces_out"] - 1, -1),  # 1..7 (8 = bad '9')
        "csat": np.where(r["csat"] > 0, r["csat"] - 1, -1),
        **{k: r[k] for k in ("emotion", "comment", "lang")},
    }
    monthly("survey_responses", survey, "submitted")
    fixed = {k: v[demo.corrected] for k, v in survey.items()}
    fixed["nps"] = r["nps"][demo.corrected]
    emit("survey_responses_corrections.csv", "survey_responses", fixed)

    local, connections = threading.local(), []

    def run(name: str) -> int:
        if not hasattr(local, "con"):  # one duckdb connection per worker thread
            local.con = duckdb.connect(config={"threads": 1})
            connections.append(local.con)
        entity, columns = jobs[name]
        return _copy(local.con, _frame(columns, cats), entity, out / name)

    with ThreadPoolExecutor(max_workers=2) as pool:
        written = dict(zip(jobs, pool.map(run, jobs), strict=True))
    for con in connections:
        con.close()
    return written
