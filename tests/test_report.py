"""The loyalty report: built from the marts, self-contained, in English and Dutch."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration.serve.publish import PUBLISHED_KEY
from orchestration.serve.report import REPORT_MARTS, build_report, report_language, report_path

ROOT = Path(__file__).resolve().parent.parent


def mart_latest_nps(warehouse: Path) -> float:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (nps,) = con.execute(
            "select nps from marts.fct_nps_monthly order by month_start desc limit 1"
        ).fetchone()
    return nps


@pytest.fixture(scope="module")
def reports(fixture_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("report")
    return {
        lang: build_report(fixture_warehouse, out / f"report_{lang}.html", lang).read_text("utf-8")
        for lang in ("en", "nl")
    }


def shown_nps(html: str) -> str:
    match = re.search(r'data-testid="nps-latest">([^<]+)<', html)
    assert match, "the headline NPS is missing"
    return match.group(1)


def test_report_shows_the_marts_nps(reports: dict[str, str], fixture_warehouse: Path) -> None:
    expected = f"{mart_latest_nps(fixture_warehouse):.1f}"
    assert expected == "100.0"  # March 2025 of the fixture inbox: one promoter (test_pipeline)
    for html in reports.values():
        assert shown_nps(html) == expected
        assert "[-48.5, 98.5]" in html  # its interval, as the mart holds it
        for month in ("2025-01", "2025-02", "2025-03"):
            assert month in html


def test_report_is_self_contained(reports: dict[str, str]) -> None:
    for html in reports.values():
        assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
        assert "<script" not in html.lower()  # nothing to load or run
        assert "<link" not in html.lower()
        assert "@import" not in html and "url(" not in html
        assert "<style>" in html
        charts = re.findall(r'<svg class="chart" data-chart="(\w+)"', html)
        assert len(charts) >= 6 and {"line", "bar", "stacked"} <= set(charts)


def test_report_in_both_languages(reports: dict[str, str]) -> None:
    en, nl = reports["en"], reports["nl"]
    assert '<html lang="en">' in en and "<h1>Loyalty report</h1>" in en
    assert '<html lang="nl">' in nl and "<h1>Loyaliteitsrapport</h1>" in nl
    for word in ("Promoters, passives and detractors", "Touchpoint drivers", "Personas"):
        assert word in en and word not in nl
    for word in ("Promotors, passieven en criticasters", "Opvolging van criticasters"):
        assert word in nl and word not in en


def test_language_and_path_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOYALTY_REPORT_LANGUAGE", raising=False)
    assert report_language() == "en"
    monkeypatch.setenv("LOYALTY_REPORT_LANGUAGE", "NL")
    assert report_language() == "nl"
    monkeypatch.setenv("LOYALTY_REPORT_LANGUAGE", "de")
    with pytest.raises(ValueError, match="'de' is not supported: use one of en, nl"):
        report_language()
    warehouse = Path("/data/w/loyalty.duckdb")
    monkeypatch.delenv("LOYALTY_REPORT", raising=False)
    assert report_path(warehouse) == Path("/data/w/report/loyalty_report.html")
    monkeypatch.setenv("LOYALTY_REPORT", "/srv/cx/nps.html")
    assert report_path(warehouse) == Path("/srv/cx/nps.html")


def test_asset_downstream_of_the_marts_and_declared_as_exposure() -> None:
    from dagster import AssetKey

    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    report = AssetKey(["serve", "loyalty_report"])
    parents = graph.get(report).parent_keys
    marts = {AssetKey(["marts", name]) for name in REPORT_MARTS}
    # it reads the published file: after the publish step (orchestration/serve/publish.py)
    assert parents == {PUBLISHED_KEY, *marts}
    assert all(graph.has(key) for key in marts)  # every one is a dbt asset
    assert report in defs.resolve_job_def("loyalty_pipeline").asset_layer.selected_asset_keys
    exposures = yaml.safe_load((ROOT / "models" / "exposures.yml").read_text())["exposures"]
    (exposure,) = [e for e in exposures if e["name"] == "loyalty_report"]
    assert sorted(exposure["depends_on"]) == sorted(f"ref('{name}')" for name in REPORT_MARTS)


def test_missing_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    from orchestration.serve.warehouse import WarehouseMissing

    with pytest.raises(WarehouseMissing, match="run `make run` or `make demo` first"):
        build_report(tmp_path / "none.duckdb", tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()
