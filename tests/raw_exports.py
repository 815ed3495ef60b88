"""The raw exports of an inbox (its CSV files), read with pandas alone: the independent side of
the oracle tests (tests/test_survival_oracle.py, tests/test_cohort_oracle.py). Nothing here
uses the project's ingest, SQL or macros; it follows the input contract (docs/) as a user
reads it: files of an entity load in name order and a later version of a record (a later
file, or later in the same file) replaces an earlier one; a row with a score outside its
scale, an unreadable timestamp or a wrong number of fields is rejected (quarantined) and does
not count as a version; timestamps with an offset are converted to UTC.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from dateutil.relativedelta import relativedelta

SCALES = {"nps_score": (0, 10), "ces_score": (1, 7), "csat_score": (1, 5)}
# entity: (key, event timestamps)
ENTITIES = {
    "survey_responses": ("response_id", ("submitted_at",)),
    "orders": ("order_id", ("ordered_at",)),
    "interactions": ("interaction_id", ("started_at",)),
    "subscriptions": ("subscription_id", ("started_at", "ended_at")),
    "customers": ("customer_id", ("created_at",)),
}


def utc(values: pd.Series) -> pd.Series:
    """ISO 8601 text to naive UTC timestamps ('' -> NaT)."""
    parsed = pd.to_datetime(values.replace("", None), utc=True, format="ISO8601", errors="coerce")
    return parsed.dt.tz_convert(None)


def read_entity(inbox: Path, entity: str, key: str, timestamps: tuple[str, ...]) -> pd.DataFrame:
    """The latest valid version of each record of `entity` (files named `<entity>*.csv`)."""
    frames = []
    for path in sorted(inbox.glob(f"{entity}*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, on_bad_lines="skip")
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=[key, *timestamps])
    rows = pd.concat(frames, ignore_index=True)
    valid = pd.Series(True, index=rows.index)
    for column in timestamps:
        raw = rows[column]
        rows[column] = utc(raw)
        valid &= (raw == "") | rows[column].notna()
    valid &= rows[timestamps[0]].notna()
    for column, (low, high) in SCALES.items():
        if column in rows:
            raw = rows[column]
            score = pd.to_numeric(raw.where(raw != ""), errors="coerce")
            valid &= (raw == "") | (score.between(low, high) & (score % 1 == 0))
            rows[column] = score
    return rows[valid].drop_duplicates(key, keep="last").reset_index(drop=True)


def as_of(inbox: Path, now: dt.datetime | None = None) -> pd.Timestamp:
    """The latest event of any kind in the exports that is not in the future."""
    now_ts = pd.Timestamp(now or dt.datetime.now(dt.UTC).replace(tzinfo=None))
    latest = []
    for entity, (key, columns) in ENTITIES.items():
        frame = read_entity(inbox, entity, key, columns)
        for column in columns:
            values = frame[column].dropna()
            latest.append(values[values <= now_ts].max())
    return max(value for value in latest if pd.notna(value))


def completed_months(start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Completed calendar months from start to end (dateutil: months added without passing end)."""
    delta = relativedelta(end.to_pydatetime(), start.to_pydatetime())
    return delta.years * 12 + delta.months


def subscriptions(inbox: Path) -> pd.DataFrame:
    return read_entity(inbox, "subscriptions", "subscription_id", ("started_at", "ended_at"))


def orders(inbox: Path) -> pd.DataFrame:
    """Completed orders (an absent or empty status counts as completed)."""
    frame = read_entity(inbox, "orders", "order_id", ("ordered_at",))
    status = frame["status"].str.lower() if "status" in frame else pd.Series("", index=frame.index)
    return frame[status.isin(["completed", ""])].reset_index(drop=True)


def nps_answers(inbox: Path) -> pd.DataFrame:
    """Answers of known-id customers with an NPS score, with their NPS group."""
    frame = read_entity(inbox, "survey_responses", "response_id", ("submitted_at",))
    frame = frame[frame["nps_score"].notna() & (frame["customer_id"] != "")].copy()
    frame["nps_group"] = pd.cut(
        frame["nps_score"], [-1, 6, 8, 10], labels=["detractor", "passive", "promoter"]
    ).astype(str)
    return frame.reset_index(drop=True)
