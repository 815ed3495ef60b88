"""The same dbt project built on Spark and on DuckDB gives the same marts.

Run by `make test-spark`, which ingests the fixture inbox, builds it with `dbt build` on both
targets and then points this test at the results:
    LOYALTY_COMPARE_DUCKDB  the DuckDB warehouse file (opened read-only)
    LOYALTY_COMPARE_SPARK   the folder holding dbt-spark's metastore_db/ and spark-warehouse/
Without them (a plain `make pytest`) the test is skipped. Every table of schema `marts` must
exist on both engines with the same columns and the same rows (as a multiset); numbers agree
to 1e-9 (relative or absolute), everything else exactly.
"""

import os
from pathlib import Path
from typing import Any

import pytest
from engine_compare import differences, normalise

DUCKDB_ENV = "LOYALTY_COMPARE_DUCKDB"
SPARK_ENV = "LOYALTY_COMPARE_SPARK"

Row = tuple[Any, ...]

pytestmark = pytest.mark.skipif(
    not (os.environ.get(DUCKDB_ENV) and os.environ.get(SPARK_ENV)),
    reason=f"engine comparison: run `make test-spark` (sets {DUCKDB_ENV} and {SPARK_ENV})",
)


@pytest.fixture(scope="module")
def duckdb_marts() -> dict[str, tuple[list[str], list[Row]]]:
    import duckdb

    with duckdb.connect(os.environ[DUCKDB_ENV], read_only=True) as con:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by table_name"
            ).fetchall()
        ]
        marts = {}
        for table in tables:
            result = con.execute(f"select * from marts.{table}")
            columns = [column[0] for column in result.description]
            rows = [tuple(normalise(v) for v in row) for row in result.fetchall()]
            marts[table] = (columns, rows)
    return marts


@pytest.fixture(scope="module")
def spark_marts(
    duckdb_marts: dict[str, tuple[list[str], list[Row]]],
) -> dict[str, tuple[list[str], list[Row]]]:
    """One local Spark session on dbt-spark's metastore; the marts' rows in DuckDB's column order."""
    from pyspark.sql import SparkSession

    root = Path(os.environ[SPARK_ENV]).resolve()
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("loyalty-engines-agree")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(root / "spark-warehouse"))
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={root / 'metastore_db'};create=false",
        )
        .enableHiveSupport()
        .getOrCreate()
    )
    try:
        tables = sorted(row.tableName for row in spark.sql("show tables in marts").collect())
        marts = {}
        for table in tables:
            frame = spark.table(f"marts.{table}")
            columns = duckdb_marts[table][0] if table in duckdb_marts else frame.columns
            if sorted(columns) != sorted(frame.columns):
                columns = frame.columns
            # a Spark timestamp comes to Python in the local time zone: read the UTC wall clock
            selected = [
                f"cast(`{c}` as timestamp_ntz) as `{c}`"
                if dict(frame.dtypes)[c] == "timestamp"
                else f"`{c}`"
                for c in columns
            ]
            rows = [
                tuple(normalise(v) for v in row) for row in frame.selectExpr(*selected).collect()
            ]
            marts[table] = (list(columns), rows)
    finally:
        spark.stop()
    return marts


def test_every_mart_is_equal_on_spark_and_duckdb(
    duckdb_marts: dict[str, tuple[list[str], list[Row]]],
    spark_marts: dict[str, tuple[list[str], list[Row]]],
) -> None:
    assert duckdb_marts, "no tables in schema marts of the DuckDB warehouse"
    assert sorted(spark_marts) == sorted(duckdb_marts), "the two engines built other marts"
    problems = []
    for table, (columns, duck_rows) in duckdb_marts.items():
        spark_columns, spark_rows = spark_marts[table]
        if spark_columns != columns:
            problems.append(f"{table}: columns {columns} on duckdb, {spark_columns} on spark")
            continue
        problems += [f"{table}: {d}" for d in list(differences(columns, duck_rows, spark_rows))[:5]]
    compared = ", ".join(f"{t} ({len(r)} rows)" for t, (_, r) in sorted(duckdb_marts.items()))
    print(f"compared {len(duckdb_marts)} marts: {compared}")
    assert not problems, "\n".join(problems)
