"""Answer labels instead of scores: "10 - Extremely likely", "Zeer makkelijk".

The dbt seed ``seeds/answer_labels.csv`` (question, label, score, language) lists them; the
ingest reads the same file into a temporary table and the loader translates a label in a score
column with a lookup join in SQL. Matching ignores case, surrounding spaces and repeated spaces.
"""

from __future__ import annotations

import duckdb

from orchestration.config import PROJECT_ROOT
from orchestration.sql import sql_ident, sql_str

SEED = PROJECT_ROOT / "seeds" / "answer_labels.csv"
TABLE = "answer_labels"


def label_key(expr: str) -> str:
    """The normalised form of a label, as SQL: lower case, single spaces, trimmed."""
    return f"lower(regexp_replace(trim({expr}), '\\s+', ' ', 'g'))"


def ensure_label_table(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)load the seed into a temporary table of this connection."""
    con.execute(
        f"""create or replace temp table {TABLE} as
        select lower(trim(question)) as question, {label_key("label")} as label,
            min(cast(score as integer)) as score
        from read_csv({sql_str(SEED)}, header = true, all_varchar = true)
        group by all"""
    )


def label_column(name: str) -> str:
    """The column :func:`join_labels` adds: the score of the label in column ``name``."""
    return sql_ident(f"_label_{name}")


def join_labels(
    con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, str]
) -> frozenset[str]:
    """Add to ``table`` the score of each label column (column name -> question) by a join.

    Only columns that hold a letter somewhere get one (returned): a file of plain numbers,
    the common case, pays no join and no extra SQL in its checks.
    """
    if columns:
        found = con.execute(
            "select ["
            + ", ".join(f"bool_or(regexp_matches({sql_ident(c)}, '\\pL'))" for c in columns)
            + f"] from {sql_ident(table)}"
        ).fetchone()[0]
        columns = {c: q for (c, q), has in zip(columns.items(), found, strict=True) if has}
    if not columns:
        return frozenset()
    ensure_label_table(con)
    joins, scores = [], []
    for i, (name, question) in enumerate(columns.items()):
        joins.append(
            f"left join {TABLE} as l{i} on l{i}.question = {sql_str(question)}"
            f" and l{i}.label = {label_key('t.' + sql_ident(name))}"
        )
        scores.append(f"l{i}.score as {label_column(name)}")
    con.execute(
        f"create or replace temp table {sql_ident(table)} as select t.*, {', '.join(scores)}"
        f" from {sql_ident(table)} as t {' '.join(joins)}"
    )
    return frozenset(columns)
