"""Shared fixtures: paths, a scratch landing/warehouse, and a parsed dbt manifest."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_INBOX = ROOT / "tests" / "fixtures" / "inbox"


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest() -> Path:
    """dagster-dbt loads target/manifest.json at import: make sure it is current."""
    dbt = Path(sys.executable).parent / "dbt"
    subprocess.run([str(dbt), "parse", "--quiet"], cwd=ROOT, check=True)
    return ROOT / "target" / "manifest.json"


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """A copy of the fixture inbox that a test may change."""
    target = tmp_path / "inbox"
    shutil.copytree(FIXTURE_INBOX, target)
    return target


@pytest.fixture
def loyalty_env(tmp_path: Path, inbox: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Point every LOYALTY_* path at tmp_path."""
    paths = {
        "inbox": inbox,
        "landing": tmp_path / "landing",
        "warehouse": tmp_path / "warehouse" / "loyalty.duckdb",
    }
    for name, path in paths.items():
        monkeypatch.setenv(f"LOYALTY_{name.upper()}", str(path))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    (tmp_path / "dagster_home").mkdir()
    return paths
