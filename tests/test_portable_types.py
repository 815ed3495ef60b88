"""Declared column types must be ones both engines accept (DuckDB and Spark).

Spark rejects `varchar` without a length, which `make test-spark` only finds after minutes of
building; this catches it at once. Use `string` (DuckDB reads it as VARCHAR).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE_VARCHAR = re.compile(r"^\s*(data_type|[a-z_]+)\s*:\s*varchar\s*$", re.IGNORECASE)


def test_no_bare_varchar_in_model_and_seed_yaml() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in ("models", "seeds")
        for path in sorted((ROOT / folder).rglob("*.yml"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BARE_VARCHAR.match(line)
    ]
    assert offenders == [], "use `string` (Spark needs a length for varchar):\n" + "\n".join(
        offenders
    )
