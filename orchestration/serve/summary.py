"""The text summary `make demo` and `make run` print: read from the marts only (read-only)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from orchestration.serve.coverage import Coverage
from orchestration.serve.coverage import load as load_coverage
from orchestration.serve.warehouse import read_only


def _f(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _nps_section(con: duckdb.DuckDBPyConnection, months: int) -> list[str]:
    trend = con.execute(
        """select month_start, responses, nps, nps_ci_low, nps_ci_high, nps_change,
            change_z, is_significant_change
        from marts.fct_nps_monthly order by month_start desc limit ?""",
        [months],
    ).fetchall()
    lines = [
        "NPS by month (adjusted-Wald 95% interval; change vs the month before, "
        "significant when |z| >= 1.96)"
    ]
    for month, n, nps, low, high, change, z, significant in reversed(trend):
        # fct_nps_monthly's z-test says whether the change is significant; nothing recomputed
        mark = ""
        if change is not None:
            mark = f"  change {change:+.1f} (z {z:+.2f})"
            if significant:
                mark += "  ▲ significant rise" if z > 0 else "  ▼ significant fall"
        interval = f"[{_f(low):>6}, {_f(high):>6}]"
        lines.append(f"  {month:%Y-%m}  NPS {_f(nps):>6}  {interval}  n={n}{mark}")
    if not trend:
        lines.append("  (no NPS answers yet)")
    latest = con.execute(
        """select date_day, responses, nps, nps_ci_low, nps_ci_high
        from marts.fct_nps_trailing_90d order by date_day desc limit 1"""
    ).fetchone()
    if latest:
        day, n, nps, low, high = latest
        lines.append(
            f"  trailing 90 days to {day:%Y-%m-%d}: NPS {_f(nps)} [{_f(low)}, {_f(high)}], "
            f"{n} respondents (latest answer each)"
        )
    return lines


def _experience_section(con: duckdb.DuckDBPyConnection) -> list[str]:
    answers, ces, easy, csat_sat, anonymous, unknown = con.execute(
        """select count(*), avg(ces_score),
            avg(case when is_low_effort then 1.0 when not is_low_effort then 0.0 end),
            avg(case when is_satisfied then 1.0 when not is_satisfied then 0.0 end),
            sum(case when is_anonymous then 1 else 0 end),
            sum(case when not is_anonymous and not is_known_customer then 1 else 0 end)
        from marts.fct_survey_responses"""
    ).fetchone()
    return [
        f"Survey answers: {answers} (anonymous {anonymous or 0}, unknown customer {unknown or 0})",
        f"CES mean {_f(ces, 2)} of 7, share easy (5-7) {_pct(easy)}; "
        f"CSAT share satisfied (4-5 of 5) {_pct(csat_sat)}",
    ]


def _drivers_section(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        """select touchpoint, nps_difference, nps_difference_ci_low, nps_difference_ci_high,
            negative_journeys, positive_journeys
        from marts.fct_touchpoint_drivers
        where nps_difference is not null and not is_small_sample
        order by abs(nps_difference) desc limit 3"""
    ).fetchall()
    lines = ["Strongest touchpoint drivers (NPS after a positive minus a negative experience)"]
    for touchpoint, diff, low, high, neg, pos in rows:
        lines.append(
            f"  {touchpoint:<12} {_f(diff):>6} points [{_f(low)}, {_f(high)}]  "
            f"(negative n={neg}, positive n={pos})"
        )
    if not rows:
        lines.append("  none: no touchpoint has enough journeys on both sides yet")
    return lines


def _promises_section(con: duckdb.DuckDBPyConnection) -> list[str]:
    promises, kept, broken = con.execute(
        """select count(*), sum(case when is_kept then 1 else 0 end),
            sum(case when not is_kept then 1 else 0 end)
        from marts.fct_promises"""
    ).fetchone()
    impact = con.execute(
        """select kept_nps, broken_nps, nps_difference, nps_difference_ci_low,
            nps_difference_ci_high, kept_responses, broken_responses
        from marts.fct_promise_impact where channel = 'all'"""
    ).fetchone()
    decided = (kept or 0) + (broken or 0)
    lines = [
        f"Promises: {promises} made, kept {_pct(kept / decided if decided else None)} "
        f"of {decided} due"
    ]
    if impact:
        k, b, diff, low, high, nk, nb = impact
        lines.append(
            f"  next NPS after a kept promise {_f(k)} (n={nk}), after a broken one {_f(b)} "
            f"(n={nb}): {_f(diff)} points [{_f(low)}, {_f(high)}]"
        )
    return lines


def _personas_section(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        """select persona, customers, customer_share, nps, retention_rate, discount_share
        from marts.fct_persona_value order by customers desc"""
    ).fetchall()
    lines = ["Personas (customers, share, NPS of latest answers, retention, discount share)"]
    for persona, n, share, nps, retention, discount in rows:
        lines.append(
            f"  {persona:<14} {n:>6}  {_pct(share):>6}  NPS {_f(nps):>6}  "
            f"retained {_pct(retention):>6}  discount {_pct(discount):>6}"
        )
    if not rows:
        lines.append("  none: no customers yet")
    return lines


def _followups_section(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select status, count(*) from marts.fct_detractor_followups group by status order by 2 desc"
    ).fetchall()
    counts = ", ".join(f"{status} {n}" for status, n in rows)
    return ["Detractor follow-ups: " + (counts or "none (no detractor answers of known customers)")]


def _ingest_section(con: duckdb.DuckDBPyConnection) -> list[str]:
    files, read, accepted, quarantined = con.execute(
        """select count(*), sum(rows_read), sum(rows_accepted), sum(rows_quarantined)
        from staging.stg_ingest__ledger"""
    ).fetchone()
    return [
        f"Ingest: {files} files, {read or 0} rows read, {accepted or 0} accepted, "
        f"{quarantined or 0} quarantined"
    ]


def _coverage_section(coverage: Coverage) -> list[str]:
    lines = [coverage.as_of_line()]
    lines += [f"WARNING {warning}" for warning in coverage.warnings]
    return lines


# (title, the marts a section reads, the section): a section whose marts need an export that
# was never delivered prints "Not measured" and the export instead of numbers.
Section = tuple[str, tuple[str, ...], Callable[[duckdb.DuckDBPyConnection], list[str]]]


def summary(warehouse: Path, months: int = 6) -> str:
    sections: tuple[Section, ...] = (
        ("NPS by month", ("fct_nps_monthly",), lambda con: _nps_section(con, months)),
        ("Survey answers", ("fct_survey_responses",), _experience_section),
        ("Touchpoint drivers", ("fct_touchpoint_drivers",), _drivers_section),
        ("Promises", ("fct_promises", "fct_promise_impact"), _promises_section),
        ("Personas", ("fct_persona_value",), _personas_section),
        ("Detractor follow-ups", ("fct_detractor_followups",), _followups_section),
        ("Ingest", (), _ingest_section),
    )
    lines = [f"Loyalty warehouse: {warehouse}"]
    with read_only(warehouse) as con:
        coverage = load_coverage(con)
        lines += _coverage_section(coverage)
        for title, marts, section in sections:
            reason = coverage.not_measured(*marts)
            lines += ["", f"{title}: Not measured ({reason})"] if reason else ["", *section(con)]
    return "\n".join(lines)
