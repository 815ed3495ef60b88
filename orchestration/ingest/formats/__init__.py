"""Vendor shapes: convert an inbox file that is not a canonical CSV into one, then load it.

Each shape has its own module with ``detect(path, entity)`` (does this file have the shape?)
and ``to_canonical(con, path, entity, target)`` (write a canonical UTF-8, comma-separated CSV
with the contract's column names to ``target``). The converted file lives in a scratch folder
under the landing root and is deleted after the load; the inbox file is never changed. The
ledger and the quarantine hash and name the user's file, so a re-delivery is still skipped.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType

import duckdb

from orchestration.ingest.contract import Entity
from orchestration.ingest.formats import dutch_csv, json_lines, qualtrics, xlsx
from orchestration.ingest.formats.mapping import read_mapping, rename_header
from orchestration.ingest.formats.preamble import find_preamble, strip_preamble
from orchestration.ingest.landing import Landing
from orchestration.ingest.loader import LoadResult, load_file

SHAPES = (qualtrics, dutch_csv, json_lines, xlsx)
SUFFIXES = {".csv", *json_lines.SUFFIXES, *xlsx.SUFFIXES}


def _shape(path: Path, entity: Entity) -> ModuleType | None:
    return next((s for s in SHAPES if s.detect(path, entity)), None)


def load_export(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    entity: Entity,
    landing: Landing,
    load_seq: int,
    superseded: bool = False,
) -> LoadResult:
    """Load one inbox file of any supported shape; a canonical CSV goes straight to the loader.

    Renames of ``column_mapping.csv`` (formats/mapping.py) apply to the header of a CSV before
    its shape is detected, and to the header an .xlsx sheet converts to. Title rows and Excel's
    ``sep=`` line above a CSV's header are skipped first (formats/preamble.py). ``superseded``:
    see loader.load_file (a late file, ingest/order.py).
    """
    renames = read_mapping(path.parent).renames_of(entity.name)
    preamble = find_preamble(path, entity, renames) if path.suffix.lower() == ".csv" else None
    shape = _shape(path, entity)
    if shape is None and not renames and preamble is None:
        return load_file(con, path, entity, landing, load_seq, superseded=superseded)
    scratch = landing.new_scratch(entity)
    try:
        canonical = scratch / path.name  # the same name, so loader messages name the user's file
        source, line_offset = path, 0
        if preamble is not None:
            source = scratch / "preamble" / path.name
            source.parent.mkdir()
            strip_preamble(path, preamble, source)
            line_offset, shape = preamble.lines, _shape(source, entity)
        if shape in (None, dutch_csv):
            renamed = scratch / "renamed" / path.name
            renamed.parent.mkdir()
            if rename_header(source, renamed, renames):
                source, shape = renamed, _shape(renamed, entity)
        if shape is None:
            canonical = source
        else:
            shape.to_canonical(con, source, entity, canonical)
            if shape is xlsx:
                rename_header(canonical, canonical, renames)
        own = tuple(getattr(shape, "OWN_COLUMNS", ()))
        return load_file(
            con,
            canonical,
            entity,
            landing,
            load_seq,
            source=path,
            own=own,
            superseded=superseded,
            line_offset=line_offset,
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
