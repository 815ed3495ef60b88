"""Run one command and measure it: wall seconds, CPU seconds (user + system, from
getrusage of the reaped children) and the peak RSS of its whole process tree.

The tree is sampled from /proc every 50 ms (no psutil): every process whose ancestry leads
to the child counts, so dbt's threads and GX's subprocesses are included. A sample sums
VmRSS of the processes alive at that moment; the peak is the largest sum seen. With
``max_mb`` the tree is stopped (SIGKILL to its process group) as soon as a sample exceeds it,
so a stage that would exhaust the machine fails with a reason instead of waking the kernel's
OOM killer (which may pick another process).
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class Measured:
    name: str
    seconds: float
    cpu_seconds: float  # user + system of the whole tree: steadier than wall on a busy machine
    peak_mb: float
    returncode: int
    output: str
    stopped: str | None = None  # why the harness stopped it (memory cap), else None


def _parents() -> dict[int, int]:
    """pid -> ppid of every process (field 4 of /proc/<pid>/stat, after the comm)."""
    found = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        found[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return found


def _rss_kb(pid: int) -> int:
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mb(root: int) -> float:
    """RSS of ``root`` and all its descendants, in MB."""
    parents = _parents()
    tree, frontier = {root}, [root]
    while frontier:
        current = frontier.pop()
        children = [p for p, pp in parents.items() if pp == current and p not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(_rss_kb(p) for p in tree) / 1024


def run(name: str, cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
        check: bool = True, max_mb: float | None = None) -> Measured:  # fmt: skip
    """Run ``cmd``; print and return its timing; raise when it fails and ``check``.
    ``max_mb``: stop the process tree when its RSS exceeds this (``Measured.stopped``)."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(
        cmd,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: the cap stops the whole tree
    )
    peak = 0.0
    stopped: str | None = None
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, stopped
        while not done.is_set():
            peak = max(peak, tree_rss_mb(proc.pid))
            if max_mb is not None and peak > max_mb and stopped is None:
                stopped = f"stopped by the harness: its memory passed {max_mb:,.0f} MB"
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = proc.communicate()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    done.set()
    sampler.join()
    result = Measured(
        name, round(seconds, 2), round(cpu, 2), round(peak, 1), proc.returncode, output, stopped
    )
    print(
        f"  {name:<32} {seconds:8.2f} s  cpu {cpu:8.2f} s  peak {peak:8.1f} MB"
        f"  rc {proc.returncode}{'  ' + stopped if stopped else ''}",
        flush=True,
    )
    if check and proc.returncode != 0:
        raise RuntimeError(f"{name} failed ({' '.join(cmd)}):\n{output[-4000:]}")
    return result
