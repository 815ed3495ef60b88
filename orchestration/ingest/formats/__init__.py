"""Vendor shapes: convert an inbox file that is not a canonical CSV into one, then load it.

Each shape has its own module with ``detect(path, entity)`` (does this file have the shape?)
and ``to_canonical(con, path, entity, target)`` (write a canonical UTF-8, comma-separated CSV
with the contract's column names to ``target``). The converted file lives in a scratch folder
under the landing root and is deleted after the load; the inbox file is never changed. The
ledger and the quarantine hash and name the user's file, so a re-delivery is still skipped.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb

from orchestration.ingest.contract import Entity
from orchestration.ingest.formats import dutch_csv, json_lines, xlsx
from orchestration.ingest.landing import Landing
from orchestration.ingest.loader import LoadResult, load_file

SHAPES = (dutch_csv, json_lines, xlsx)
SUFFIXES = {".csv", *json_lines.SUFFIXES, *xlsx.SUFFIXES}


def load_export(
    con: duckdb.DuckDBPyConnection, path: Path, entity: Entity, landing: Landing, load_seq: int
) -> LoadResult:
    """Load one inbox file of any supported shape; a canonical CSV goes straight to the loader."""
    shape = next((s for s in SHAPES if s.detect(path, entity)), None)
    if shape is None:
        return load_file(con, path, entity, landing, load_seq)
    scratch_root = landing.root / ".normalised"
    scratch_root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=scratch_root))
    try:
        canonical = scratch / path.name  # the same name, so loader messages name the user's file
        shape.to_canonical(con, path, entity, canonical)
        return load_file(con, canonical, entity, landing, load_seq, source=path)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
