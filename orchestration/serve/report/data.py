"""What the loyalty report shows, read from the marts only (read-only connection).

Each function returns rows as the marts hold them; no metric is recomputed here. The only
derived values are shares of counts the mart gives (promoter share = promoters / responses).
A month-on-month change is marked where fct_nps_monthly says it is significant (its z-test);
what was not measured (an export never delivered) and the as-of date come from
dim_as_of_date and fct_data_coverage (orchestration/serve/coverage.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from orchestration.serve.coverage import Coverage
from orchestration.serve.coverage import load as load_coverage

# The marts the report reads: the Dagster asset depends on them, the dbt exposure declares them.
REPORT_MARTS = (
    "fct_nps_monthly",
    "fct_nps_trailing_90d",
    "fct_nps_by_dimension",
    "fct_effort_monthly",
    "fct_touchpoint_drivers",
    "fct_promises",
    "fct_promise_impact",
    "fct_survival_by_nps_group",
    "fct_persona_value",
    "fct_detractor_followups",
    "dim_as_of_date",
    "fct_data_coverage",
)


@dataclass(frozen=True)
class ReportData:
    as_of: date | None
    monthly: list[dict[str, Any]]
    trailing: dict[str, Any] | None
    touchpoints: list[dict[str, Any]]
    touchpoint_month: date | None
    drivers: list[dict[str, Any]]
    promises: dict[str, Any]
    promise_impact: list[dict[str, Any]]
    survival: dict[str, list[tuple[int, float]]]
    personas: list[dict[str, Any]]
    followups: dict[str, int]
    followup_queue: list[dict[str, Any]]
    coverage: Coverage


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _monthly(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    rows = _rows(
        con,
        """select month_start, responses, promoters, passives, detractors, nps,
            nps_ci_low, nps_ci_high, nps_change, change_z, is_significant_change
        from marts.fct_nps_monthly order by month_start""",
    )
    for row in rows:  # the mart's z-test decides; its sign gives the direction
        significant = row["is_significant_change"]
        row["change"] = ("up" if row["change_z"] > 0 else "down") if significant else None
    return rows


def _touchpoints(con: duckdb.DuckDBPyConnection) -> tuple[date | None, list[dict[str, Any]]]:
    """NPS (transactional answers) and CES per touchpoint in the latest month, journey order."""
    (month,) = con.execute(
        """select max(month_start) from marts.fct_nps_by_dimension
        where dimension_name = 'touchpoint'"""
    ).fetchone()
    rows = _rows(
        con,
        """with taxonomy as (
            select touchpoint, journey_order from marts.fct_touchpoint_drivers
        ),
        nps as (
            select dimension_value as touchpoint, responses, nps, nps_ci_low, nps_ci_high
            from marts.fct_nps_by_dimension
            where dimension_name = 'touchpoint' and survey_type = 'transactional'
                and month_start = ?
        ),
        effort as (
            select touchpoint, sum(ces_responses) as ces_responses,
                sum(ces_mean * ces_responses) / nullif(sum(ces_responses), 0) as ces_mean,
                sum(ces_easy_responses) / nullif(sum(ces_responses), 0) as ces_easy_share
            from marts.fct_effort_monthly
            where month_start = ? and touchpoint not in ('all', '(none)')
            group by touchpoint
        )
        select taxonomy.touchpoint, taxonomy.journey_order, nps.responses, nps.nps,
            nps.nps_ci_low, nps.nps_ci_high, effort.ces_responses, effort.ces_mean,
            effort.ces_easy_share
        from taxonomy
        left join nps on nps.touchpoint = taxonomy.touchpoint
        left join effort on effort.touchpoint = taxonomy.touchpoint
        order by taxonomy.journey_order""",
        [month, month],
    )
    return month, rows


def load(con: duckdb.DuckDBPyConnection) -> ReportData:
    """Everything the report shows, from one read-only connection."""
    trailing = _rows(
        con,
        """select date_day, responses, nps, nps_ci_low, nps_ci_high
        from marts.fct_nps_trailing_90d order by date_day desc limit 1""",
    )
    touchpoint_month, touchpoints = _touchpoints(con)
    promises = _rows(
        con,
        """select count(*) as made, coalesce(sum(case when is_kept then 1 else 0 end), 0) as kept,
            coalesce(sum(case when not is_kept then 1 else 0 end), 0) as broken,
            coalesce(sum(case when is_kept is null then 1 else 0 end), 0) as open
        from marts.fct_promises""",
    )[0]
    survival: dict[str, list[tuple[int, float]]] = {}
    for group, month, value in con.execute(
        """select nps_group, months_since_start, survival from marts.fct_survival_by_nps_group
        order by nps_group, months_since_start"""
    ).fetchall():
        survival.setdefault(group, []).append((month, value))
    followups = dict(
        con.execute(
            "select status, count(*) from marts.fct_detractor_followups group by status"
        ).fetchall()
    )
    monthly = _monthly(con)
    coverage = load_coverage(con)
    return ReportData(
        as_of=coverage.as_of_date,
        monthly=monthly,
        trailing=trailing[0] if trailing else None,
        touchpoints=touchpoints,
        touchpoint_month=touchpoint_month,
        drivers=_rows(
            con,
            """select touchpoint, journey_order, nps_difference, nps_difference_ci_low,
                nps_difference_ci_high, negative_journeys, positive_journeys, negative_nps,
                positive_nps, is_small_sample, is_significant
            from marts.fct_touchpoint_drivers order by journey_order""",
        ),
        promises=promises,
        promise_impact=_rows(
            con,
            """select channel, kept_responses, kept_nps, kept_nps_ci_low, kept_nps_ci_high,
                broken_responses, broken_nps, broken_nps_ci_low, broken_nps_ci_high,
                nps_difference, nps_difference_ci_low, nps_difference_ci_high, is_significant
            from marts.fct_promise_impact order by channel = 'all' desc, channel""",
        ),
        survival=survival,
        personas=_rows(
            con,
            """select persona, customers, customer_share, revenue_per_customer, retention_rate,
                nps, nps_ci_low, nps_ci_high, loyalty_score_mean
            from marts.fct_persona_value order by customers desc""",
        ),
        followups=followups,
        followup_queue=_rows(
            con,
            """select response_id, customer_id, survey_type, submitted_at, nps_score,
                touchpoint, channel, status, comment
            from marts.fct_detractor_followups where status in ('overdue', 'open')
            order by status = 'open' desc, submitted_at desc limit 25""",
        ),
        coverage=coverage,
    )
