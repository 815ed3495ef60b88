"""Rows above the header: the header is found among the first rows of a sheet.

Exports saved from a report or a spreadsheet often start with a title before the header. The
header is the first of the first ``SEARCH_ROWS`` rows whose names (case and spaces ignored,
after the renames of ``column_mapping.csv``) include every required column of the entity.
"""

from __future__ import annotations

from collections.abc import Iterable

from orchestration.ingest.contract import Entity

SEARCH_ROWS = 10  # the header is looked for in this many rows


def is_header(names: Iterable[object], entity: Entity, renames: dict[str, str]) -> bool:
    """Do these cells name every required column of the entity (after the renames)?"""
    found = set()
    for name in names:
        text = "" if name is None else str(name).strip().lower()
        found.add(renames.get(text, text))
    return set(entity.required_columns) <= found
