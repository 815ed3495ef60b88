"""Column names the ingest uses itself: no export column may take one of them.

The loader adds lineage columns to every record (``_file_id``, ``_record``, ...), keeps its
checks in ``_problems`` and ``_raw_record``, and a converter (formats/) hands the loader a
record's line and parse error in ``_source_line``, ``_source_error`` and ``_source_raw``.
An export column with such a name would silently replace the row number or the quarantine
reason, so a file that has one is refused with one sentence naming the file and the column
(nothing of it is loaded). The check compares names as the loader does: trimmed, lower case.

An empty header name (a trailing comma: ``id,name,``) is not refused: it becomes
``_unnamed_<position>`` (1-based), which lands in ``_extra`` like any other unknown column;
that is why ``_unnamed_*`` is reserved too.
"""

from __future__ import annotations

from collections.abc import Iterable

from orchestration.ingest.errors import IngestError

LINEAGE = ("_file_id", "_file_name", "_load_seq", "_record", "_loaded_at", "_extra")
CHECKS = ("_problems", "_raw_record")
SOURCE = ("_source_line", "_source_error", "_source_raw")
INTERNAL = frozenset((*LINEAGE, *CHECKS, *SOURCE))
LABEL_PREFIX = "_label_"  # labels.py: the score of an answer label, per score column
UNNAMED_PREFIX = "_unnamed_"
INTERNAL_PREFIXES = (LABEL_PREFIX, UNNAMED_PREFIX)


def normal(name: str) -> str:
    return name.strip().lower()


def is_internal(name: str) -> bool:
    name = normal(name)
    return name in INTERNAL or name.startswith(INTERNAL_PREFIXES)


def unnamed(position: int) -> str:
    """The name of an empty header cell at ``position`` (1-based)."""
    return f"{UNNAMED_PREFIX}{position}"


def refuse_internal(file_name: str, names: Iterable[str]) -> None:
    """Raise IngestError for the first of ``names`` (the export's own) that is internal."""
    for name in names:
        if is_internal(name):
            raise IngestError(
                f"{file_name}: the column {name.strip()!r} has a name the ingest uses itself "
                f"(reserved: {', '.join(sorted(INTERNAL))}, {LABEL_PREFIX}*, {UNNAMED_PREFIX}*); "
                "rename it in the export, or map it to a contract column in column_mapping.csv"
            )


def user_part(header: list[str], own: Iterable[str]) -> list[str]:
    """The export's names of a converted header: without the converter's own columns, which
    a converter (formats/) appends last."""
    own = tuple(own)
    if own and set(header[len(header) - len(own) :]) == set(own):
        return header[: len(header) - len(own)]
    return header
