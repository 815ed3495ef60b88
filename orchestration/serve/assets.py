"""The serve step as Dagster assets: the loyalty report, downstream of the marts it reads.

No `from __future__ import annotations` here: Dagster reads the annotations at runtime.
"""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from orchestration.config import Settings
from orchestration.serve.coverage import load as load_coverage
from orchestration.serve.publish import PUBLISHED_KEY, published_warehouse
from orchestration.serve.report import REPORT_MARTS, build_report, report_language, report_path
from orchestration.serve.report.page import SECTION_MARTS
from orchestration.serve.warehouse import read_only


@asset(
    key=AssetKey(["serve", "loyalty_report"]),
    # It reads the published file: after the publish, and only if the marts were published.
    deps=[PUBLISHED_KEY, *(AssetKey(["marts", name]) for name in REPORT_MARTS)],
    group_name="serve",
    description="The loyalty report: one self-contained HTML file (NPS trend, drivers, promises, "
    "retention, personas, detractor follow-ups) read from the marts over a read-only connection.",
    kinds={"html"},
)
def loyalty_report(context: AssetExecutionContext) -> MaterializeResult:
    warehouse = Settings.from_env().warehouse
    language = report_language()
    path = build_report(warehouse, report_path(warehouse), language)
    context.log.info(f"loyalty report ({language}): {path}")
    with read_only(warehouse) as con:
        coverage = load_coverage(con)
    # what was not measured (an export never delivered) and loaded records that became zeros
    not_measured = {
        section: reason
        for section, marts in SECTION_MARTS.items()
        if (reason := coverage.not_measured(*marts))
    }
    for warning in coverage.warnings:
        context.log.warning(f"data coverage: {warning}")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(path)),
            "language": language,
            "bytes": path.stat().st_size,
            "as_of_date": str(coverage.as_of_date),
            "as_of_source": coverage.as_of_source or "",
            "not_measured": MetadataValue.json(not_measured),
            "coverage_warnings": MetadataValue.json(coverage.warnings),
        }
    )


serve_assets = [published_warehouse, loyalty_report]
