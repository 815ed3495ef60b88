"""The planted behaviour of the demo data: persona tables and the score model.

Every customer gets a hidden persona first; the tables below (indexed by persona, in the
order of PERSONAS) drive how often they buy, call, answer, churn and how they score.
docs/demo_data.md lists the effects these numbers plant and their measured sizes.
"""

from __future__ import annotations

import numpy as np

from orchestration.ingest.contract import CHANNELS, ENTITIES, TOUCHPOINTS

PERSONAS = ("ambassador", "loyal_passive", "shopper", "walk_away")
PERSONA_SHARE = np.array([0.20, 0.30, 0.25, 0.25])


def allowed(entity: str, column: str) -> tuple[str, ...]:
    """The contract's allowed codes of one column."""
    return next(c.allowed for c in ENTITIES[entity].columns if c.name == column)


# --- customers and subscriptions ---------------------------------------------------------
COUNTRIES, COUNTRY_MIX = ("NL", "BE", "DE"), np.array([0.80, 0.15, 0.05])
DUTCH_SPEAKING = np.array([0.90, 0.60, 0.0])  # share answering in Dutch, per country
SEGMENTS, B2B_SHARE = allowed("customers", "segment"), 0.15  # ("b2c", "b2b")
PLANS, PLAN_PRICE = ("basic", "plus", "premium"), np.array([9.95, 19.95, 39.95])
PLAN_MIX = np.array([[0.50, 0.35, 0.15], [0.20, 0.40, 0.40]])  # per segment

# --- behaviour per persona (ambassador, loyal_passive, shopper, walk_away) ----------------
NPS_BASE = np.array([8.1, 7.1, 6.7, 6.7])  # customer anchor of the NPS latent
NPS_BASE_SD = 0.45  # spread of that anchor between customers of one persona
ORDERS_PER_YEAR = np.array([7.0, 10.0, 6.0, 3.0])
ORDER_MEDIAN_EUR = np.array([95.0, 80.0, 55.0, 60.0])
DISCOUNTED_ORDERS = np.array([0.08, 0.06, 0.80, 0.10])  # share of orders with a discount
DISCOUNT_RATE = np.array([[0.05, 0.15], [0.05, 0.15], [0.25, 0.40], [0.05, 0.15]])
ORDER_STATUS = ("completed", "cancelled", "returned")
ORDER_STATUS_MIX = np.array([[0.93, 0.03, 0.04], [0.93, 0.03, 0.04], [0.88, 0.05, 0.07],
                             [0.82, 0.06, 0.12]])  # fmt: skip
INTERACTIONS_PER_YEAR = np.array([4.0, 3.0, 3.5, 6.0])
TRANSACTIONAL_RESPONSE = np.array([0.60, 0.50, 0.12, 0.45])  # answer chance per interaction
RELATIONAL_RESPONSE = np.array([0.50, 0.42, 0.06, 0.33])  # answer chance per monthly pulse
SUBSCRIBERS = np.array([0.74, 0.80, 0.44, 0.58])  # share of customers with a subscription
ACQUISITION = ("search", "social", "referral", "store", "partner")
ACQUISITION_MIX = np.array([
    [0.20, 0.15, 0.45, 0.15, 0.05],
    [0.30, 0.10, 0.20, 0.30, 0.10],
    [0.40, 0.30, 0.05, 0.05, 0.20],
    [0.35, 0.25, 0.10, 0.15, 0.15],
])  # fmt: skip

# --- contact moments --------------------------------------------------------------------
# touchpoint mix per persona, in contract order: orientation purchase delivery onboarding
# support billing complaint renewal
TOUCHPOINT_MIX = np.array([
    [0.14, 0.22, 0.16, 0.12, 0.14, 0.07, 0.03, 0.12],
    [0.08, 0.24, 0.20, 0.10, 0.14, 0.08, 0.04, 0.12],
    [0.24, 0.28, 0.16, 0.06, 0.10, 0.06, 0.05, 0.05],
    [0.06, 0.12, 0.14, 0.08, 0.22, 0.14, 0.18, 0.06],
])  # fmt: skip
# channel mix per touchpoint, in contract order: phone email chat store web app
CHANNEL_MIX = np.array([
    [0.05, 0.05, 0.10, 0.25, 0.35, 0.20],
    [0.05, 0.05, 0.10, 0.30, 0.30, 0.20],
    [0.15, 0.30, 0.20, 0.00, 0.15, 0.20],
    [0.20, 0.25, 0.20, 0.05, 0.10, 0.20],
    [0.35, 0.20, 0.30, 0.05, 0.05, 0.05],
    [0.30, 0.40, 0.15, 0.00, 0.10, 0.05],
    [0.45, 0.30, 0.20, 0.05, 0.00, 0.00],
    [0.25, 0.30, 0.10, 0.05, 0.20, 0.10],
])  # fmt: skip
assert TOUCHPOINT_MIX.shape[1] == len(TOUCHPOINTS) and CHANNEL_MIX.shape[1] == len(CHANNELS)
PROMISE_SHARE = 0.40  # interactions that carry a promise (promised_by)
PROMISE_HOURS = np.array([4, 24, 48])
BROKEN_SHARE = 0.20  # promises answered after promised_by; independent of persona

# hidden emotion valence (-3..3) of an interaction
VALENCE_PERSONA = np.array([1.3, 0.6, 0.0, -1.0])
VALENCE_TOUCHPOINT = np.array([0.3, 0.5, 0.0, 0.2, -0.4, -0.6, -1.5, 0.1])
VALENCE_BROKEN, VALENCE_KEPT = -2.8, 0.3
VALENCE_SD = np.array([1.0, 0.6, 0.8, 1.0])  # loyal_passive: uneventful contacts
# effort of an interaction as the customer's CES answer (1..7, 7 = very easy)
CES_BASE, CES_SD, CES_BROKEN = 5.0, 1.0, -1.8
CES_PERSONA = np.array([0.4, 0.6, 0.0, -0.8])
CES_TOUCHPOINT = np.array([0.3, 0.4, 0.0, -0.3, -0.6, -0.7, -1.3, 0.0])
CES_CHANNEL = np.array([-0.3, -0.4, 0.0, 0.3, 0.2, 0.4])

# --- the NPS model ----------------------------------------------------------------------
# transactional: base + W_VALENCE*valence + W_CES*(ces - 5) + W_BROKEN*broken + noise
W_VALENCE, W_CES, W_BROKEN, NPS_SD = 0.4, 0.5, -1.0, 0.6
# relational: base + W_PEAK*peak + W_END*end + W_MEAN*mean + W_CES_REL*(ces - 5) + noise,
# over the valences of the customer's interactions in the LOOKBACK_DAYS before the answer
W_PEAK, W_END, W_MEAN, W_CES_REL = 0.55, 0.45, 0.10, 0.30
LOOKBACK_DAYS = 180
PEAK_ORDER = (-3, 3, -2, 2, -1, 1)  # most extreme wins; negative wins a tie
# monthly subscription churn hazard by the customer's NPS group (detractor, passive, promoter)
CHURN_HAZARD = np.array([0.060, 0.030, 0.012])


def clip_round(x: np.ndarray, lo: int, hi: int) -> np.ndarray:
    return np.clip(np.rint(x), lo, hi).astype(np.int8)


def nps_group(x: np.ndarray) -> np.ndarray:
    """0 detractor (< 6.5), 1 passive, 2 promoter (>= 8.5) for latent or integer scores."""
    return (x >= 6.5).astype(np.int8) + (x >= 8.5)


def interaction_valence(rng, persona, touchpoint, promise, broken) -> np.ndarray:
    latent = (
        VALENCE_PERSONA[persona]
        + VALENCE_TOUCHPOINT[touchpoint]
        + np.where(broken, VALENCE_BROKEN, np.where(promise, VALENCE_KEPT, 0.0))
        + rng.normal(0.0, 1.0, len(persona)) * VALENCE_SD[persona]
    )
    return clip_round(latent, -3, 3)


def interaction_effort(rng, persona, touchpoint, channel, broken) -> np.ndarray:
    latent = (
        CES_BASE
        + CES_PERSONA[persona]
        + CES_TOUCHPOINT[touchpoint]
        + CES_CHANNEL[channel]
        + CES_BROKEN * broken
        + rng.normal(0.0, CES_SD, len(persona))
    )
    return clip_round(latent, 1, 7)


def transactional_nps(rng, base, valence, ces, broken) -> np.ndarray:
    noise = rng.normal(0.0, NPS_SD, len(base))
    return base + W_VALENCE * valence + W_CES * (ces - 5.0) + W_BROKEN * broken + noise


def relational_ces(rng, persona, end) -> np.ndarray:
    return clip_round(
        CES_BASE + CES_PERSONA[persona] + 0.3 * end + rng.normal(0, 1, len(end)), 1, 7
    )


def relational_nps(rng, base, peak, end, mean, ces) -> np.ndarray:
    noise = rng.normal(0.0, NPS_SD, len(base))
    return base + W_PEAK * peak + W_END * end + W_MEAN * mean + W_CES_REL * (ces - 5.0) + noise


def peak_end_mean(history_key, valence, answer_key, lookback_key):
    """Peak, end and mean valence of the interactions in [answer - lookback, answer).

    history_key and answer_key are customer-major sort keys (customer << 26 | seconds), the
    history sorted; an answer without interactions in its window gets 0 for all three.
    """
    hi = np.searchsorted(history_key, answer_key, side="left")
    lo = np.searchsorted(history_key, answer_key - lookback_key, side="left")
    lo = np.maximum(lo, np.searchsorted(history_key, answer_key >> 26 << 26, side="left"))
    has = hi > lo
    v = valence.astype(np.int32)
    cum = np.concatenate([[0], np.cumsum(v)])
    mean = np.where(has, (cum[hi] - cum[lo]) / np.maximum(hi - lo, 1), 0.0)
    end = np.where(has, v[np.maximum(hi - 1, 0)], 0)
    peak = np.zeros(len(answer_key), dtype=np.int8)
    for level in PEAK_ORDER:
        count = np.concatenate([[0], np.cumsum(v == level, dtype=np.int32)])
        peak = np.where((peak == 0) & (count[hi] > count[lo]), level, peak)
    return peak, end, mean
