"""Ingest every new inbox file of an entity, in name order, each exactly once.

Used by the Dagster ingest assets and by ``python -m orchestration ingest``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.ingest.contract import ENTITIES, Entity, entity_of
from orchestration.ingest.formats import SUFFIXES as INBOX_SUFFIXES
from orchestration.ingest.formats import load_export
from orchestration.ingest.formats.mapping import MAPPING_FILE
from orchestration.ingest.header import IngestError
from orchestration.ingest.landing import Landing
from orchestration.ingest.loader import LoadResult, file_digest
from orchestration.ingest.lock import ingest_lock, layout_lock
from orchestration.ingest.order import (
    in_version_order,
    late_message,
    later_loaded,
    loaded_names,
    prepare_superseded,
    waiting_message,
)
from orchestration.ingest.redact import redact


@dataclass
class IngestReport:
    entity: str
    loaded: list[LoadResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already in the ledger
    failed: list[str] = field(default_factory=list)  # IngestError messages
    waiting: list[str] = field(default_factory=list)  # after a failed file (order.py)
    late: list[str] = field(default_factory=list)  # LATE warnings (order.py)
    unknown_files: list[str] = field(default_factory=list)  # inbox files of no entity
    not_files: list[str] = field(default_factory=list)  # entries named like an export, skipped
    orphans_removed: int = 0

    @property
    def rows(self) -> dict[str, int]:
        return {
            "rows_read": sum(r.rows_read for r in self.loaded),
            "rows_accepted": sum(r.rows_accepted for r in self.loaded),
            "rows_quarantined": sum(r.rows_quarantined for r in self.loaded),
        }


@contextlib.contextmanager
def ingest_connection(landing_root: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB for parsing; it spills to the landing folder, never the warehouse."""
    spill = landing_root / ".spill"
    spill.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"temp_directory": str(spill), "memory_limit": "3GB"})
    try:
        con.execute("set TimeZone = 'UTC'")  # offset-less timestamps are UTC
        yield con
    finally:
        con.close()


def check_inbox(inbox: Path) -> None:
    """A missing inbox is an error, not an inbox with no files (a typo in LOYALTY_INBOX)."""
    if not inbox.exists():
        raise IngestError(
            f"the inbox folder {inbox} does not exist; create it or set LOYALTY_INBOX to the "
            "folder that holds the exports"
        )
    if not inbox.is_dir():
        raise IngestError(
            f"the inbox {inbox} is a file, not a folder; set LOYALTY_INBOX to the folder that "
            "holds the exports"
        )


def not_files(inbox: Path, entity: Entity) -> list[str]:
    """Entries named like an export of ``entity`` that are not a readable file, with the reason:
    a folder (``customers.csv/``) or a link to nothing. They are skipped, and said so."""
    found = []
    for path in sorted(inbox.iterdir()) if inbox.is_dir() else []:
        if path.is_file() or path.name.startswith(".") or path.suffix.lower() not in INBOX_SUFFIXES:
            continue
        if entity_of(path.name) is not entity:
            continue
        if path.is_symlink() and not path.exists():
            reason = "a link to a file that does not exist"
        elif path.is_dir():
            reason = "a folder, not a file"
        else:
            reason = "not a regular file"
        found.append(f"{path.name}: {reason}; skipped (nothing was loaded from it)")
    return found


def inbox_files(inbox: Path) -> dict[str, list[Path]]:
    """Inbox files by entity name, each list in name order; unknown files under ''.

    The mapping file (formats/mapping.py) is not an export and not reported as unknown."""
    found: dict[str, list[Path]] = {}
    if not inbox.is_dir():
        return found
    for path in sorted(inbox.iterdir()):
        if not path.is_file() or path.name.startswith(".") or path.name == MAPPING_FILE:
            continue
        entity = entity_of(path.name) if path.suffix.lower() in INBOX_SUFFIXES else None
        found.setdefault(entity.name if entity else "", []).append(path)
    return found


# DuckDB's CSV reader gives up on a file whose records it cannot delimit (strict mode) with
# a parser dump; say what is wrong with the file instead
UNDELIMITED = "CSV Parser state machine reached an invalid state"
UNDELIMITED_HINT = (
    "the CSV parser cannot tell where its records end: a line break outside quotes that "
    "differs from the file's line ending (a bare LF in a file whose lines end in CR LF), or "
    "a quote that is never closed; expected one kind of line ending and values with line "
    "breaks in quotes: export the file again"
)


def explain(path: Path, exc: duckdb.Error) -> str:
    """The message of a file DuckDB could not read: the file's name and what is wrong.

    DuckDB's CSV errors quote the offending line ("Original Line: ..."), a record that may
    hold a customer's e-mail and name: the quote and everything after it are left out."""
    if UNDELIMITED in str(exc):
        return f"{path.name}: {UNDELIMITED_HINT}"
    kept = []
    for line in str(exc).splitlines():
        if "Original Line" in line:
            break
        kept.append(line.strip())
    return f"{path.name}: {' '.join(k for k in kept if k)}"


def ingest_entity(inbox: Path, landing_root: Path, entity: Entity) -> IngestReport:
    """Load the entity's inbox files that the ledger has not seen, in name order.

    Holds the entity's ingest lock (lock.py): raises IngestLocked while another ingest runs;
    raises IngestError when the inbox folder does not exist."""
    check_inbox(inbox)
    with ingest_lock(landing_root, [entity.name]):
        return _ingest_entity(inbox, landing_root, entity)


def _ingest_entity(inbox: Path, landing_root: Path, entity: Entity) -> IngestReport:
    report = IngestReport(entity.name)
    report.not_files = not_files(inbox, entity)
    landing = Landing(landing_root)
    with ingest_connection(landing_root) as con:
        with layout_lock(landing_root):
            landing.ensure_layout(con)
            ledger = dict(landing.ledger(con, entity))
            report.orphans_removed = len(landing.remove_orphans(entity, set(ledger)))
        next_seq = max(ledger.values(), default=0) + 1
        names = loaded_names(con, landing, entity)
        files = inbox_files(inbox)
        report.unknown_files = [p.name for p in files.get("", [])]
        failed: Path | None = None
        for path in in_version_order(files.get(entity.name, [])):
            if file_digest(path) in ledger:
                report.skipped.append(path.name)
                continue
            if failed is not None:  # a later version must not load before the failed one
                report.waiting.append(waiting_message(path, failed))
                continue
            later = later_loaded(path, names)  # a late file: its name-order place
            if later:
                prepare_superseded(con, landing, entity, later)
            try:
                result = load_export(con, path, entity, landing, next_seq, superseded=bool(later))
            except (IngestError, duckdb.Error) as exc:
                message = str(exc) if isinstance(exc, IngestError) else explain(path, exc)
                report.failed.append(redact(message))  # never an e-mail address in a log
                failed = path
                with layout_lock(landing_root):
                    landing.remove_orphans(entity, set(ledger))  # nothing of it stays
                continue
            if later:
                report.late.append(late_message(path, later))
            ledger[result.file_id] = next_seq
            names[result.file_id] = result.file_name
            report.loaded.append(result)
            next_seq += 1
    return report


def ingest_all(inbox: Path, landing_root: Path) -> list[IngestReport]:
    """Ingest every entity, holding the ingest lock of all of them (IngestLocked if taken)."""
    check_inbox(inbox)
    with ingest_lock(landing_root, list(ENTITIES)):
        return [_ingest_entity(inbox, landing_root, e) for e in ENTITIES.values()]
