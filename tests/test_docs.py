"""`make docs` and documentation coverage: every model, column, source, seed and metric is
described, every model is tested (measured on the manifest and catalog dbt docs writes)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from orchestration.config import Settings
from orchestration.ingest.contract import ENTITIES
from orchestration.ingest.landing import LEDGER_COLUMNS, QUARANTINE_COLUMNS, entity_columns
from orchestration.quality.suites import load_specs
from orchestration.serve.docs import build_dbt_docs, build_gx_docs


@pytest.fixture(scope="module")
def site(fixture_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    settings = Settings(
        inbox=fixture_warehouse.parent / "inbox",
        landing=fixture_warehouse.parent / "landing",
        warehouse=fixture_warehouse,
    )
    root = tmp_path_factory.mktemp("site")
    build_dbt_docs(root, settings)
    build_gx_docs(root, settings)
    return root


@pytest.fixture(scope="module")
def artifacts(site: Path) -> tuple[dict, dict]:
    manifest = json.loads((site / "dbt" / "manifest.json").read_text(encoding="utf-8"))
    catalog = json.loads((site / "dbt" / "catalog.json").read_text(encoding="utf-8"))
    return manifest, catalog


def landing_columns(identifier: str) -> dict[str, str]:
    """The columns the ingest lands for a source table (entity, ledger or quarantine)."""
    special = {"_ledger": LEDGER_COLUMNS, "_quarantine": QUARANTINE_COLUMNS}
    return special.get(identifier) or entity_columns(ENTITIES[identifier])


def own(nodes: dict, kind: str) -> dict:
    return {
        k: v
        for k, v in nodes.items()
        if v["resource_type"] == kind and k.split(".")[1] == "loyalty"
    }


def test_gx_docs_close_the_warehouse(site: Path, fixture_warehouse: Path) -> None:
    # read-write in the same process fails while a GX connection still holds it read-only
    with duckdb.connect(str(fixture_warehouse)) as con:
        assert con.execute("select count(*) from marts.fct_nps_monthly").fetchone()[0] > 0


def test_dbt_site_files(site: Path, artifacts: tuple[dict, dict]) -> None:
    for name in ("index.html", "static_index.html", "manifest.json", "catalog.json"):
        assert (site / "dbt" / name).stat().st_size > 0
    _, catalog = artifacts
    assert "model.loyalty.fct_nps_monthly" in catalog["nodes"]  # read from the warehouse
    assert "fct_nps_monthly" in (site / "dbt" / "static_index.html").read_text(encoding="utf-8")


def test_every_model_and_column_described_and_every_model_tested(artifacts) -> None:
    manifest, catalog = artifacts
    models = own(manifest["nodes"], "model")
    assert len(models) >= 30
    tested = {
        dep
        for node in [*manifest["nodes"].values(), *manifest.get("unit_tests", {}).values()]
        if node["resource_type"] in ("test", "unit_test")
        for dep in node["depends_on"]["nodes"]
    }
    missing = []
    for key, model in models.items():
        declared = {name.lower(): c for name, c in model["columns"].items()}
        if not model["description"].strip():
            missing.append(f"{key}: no description")
        if key not in tested:
            missing.append(f"{key}: no test")
        missing += [
            f"{key}.{n}: no description"
            for n, c in declared.items()
            if not c["description"].strip()
        ]
        if key in catalog["nodes"]:  # built relations: every real column is declared
            actual = {name.lower() for name in catalog["nodes"][key]["columns"]}
            missing += [f"{key}.{n}: not documented" for n in sorted(actual - declared.keys())]
        elif model["config"]["materialized"] != "ephemeral":
            missing.append(f"{key}: not in the catalog")
        elif not declared:
            missing.append(f"{key}: ephemeral model without documented columns")
    assert missing == []


def test_every_source_seed_metric_and_exposure_described(artifacts) -> None:
    manifest, catalog = artifacts
    missing = []
    for key, source in manifest["sources"].items():
        # Source columns are the landing contract (ingest/contract.py, docs/exports.md): the
        # sources YAML declares exactly the landed columns, each described.
        if not source["description"].strip():
            missing.append(f"{key}: no description")
        if set(source["columns"]) != set(landing_columns(source["identifier"])):
            missing.append(f"{key}: columns differ from the landing: {sorted(source['columns'])}")
        missing += [
            f"{key}.{n}" for n, c in source["columns"].items() if not c["description"].strip()
        ]
    for key, seed in own(manifest["nodes"], "seed").items():
        declared = {n.lower(): c for n, c in seed["columns"].items()}
        actual = {n.lower() for n in catalog["nodes"][key]["columns"]}
        if not seed["description"].strip():
            missing.append(f"{key}: no description")
        missing += [f"{key}.{n}" for n in actual if not declared.get(n, {}).get("description")]
    for kind in ("metrics", "semantic_models", "exposures"):
        assert manifest[kind], kind
        missing += [
            k for k, v in manifest[kind].items() if not (v.get("description") or "").strip()
        ]
    assert missing == []


def test_gx_data_docs_show_every_suite_and_its_validation(site: Path) -> None:
    index = (site / "gx" / "index.html").read_text(encoding="utf-8")
    names = [spec.name for spec in load_specs()]
    for name in names:
        assert name in index
        assert (site / "gx" / "expectations" / f"{name}.html").is_file()
    validated = {p.name for p in (site / "gx" / "validations").iterdir()}
    assert validated == set(names)  # the fixture warehouse and landing zone hold every relation
