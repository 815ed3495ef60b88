"""dbt models, seeds and tests as Dagster assets and asset checks (via dagster-dbt).

The manifest must exist before this module is imported: `dagster dev` parses the project
itself (prepare_if_dev); `make` targets and the tests run `dbt parse` first.

No `from __future__ import annotations` here: Dagster reads the Config annotation at runtime.
"""

import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, Config
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.config import PROJECT_ROOT, Settings
from orchestration.transform.cli_args import dbt_build_args

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
    """Launchpad options of the dbt step."""

    full_refresh: bool = False


@dbt_assets(
    manifest=dbt_project.manifest_path,
    dagster_dbt_translator=LoyaltyDbtTranslator(),
    name="loyalty_dbt",
)
def loyalty_dbt_assets(
    context: AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig
) -> Iterator[Any]:
    """`dbt build` of the selected models, seeds and tests on the warehouse."""
    Settings.from_env().warehouse.parent.mkdir(parents=True, exist_ok=True)
    yield from dbt.cli(dbt_build_args(full_refresh=config.full_refresh), context=context).stream()
