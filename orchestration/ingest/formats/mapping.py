"""The mapping file a user edits: ``column_mapping.csv`` beside the exports in the inbox.

One row per mapped column::

    entity,source,column,value
    survey_responses,QID1,nps_score,
    survey_responses,QID4_TEXT,comment,
    survey_responses,,survey_type,relational
    customers,klantnummer,customer_id,

- ``source`` names a column of the export (case and spaces ignored); for a Qualtrics export
  it may be the column id of the first header row (``Q1``) or the import id of the third
  (``QID1``). The column is read as the contract's ``column`` of ``entity``.
- a row with an empty ``source`` and a ``value`` gives that column one value for every
  record of a Qualtrics export (a Qualtrics export has no ``survey_type``).

Renames apply to the header of a CSV (canonical or Dutch Excel) and of an .xlsx sheet; the
Qualtrics shape reads its question columns from here. A file is mapped when it is loaded; a
file already in the ledger is not loaded again when the mapping changes.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.ingest.contract import ENTITIES
from orchestration.ingest.header import IngestError

MAPPING_FILE = "column_mapping.csv"
COLUMNS = ["entity", "source", "column", "value"]


def normal(name: str) -> str:
    return name.strip().lower()


@dataclass(frozen=True)
class Mapping:
    renames: dict[str, dict[str, str]] = field(default_factory=dict)  # entity: source: column
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # entity: column: value

    def renames_of(self, entity: str) -> dict[str, str]:
        return self.renames.get(entity, {})

    def values_of(self, entity: str) -> dict[str, str]:
        return self.values.get(entity, {})


def read_mapping(folder: Path) -> Mapping:
    """The mapping file in ``folder``; an empty mapping when there is none."""
    path = folder / MAPPING_FILE
    if not path.is_file():
        return Mapping()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{MAPPING_FILE}: not UTF-8 text; save it as CSV UTF-8") from exc
    delimiter = (
        ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    )
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [normal(c) for c in rows[0]] if rows else []
    if header[:3] != COLUMNS[:3]:
        raise IngestError(
            f"{MAPPING_FILE}: the header is {', '.join(header) or '(empty)'}; "
            f"expected {', '.join(COLUMNS)}"
        )
    mapping = Mapping()
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        entity, source, column, value = ([*row, "", "", "", ""])[:4]
        _add(mapping, number, normal(entity), source.strip(), normal(column), value.strip())
    return mapping


def _add(mapping: Mapping, line: int, entity: str, source: str, column: str, value: str) -> None:
    where = f"{MAPPING_FILE} line {line}"
    if entity not in ENTITIES:
        raise IngestError(
            f"{where}: unknown entity {entity!r}; expected one of {', '.join(ENTITIES)}"
        )
    names = ENTITIES[entity].column_names
    if column not in names:
        raise IngestError(
            f"{where}: {column!r} is not a column of {entity}; expected one of {', '.join(names)}"
        )
    if source:
        renames = mapping.renames.setdefault(entity, {})
        if normal(source) in renames:
            raise IngestError(f"{where}: source column {source!r} is mapped twice for {entity}")
        renames[normal(source)] = column
    elif value:
        mapping.values.setdefault(entity, {})[column] = value
    else:
        raise IngestError(f"{where}: give a source column or a value for {entity}.{column}")


def rename_header(path: Path, target: Path, renames: dict[str, str]) -> bool:
    """Copy a CSV with its header names renamed; False (and no copy) when nothing matches."""
    with path.open("rb") as handle:
        first = handle.readline()
        encoding = "utf-8-sig"
        try:
            line = first.decode(encoding)
        except UnicodeDecodeError:
            encoding, line = "cp1252", first.decode("cp1252", errors="replace")
        delimiter = ";" if line.count(";") > line.count(",") else ","
        names = next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])
        renamed = [renames.get(normal(n), n) for n in names]
        if renamed == names:
            return False
        out = io.StringIO()
        csv.writer(
            out, delimiter=delimiter, lineterminator=line[len(line.rstrip("\r\n")) :]
        ).writerow(renamed)
        tmp = target.with_name(target.name + ".tmp")
        with tmp.open("wb") as dst:
            dst.write(out.getvalue().encode(encoding.removesuffix("-sig")))
            while chunk := handle.read(1 << 20):
                dst.write(chunk)
    os.replace(tmp, target)
    return True
