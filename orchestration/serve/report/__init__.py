"""The loyalty report: one self-contained HTML file built from the marts (read-only).

Where: env LOYALTY_REPORT, default `<warehouse folder>/report/loyalty_report.html`.
Language: env LOYALTY_REPORT_LANGUAGE, `en` (default) or `nl`.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from orchestration.serve.report.data import REPORT_MARTS, load
from orchestration.serve.report.labels import check_language
from orchestration.serve.report.page import render
from orchestration.serve.warehouse import read_only

__all__ = ["REPORT_MARTS", "build_report", "report_language", "report_path"]


def report_path(warehouse: Path) -> Path:
    """LOYALTY_REPORT, or report/loyalty_report.html beside the warehouse file."""
    value = os.environ.get("LOYALTY_REPORT")
    if value:
        return Path(value).expanduser().resolve()
    return warehouse.parent / "report" / "loyalty_report.html"


def report_language() -> str:
    """LOYALTY_REPORT_LANGUAGE (en or nl); a clear error for any other value."""
    return check_language(os.environ.get("LOYALTY_REPORT_LANGUAGE", "en").strip().lower())


def build_report(warehouse: Path, out: Path, language: str = "en") -> Path:
    """Read the marts over a read-only connection and write the report to `out`."""
    check_language(language)
    with read_only(warehouse) as con:
        data = load(con)
    html = render(data, language, str(warehouse), datetime.now(UTC))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)  # a reader never sees half a report
    return out
