"""dbt models, seeds and tests as Dagster assets and asset checks (via dagster-dbt).

The manifest must exist before this module is imported: `dagster dev` parses the project
itself (prepare_if_dev); `make` targets and the tests run `dbt parse` first.

No `from __future__ import annotations` here: Dagster reads the Config annotation at runtime.
"""

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from dagster import AssetExecutionContext, AssetKey, Config, Failure
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.config import PROJECT_ROOT, Settings
from orchestration.locks import WarehouseLocked, ensure_unlocked
from orchestration.transform.cli_args import dbt_build_args
from orchestration.wap import prepare_build

dbt_project = DbtProject(project_dir=PROJECT_ROOT, profiles_dir=PROJECT_ROOT)
dbt_project.prepare_if_dev()


def dbt_resource() -> DbtCliResource:
    """The dbt CLI of this environment (the venv's `dbt`, whatever PATH says)."""
    local_dbt = Path(sys.executable).parent / "dbt"
    return DbtCliResource(
        project_dir=dbt_project,
        dbt_executable=str(local_dbt) if local_dbt.exists() else "dbt",
    )


class LoyaltyDbtTranslator(DagsterDbtTranslator):
    """Asset keys by warehouse schema: ["marts", "fct_nps_monthly"], ["staging", ...].

    Sources keep dagster-dbt's default, which follows `meta.dagster.asset_key` in the
    sources YAML and so links them to the ingest assets ["landing", <entity>].
    """

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        schema = dbt_resource_props.get("config", {}).get("schema") or "main"
        return AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "transform"


class DbtBuildConfig(Config):
    """Launchpad options of the dbt step.

    test_scope: `all` runs every data test on every row; `batch` (the daily schedule) runs the
    row-by-row tests of incremental models on the rows this build wrote only
    (macros/test_batch.sql).
    """

    full_refresh: bool = False
    test_scope: Literal["all", "batch"] = "all"


@contextmanager
def dbt_test_scope(scope: str) -> Iterator[None]:
    """LOYALTY_TEST_SCOPE for the dbt process started inside, the caller's value restored after."""
    previous = os.environ.get("LOYALTY_TEST_SCOPE")
    os.environ["LOYALTY_TEST_SCOPE"] = scope
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("LOYALTY_TEST_SCOPE", None)
        else:
            os.environ["LOYALTY_TEST_SCOPE"] = previous


@dbt_assets(
    manifest=dbt_project.manifest_path,
    dagster_dbt_translator=LoyaltyDbtTranslator(),
    name="loyalty_dbt",
)
def loyalty_dbt_assets(
    context: AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig
) -> Iterator[Any]:
    """`dbt build` of the selected models, seeds and tests on the build warehouse."""
    settings = Settings.from_env()
    prepare_build(settings)  # its folder; seeded from the published file if missing
    try:
        ensure_unlocked(settings.build_warehouse)
    except WarehouseLocked as error:
        raise Failure(description=str(error)) from None
    with dbt_test_scope(config.test_scope):  # dbt.cli starts the process here
        invocation = dbt.cli(dbt_build_args(full_refresh=config.full_refresh), context=context)
    yield from invocation.stream()
