"""Deterministic, vectorised generator of the demo CRM and survey exports.

The simulation works on numpy arrays only (times as int64 seconds, text as integer codes);
orchestration.demo.writer turns the result into contract CSVs with duckdb. The window is
fixed (2024-11-01 .. 2026-10-31), so the same seed always gives byte-identical files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from orchestration.demo import effects as fx
from orchestration.demo import vocab
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
ANONYMOUS, UNKNOWN, CORRECTED, BAD, SKIPPED = 0.03, 0.01, 0.005, 0.0005, 0.07


@dataclass
class Demo:
    """The simulated exports as column arrays; writer.py formats them."""

    customers: dict[str, np.ndarray]
    orders: dict[str, np.ndarray]
    subscriptions: dict[str, np.ndarray]
    interactions: dict[str, np.ndarray]
    responses: dict[str, np.ndarray]
    corrected: np.ndarray  # row numbers in responses re-delivered with the true nps
    persona: np.ndarray = field(repr=False)


def _streams(seed: int) -> dict[str, np.random.Generator]:
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {name: np.random.default_rng(s) for name, s in zip(STREAMS, children, strict=True)}


def _pick(u: np.ndarray, probs, group: np.ndarray | None = None) -> np.ndarray:
    """Draw a category per row from uniforms u; probs is one row or one row per group."""
    cum = np.cumsum(np.atleast_2d(probs), axis=1)
    cum /= cum[:, -1:]
    k = cum.shape[1]
    g = 0 if group is None else group  # row g of the table shifted into [g, g + 1]
    code = np.searchsorted((cum + np.arange(len(cum))[:, None]).ravel(), u + g, side="right")
    return np.minimum(code - g * k, k - 1).astype(np.int8)


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
    persona = _pick(rng.random(n), fx.PERSONA_SHARE)  # drawn first: it drives everything
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
    country = _pick(rng.random(n), fx.COUNTRY_MIX)
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
        "acquisition": _pick(rng.random(n), fx.ACQUISITION_MIX, persona),
        "lang": lang,
        "first": (first_at[lang] + rng.random(n) * first_n[lang]).astype(np.int16),
        "last": (last_at[lang] + rng.random(n) * last_n[lang]).astype(np.int16),
        "email_no": cid // 1000 * 1000 + cid * 7919 % 1000,  # unique, looks random
        "domain": _pick(rng.random(n), [[0.25, 0.15, 0.60], [0.60, 0.40, 0.0]], lang),
        "has_email": rng.random(n) >= 0.02,
        "base": fx.NPS_BASE[persona] + rng.normal(0.0, fx.NPS_BASE_SD, n),
    }


def _orders(rng, persona: np.ndarray, start: np.ndarray) -> dict[str, np.ndarray]:
    cust, t = _spread(rng, fx.ORDERS_PER_YEAR[persona], start)
    bits = len(start).bit_length()  # sort (time, customer) packed in one int64
    key = np.sort(t << bits | cust)
    cust, t = key & ((1 << bits) - 1), (key >> bits) + WINDOW_START
    p, m = persona[cust], len(cust)
    amount = np.clip(np.round(fx.ORDER_MEDIAN_EUR[p] * np.exp(rng.normal(0, 0.6, m)), 2), 20, 400)
    lo, hi = fx.DISCOUNT_RATE[p, 0], fx.DISCOUNT_RATE[p, 1]
    rate = np.where(rng.random(m) < fx.DISCOUNTED_ORDERS[p], lo + (hi - lo) * rng.random(m), 0)
    return {
        "oid": np.arange(1, m + 1),
        "cid": cust + 1,
        "ordered": t,
        "amount": amount,
        "discount": np.round(amount * rate, 2),
        "status": _pick(rng.random(m), fx.ORDER_STATUS_MIX, p),
    }


def _interactions(rng, c: dict[str, np.ndarray], start: np.ndarray) -> dict[str, np.ndarray]:
    """Contact moments in customer-major order, with their hidden valence and effort."""
    cust, t = _spread(rng, fx.INTERACTIONS_PER_YEAR[c["persona"]], start)
    key = np.sort(cust << 26 | t)  # customer-major; 2 years of seconds fit in 26 bits
    cust, t = key >> 26, (key & ((1 << 26) - 1)) + WINDOW_START
    m, p = len(cust), c["persona"][cust]
    tp = _pick(rng.random(m), fx.TOUCHPOINT_MIX, p)
    ch = _pick(rng.random(m), fx.CHANNEL_MIX, tp)
    promise = rng.random(m) < fx.PROMISE_SHARE
    broken = promise & (rng.random(m) < fx.BROKEN_SHARE)
    horizon = fx.PROMISE_HOURS[_pick(rng.random(m), [0.40, 0.35, 0.25])] * HOUR
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
    rel_cust, rel_at = [], []
    for m0, m1 in zip(MONTH_STARTS[:-1], MONTH_STARTS[1:], strict=True):
        at = m0 + (rng.random(len(base)) * (m1 - m0)).astype(np.int64) // 60 * 60
        yes = np.flatnonzero((rng.random(len(base)) < fx.RELATIONAL_RESPONSE[persona]) & (at > start))
        rel_cust.append(yes)
        rel_at.append(at[yes])
    rc, rt = np.concatenate(rel_cust), np.concatenate(rel_at)
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


def _score(rng, r: dict[str, np.ndarray], lang_of: np.ndarray) -> None:
    """Observed answers: scores, emotion label, comment, language, skipped questions."""
    n = len(r["cust"])
    lang = lang_of[r["cust"]]
    r["lang"], r["nps"] = lang, fx.clip_round(r["latent"], 0, 10)
    csat_tx = 3.3 + 0.45 * r["valence"] + 0.25 * (r["ces"] - 5.0)
    csat_rel = 3.0 + 0.45 * (r["latent"] - 7.0)
    csat = np.where(r["type"] == 1, csat_tx, csat_rel) + rng.normal(0, 0.6, n)
    r["csat"] = fx.clip_round(csat, 1, 5)
    _, table, counts = vocab.emotion_table()
    v = r["valence"] + 3
    r["emotion"] = table[lang, v, (rng.random(n) * counts[lang, v]).astype(np.int64)]
    _, table, counts = vocab.comment_table()
    g = fx.nps_group(r["nps"])
    comment = table[lang, g, (rng.random(n) * counts[lang, g]).astype(np.int64)]
    r["comment"] = np.where(rng.random(n) < 0.45, -1, comment)
    r["emotion"][rng.random(n) < 0.05] = -1
    for col in ("nps", "ces", "csat"):  # skipped questions (-1 = empty)
        r[col][rng.random(n) < SKIPPED] = -1


def _quirks(rng, r: dict[str, np.ndarray], n_customers: int) -> np.ndarray:
    """Anonymous and unknown customers, mistyped scores re-delivered later, invalid rows."""
    n = len(r["cust"])
    r["cid"] = r["cust"].astype(np.int64) + 1
    anonymous = rng.random(n) < ANONYMOUS
    rel = np.flatnonzero((r["type"] == 0) & ~anonymous)
    unknown = rel[rng.random(len(rel)) < UNKNOWN * n / max(len(rel), 1)]
    ghosts = max(10, n_customers // 50)  # a pool of ids that are not in customers
    r["cid"][unknown] = n_customers + 1 + rng.integers(0, ghosts, len(unknown))
    r["cid"][anonymous] = 0
    r["nps_out"], r["ces_out"] = r["nps"].copy(), r["ces"].copy()
    answered = np.flatnonzero(r["nps"] >= 0)
    picked = rng.choice(answered, round(CORRECTED * n) + max(3, round(BAD * n)), replace=False)
    corrected, bad = np.sort(picked[: round(CORRECTED * n)]), picked[round(CORRECTED * n) :]
    shift = rng.choice(np.array([-3, -2, 2, 3], dtype=np.int8), len(corrected))
    wrong = r["nps"][corrected] + shift
    r["nps_out"][corrected] = np.where((wrong < 0) | (wrong > 10), wrong - 2 * shift, wrong)
    kind = np.arange(len(bad)) % 3  # nps 11, nps 'abc', ces 9
    r["nps_out"][bad[kind == 0]], r["nps_out"][bad[kind == 1]] = 11, 12
    r["ces_out"][bad[kind == 2]] = 8
    return corrected


def simulate(customers: int = 5000, seed: int = 42) -> Demo:
    rng = _streams(seed)
    c = _customers(rng["customers"], customers)
    start = np.maximum(c["created"], WINDOW_START)
    inter = _interactions(rng["interactions"], c, start)
    r = _responses(rng["responses"], c, inter, start)
    _score(rng["responses"], r, c["lang"])
    # the customer's NPS group (mean latent over their answers) sets the churn hazard
    counts = np.bincount(r["cust"], minlength=customers)
    mean = np.bincount(r["cust"], weights=r["latent"], minlength=customers)
    nps_mean = np.where(counts > 0, mean / np.maximum(counts, 1), c["base"])
    corrected = _quirks(rng["quirks"], r, customers)
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
        persona=c["persona"],
    )


def _subscriptions(rng, c: dict[str, np.ndarray], nps_mean: np.ndarray) -> dict[str, np.ndarray]:
    n = len(nps_mean)
    started = (c["created"] + rng.exponential(45 * DAY, n)).astype(np.int64) // 60 * 60
    who = np.flatnonzero((rng.random(n) < fx.SUBSCRIBERS[c["persona"]]) & (started < WINDOW_END))
    who = who[_time_order(started[who] - EARLIEST_CUSTOMER)]
    hazard = fx.CHURN_HAZARD[fx.nps_group(nps_mean[who])]
    ended = started[who] + (rng.exponential(1.0 / hazard) * MONTH).astype(np.int64) // 60 * 60
    plan = _pick(rng.random(len(who)), fx.PLAN_MIX, c["segment"][who])
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
