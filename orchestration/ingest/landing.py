"""The landing zone: typed Parquet per entity, a quarantine and a ledger.

Layout (all written by the ingest, read by dbt sources and GX)::

    <landing>/<entity>/<file_id>.parquet       accepted rows of one export file
    <landing>/<entity>/empty.parquet           zero rows: fixes the schema, so an entity
                                               with no file yet still reads as a table
    <landing>/_quarantine/<entity>__<file_id>.parquet   rejected rows with the reason
    <landing>/_ledger/<entity>__<file_id>.parquet       one row per loaded file

``file_id`` is the SHA-256 of the file's bytes. The ledger row is written last and
is the commit marker of a load: data or quarantine files without a ledger row are
left-overs of an interrupted load and are removed before the next one, and so are the
scratch folders ``<landing>/.normalised/<entity>.*`` in which vendor files are converted.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from orchestration.ingest.contract import ENTITIES, Entity
from orchestration.sql import sql_ident, sql_str

LINEAGE_COLUMNS = {
    "_file_id": "varchar",
    "_file_name": "varchar",
    "_load_seq": "bigint",
    "_record": "bigint",
    "_loaded_at": "timestamp",
    "_extra": "varchar",
}
LEDGER_COLUMNS = {
    "file_id": "varchar",
    "file_name": "varchar",
    "entity": "varchar",
    "load_seq": "bigint",
    "loaded_at": "timestamp",
    "size_bytes": "bigint",
    "rows_read": "bigint",
    "rows_accepted": "bigint",
    "rows_quarantined": "bigint",
    "missing_columns": "varchar",
    "extra_columns": "varchar",
}
QUARANTINE_COLUMNS = {
    "file_id": "varchar",
    "file_name": "varchar",
    "entity": "varchar",
    "line": "bigint",
    "column_name": "varchar",
    "value": "varchar",
    "reason": "varchar",
    "raw_record": "varchar",
}
EMPTY = "empty.parquet"


def empty_select(columns: dict[str, str]) -> str:
    cols = ", ".join(f"cast(null as {t}) as {sql_ident(c)}" for c, t in columns.items())
    return f"select {cols} where false"


def entity_columns(entity: Entity) -> dict[str, str]:
    """The landing schema of an entity: contract columns then lineage columns."""
    return {c.landing_name: c.duckdb_type for c in entity.landing_columns} | LINEAGE_COLUMNS


def copy_atomic(con: duckdb.DuckDBPyConnection, select_sql: str, target: Path) -> None:
    """Write a query to Parquet under a temporary name, then rename it into place."""
    tmp = target.with_name(target.name + ".tmp")
    con.execute(f"copy ({select_sql}) to {sql_str(tmp)} (format parquet, compression zstd)")
    os.replace(tmp, target)


class Landing:
    """The landing folder and its ledger."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.ledger_dir = root / "_ledger"
        self.quarantine_dir = root / "_quarantine"
        self.scratch_root = root / ".normalised"

    def entity_dir(self, entity: Entity) -> Path:
        return self.root / entity.name

    def data_path(self, entity: Entity, file_id: str) -> Path:
        return self.entity_dir(entity) / f"{file_id}.parquet"

    def quarantine_path(self, entity: Entity, file_id: str) -> Path:
        return self.quarantine_dir / f"{entity.name}__{file_id}.parquet"

    def ledger_path(self, entity: Entity, file_id: str) -> Path:
        return self.ledger_dir / f"{entity.name}__{file_id}.parquet"

    def new_scratch(self, entity: Entity) -> Path:
        """A fresh scratch folder for converting one vendor file (formats/); it may hold
        personal data as delivered, so the caller removes it, and so does remove_orphans."""
        self.scratch_root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f"{entity.name}.", dir=self.scratch_root))

    def ensure_layout(self, con: duckdb.DuckDBPyConnection) -> None:
        """Create every folder with its zero-row schema file (idempotent)."""
        targets = {self.entity_dir(e): entity_columns(e) for e in ENTITIES.values()}
        targets[self.ledger_dir] = LEDGER_COLUMNS
        targets[self.quarantine_dir] = QUARANTINE_COLUMNS
        for folder, columns in targets.items():
            folder.mkdir(parents=True, exist_ok=True)
            if not (folder / EMPTY).exists():
                copy_atomic(con, empty_select(columns), folder / EMPTY)

    def ledger(self, con: duckdb.DuckDBPyConnection, entity: Entity) -> list[tuple[str, int]]:
        """(file_id, load_seq) of every file of this entity loaded so far."""
        files = sorted(self.ledger_dir.glob(f"{entity.name}__*.parquet"))
        if not files:
            return []
        paths = ", ".join(sql_str(p) for p in files)
        return con.execute(f"select file_id, load_seq from read_parquet([{paths}])").fetchall()

    def remove_orphans(self, entity: Entity, loaded: set[str]) -> list[Path]:
        """Delete files of interrupted loads: temporaries, data without a ledger row, and the
        entity's scratch folders (a converted vendor file holds plain e-mail addresses)."""
        removed = list(self.scratch_root.glob(f"{entity.name}.*"))
        for folder in removed:
            shutil.rmtree(folder, ignore_errors=True)
        candidates = [
            *self.entity_dir(entity).glob("*.parquet*"),
            *self.quarantine_dir.glob(f"{entity.name}__*.parquet*"),
            *self.ledger_dir.glob(f"{entity.name}__*.parquet.tmp"),
        ]
        for path in candidates:
            if path.name == EMPTY:
                continue
            file_id = path.name.split(".")[0].removeprefix(f"{entity.name}__")
            if path.name.endswith(".tmp") or file_id not in loaded:
                path.unlink(missing_ok=True)
                removed.append(path)
        return removed
