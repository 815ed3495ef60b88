"""Qualtrics-style wide survey exports: three header rows, one row per response.

A "CSV, use choice text" or "use numeric values" download from Qualtrics::

    StartDate,EndDate,Status,...,RecordedDate,ResponseId,...,ExternalReference,...,Q1,Q2,Q3
    Start Date,End Date,Response Type,...,Response ID,...,"How likely are you ...?",...
    {"ImportId":"startDate"},...,{"ImportId":"_recordId"},...,{"ImportId":"QID1"},...
    2025-01-31 14:20:11,...,R_1AbC,...,C001,...,10 - Extremely likely,6,Tevreden

It has this shape when it is a ``survey_responses*.csv`` whose third row holds
``{"ImportId": ...}`` cells. Columns are taken as:

- metadata: ``ResponseId`` -> response_id, ``RecordedDate`` -> submitted_at (as written, so
  in UTC unless it has an offset), ``ExternalReference`` -> customer_id, ``UserLanguage``
  -> language (lower case);
- a column named like a contract column (embedded data such as ``interaction_id``,
  ``touchpoint``, ``channel``, ``survey_type``) as it is;
- questions through ``column_mapping.csv`` beside the export (formats/mapping.py), by column
  id (``Q1``) or import id (``QID1``); a mapping row may also set a value for every record
  (``survey_responses,,survey_type,relational``): survey_type is required;
- the other Qualtrics metadata columns (IP address, recipient name and e-mail, location,
  duration, ...) are not landed; any other column is kept in ``_extra``.

Answers may be numbers or labels (seeds/answer_labels.csv). A record the CSV parser cannot
split is quarantined at its line. A CR without LF in a value is data (ingest/bare_cr.py).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb

from orchestration.ingest.bare_cr import masked, unmask, unmasked_columns
from orchestration.ingest.contract import Entity
from orchestration.ingest.formats.canonical import csv_field, is_utf8, write_lines
from orchestration.ingest.formats.mapping import normal, read_mapping
from orchestration.ingest.header import IngestError
from orchestration.ingest.names import refuse_internal
from orchestration.sql import sql_str

NOT_LANDED = (  # Qualtrics metadata that is no contract column; some of it is personal data
    "startdate", "enddate", "status", "ipaddress", "progress", "duration (in seconds)",
    "finished", "recipientlastname", "recipientfirstname", "recipientemail",
    "locationlatitude", "locationlongitude", "distributionchannel", "q_recaptchascore",
    "q_relevantidduplicate", "q_relevantidduplicatescore", "q_relevantidfraudscore",
    "q_relevantidlaststartdate",
)  # fmt: skip
OWN_COLUMNS = ("_source_error", "_source_raw", "_source_line")  # written by this converter
METADATA = {  # Qualtrics column -> contract column ('' = not landed)
    "responseid": "response_id",
    "recordeddate": "submitted_at",
    "externalreference": "customer_id",
    "externaldatareference": "customer_id",
    "userlanguage": "language",
    **dict.fromkeys(NOT_LANDED, ""),
}


def _header_rows(path: Path) -> tuple[list[list[str]], int]:
    """The first three records and the number of lines they span."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle)  # reads only as far as the third record
        try:
            rows = [row for _, row in zip(range(3), reader, strict=False)]
        except csv.Error:  # e.g. a NUL byte: not this shape
            return [], 0
        return rows, reader.line_num


def detect(path: Path, entity: Entity) -> bool:
    if entity.name != "survey_responses" or path.suffix.lower() != ".csv":
        return False
    rows, _ = _header_rows(path)
    return len(rows) == 3 and any(c.strip().startswith('{"ImportId"') for c in rows[2])


def _import_id(cell: str) -> str:
    try:
        value = json.loads(cell)
    except ValueError:
        return ""
    return str(value.get("ImportId", "")) if isinstance(value, dict) else ""


def _targets(path: Path, entity: Entity, ids: list[str], imports: list[str]) -> dict[int, str]:
    """Position in the export -> contract column or extra column name ('' = not landed)."""
    renames = read_mapping(path.parent).renames_of(entity.name)
    contract = set(entity.column_names)
    targets = {}
    for i, (name, import_id) in enumerate(zip(ids, imports, strict=True)):
        key = normal(name)
        target = renames.get(key) or renames.get(normal(import_id))
        if target is None:
            target = METADATA.get(key, key if key in contract else name.strip() or f"column_{i}")
        targets[i] = target
    landed = [t for t in targets.values() if t]
    doubled = sorted({t for t in landed if landed.count(t) > 1})
    if doubled:
        raise IngestError(f"{path.name}: several columns map to {', '.join(doubled)}")
    return targets


def to_canonical(con: duckdb.DuckDBPyConnection, path: Path, entity: Entity, target: Path) -> None:
    if not is_utf8(path):
        raise IngestError(f"{path.name}: not UTF-8 text; Qualtrics exports CSV as UTF-8")
    (ids, _, third), header_lines = _header_rows(path)
    imports = [_import_id(c) for c in third] + [""] * (len(ids) - len(third))
    targets = _targets(path, entity, ids, imports[: len(ids)])
    refuse_internal(path.name, [t for t in targets.values() if t])
    values = read_mapping(path.parent).values_of(entity.name)
    fields = {t: f"c{i}" for i, t in targets.items() if t}
    for column, value in values.items():
        fields.setdefault(column, sql_str(value))
    missing = [c for c in entity.required_columns if c not in fields]
    if missing:
        raise IngestError(
            f"{path.name}: no column for {', '.join(missing)}; map one in column_mapping.csv, "
            f"e.g. 'survey_responses,,survey_type,relational'"
        )
    if "language" in fields:
        fields["language"] = f"lower({fields['language']})"
    names = [f"c{i}" for i in range(len(ids))]
    columns = "{" + ", ".join(f"{sql_str(c)}: 'varchar'" for c in names) + "}"
    con.execute("drop table if exists reject_errors; drop table if exists reject_scans")
    source, mark = masked(path, target.parent / "bare_cr")  # a CR without LF is data
    con.execute(
        f"""create or replace temp table qualtrics as
        select row_number() over () as _row, {unmasked_columns(names, mark)}
        from read_csv({sql_str(source)}, header = false, skip = 3, auto_detect = false,
                      columns = {columns}, delim = ',', quote = '"', escape = '"',
                      encoding = 'utf-8', strict_mode = true, store_rejects = true)"""
    )
    record = " || ',' || ".join(csv_field(v) for v in fields.values())
    empty = ",".join('""' for _ in fields)
    lines = f"""
        with malformed as (
            select distinct on (line) line - 3 as idx, csv_line, error_message
            from reject_errors order by line
        ),
        gaps as (select idx - row_number() over (order by idx) as good_before from malformed),
        records as (
            select _row + (select count(*) from gaps where good_before < _row) as idx,
                {record} || ',,' as line
            from qualtrics
            union all
            select idx,
                {sql_str(empty + ",")} || {csv_field("'malformed CSV record: ' || error_message")}
                || ',' || {csv_field(unmask("trim(csv_line, chr(13) || chr(10))", mark))}
            from malformed
        )
        select line || ',' || {csv_field(f"idx + {header_lines}")} from records order by idx"""
    write_lines(con, [*fields, *OWN_COLUMNS], lines, target)
    con.execute("drop table qualtrics")
