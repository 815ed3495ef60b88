"""The short text summary `make demo` and `make run` print: read from the marts only."""

from __future__ import annotations

from pathlib import Path

from orchestration.serve.warehouse import read_only


def _fmt(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def summary(warehouse: Path, months: int = 6) -> str:
    with read_only(warehouse) as con:
        trend = con.execute(
            """select month_start, responses, nps, nps_ci_low, nps_ci_high
            from marts.fct_nps_monthly order by month_start desc limit ?""",
            [months],
        ).fetchall()
        answers, ces, easy, csat_sat, anonymous, unknown = con.execute(
            """select count(*), avg(ces_score),
                avg(case when is_low_effort then 1.0 when not is_low_effort then 0.0 end),
                avg(case when is_satisfied then 1.0 when not is_satisfied then 0.0 end),
                sum(case when is_anonymous then 1 else 0 end),
                sum(case when not is_anonymous and not is_known_customer then 1 else 0 end)
            from marts.fct_survey_responses"""
        ).fetchone()
        files, read, accepted, quarantined = con.execute(
            """select count(*), sum(rows_read), sum(rows_accepted), sum(rows_quarantined)
            from staging.stg_ingest__ledger"""
        ).fetchone()
        (customers,) = con.execute("select count(*) from marts.dim_customers").fetchone()
    lines = [f"Loyalty warehouse: {warehouse}", ""]
    lines.append("NPS by month (adjusted-Wald 95% interval)")
    for month, n, nps, low, high in reversed(trend):
        lines.append(
            f"  {month:%Y-%m}  NPS {_fmt(nps):>6}  [{_fmt(low):>6}, {_fmt(high):>6}]  n={n}"
        )
    if not trend:
        lines.append("  (no NPS answers yet)")
    lines += [
        "",
        f"Survey answers: {answers}  (anonymous {anonymous or 0}, unknown customer {unknown or 0})",
        f"CES mean {_fmt(ces, 2)} of 7, share easy (5-7) {_fmt(100 * easy if easy else None)}%",
        f"CSAT share satisfied (4-5 of 5) {_fmt(100 * csat_sat if csat_sat else None)}%",
        f"Customers: {customers}",
        f"Ingest: {files} files, {read or 0} rows read, {accepted or 0} accepted, "
        f"{quarantined or 0} quarantined",
    ]
    return "\n".join(lines)
