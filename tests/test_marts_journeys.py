"""Journey, promise and closed-loop marts: by hand on the fixture, planted effects on the demo.

Exact small cases (ties, empty groups, window and 48-hour boundaries) are dbt unit tests in
models/marts/journeys/_journeys__models.yml and models/intermediate/journeys/; this file checks
the built marts end to end: the fixture inbox computed by hand, and the demo generator's planted
effects (orchestration/demo/effects.py) coming back with the right sign and size.
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest


def rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def adjusted(promoters: int, detractors: int, n: int) -> tuple[float, float]:
    """Adjusted-Wald estimate and se in NPS points, written independently of the macros."""
    n_adj = n + 3
    p, d = (promoters + 0.75) / n_adj, (detractors + 0.75) / n_adj
    return 100 * (p - d), 100 * math.sqrt((p + d - (p - d) ** 2) / n_adj)


# --- fixture inbox, by hand ---------------------------------------------------------------
# Promises: I001 (C001, phone) promised 01-11 09:00, responded 01-10 15:00 -> kept, 24 h;
# I002 (C004, email) promised 01-13 10:00, responded 01-15 10:00 -> broken, 48 h late;
# I005 (C006, web) promised 02-12 08:00, responded 02-11 17:00 -> kept, 48 h promised.
# Emotions: R001 names I001 (opluchting, +2), R002 I003 (satisfaction, +2), R004 I002
# (frustratie, -3), R011 I004 (calm, +1), R012 I005 (enthusiasm, +3).
# Journeys: relational NPS answers of known customers: R003 (C003, 7; its I004 comes after),
# R009 (C001, 9; I001 support +2), R010 (C002, re-delivered 6 -> 9; I003 billing +2), R014
# (C005, 10; no contacts). R005 anonymous, R006 skipped NPS, R007 unknown customer, R008 and
# R013 quarantined.


def test_fixture_promises(fixture_warehouse: Path) -> None:
    got = rows(
        fixture_warehouse,
        "select interaction_id, customer_id, channel, status, is_kept, promised_hours, hours_late "
        "from marts.fct_promises order by interaction_id",
    )
    assert got == [
        ("I001", "C001", "phone", "kept", True, 24.0, 0.0),
        ("I002", "C004", "email", "broken", False, 24.0, 48.0),
        ("I005", "C006", "web", "kept", True, 48.0, 0.0),
    ]


def test_fixture_journeys(fixture_warehouse: Path) -> None:
    got = rows(
        fixture_warehouse,
        "select journey_id, customer_id, contact_moments, touchpoints, emotions_observed, "
        "mean_valence, peak_valence, end_valence, peak_end_score, nps_score, nps_category, "
        "broken_promises from marts.fct_customer_journeys order by journey_id",
    )
    assert got == [
        ("R003", "C003", 0, None, 0, None, None, None, None, 7, "passive", 0),
        ("R009", "C001", 1, "support", 1, 2.0, 2, 2, 2.0, 9, "promoter", 0),
        ("R010", "C002", 1, "billing", 1, 2.0, 2, 2, 2.0, 9, "promoter", 0),
        ("R014", "C005", 0, None, 0, None, None, None, None, 10, "promoter", 0),
    ]


def test_fixture_touchpoint_drivers(fixture_warehouse: Path) -> None:
    got = rows(
        fixture_warehouse,
        "select touchpoint, negative_journeys, positive_journeys, positive_promoters, "
        "positive_nps, nps_difference, is_small_sample from marts.fct_touchpoint_drivers "
        "order by journey_order",
    )
    assert len(got) == 8  # every touchpoint of the seed, with or without journeys
    by_touchpoint = {r[0]: r[1:] for r in got}
    # one positive experience each (a promoter), no negative one: no difference to compute
    assert by_touchpoint["support"] == (0, 1, 1, 100.0, None, True)
    assert by_touchpoint["billing"] == (0, 1, 1, 100.0, None, True)
    assert by_touchpoint["complaint"] == (0, 0, 0, None, None, True)


def test_fixture_promise_impact(fixture_warehouse: Path) -> None:
    # Next answers: I001 -> R001 (10), I005 -> R012 (10; 2025-03-01T00:30+01:00 is 18.6 days
    # later), I002 -> R004 (3). Kept: 2 promoters; broken: 1 detractor.
    got = rows(
        fixture_warehouse,
        "select channel, kept_promises, kept_responses, kept_promoters, kept_nps, "
        "broken_promises, broken_responses, broken_detractors, broken_nps, nps_difference, "
        "nps_difference_adjusted, nps_difference_ci_low, nps_difference_ci_high, "
        "nps_difference_z from marts.fct_promise_impact",
    )
    by_channel = {r[0]: r[1:] for r in got}
    assert set(by_channel) == {"all", "phone", "email", "chat", "store", "web", "app"}
    overall = by_channel["all"]
    assert overall[:9] == (2, 2, 2, 100.0, 1, 1, 1, -100.0, 200.0)
    (kept, kept_se), (broken, broken_se) = adjusted(2, 0, 2), adjusted(0, 1, 1)
    se = math.sqrt(kept_se**2 + broken_se**2)
    assert overall[9] == pytest.approx(kept - broken)  # 0.65 - 0 = 65 points
    assert overall[10] == pytest.approx(kept - broken - 1.96 * se)
    assert overall[11] == pytest.approx(kept - broken + 1.96 * se)
    assert overall[12] == pytest.approx((kept - broken) / se)
    assert by_channel["phone"][:4] == (1, 1, 1, 100.0)
    assert by_channel["email"][4:8] == (1, 1, 1, -100.0)
    assert by_channel["chat"][:2] == (0, 0)


def test_fixture_detractor_followups(fixture_warehouse: Path) -> None:
    # R004 (C004, 3) on 01-16; C004 has no contact after it; the as-of date (latest event,
    # 2025-03-15) is weeks later -> overdue. R007 (0) is of a customer unknown to the CRM; R010's
    # 6 was corrected to 9.
    got = rows(
        fixture_warehouse,
        "select response_id, customer_id, nps_score, touchpoint, channel, "
        "followup_interaction_id, hours_to_followup, status from marts.fct_detractor_followups",
    )
    assert got == [("R004", "C004", 3, "complaint", "email", None, None, "overdue")]


# --- demo data: planted effects -----------------------------------------------------------


def test_broken_promise_lowers_the_next_nps(demo_warehouse: Path) -> None:
    # Planted: a broken promise lowers the contact's valence by 2.8, its effort by 1.8 and the
    # next transactional NPS by 1.0 directly. Measured (2,000 customers, seed 7): next-answer
    # NPS -12.4 after 2,244 kept vs -82.5 after 525 broken promises: +70 points, interval
    # [65, 75], z 27. Every channel: +46 (phone) to +93 (store), each significant.
    got = rows(
        demo_warehouse,
        "select channel, kept_responses, broken_responses, kept_nps, broken_nps, "
        "nps_difference, nps_difference_ci_low, nps_difference_z, is_significant "
        "from marts.fct_promise_impact",
    )
    by_channel = {r[0]: r[1:] for r in got}
    kept_n, broken_n, kept_nps, broken_nps, diff, ci_low, z, significant = by_channel["all"]
    assert kept_n > 1000 and broken_n > 200
    assert kept_nps > broken_nps
    assert 40 < diff < 100
    assert ci_low > 0 and z > 10 and significant
    for channel, values in by_channel.items():
        assert values[4] > 0 and values[7], channel


def test_peak_end_predicts_closing_nps_better_than_the_mean(demo_warehouse: Path) -> None:
    # Planted: relational NPS = base + 0.55 peak + 0.45 end + 0.10 mean + ... over all contacts
    # in 180 days; observable only through answered contacts. Measured (seed 7, 90-day window,
    # 3,491 journeys with an observed emotion): corr(nps, peak_end_score) 0.820 vs
    # corr(nps, mean_valence) 0.811; corr(peak_end, mean) 0.984; Steiger's z for two dependent
    # correlations 4.8. Within customers (customer means removed): 0.594 vs 0.569.
    (n, r_pe, r_mean, r_pm) = rows(
        demo_warehouse,
        "select count(*), corr(nps_score, peak_end_score), corr(nps_score, mean_valence), "
        "corr(peak_end_score, mean_valence) from marts.fct_customer_journeys "
        "where emotions_observed > 0",
    )[0]
    assert n > 2000
    assert r_pe > r_mean > 0.5
    r2 = (r_pe**2 + r_mean**2) / 2
    f = min((1 - r_pm) / (2 * (1 - r2)), 1.0)
    h = (1 - f * r2) / (1 - r2)
    steiger_z = (math.atanh(r_pe) - math.atanh(r_mean)) * math.sqrt((n - 3) / (2 * (1 - r_pm) * h))
    assert steiger_z > 1.96, (r_pe, r_mean, steiger_z)

    (within_pe, within_mean) = rows(
        demo_warehouse,
        """
        with centred as (
            select
                nps_score - avg(nps_score) over (partition by customer_id) as nps,
                peak_end_score - avg(peak_end_score) over (partition by customer_id) as pe,
                mean_valence - avg(mean_valence) over (partition by customer_id) as mv
            from marts.fct_customer_journeys
            where emotions_observed > 0
        )
        select corr(nps, pe), corr(nps, mv) from centred
        """,
    )[0]
    assert within_pe > within_mean > 0.3


def test_a_touchpoint_drives_loyalty(demo_warehouse: Path) -> None:
    # Measured (seed 7): every touchpoint's positive-minus-negative difference is significant,
    # from +132 (renewal) to +168 (complaint, small sample: 11 positive experiences); support
    # has the most negative experiences (302: NPS -87 vs +66 positive, z 33).
    got = rows(
        demo_warehouse,
        "select touchpoint, nps_difference, nps_difference_ci_low, nps_difference_z, "
        "is_significant, is_small_sample from marts.fct_touchpoint_drivers",
    )
    assert len(got) == 8
    robust = [r for r in got if r[4] and not r[5]]
    assert robust, got
    assert all(r[1] > 0 and r[2] > 0 for r in robust)
    assert max(r[3] for r in robust) > 10


def test_demo_promises_and_followups_are_consistent(demo_warehouse: Path) -> None:
    # Planted: 20% of promises broken. Measured (seed 7): 3,897 kept, 919 broken (19%), 6 open.
    status = dict(
        rows(demo_warehouse, "select status, count(*) from marts.fct_promises group by 1")
    )
    broken_share = status["broken"] / (status["broken"] + status["kept"])
    assert 0.15 < broken_share < 0.25
    loop = dict(
        rows(
            demo_warehouse, "select status, count(*) from marts.fct_detractor_followups group by 1"
        )
    )
    detractors = rows(
        demo_warehouse,
        "select count(*) from marts.fct_survey_responses "
        "where nps_category = 'detractor' and is_known_customer",
    )[0][0]
    assert sum(loop.values()) == detractors
    assert set(loop) <= {"closed", "closed_late", "overdue", "open"}
