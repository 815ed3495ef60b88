"""What the report cannot show: sections not measured and loaded records that became zeros.

Both come from fct_data_coverage (orchestration/serve/coverage.py); nothing is recomputed.
"""

from __future__ import annotations

from html import escape

from orchestration.serve.report.data import ReportData


def missing(data: ReportData, t: dict[str, str], *marts: str) -> str | None:
    """'Not measured: no contact-moment export (interactions*) was delivered.' when one of
    `marts` needs an export that was never delivered (fct_data_coverage), else None."""
    entities = data.coverage.missing_for(*marts)
    if not entities:
        return None
    exports = f" {t['or']} ".join(t[f"export_{e}"] for e in entities)
    return t["not_measured"].format(exports=exports)


def coverage_section(data: ReportData, t: dict[str, str]) -> tuple[str, str, str] | None:
    """(title, note, body) of the warning section when loaded records all turned into zeros;
    None otherwise."""
    if not data.coverage.all_zero:
        return None
    items = "".join(
        f"<li>{escape(t['all_zero'].format(entity=e, loaded=n, counted_in=c))}</li>"
        for e, n, c in data.coverage.all_zero
    )
    return t["coverage"], t["coverage_note"], f"<ul>{items}</ul>"


# The marts each section reads: without an export they need, the section says "Not measured".
SECTION_MARTS: dict[str, tuple[str, ...]] = {
    "trend": ("fct_nps_monthly",),
    "touch": ("fct_nps_by_dimension", "fct_effort_monthly"),
    "drivers": ("fct_touchpoint_drivers",),
    "promises": ("fct_promises", "fct_promise_impact"),
    "retention": ("fct_survival_by_nps_group",),
    "personas": ("fct_persona_value",),
    "followups": ("fct_detractor_followups",),
}
