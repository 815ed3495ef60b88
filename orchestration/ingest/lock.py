"""One writer at a time: the ingest of an entity holds an exclusive lock on the landing.

Two ingests of the same landing at once (a second `python -m orchestration ingest`, a second
Dagster run, the CLI beside a run) would both pick the same inbox files, number their versions
from the same ledger and remove each other's half-written files as orphans. So the ingest of
each entity takes an exclusive ``flock`` on ``<landing>/.ingest.<entity>.lock`` before it reads
the ledger, and writes its pid and start time into it; an ingest that finds the lock taken fails
at once with "another ingest (pid N) is running since T" (the CLI exits with 1, the Dagster asset
fails with that message). One lock per entity, because the Dagster job ingests the entities in
parallel steps of one run; ``ingest_all`` takes all of them. The kernel releases a flock when its
process ends, also on kill -9 or a crash, so a lock is never left behind (the file stays; only
the flock counts). Changes of the folders every entity shares (the zero-row schema files, the
left-overs of interrupted loads) are serialised by a short blocking lock, ``.layout.lock``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path


class IngestLocked(Exception):
    """Another process holds the ingest lock of this landing."""


def lock_path(landing_root: Path, entity: str) -> Path:
    return landing_root / f".ingest.{entity}.lock"


def _holder(fd: int) -> str:
    """'pid N ... since T' as recorded by the holder (empty while it is being written)."""
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
    except OSError:
        text = []
    if len(text) >= 2:
        return f"(pid {text[0]}) is running since {text[1]}"
    return "is running (it is just starting)"


def _take(path: Path) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _holder(fd)
        os.close(fd)
        raise IngestLocked(
            f"another ingest {holder} on the landing {path.parent}: wait until it has "
            "finished, then start the ingest again (nothing was loaded by this one)"
        ) from None
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()} {started}\n".encode(), 0)
    return fd


@contextlib.contextmanager
def ingest_lock(landing_root: Path, entities: list[str]) -> Iterator[None]:
    """Hold the ingest lock of every given entity, or raise IngestLocked naming the holder."""
    landing_root.mkdir(parents=True, exist_ok=True)
    held: list[int] = []
    try:
        for entity in entities:
            held.append(_take(lock_path(landing_root, entity)))
        yield
    finally:
        for fd in reversed(held):
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


@contextlib.contextmanager
def layout_lock(landing_root: Path) -> Iterator[None]:
    """Wait for, then hold, the short lock on the folders that every entity's ingest changes."""
    landing_root.mkdir(parents=True, exist_ok=True)
    fd = os.open(landing_root / ".layout.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
