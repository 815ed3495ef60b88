"""The Dagster instance configuration of the repo (dagster.yaml) in DAGSTER_HOME."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from orchestration.config import PROJECT_ROOT

INSTANCE_YAML = PROJECT_ROOT / "dagster.yaml"
MARKER = "# The Dagster instance settings of this project."


def install_instance_config(home: Path | None = None) -> Path:
    """Copy the repo's dagster.yaml into DAGSTER_HOME unless that holds a file of its own.

    A missing file or an older copy of ours (it starts with our first line) is replaced; a
    dagster.yaml someone wrote for a shared instance is left alone.
    """
    home = home or Path(os.environ["DAGSTER_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    if not target.exists() or target.read_text(encoding="utf-8").startswith(MARKER):
        shutil.copyfile(INSTANCE_YAML, target)
    return target
