"""Observed survey answers: scores, emotion labels, comments, skipped questions, data quirks.

Works on the response arrays that generator.py simulates (latent NPS, effort, valence) and
adds what a survey tool export looks like, including the documented imperfections.
"""

from __future__ import annotations

import numpy as np

from orchestration.demo import effects as fx
from orchestration.demo import vocab

ANONYMOUS = 0.03  # answers without customer_id
UNKNOWN = 0.01  # answers with a customer_id that is not in the customer exports
CORRECTED = 0.005  # answers whose nps_score was mistyped and is re-delivered corrected
BAD = 0.0005  # invalid rows (nps_score 11 or 'abc', ces_score 9); at least 3 from 300 answers
SKIPPED = 0.07  # each of nps/ces/csat left empty
NO_EMOTION, NO_COMMENT = 0.05, 0.45


def score(rng, r: dict[str, np.ndarray], lang_of: np.ndarray) -> None:
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
    r["comment"] = np.where(rng.random(n) < NO_COMMENT, -1, comment)
    r["emotion"][rng.random(n) < NO_EMOTION] = -1
    for col in ("nps", "ces", "csat"):  # skipped questions (-1 = empty)
        r[col][rng.random(n) < SKIPPED] = -1


def quirks(rng, r: dict[str, np.ndarray], n_customers: int) -> np.ndarray:
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
    fixes = min(round(CORRECTED * n), len(answered))
    planted = min(fixes + min(max(3, round(BAD * n)), n // 100), len(answered))
    picked = rng.choice(answered, planted, replace=False)
    corrected, bad = np.sort(picked[:fixes]), picked[fixes:]
    shift = rng.choice(np.array([-3, -2, 2, 3], dtype=np.int8), len(corrected))
    wrong = r["nps"][corrected] + shift
    r["nps_out"][corrected] = np.where((wrong < 0) | (wrong > 10), wrong - 2 * shift, wrong)
    kind = np.arange(len(bad)) % 3  # nps 11, nps 'abc', ces 9
    r["nps_out"][bad[kind == 0]], r["nps_out"][bad[kind == 1]] = 11, 12
    r["ces_out"][bad[kind == 2]] = 8
    return corrected
