"""Load one export file: parse with DuckDB, type every column, split accepted from rejected.

The whole file is handled in SQL (no row-by-row Python). Every data record ends up
either in the entity's landing Parquet or in the quarantine with the reason, so
rows read = rows accepted + rows quarantined holds for every file:

- records the CSV parser cannot split into the header's columns (too many or too
  few fields, an unterminated quote) are caught by DuckDB's reject store;
- records whose values do not fit the contract (an empty required id, a score that
  is not a whole number or outside its range, an unknown channel code, a timestamp
  that is not a real ISO-8601 time, an amount that is not exact in cents) are caught by the
  checks built from the contract below (timestamps and amounts: typed_values.py).
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.ingest.bare_cr import masked, unmask, unmasked_columns
from orchestration.ingest.contract import Column, Entity
from orchestration.ingest.header import read_header
from orchestration.ingest.labels import join_labels, label_column
from orchestration.ingest.landing import Landing, copy_atomic
from orchestration.ingest.order import superseded_join, superseded_problem
from orchestration.ingest.personal import (
    PSEUDONYMISE,
    id_problems,
    json_pairs,
    landed_text,
    personal_columns,
)
from orchestration.ingest.pseudonym import bind_key, load_key, pseudonym_sql
from orchestration.ingest.redact import mask_sql, raw_line_sql
from orchestration.ingest.typed_values import amount_checks, timestamp_checks
from orchestration.sql import sql_ident, sql_str


@dataclass(frozen=True)
class LoadResult:
    file_name: str
    entity: str
    file_id: str
    load_seq: int
    rows_read: int
    rows_accepted: int
    rows_quarantined: int
    missing_columns: tuple[str, ...] = ()
    extra_columns: tuple[str, ...] = ()


def file_digest(path: Path) -> str:
    """SHA-256 of the file's bytes: the identity of a delivery."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _raw(column: Column, present: set[str]) -> str:
    return f"nullif(trim({sql_ident(column.name)}), '')" if column.name in present else "null"


def column_checks(
    column: Column, present: set[str], labelled: frozenset[str] = frozenset()
) -> tuple[str, str]:
    """(typed value, error message or null) as SQL expressions for one contract column."""
    raw, name = _raw(column, present), sql_str(column.name + ": ")  # the message's prefix
    shown = f"'''' || {raw} || ''''"  # the raw value in quotes, for the message
    if column.kind == "integer":
        whole = f"regexp_full_match({raw}, '[+-]?[0-9]{{1,9}}')"
        typed = f"case when {whole} then cast({raw} as integer) end"
        not_whole = f"{name} || {shown} || ' is not a whole number'"
        if column.name in labelled:  # a label ("Zeer makkelijk"): its score from the seed
            typed = f"coalesce({typed}, {label_column(column.name)})"
            label = f"{name} || {shown} || ' is not a known answer label'"
            not_whole = f"case when regexp_matches({raw}, '\\pL') then {label} else {not_whole} end"
        low, high = column.min_value, column.max_value
        error = (
            f"case when {raw} is not null and {typed} is null then {not_whole}"
            f" when {typed} not between {low} and {high}"
            f" then {name} || {raw} || {sql_str(f' is outside {low}-{high}')} end"
        )
    elif column.kind == "decimal":
        typed, error = amount_checks(name, raw)
    elif column.kind == "timestamp":
        typed, error = timestamp_checks(name, raw)
        if column.max_days_after_load is not None:
            days = column.max_days_after_load
            unit = "day" if days == 1 else "days"
            error = (
                f"coalesce({error}, case when {typed} > cast(timezone('UTC', now()) as timestamp)"
                f" + interval {days} day"
                f" then {name} || {shown} || {sql_str(f' is more than {days} {unit}')}"
                " || ' after the load time' end)"
            )
    elif column.allowed:
        typed = f"lower({raw})"
        codes = ", ".join(sql_str(v) for v in column.allowed)
        one_of = sql_str(" is not one of " + "|".join(column.allowed))
        error = f"case when {typed} not in ({codes}) then {name} || {shown} || {one_of} end"
    else:
        typed, error = raw, "null"
    if column.required:
        empty = sql_str(column.name + ": required but empty")
        error = f"coalesce(case when {raw} is null then {empty} end, {error})"
    return typed, error


def landed_value(column: Column, typed: str, present: set[str]) -> str:
    """What lands for a column: its typed value (e-mails in free text masked), or the
    keyed hash of a personal one."""
    if column.personal == PSEUDONYMISE:
        return pseudonym_sql(_raw(column, present))
    return landed_text(column, typed)


SOURCE_COLUMNS = ("_source_line", "_source_error", "_source_raw")


def source_problems(present: set[str], problems: str) -> str:
    """The record's problems; a converter's reason why it could not be read replaces them."""
    checked = f"list_filter([{problems}], lambda p: p is not null)"
    if "_source_error" not in present:
        return checked
    reason = mask_sql('"_source_error"')
    source = f"[{{'col': cast(null as varchar), 'reason': {reason}}}]"
    return f'case when "_source_error" is not null then {source} else {checked} end'


def source_lineage(present: set[str], personal: bool) -> str:
    """The record's line in the user's file and the text of an unreadable record, if given
    (withheld when the file holds personal columns, e-mail addresses masked otherwise)."""
    line = 'try_cast("_source_line" as bigint)' if "_source_line" in present else "null"
    raw = raw_line_sql('"_source_raw"', personal) if "_source_raw" in present else "null"
    return f"cast({line} as bigint) as _source_line, cast({raw} as varchar) as _source_raw"


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    entity: Entity,
    landing: Landing,
    load_seq: int,
    source: Path | None = None,
    own: tuple[str, ...] = (),
    superseded: bool = False,
    line_offset: int = 0,
) -> LoadResult:
    """Load one file into the landing zone; returns its ledger counts.

    Personal columns (contract `personal`) are pseudonymised or dropped here, in the typed
    rows and in the quarantine's raw record alike, so no e-mail address or name lands.
    ``source``: the user's inbox file when ``path`` is a canonical CSV converted from it
    (orchestration/ingest/formats/); the ledger and the quarantine name and hash the source.
    ``own``: the columns that converter added (``_source_line``, ...); an export column with
    an internal name is refused (orchestration/ingest/names.py).
    ``superseded``: a late file (order.py); records whose key is in the temp table
    superseded_keys are quarantined as superseded.
    ``line_offset``: lines of the source above the header of ``path`` (title rows a shape
    skipped, formats/preamble.py), added to quarantine lines so they point into the source.
    """
    origin = source or path
    file_id = file_digest(origin)
    header = read_header(path, entity, own)
    present = set(header)
    fields = [c for c in header if c not in SOURCE_COLUMNS]
    extra = [c for c in fields if c not in entity.column_names]
    missing = tuple(c for c in entity.column_names if c not in present)
    columns = "{" + ", ".join(f"{sql_str(c)}: 'varchar'" for c in header) + "}"
    con.execute("drop table if exists reject_errors; drop table if exists reject_scans")
    scratch = landing.new_scratch(entity)  # for a copy with its bare CRs masked (bare_cr.py)
    try:
        parsed, mark = masked(path, scratch)
        con.execute(
            f"""create or replace temp table parsed as
            select row_number() over () as _record, {unmasked_columns(header, mark)}
            from read_csv({sql_str(parsed)}, header = true, auto_detect = false,
                          columns = {columns}, delim = ',', quote = '"', escape = '"',
                          encoding = 'utf-8', strict_mode = true, store_rejects = true)"""
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    labelled = {c.name: c.labels for c in entity.columns if c.labels and c.name in present}
    labelled = join_labels(con, "parsed", labelled)
    personal = personal_columns(entity, fields)
    withhold = personal.any or entity.has_personal_data  # an unreadable line is not shown
    if personal.pseudonymised:
        bind_key(con, load_key(landing.root))
    checks = {c.name: column_checks(c, present, labelled) for c in entity.columns}
    typed_cols = ",\n".join(
        f"{landed_value(c, checks[c.name][0], present)} as {sql_ident(c.landing_name)}"
        for c in entity.landing_columns
    )
    problems = ", ".join(
        [
            *(
                f"case when ({e}) is not null then {{'col': {sql_str(n)}, 'reason': ({e})}} end"
                for n, (_, e) in checks.items()
            ),
            *id_problems(entity, present),
        ]
    )
    later = ""
    if superseded:
        key_column = next(c for c in entity.columns if c.name == entity.key)
        later = superseded_join(_raw(key_column, present))
        problems += ", " + superseded_problem(entity)
    extra_pairs = json_pairs(entity, extra, personal)
    extra = [c for c in extra if not personal.action(c)]  # the ledger names what was kept
    extra_json = (
        "json_object(" + ", ".join(extra_pairs) + ")" if extra_pairs else "cast(null as varchar)"
    )
    raw_json = "json_object(" + ", ".join(json_pairs(entity, fields, personal)) + ")"
    con.execute(
        f"""create or replace temp table typed as
        select {typed_cols},
            {sql_str(file_id)} as _file_id, {sql_str(origin.name)} as _file_name,
            cast({load_seq} as bigint) as _load_seq, _record,
            cast(timezone('UTC', now()) as timestamp) as _loaded_at,
            {extra_json} as _extra,
            {source_problems(present, problems)} as _problems,
            case when len(_problems) > 0 then {raw_json} end as _raw_record,
            {source_lineage(present, withhold)}
        from parsed {later}"""
    )
    landing_cols = ", ".join(
        sql_ident(c) for c in [*(c.landing_name for c in entity.landing_columns), *_lineage()]
    )
    copy_atomic(
        con,
        f"select {landing_cols} from typed where len(_problems) = 0 order by _record",
        landing.data_path(entity, file_id),
    )
    malformed = (
        f"select distinct on (line) line, column_name, {unmask('csv_line', mark)} as csv_line,"
        " error_message from reject_errors order by line"
    )
    copy_atomic(
        con,
        f"""with malformed as ({malformed}),
        shifted as (
            select line - row_number() over (order by line) - 1 as records_before from malformed
        )
        select {sql_str(file_id)} as file_id, {sql_str(origin.name)} as file_name,
            {sql_str(entity.name)} as entity,
            coalesce(
                _source_line,
                _record + 1 + {line_offset}
                + (select count(*) from shifted where records_before < _record)
            ) as line,
            _problems[1].col as column_name, _raw_record ->> _problems[1].col as value,
            {mask_sql("array_to_string(list_transform(_problems, lambda p: p.reason), '; ')")}
                as reason,
            coalesce(_source_raw, cast(_raw_record as varchar)) as raw_record
        from typed where len(_problems) > 0
        union all
        select {sql_str(file_id)}, {sql_str(origin.name)}, {sql_str(entity.name)},
            line + {line_offset}, column_name, null,
            {mask_sql("'malformed CSV record: ' || error_message")},
            {raw_line_sql("csv_line", withhold)}
        from malformed
        order by line""",
        landing.quarantine_path(entity, file_id),
    )
    accepted, rejected = con.execute(
        "select count(*) filter (len(_problems) = 0), count(*) filter (len(_problems) > 0)"
        " from typed"
    ).fetchone()
    (malformed_count,) = con.execute("select count(distinct line) from reject_errors").fetchone()
    result = LoadResult(
        file_name=origin.name,
        entity=entity.name,
        file_id=file_id,
        load_seq=load_seq,
        rows_read=accepted + rejected + malformed_count,
        rows_accepted=accepted,
        rows_quarantined=rejected + malformed_count,
        missing_columns=missing,
        extra_columns=tuple(extra),
    )
    _write_ledger(con, landing, entity, result, origin.stat().st_size)
    con.execute("drop table typed; drop table parsed")
    return result


def _lineage() -> list[str]:
    return ["_file_id", "_file_name", "_load_seq", "_record", "_loaded_at", "_extra"]


def _write_ledger(
    con: duckdb.DuckDBPyConnection, landing: Landing, entity: Entity, r: LoadResult, size: int
) -> None:
    """The ledger row, written last: it marks the load as complete."""
    values = (
        f"select {sql_str(r.file_id)} as file_id, {sql_str(r.file_name)} as file_name, "
        f"{sql_str(r.entity)} as entity, cast({r.load_seq} as bigint) as load_seq, "
        "cast(timezone('UTC', now()) as timestamp) as loaded_at, "
        f"cast({size} as bigint) as size_bytes, cast({r.rows_read} as bigint) as rows_read, "
        f"cast({r.rows_accepted} as bigint) as rows_accepted, "
        f"cast({r.rows_quarantined} as bigint) as rows_quarantined, "
        f"{sql_str(','.join(r.missing_columns))} as missing_columns, "
        f"{sql_str(','.join(r.extra_columns))} as extra_columns"
    )
    copy_atomic(con, values, landing.ledger_path(entity, r.file_id))
