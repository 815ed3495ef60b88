"""Write-audit-publish: dbt writes the build warehouse, the checks audit it, and only then
is it published over LOYALTY_WAREHOUSE, the file every reader opens (docs/serving.md).

Publishing never writes the published file in place: the build file is checkpointed (its
WAL folded into the file), copied to a temporary file beside the published one, flushed to
disk, and renamed over it; then the directory is flushed, so that the rename itself survives
a power cut. rename(2) is atomic on POSIX: a process killed at any moment leaves either the
old or the new published file, never a mix, and a reader with the old file open keeps
reading it (the old inode lives until its last reader closes) and sees the new marts on
its next connect. No DuckDB connection to the published file is needed, so a BI tool's
read-only connection never blocks a publish.

The build file stays after a publish: the incremental models grow from it on the next run.
If it is missing (a fresh checkout, or someone deleted it), ``prepare_build`` seeds it from
the published file, so the next build stays incremental instead of rebuilding from nothing.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from orchestration.config import Settings
from orchestration.locks import connect_or_explain

TMP_SUFFIX = ".publishing"


class PublishError(Exception):
    """The build warehouse cannot be published (one sentence saying why and what to do)."""


@dataclass(frozen=True)
class Published:
    path: Path
    bytes: int
    seconds: float


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def checkpoint(path: Path) -> None:
    """Fold the WAL of a DuckDB file into the file (a copy of the file alone is then whole)."""
    with connect_or_explain(path) as con:
        con.execute("checkpoint")


def _copy_durably(source: Path, target: Path) -> None:
    """Copy source to target and flush target's bytes to disk."""
    with source.open("rb") as src, target.open("wb") as dst:
        shutil.copyfileobj(src, dst, length=16 * 1024 * 1024)
        dst.flush()
        os.fsync(dst.fileno())


def prepare_build(settings: Settings) -> None:
    """Make sure dbt can open the build file: its folder exists; a missing build file is
    seeded from the published one (the incremental models' state), if that exists."""
    build, published = settings.build_warehouse, settings.warehouse
    build.parent.mkdir(parents=True, exist_ok=True)
    if build.exists() or not published.is_file():
        return
    if Path(f"{published}.wal").exists():
        raise PublishError(
            f"{published}.wal exists: the published warehouse was written in place and not "
            "closed cleanly; open it once read-write with duckdb (or delete the .wal) and rerun."
        )
    temporary = build.with_name(build.name + TMP_SUFFIX)
    _copy_durably(published, temporary)
    os.replace(temporary, build)


def publish(settings: Settings) -> Published:
    """Replace LOYALTY_WAREHOUSE with the build warehouse, atomically (see module docstring).

    The caller has audited the build file (orchestration.quality.audit); this only copies.
    """
    build, published = settings.build_warehouse, settings.warehouse
    if not build.is_file():
        raise PublishError(
            f"no build warehouse at {build}: run `dbt build` or `make run` first, then publish."
        )
    if build.resolve() == published.resolve():
        raise PublishError(
            f"LOYALTY_BUILD_WAREHOUSE and LOYALTY_WAREHOUSE are the same file ({build}): "
            "nothing to publish; unset LOYALTY_BUILD_WAREHOUSE for the default build/ folder."
        )
    started = time.perf_counter()
    checkpoint(build)
    published.parent.mkdir(parents=True, exist_ok=True)
    temporary = published.with_name(published.name + TMP_SUFFIX)
    _copy_durably(build, temporary)
    # A WAL beside the published file would be replayed onto the new file by its next reader.
    Path(f"{published}.wal").unlink(missing_ok=True)
    os.replace(temporary, published)
    _fsync_dir(published.parent)
    return Published(published, published.stat().st_size, time.perf_counter() - started)
