"""`make docs`: the dbt docs site and the GX Data Docs, as static files under one folder.

    <site>/dbt/index.html          dbt docs (serve the folder: it loads manifest/catalog.json)
    <site>/dbt/static_index.html   the same, one self-contained file (opens from disk)
    <site>/gx/index.html           GX Data Docs: every suite and its latest validation

<site> is env LOYALTY_DOCS_SITE, default `site/` in the repo root. The warehouse is only read
(dbt's catalog query and GX over read-only connections); without one the dbt site has an
empty catalog and the GX site shows the suites without results.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from orchestration.config import PROJECT_ROOT, Settings

DBT_SITE_FILES = ("index.html", "static_index.html", "manifest.json", "catalog.json")


def docs_site() -> Path:
    """LOYALTY_DOCS_SITE, or site/ in the repo root."""
    value = os.environ.get("LOYALTY_DOCS_SITE")
    return Path(value).expanduser().resolve() if value else PROJECT_ROOT / "site"


def build_dbt_docs(site: Path, settings: Settings) -> Path:
    """`dbt docs generate --static` into a scratch target; copy the site files to site/dbt."""
    dbt = Path(sys.executable).parent / "dbt"
    out = site / "dbt"
    with tempfile.TemporaryDirectory(prefix="dbt-docs-") as target:
        args = [str(dbt), "docs", "generate", "--quiet", "--static", "--target-path", target]
        if settings.warehouse.is_file():
            # the catalog of what BI tools see: the published file, opened read-only
            args += ["--target", "published"]
        else:
            args.append("--empty-catalog")
        env = {**os.environ, **settings.export()}
        done = subprocess.run(args, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"dbt docs generate failed:\n{done.stdout[-3000:]}{done.stderr}")
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        for name in DBT_SITE_FILES:
            shutil.copy2(Path(target) / name, out / name)
    return out / "index.html"


def build_gx_docs(site: Path, settings: Settings) -> Path:
    """GX Data Docs of every suite in expectations/, with a validation where the data is there."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    from orchestration.quality import gx_duckdb
    from orchestration.quality.suites import _dispose, build_suite, load_specs
    from orchestration.sql import sql_str

    gx_duckdb.install()
    out = site / "gx"
    shutil.rmtree(out, ignore_errors=True)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.variables.data_docs_sites = {}
    context.add_data_docs_site(
        site_name="loyalty",
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(out),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    warehouse = None
    if settings.warehouse.is_file():
        warehouse = context.data_sources.add_sql(
            name="warehouse",
            connection_string=f"duckdb:///{settings.warehouse}",
            kwargs={"connect_args": {"read_only": True}, "poolclass": gx_duckdb.POOL_CLASS},
        )
    landing = context.data_sources.add_sql(
        name="landing",
        connection_string="duckdb:///:memory:",
        kwargs={"poolclass": gx_duckdb.POOL_CLASS},
    )
    try:
        for spec in load_specs():
            suite = context.suites.add(build_suite(spec))
            if spec.source == "warehouse":
                datasource, relation = warehouse, spec.relation
            else:
                folder = settings.landing / spec.relation
                datasource = landing if any(folder.glob("*.parquet")) else None
                relation = f"read_parquet({sql_str(folder / '*.parquet')}, union_by_name = true)"
            if datasource is None:
                continue  # no data yet: the suite is still documented
            asset = datasource.add_query_asset(
                name=spec.name, query=spec.query.format(relation=relation)
            )
            validation = context.validation_definitions.add(
                gx.ValidationDefinition(
                    name=spec.name, data=asset.add_batch_definition_whole_table("all"), suite=suite
                )
            )
            validation.run(result_format="SUMMARY")
        context.build_data_docs(site_names=["loyalty"])
    finally:  # close the warehouse file again, so that dbt can write (also after an error)
        for datasource in (warehouse, landing):
            if datasource is not None:
                _dispose(datasource)
    return out / "index.html"


def build_docs(site: Path | None = None, settings: Settings | None = None) -> list[Path]:
    """Both sites; returns their index pages."""
    site = site or docs_site()
    settings = settings or Settings.from_env()
    return [build_dbt_docs(site, settings), build_gx_docs(site, settings)]
