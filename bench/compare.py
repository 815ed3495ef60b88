"""Do the dbt warehouse, the hand-written DuckDB script and the pandas peer agree?

For each mart an implementation covers (REFERENCE: the DuckDB script, every mart; PANDAS:
the pandas peer, five of them): the same keys (no row missing on either side) and,
per column of the dbt mart, no value that differs. Numbers agree within a relative
tolerance of 1e-9 (|a - b| <= 1e-9 * max(1, |a|)); dates and timestamps compare as
timestamps; everything else as text. Nulls must match nulls. All in DuckDB.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.sql import sql_ident, sql_str

# What each implementation covers: mart -> its key (the grain). The hand-written DuckDB
# script computes every mart of models/marts (in the order of their areas); the pandas peer
# five of them (PANDAS, below).
REFERENCE = {
    # survey
    "fct_survey_responses": ("response_id",),
    "fct_nps_monthly": ("month_start",),
    "fct_nps_trailing_90d": ("date_day",),
    "fct_nps_by_dimension": ("month_start", "survey_type", "dimension_name", "dimension_value"),
    # experience
    "fct_effort_monthly": ("month_start", "touchpoint", "channel"),
    "fct_satisfaction_vs_loyalty": ("csat_band", "nps_group", "churn_outcome"),
    "fct_satisfaction_vs_loyalty_bands": ("csat_band",),
    # customers
    "dim_customers": ("customer_id",),
    "fct_persona_value": ("persona",),
    # retention
    "fct_retention_cohorts": ("cohort_month", "months_since_start"),
    "fct_survival_by_nps_group": ("nps_group", "months_since_start"),
    # journeys
    "fct_promises": ("interaction_id",),
    "fct_promise_impact": ("channel",),
    "fct_customer_journeys": ("journey_id",),
    "fct_touchpoint_drivers": ("touchpoint",),
    "fct_detractor_followups": ("response_id",),
    # ingest
    "fct_quarantine_summary": ("file_id", "reason"),
    # semantic
    "dim_dates": ("date_day",),
}
# every mart dbt builds (models/marts/**): the reference should cover them all
MARTS = sorted(
    p.stem for p in (Path(__file__).resolve().parent.parent / "models" / "marts").rglob("*.sql")
)
NOT_IN_REFERENCE = [mart for mart in MARTS if mart not in REFERENCE]
PANDAS = {
    mart: REFERENCE[mart]
    for mart in (
        "fct_survey_responses",
        "fct_nps_monthly",
        "fct_effort_monthly",
        "dim_customers",
        "fct_persona_value",
    )
}
NUMERIC = ("INTEGER", "BIGINT", "DOUBLE", "FLOAT", "DECIMAL", "HUGEINT", "SMALLINT", "TINYINT")
TOLERANCE = 1e-9
# lineage columns of the dbt marts that the references do not reproduce
LINEAGE = ("load_seq",)


def _expression(column: str, data_type: str) -> str:
    a, b = f"a.{sql_ident(column)}", f"b.{sql_ident(column)}"
    if data_type.startswith(NUMERIC):
        a, b = f"cast({a} as double)", f"cast({b} as double)"
        return (
            f"({a} is null) <> ({b} is null) "
            f"or abs({a} - {b}) > {TOLERANCE} * greatest(1.0, abs({a}))"
        )
    if data_type in ("DATE", "TIMESTAMP"):
        return f"cast({a} as timestamp) is distinct from cast({b} as timestamp)"
    return f"cast({a} as varchar) is distinct from cast({b} as varchar)"


def differences(con: duckdb.DuckDBPyConnection, mart: str, left: str, right: str) -> list[str]:
    """Disagreements between two relations of one mart (empty list: they agree)."""
    keys = REFERENCE[mart]
    columns = [c for c in con.execute(f"describe {left}").fetchall() if c[0] not in LINEAGE]
    on = " and ".join(f"a.{sql_ident(k)} is not distinct from b.{sql_ident(k)}" for k in keys)
    checks = [
        f"count_if({_expression(name, dtype)}) as {sql_ident(name)}"
        for name, dtype, *_ in columns
        if name not in keys
    ]
    missing = " or ".join(f"b.{sql_ident(k)} is null" for k in keys)
    extra = " or ".join(f"a.{sql_ident(k)} is null" for k in keys)
    row = con.execute(
        f"select count_if({missing}) as only_left, count_if({extra}) as only_right, "
        f"{', '.join(checks)} from {left} as a full outer join {right} as b on {on}"
    ).fetchone()
    names = ["rows only in " + left, "rows only in " + right] + [
        c[0] for c in columns if c[0] not in keys
    ]
    return [
        f"{mart} ({left} vs {right}): {n}: {count}"
        for n, count in zip(names, row, strict=True)
        if count
    ]


def compare_all(
    warehouse: Path, reference_db: Path, pandas_dir: Path | None
) -> tuple[dict, list[str]]:
    """Row counts per mart and every disagreement of the implementations: dbt vs the
    reference on every mart of REFERENCE, dbt vs pandas on those of PANDAS (only when
    ``pandas_dir`` is given: the peer may not have finished)."""
    con = duckdb.connect()
    con.execute(f"attach {sql_str(warehouse)} as dbt (read_only)")
    con.execute(f"attach {sql_str(reference_db)} as ref (read_only)")
    rows, problems = {}, []
    for mart in REFERENCE:
        dbt_rel, ref_rel = f"dbt.marts.{mart}", f"ref.marts.{mart}"  # names of REFERENCE
        rows[mart] = con.execute(f"select count(*) from {dbt_rel}").fetchone()[0]
        problems += differences(con, mart, dbt_rel, ref_rel)
        if pandas_dir is not None and mart in PANDAS:
            pandas_rel = f"read_parquet({sql_str(pandas_dir / f'{mart}.parquet')})"
            problems += differences(con, mart, dbt_rel, pandas_rel)
    con.close()
    return rows, problems
