"""The dbt command line, built in one pure function so it can be tested without a warehouse."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any


def dbt_build_args(
    *,
    full_refresh: bool = False,
    select: Sequence[str] = (),
    exclude: Sequence[str] = (),
    dbt_vars: Mapping[str, Any] | None = None,
    target: str | None = None,
    unit_tests: bool = False,
) -> list[str]:
    """Arguments for `dbt build`.

    dagster-dbt adds the selection of the assets being materialised itself; `select` and
    `exclude` narrow it further (e.g. for a manual run from the launchpad). dbt unit tests
    check the SQL logic on fixed rows, not the data: CI runs them (`make test`), a pipeline
    run leaves them out unless `unit_tests` (they are a fixed cost of every build).
    """
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    if select:
        args += ["--select", *select]
    if exclude:
        args += ["--exclude", *exclude]
    if dbt_vars:
        args += ["--vars", json.dumps(dict(dbt_vars), sort_keys=True)]
    if target:
        args += ["--target", target]
    if not unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    return args
