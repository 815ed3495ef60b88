"""Configuration, read in one place from environment variables with defaults.

Every path is made absolute against the project root, so dbt, Dagster, GX and
the tests all point at the same files whatever their working directory is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KEY_FILE_ENV = "LOYALTY_PSEUDONYM_KEY_FILE"


def _path(var: str, default: str) -> Path:
    value = os.environ.get(var) or default
    path = Path(value).expanduser()
    return path if path.is_absolute() else (PROJECT_ROOT / path).resolve()


def default_build_warehouse(warehouse: Path) -> Path:
    """build/<name> beside the published file (profiles.yml derives the same default)."""
    return warehouse.parent / "build" / warehouse.name


def catalog_name(path: Path) -> str:
    """DuckDB's catalog name for a database file: its name up to the first dot."""
    return path.name.lstrip(".").split(".")[0]


class InvalidSetting(ValueError):
    """An environment variable holds a value the pipeline cannot use (the message says why)."""


def as_of_date_from_env() -> date | None:
    """LOYALTY_AS_OF_DATE as a date (an ISO date such as 2025-03-31), None when unset or empty.

    The as-of date every as-of mart measures against (dbt var `as_of_date`); unset, dbt takes
    the latest event in the exports. Any other value is a clear error, never a silent default.
    """
    value = os.environ.get("LOYALTY_AS_OF_DATE", "").strip()
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidSetting(
            f"LOYALTY_AS_OF_DATE is {value!r}: set an ISO date such as 2025-03-31 "
            "(the as-of date the marts measure against), or unset it for the latest event"
        ) from None


@dataclass(frozen=True)
class Settings:
    inbox: Path
    landing: Path
    # The published warehouse: what BI tools, the report, the summary and MetricFlow read.
    warehouse: Path
    # The build warehouse: what dbt writes and the checks audit before it is published
    # (orchestration/wap.py). Default: build/<name of the published file> beside it, so that
    # both files have the same DuckDB catalog name (DuckDB names it after the file).
    build_warehouse: Path = None  # type: ignore[assignment]  # None: the default beside it
    # LOYALTY_AS_OF_DATE: the as-of date the marts measure against; None = the latest event.
    as_of_date: date | None = None

    def __post_init__(self) -> None:
        if self.build_warehouse is None:
            object.__setattr__(self, "build_warehouse", default_build_warehouse(self.warehouse))

    @classmethod
    def from_env(cls) -> Settings:
        warehouse = _path("LOYALTY_WAREHOUSE", "warehouse/loyalty.duckdb")
        build = _path("LOYALTY_BUILD_WAREHOUSE", str(default_build_warehouse(warehouse)))
        min_year()  # a bad LOYALTY_MIN_YEAR is one clear sentence before anything runs
        if catalog_name(build) != catalog_name(warehouse):
            raise InvalidSetting(
                f"LOYALTY_BUILD_WAREHOUSE {build} must have the same file name as "
                f"LOYALTY_WAREHOUSE {warehouse} up to the first dot (DuckDB names the catalog "
                "after it, and the marts are referenced by catalog): rename one of them."
            )
        return cls(
            inbox=_path("LOYALTY_INBOX", "data/inbox"),
            landing=_path("LOYALTY_LANDING", "data/landing"),
            warehouse=warehouse,
            build_warehouse=build,
            as_of_date=as_of_date_from_env(),
        )

    def export(self) -> dict[str, str]:
        """The env vars that hand these settings on to dbt (profiles.yml, sources, vars)."""
        return {
            "LOYALTY_INBOX": str(self.inbox),
            "LOYALTY_LANDING": str(self.landing),
            "LOYALTY_WAREHOUSE": str(self.warehouse),
            "LOYALTY_BUILD_WAREHOUSE": str(self.build_warehouse),
            # dbt_project.yml: var as_of_date defaults to env_var('LOYALTY_AS_OF_DATE', '')
            "LOYALTY_AS_OF_DATE": self.as_of_date.isoformat() if self.as_of_date else "",
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
        raise InvalidSetting(
            f"LOYALTY_MIN_YEAR is {value!r}: set a year from 1 to 9999 (the earliest year a "
            "time in an export may have), or unset it for 1900"
        )
    return int(value)
