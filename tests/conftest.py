"""Shared fixtures: paths, a scratch landing/warehouse, and a parsed dbt manifest."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_INBOX = ROOT / "tests" / "fixtures" / "inbox"


@pytest.fixture(scope="session", autouse=True)
def isolated_paths(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """No test reads or writes the user's inbox, landing, warehouses or Dagster instance:
    every LOYALTY_* path points into a session tmp folder unless a test sets its own (the
    build warehouse then follows LOYALTY_WAREHOUSE: build/<name> beside it)."""
    root = tmp_path_factory.mktemp("isolated")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LOYALTY_INBOX", str(root / "inbox"))
        mp.setenv("LOYALTY_LANDING", str(root / "landing"))
        mp.setenv("LOYALTY_WAREHOUSE", str(root / "warehouse" / "loyalty.duckdb"))
        mp.delenv("LOYALTY_BUILD_WAREHOUSE", raising=False)
        mp.delenv("LOYALTY_DBT_TARGET", raising=False)
        mp.delenv("LOYALTY_REPORT", raising=False)  # then beside the (tmp) warehouse
        mp.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        (root / "dagster_home").mkdir()
        yield root


@pytest.fixture(autouse=True)
def restore_loyalty_environ() -> Iterator[None]:
    """Put the LOYALTY_* variables back after each test. Settings.apply_to_environ() (the CLI,
    the Dagster job) writes its paths into os.environ for dbt's subprocesses; without this a
    test's LOYALTY_BUILD_WAREHOUSE leaked into the next tests, which then built into another
    test's build file (its incremental state: "no longer matches its landing")."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("LOYALTY_")}
    yield
    for name in [k for k in os.environ if k.startswith("LOYALTY_") and k not in saved]:
        del os.environ[name]
    os.environ.update(saved)


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest(isolated_paths: Path) -> Path:
    """dagster-dbt loads target/manifest.json at import: make sure it is current."""
    dbt = Path(sys.executable).parent / "dbt"
    subprocess.run([str(dbt), "parse", "--quiet"], cwd=ROOT, check=True)
    return ROOT / "target" / "manifest.json"


@pytest.fixture(scope="session", autouse=True)
def pseudonym_key_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A key file of the test session, never the user's own (~/.config/loyalty/...)."""
    path = tmp_path_factory.mktemp("pseudonym") / "pseudonym.key"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LOYALTY_PSEUDONYM_KEY_FILE", str(path))
        mp.delenv("LOYALTY_PSEUDONYM_KEY", raising=False)
        yield path


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


@pytest.fixture(scope="session")
def fixture_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture inbox, ingested and built with dbt (no Dagster), shared read-only."""
    from warehouse_builder import build_warehouse

    return build_warehouse(FIXTURE_INBOX, tmp_path_factory.mktemp("fixture_warehouse"))


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo exports (2,000 customers, seed 7) built with dbt: for the planted-effect tests."""
    from warehouse_builder import build_warehouse

    from orchestration.demo.generator import generate

    root = tmp_path_factory.mktemp("demo_warehouse")
    generate(root / "inbox", customers=2000, seed=7)
    return build_warehouse(root / "inbox", root)
