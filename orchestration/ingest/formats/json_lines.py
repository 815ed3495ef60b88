"""JSON exports (``*.jsonl`` / ``*.ndjson`` / ``*.json``): one JSON object per line, or an array.

A survey response nests the customer and the answers::

    {"response_id": "R1", "customer": {"id": "C001"}, "survey_type": "relational",
     "submitted_at": "2025-01-31T14:22:05+01:00", "channel": "web", "touchpoint": "delivery",
     "interaction": {"id": "I9"}, "language": "nl",
     "answers": {"nps": 9, "ces": 6, "csat": 4, "emotion": "blij", "comment": "Snel!"}}

Every other entity (and every survey column not listed in ``PATHS``) is a flat object with the
contract's column names as keys. The file is split into lines and parsed with DuckDB's JSON
functions in SQL, not row by row in Python (``read_json`` with ``ignore_errors`` would drop a
bad line without saying which). A line that is not a JSON object becomes a quarantine record at
its line; keys the contract does not know are kept (``_extra``). Blank lines are skipped.

A file (of any of the suffixes) that is one JSON array is read as its elements, each a record;
the quarantine's ``line`` of an element is its position in the array (the first is 1). A file
with no JSON object on any line (a CSV renamed to .json), or one JSON value over several lines
(an API response ``{"data": [...]}``), fails with one sentence naming the file and what to do.

A key is data, never SQL: every value is read with a JSON pointer (``/customer/id``, with ``~``
and ``/`` in a key escaped as ``~0`` and ``~1``) passed as a string literal, so a key may hold
any character. A key that names an internal column (orchestration/ingest/names.py) is refused.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.ingest.contract import Entity
from orchestration.ingest.formats.canonical import csv_field, is_utf8, write_lines
from orchestration.ingest.header import IngestError
from orchestration.ingest.names import refuse_internal
from orchestration.sql import sql_str

SUFFIXES = (".jsonl", ".ndjson", ".json")
KeyPath = tuple[str, ...]  # the keys from the object to a value: ("customer", "id")
PATHS: dict[str, tuple[KeyPath, ...]] = {  # survey_responses: column -> paths, first non-null wins
    "customer_id": (("customer", "id"), ("customer_id",)),
    "interaction_id": (("interaction", "id"), ("interaction_id",)),
    "nps_score": (("answers", "nps"),),
    "ces_score": (("answers", "ces"),),
    "csat_score": (("answers", "csat"),),
    "emotion": (("answers", "emotion"),),
    "comment": (("answers", "comment"), ("comment",)),
}
OWN_COLUMNS = ("_source_line", "_source_error", "_source_raw")  # written by this converter


def pointer(keys: KeyPath) -> str:
    """The JSON pointer (RFC 6901) of a path of keys: ``("a/b", "c")`` -> ``/a~1b/c``."""
    return "".join("/" + k.replace("~", "~0").replace("/", "~1") for k in keys)


def detect(path: Path, entity: Entity) -> bool:
    return path.suffix.lower() in SUFFIXES


def _paths(entity: Entity, column: str) -> tuple[KeyPath, ...]:
    flat = ((column,),)  # every column may also be a top-level key
    return PATHS[column] + flat if entity.name == "survey_responses" and column in PATHS else flat


def _extra_keys(con: duckdb.DuckDBPyConnection, path: Path, entity: Entity) -> dict[str, KeyPath]:
    """Paths in the file's objects that no contract column reads, by their column name:
    ``key`` for a top-level key, ``object.key`` for a key in an object the contract reads."""
    known = {p for c in entity.column_names for p in _paths(entity, c)}
    parents = sorted({p[0] for p in known if len(p) == 2})
    found = con.execute(
        """select distinct p, k from (
            select null as p, unnest(json_keys(j)) as k from json_lines where j is not null
            union all
            select p, unnest(json_keys(j, '/' || p)) from json_lines,
                unnest(cast(? as varchar[])) as t(p)
            where j is not null and json_type(j, '/' || p) = 'OBJECT'
        ) order by p nulls first, k""",
        [parents],  # the contract's object keys (customer, answers, ...): plain words
    ).fetchall()
    tops = {p[0] for p in known}
    extra: dict[str, KeyPath] = {}
    for parent, key in found:
        keys = (key,) if parent is None else (parent, key)
        if keys in known or (parent is None and key in tops):
            continue
        name = ".".join(keys)
        if name in extra:
            raise IngestError(
                f"{path.name}: a top-level key and a nested key both give the column {name!r}; "
                "rename one of them"
            )
        extra[name] = keys
    return dict(sorted(extra.items()))


def _value(paths: tuple[KeyPath, ...], all_paths: list[KeyPath]) -> str:
    """The first non-null of ``paths``, from the list ``v`` of every path's value."""
    values = []
    for path in paths:
        if path not in all_paths:
            all_paths.append(path)
        values.append(f"v[{all_paths.index(path) + 1}]")
    return values[0] if len(values) == 1 else f"coalesce({', '.join(values)})"


WHITESPACE = "' ' || chr(9) || chr(10) || chr(13)"
ARRAY = """create or replace temp table json_lines as
    with elements as (select cast(json(content) as json[]) as parts from json_text)
    select line_no, coalesce(cast(element as varchar), 'null') as line,
        case when json_type(element) = 'OBJECT' then element end as j,
        case when j is null then 'not a JSON object' end as problem
    from (select generate_subscripts(parts, 1) as line_no, unnest(parts) as element
          from elements)"""
LINES = """create or replace temp table json_lines as
    with file as (select string_split(content, chr(10)) as parts from json_text),
    numbered as (
        select generate_subscripts(parts, 1) as line_no, unnest(parts) as text from file
    ),
    checked as (
        select line_no, line, json_valid(line) as valid
        from numbered,
            lateral (select trim(ltrim(text, chr(65279)), ' ' || chr(9) || chr(13)) as line)
        where line <> ''
    )
    select line_no, line, case when valid and starts_with(line, '{') then line end as j,
        case when j is not null then null when valid then 'not a JSON object'
            else 'not valid JSON' end as problem
    from checked"""


def _read(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    """Read the file into ``json_lines`` (one row per record); the kind of record it holds."""
    con.execute(
        f"""create or replace temp table json_text as
        select ltrim(content, chr(65279)) as content from read_text({sql_str(path)})"""
    )
    (array,) = con.execute(
        f"""select case when starts_with(ltrim(content, {WHITESPACE}), '[')
            and json_valid(content) then json_type(json(content)) = 'ARRAY' else false end
        from json_text"""
    ).fetchone()
    con.execute(ARRAY if array else LINES)
    (objects, lines) = con.execute("select count(j), count(*) from json_lines").fetchone()
    if lines == 0 and not array:
        raise IngestError(f"{path.name}: the file is empty; expected one JSON object per line")
    (one_value,) = con.execute("select json_valid(content) from json_text").fetchone()
    if not array and (objects == 0 or (one_value and lines > 1)):
        what = "is one JSON value, not a list of records" if one_value else "holds no JSON object"
        raise IngestError(
            f"{path.name}: {what}; export the records as JSON lines (one object per line) "
            "or as a JSON array of objects"
        )
    con.execute("drop table json_text")
    return "JSON record" if array else "JSON line"


def to_canonical(con: duckdb.DuckDBPyConnection, path: Path, entity: Entity, target: Path) -> None:
    if not is_utf8(path):
        raise IngestError(f"{path.name}: not UTF-8 text; save the JSON export as UTF-8")
    kind = _read(con, path)
    extra = _extra_keys(con, path, entity)
    refuse_internal(path.name, list(extra))
    paths: list[KeyPath] = []  # every JSON path, each parsed out of a line once
    values = {c: _value(_paths(entity, c), paths) for c in entity.column_names}
    for name, keys in extra.items():
        values.setdefault(name, _value((keys,), paths))
    fields = [csv_field(v) for v in values.values()]
    fields += [
        csv_field("line_no"),
        csv_field(f"'malformed {kind}: ' || problem"),
        csv_field("case when problem is not null then line end"),
    ]
    header = [*values, *OWN_COLUMNS]
    record = " || ',' || ".join(fields)
    extracted = f"json_extract_string(j, [{', '.join(sql_str(pointer(p)) for p in paths)}])"
    lines_sql = f"""select {record} as line
        from (select *, {extracted} as v from json_lines) order by line_no"""
    write_lines(con, header, lines_sql, target)
    con.execute("drop table json_lines")
