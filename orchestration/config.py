"""Configuration, read in one place from environment variables with defaults.

Every path is made absolute against the project root, so dbt, Dagster, GX and
the tests all point at the same files whatever their working directory is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KEY_FILE_ENV = "LOYALTY_PSEUDONYM_KEY_FILE"


def _path(var: str, default: str) -> Path:
    value = os.environ.get(var) or default
    path = Path(value).expanduser()
    return path if path.is_absolute() else (PROJECT_ROOT / path).resolve()


@dataclass(frozen=True)
class Settings:
    inbox: Path
    landing: Path
    warehouse: Path

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            inbox=_path("LOYALTY_INBOX", "data/inbox"),
            landing=_path("LOYALTY_LANDING", "data/landing"),
            warehouse=_path("LOYALTY_WAREHOUSE", "warehouse/loyalty.duckdb"),
        )

    def export(self) -> dict[str, str]:
        """The env vars that hand these paths on to dbt (profiles.yml, sources)."""
        return {
            "LOYALTY_INBOX": str(self.inbox),
            "LOYALTY_LANDING": str(self.landing),
            "LOYALTY_WAREHOUSE": str(self.warehouse),
        }

    def apply_to_environ(self) -> None:
        """Put the absolute paths into os.environ, so that dbt subprocesses get them too."""
        os.environ.update(self.export())


def pseudonym_key_file() -> Path:
    """Where the key of the e-mail pseudonyms lives (orchestration/ingest/pseudonym.py).

    ``LOYALTY_PSEUDONYM_KEY_FILE``; by default in the user's configuration folder
    (``$XDG_CONFIG_HOME/loyalty/pseudonym.key``, ``~/.config/...``), away from the landing,
    the warehouse and the repository, so that whoever gets a copy of the data does not get
    the key with it.
    """
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return _path(KEY_FILE_ENV, str(Path(config_home) / "loyalty" / "pseudonym.key"))


def min_year() -> int:
    """The earliest year a timestamp may have (env ``LOYALTY_MIN_YEAR``, default 1900).

    Older times in an export are quarantined: they are typing errors or placeholders
    (1850-01-01, 0001-01-01), not customer events (orchestration/ingest/typed_values.py).
    """
    value = os.environ.get("LOYALTY_MIN_YEAR", "").strip() or "1900"
    if not value.isdigit() or not 1 <= int(value) <= 9999:
        raise ValueError(f"LOYALTY_MIN_YEAR must be a year from 1 to 9999, not {value!r}")
    return int(value)
