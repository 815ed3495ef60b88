"""Deterministic, vectorised generator of the demo CRM and survey exports.

The simulation works on numpy arrays only (times as int64 seconds, text as integer codes);
orchestration.demo.writer turns the result into contract CSVs with duckdb. The window is
fixed (2024-11-01 .. 2026-10-31), so the same seed always gives byte-identical files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from orchestration.demo import answers, vocab
from orchestration.demo import effects as fx
from orchestration.demo.writer import write_exports

WINDOW_START = np.datetime64("2024-11-01T00:00:00", "s").astype(np.int64)
WINDOW_END = np.datetime64("2026-11-01T00:00:00", "s").astype(np.int64)  # exclusive
MONTHS = np.arange("2024-11", "2026-11", dtype="datetime64[M]")
MONTH_STARTS = np.append(MONTHS, MONTHS[-1] + 1).astype("datetime64[s]").astype(np.int64)
DELTA_FROM = MONTH_STARTS[-2]  # customers created in the last month go to the delta file
EARLIEST_CUSTOMER = np.datetime64("2021-01-01T00:00:00", "s").astype(np.int64)
HOUR, DAY = 3600, 86400
YEAR, MONTH = 365.25 * DAY, 30.44 * DAY
NAT = np.iinfo(np.int64).min  # null timestamp (NaT once viewed as datetime64)
STREAMS = ("customers", "orders", "interactions", "responses", "subscriptions", "quirks")


@dataclass
class Demo:
    """The simulated exports as column arrays; writer.py formats them."""

    customers: dict[str, np.ndarray]
    orders: dict[str, np.ndarray]
    subscriptions: dict[str, np.ndarray]
    interactions: dict[str, np.ndarray]
    responses: dict[str, np.ndarray]
    corrected: np.ndarray  # row numbers in responses re-delivered with the true nps


def _streams(seed: int) -> dict[str, np.random.Generator]:
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {name: np.random.default_rng(s) for name, s in zip(STREAMS, children, strict=True)}


def _pick(rng, n: int, probs, group: np.ndarray | None = None) -> np.ndarray:
    """Draw n categories from probs (one row, or one row per group) via a 16-bit lookup."""
    cum = np.cumsum(np.atleast_2d(probs), axis=1)
    cum /= cum[:, -1:]
    grid = (np.arange(1 << 16) + 0.5) / (1 << 16)
    lut = np.stack([np.searchsorted(row, grid, side="right") for row in cum])
    lut = np.minimum(lut, cum.shape[1] - 1).astype(np.int8).ravel()
    idx = rng.integers(0, 1 << 16, n, dtype=np.int32)
    return lut[idx if group is None else idx + (group.astype(np.int32) << 16)]


def _spread(rng, per_year: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Poisson event counts per customer, at uniform whole minutes from start to window end."""
    span = WINDOW_END - start
    counts = rng.poisson(per_year * span / YEAR)
    cust = np.repeat(np.arange(len(start), dtype=np.int64), counts)
    t = start[cust] + (rng.random(len(cust)) * span[cust]).astype(np.int64)
    return cust, t // 60 * 60 - WINDOW_START


def _time_order(offset: np.ndarray) -> np.ndarray:
    """Row order by time (ties by row): sorting packed keys is far faster than argsort."""
    bits = max(1, len(offset).bit_length())
    key = np.sort(offset.astype(np.int64) << bits | np.arange(len(offset)))
    return key & ((1 << bits) - 1)


def _customers(rng, n: int) -> dict[str, np.ndarray]:
    persona = _pick(rng, n, fx.PERSONA_SHARE)  # drawn first: it drives everything
    u = rng.random(n)
    before, campaign = u < 0.55, u >= 0.96  # 55% older customers, 4% October campaign
    growth = np.sqrt(1 + 3 * rng.random(n)) - 1  # density rising linearly over the window
    created = np.where(
        before,
        WINDOW_START - rng.random(n) * (WINDOW_START - EARLIEST_CUSTOMER),
        np.where(
            campaign,
            DELTA_FROM + rng.random(n) * (WINDOW_END - DELTA_FROM),
            WINDOW_START + growth * (WINDOW_END - WINDOW_START),
        ),
    ).astype(np.int64)
    country = _pick(rng, n, fx.COUNTRY_MIX)
    lang = (rng.random(n) >= fx.DUTCH_SPEAKING[country]).astype(np.int8)  # 0 nl, 1 en
    _, first_at, first_n = vocab.flat(vocab.FIRST_NAMES)
    _, last_at, last_n = vocab.flat(vocab.LAST_NAMES)
    cid = np.arange(1, n + 1, dtype=np.int64)
    return {
        "persona": persona,
        "cid": cid,
        "created": created // 60 * 60,
        "country": country,
        "segment": (rng.random(n) < fx.B2B_SHARE).astype(np.int8),
        "acquisition": _pick(rng, n, fx.ACQUISITION_MIX, persona),
        "lang": lang,
        "first": (first_at[lang] + rng.random(n) * first_n[lang]).astype(np.int16),
        "last": (last_at[lang] + rng.random(n) * last_n[lang]).astype(np.int16),
        "email_no": cid // 1000 * 1000 + cid * 7919 % 1000,  # unique, looks random
        "domain": _pick(rng, n, [[0.25, 0.15, 0.60], [0.60, 0.40, 0.0]], lang),
        "has_email": rng.random(n) >= 0.02,
        "base": fx.NPS_BASE[persona] + rng.normal(0.0, fx.NPS_BASE_SD, n),
    }


def _orders(rng, persona: np.ndarray, start: np.ndarray) -> dict[str, np.ndarray]:
    cust, t = _spread(rng, fx.ORDERS_PER_YEAR[persona], start)
    bits = len(start).bit_length()  # sort (time, customer) packed in one int64
    key = np.sort(t << bits | cust)
    cust, t = key & ((1 << bits) - 1), (key >> bits) + WINDOW_START
    p, m = persona[cust], len(cust)
    spend = 20 + (fx.ORDER_MEDIAN_EUR[p] - 20) * np.exp(rng.normal(0, 0.7, m))
    amount = np.minimum(np.round(spend, 2), 400.0)  # 20 .. 400 EUR
    lo, hi = fx.DISCOUNT_RATE[p, 0], fx.DISCOUNT_RATE[p, 1]
    rate = np.where(rng.random(m) < fx.DISCOUNTED_ORDERS[p], lo + (hi - lo) * rng.random(m), 0)
    return {
        "oid": np.arange(1, m + 1),
        "cid": cust + 1,
        "ordered": t,
        "amount": amount,
        "discount": np.round(amount * rate, 2),
        "status": _pick(rng, m, fx.ORDER_STATUS_MIX, p),
    }


def _interactions(rng, c: dict[str, np.ndarray], start: np.ndarray) -> dict[str, np.ndarray]:
    """Contact moments in customer-major order, with their hidden valence and effort."""
    cust, t = _spread(rng, fx.INTERACTIONS_PER_YEAR[c["persona"]], start)
    key = np.sort(cust << 26 | t)  # customer-major; 2 years of seconds fit in 26 bits
    cust, t = key >> 26, (key & ((1 << 26) - 1)) + WINDOW_START
    m, p = len(cust), c["persona"][cust]
    tp = _pick(rng, m, fx.TOUCHPOINT_MIX, p)
    ch = _pick(rng, m, fx.CHANNEL_MIX, tp)
    promise = rng.random(m) < fx.PROMISE_SHARE
    broken = promise & (rng.random(m) < fx.BROKEN_SHARE)
    horizon = fx.PROMISE_HOURS[_pick(rng, m, [0.40, 0.35, 0.25])] * HOUR
    promised = np.where(promise, t + horizon, NAT)
    quick = np.maximum(300, rng.lognormal(np.log(5 * HOUR), 1.0, m))
    kept_at = (0.1 + 0.8 * rng.random(m)) * horizon
    late = horizon + HOUR + rng.exponential(30 * HOUR, m)
    responded = t + np.where(broken, late, np.where(promise, kept_at, quick)).astype(np.int64)
    resolve = rng.lognormal(np.log(20 * HOUR), 1.0, m).astype(np.int64)
    resolved = np.where(rng.random(m) < 0.85, responded + resolve, NAT)
    resolved[(resolved >= WINDOW_END) | (responded >= WINDOW_END)] = NAT
    responded[responded >= WINDOW_END] = NAT  # not yet happened at export time
    return {
        "cust": cust,
        "key": key,
        "started": t,
        "touchpoint": tp,
        "channel": ch,
        "promised": promised,
        "responded": responded,
        "resolved": resolved,
        "promise": promise,
        "broken": broken,
        "valence": fx.interaction_valence(rng, p, tp, promise, broken),
        "ces": fx.interaction_effort(rng, p, tp, ch, broken),
    }


def _responses(rng, c, inter, start) -> dict[str, np.ndarray]:
    """Transactional answers to interactions plus monthly relational pulse answers."""
    persona, base = c["persona"], c["base"]
    ic = inter["cust"]
    answered = rng.random(len(ic)) < fx.TRANSACTIONAL_RESPONSE[persona[ic]]
    anchor = np.where(inter["promise"], inter["promised"], inter["started"])
    sub = anchor + 600 + (rng.random(len(ic)) * 47 * HOUR).astype(np.int64)
    tx = np.flatnonzero(answered & (sub < WINDOW_END))
    tx_nps = fx.transactional_nps(
        rng, base[ic[tx]], inter["valence"][tx], inter["ces"][tx], inter["broken"][tx]
    )
    # monthly pulse: customer x month answer draws, flattened customer-major
    months = len(MONTH_STARTS) - 1
    draw = rng.random((len(base), months), dtype=np.float32)
    cell = np.flatnonzero(draw < fx.RELATIONAL_RESPONSE[persona].astype(np.float32)[:, None])
    rc, m0, m1 = cell // months, MONTH_STARTS[cell % months], MONTH_STARTS[cell % months + 1]
    rt = m0 + (rng.random(len(cell)) * (m1 - m0)).astype(np.int64) // 60 * 60
    rc, rt = rc[rt > start[rc]], rt[rt > start[rc]]
    peak, end, mean = fx.peak_end_mean(
        inter["key"], inter["valence"], rc << 26 | (rt - WINDOW_START), fx.LOOKBACK_DAYS * DAY
    )
    rel_ces = fx.relational_ces(rng, persona[rc], end)
    rel_nps = fx.relational_nps(rng, base[rc], peak, end, mean, rel_ces)
    rel_val = fx.clip_round((rel_nps - 6.5) / 1.2 + rng.normal(0, 0.5, len(rc)), -3, 3)
    none = np.full(len(rc), -1, dtype=np.int8)
    r = {
        "cust": np.concatenate([ic[tx], rc]),
        "type": np.repeat(np.array([1, 0], dtype=np.int8), [len(tx), len(rc)]),
        "inter": np.concatenate([tx, np.full(len(rc), -1)]),
        "touchpoint": np.concatenate([inter["touchpoint"][tx], none]),
        "channel": np.concatenate([inter["channel"][tx], none]),
        "submitted": np.concatenate([sub[tx], rt]),
        "latent": np.concatenate([tx_nps, rel_nps]),
        "ces": np.concatenate([inter["ces"][tx], rel_ces]),
        "valence": np.concatenate([inter["valence"][tx], rel_val]),
    }
    order = _time_order(r["submitted"] - WINDOW_START)
    return {k: v[order] for k, v in r.items()}


def simulate(customers: int = 5000, seed: int = 42) -> Demo:
    rng = _streams(seed)
    c = _customers(rng["customers"], customers)
    start = np.maximum(c["created"], WINDOW_START)
    inter = _interactions(rng["interactions"], c, start)
    r = _responses(rng["responses"], c, inter, start)
    answers.score(rng["responses"], r, c["lang"])
    # the customer's NPS group (mean latent over their answers) sets the churn hazard
    counts = np.bincount(r["cust"], minlength=customers)
    mean = np.bincount(r["cust"], weights=r["latent"], minlength=customers)
    nps_mean = np.where(counts > 0, mean / np.maximum(counts, 1), c["base"])
    corrected = answers.quirks(rng["quirks"], r, customers)
    time_order = _time_order(inter["started"] - WINDOW_START)
    iid = np.empty(len(time_order), dtype=np.int64)
    iid[time_order] = np.arange(1, len(time_order) + 1)
    r["iid"] = np.where(r["inter"] >= 0, iid[r["inter"]], 0)
    out = ("cust", "started", "touchpoint", "channel", "promised", "responded", "resolved")
    inter = {k: inter[k][time_order] for k in out}
    inter["iid"], inter["cid"] = np.arange(1, len(time_order) + 1), inter["cust"] + 1
    return Demo(
        customers=c,
        orders=_orders(rng["orders"], c["persona"], start),
        subscriptions=_subscriptions(rng["subscriptions"], c, nps_mean),
        interactions=inter,
        responses=r,
        corrected=corrected,
    )


def _subscriptions(rng, c: dict[str, np.ndarray], nps_mean: np.ndarray) -> dict[str, np.ndarray]:
    n = len(nps_mean)
    started = (c["created"] + rng.exponential(45 * DAY, n)).astype(np.int64) // 60 * 60
    who = np.flatnonzero((rng.random(n) < fx.SUBSCRIBERS[c["persona"]]) & (started < WINDOW_END))
    who = who[_time_order(started[who] - EARLIEST_CUSTOMER)]
    hazard = fx.CHURN_HAZARD[fx.nps_group(nps_mean[who])]
    ended = started[who] + (rng.exponential(1.0 / hazard) * MONTH).astype(np.int64) // 60 * 60
    plan = _pick(rng, len(who), fx.PLAN_MIX, c["segment"][who])
    return {
        "sid": np.arange(1, len(who) + 1),
        "cid": who + 1,
        "plan": plan,
        "started": started[who],
        "ended": np.where(ended < WINDOW_END, ended, NAT),
        "amount": fx.PLAN_PRICE[plan],
    }


def customers_for(responses: int, seed: int = 42) -> int:
    """How many customers give roughly this many survey responses (from a pilot draw)."""
    pilot = _customers(_streams(seed)["customers"], 20_000)
    p = pilot["persona"]
    start = np.maximum(pilot["created"], WINDOW_START)
    months = (WINDOW_END - start) / MONTH
    tx = fx.INTERACTIONS_PER_YEAR[p] * months / 12 * fx.TRANSACTIONAL_RESPONSE[p]
    per_customer = float(np.mean(fx.RELATIONAL_RESPONSE[p] * months + tx))
    return max(1, round(responses / per_customer))


def persona_of(customers: int = 5000, seed: int = 42) -> np.ndarray:
    """The hidden persona code per customer (index into effects.PERSONAS), for checks."""
    return _customers(_streams(seed)["customers"], customers)["persona"]


def generate(
    out_dir: Path, customers: int = 5000, seed: int = 42, responses: int | None = None
) -> dict[str, int]:
    """Write the demo exports into out_dir; returns rows written per file name."""
    if responses is not None:
        customers = customers_for(responses, seed)
    return write_exports(simulate(customers, seed), Path(out_dir), MONTH_STARTS, DELTA_FROM)
