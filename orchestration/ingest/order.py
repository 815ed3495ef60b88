"""The version order of an entity's files, defined by the files themselves: their names.

When a record (an entity's key) is delivered again, the version of the file that comes LATER IN
NAME ORDER wins (dbt's latest_delivery and fct_survey_responses keep the highest load_seq, and
the ingest hands out load_seq in this order). The sort key of a file is its name with the
extension removed, compared as a plain string (Python's ``<``: by Unicode code point, so
case-sensitive, ``-`` < ``.`` < digits < ``_`` < letters), the full name breaking a tie::

    survey_responses_2025-02.csv < survey_responses_2025-02-fix.csv < survey_responses_2025-03.csv

(compared with the extension, ``-fix.csv`` would sort before ``.csv``). Three rules keep the order
whatever fails or arrives in between (ingest/run.py):

- a run loads an entity's new files in this order;
- a file that fails blocks the later files of its entity in that run: they wait in the inbox
  ("waits for X, which failed") and load, in order, on a run after X was fixed or removed, so a
  retry of X can never come after its own correction;
- a file that arrives LATE, sorting before a file of its entity that is already loaded, is
  loaded with a warning in its name-order place: its records that a later-named loaded file
  already delivered do not replace that file's version; they are quarantined with the reason
  "superseded" (so rows read = accepted + quarantined still holds), and its other records land
  as usual.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

from orchestration.ingest.contract import Entity
from orchestration.ingest.landing import Landing
from orchestration.sql import sql_ident, sql_str

SUPERSEDED_KEYS = "superseded_keys"


def sort_key(file_name: str) -> tuple[str, str]:
    """The version order of a file: its name without the extension, then the full name."""
    return Path(file_name).stem, file_name


def in_version_order(paths: Iterable[Path]) -> list[Path]:
    return sorted(paths, key=lambda p: sort_key(p.name))


def waiting_message(path: Path, failed: Path) -> str:
    return (
        f"{path.name}: waits for {failed.name}, which failed and comes before it in name order; "
        f"it stays in the inbox and loads on the next run after {failed.name} is fixed or removed"
    )


def loaded_names(
    con: duckdb.DuckDBPyConnection, landing: Landing, entity: Entity
) -> dict[str, str]:
    """file_id -> file_name of every file of the entity in the ledger."""
    files = sorted(landing.ledger_dir.glob(f"{entity.name}__*.parquet"))
    if not files:
        return {}
    paths = ", ".join(sql_str(p) for p in files)
    rows = con.execute(f"select file_id, file_name from read_parquet([{paths}])").fetchall()
    return dict(rows)


def later_loaded(path: Path, loaded: dict[str, str]) -> dict[str, str]:
    """The loaded files (file_id -> name) that come after ``path`` in name order."""
    return {i: name for i, name in loaded.items() if sort_key(name) > sort_key(path.name)}


def late_message(path: Path, later: dict[str, str]) -> str:
    latest = max(later.values(), key=sort_key)
    return (
        f"LATE: {path.name} sorts before {latest}, which is already loaded; it is loaded in its "
        "name-order place: its records that a later-named file already delivered keep that "
        "file's version and are quarantined as superseded (name it so it sorts after "
        f"{latest} if it is the newer version)"
    )


def prepare_superseded(
    con: duckdb.DuckDBPyConnection, landing: Landing, entity: Entity, later: dict[str, str]
) -> None:
    """Temp table superseded_keys: the keys the later-named files delivered, with a file name."""
    paths = ", ".join(sql_str(landing.data_path(entity, i)) for i in sorted(later))
    con.execute(
        f"""create or replace temp table {SUPERSEDED_KEYS} as
        select {sql_ident(entity.key)} as _superseded_key, max(_file_name) as _superseded_by
        from read_parquet([{paths}]) group by all"""
    )


def superseded_join(key_sql: str) -> str:
    """The join that gives each parsed record the later-named file of its key (or null)."""
    return f"left join {SUPERSEDED_KEYS} as _later on _later._superseded_key = {key_sql}"


def superseded_problem(entity: Entity) -> str:
    """SQL of the problem of a record whose key a later-named file delivered (or null)."""
    return (
        f"case when _later._superseded_by is not null then {{'col': {sql_str(entity.key)}, "
        "'reason': 'superseded: ' || _later._superseded_by || ', which comes later in name "
        "order, already delivered this record; this file arrived late, so its version is the "
        "older one'} end"
    )
