"""The loyalty report as one self-contained HTML page: inline CSS and SVG, no script, no link."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape
from typing import Any

from orchestration.serve.report.data import ReportData
from orchestration.serve.report.gaps import SECTION_MARTS, coverage_section, missing
from orchestration.serve.report.labels import LABELS, VALUES
from orchestration.serve.report.svg import PALETTE, Bar, Series, bar_chart, line_chart, stacked_bars

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#24292f;
margin:0;background:#f6f8fa}
main{max-width:980px;margin:0 auto;padding:24px}
h1{margin:0 0 4px}h2{margin:0 0 4px;font-size:1.2em}
section{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:16px 20px;margin:16px 0}
.note{color:#57606a;margin:0 0 10px;font-size:.92em}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px}
.kpi{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px 16px}
.kpi .value{font-size:2em;font-weight:600}.kpi .ci{color:#57606a;font-size:.85em}
svg.chart{width:100%;height:auto;display:block}
svg .lbl{font-size:12px;fill:#24292f}svg .in{font-size:11px;fill:#fff}
svg .grid{stroke:#eaeef2}svg .axis{stroke:#57606a}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
td.num,th.num{text-align:right}
.status-overdue{color:#cf222e;font-weight:600}.status-open{color:#9a6700}
footer{color:#57606a;font-size:.85em;margin:24px 0}
"""


def _f(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def _range(rows: list[dict[str, Any]], column: str) -> tuple[float, float]:
    """The x range of a bar chart of `column` with its `_ci_low`/`_ci_high` whiskers, 0 in it."""
    values = [0.0] + [
        r[c]
        for r in rows
        for c in (column, f"{column}_ci_low", f"{column}_ci_high")
        if r[c] is not None
    ]
    low, high = min(values), max(values)
    pad = 0.05 * ((high - low) or 1.0)
    return low - pad if low < 0 else low, high + pad


def _section(title: str, note: str, body: str, key: str) -> str:
    return (
        f'<section id="{key}"><h2>{escape(title)}</h2><p class="note">{escape(note)}</p>'
        f"{body}</section>"
    )


def _table(headers: list[tuple[str, bool]], rows: list[list[str]], key: str) -> str:
    head = "".join(f'<th class="{"num" if num else ""}">{escape(h)}</th>' for h, num in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"num" if num else ""}">{cell}</td>'
            for cell, (_, num) in zip(row, headers, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return f'<table id="{key}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _kpis(data: ReportData, t: dict[str, str]) -> str:
    cards = []
    if data.monthly:
        last = data.monthly[-1]
        cards.append(
            (
                t["kpi_latest"].format(month=f"{last['month_start']:%Y-%m}"),
                f'<span data-testid="nps-latest">{_f(last["nps"])}</span>',
                f"[{_f(last['nps_ci_low'])}, {_f(last['nps_ci_high'])}]",
            )
        )
        cards.append((t["kpi_responses"], str(last["responses"]), ""))
    if data.trailing and data.trailing["nps"] is not None:
        tr = data.trailing
        cards.append(
            (
                t["kpi_trailing"].format(day=f"{tr['date_day']:%Y-%m-%d}"),
                f'<span data-testid="nps-trailing">{_f(tr["nps"])}</span>',
                f"[{_f(tr['nps_ci_low'])}, {_f(tr['nps_ci_high'])}], n={tr['responses']}",
            )
        )
    overdue_missing = missing(data, t, *SECTION_MARTS["followups"])
    if overdue_missing:
        cards.append((t["kpi_overdue"], "n/a", overdue_missing))
    else:
        cards.append((t["kpi_overdue"], str(data.followups.get("overdue", 0)), ""))
    return (
        '<div class="kpis">'
        + "".join(
            f'<div class="kpi"><div>{escape(label)}</div><div class="value">{value}</div>'
            f'<div class="ci">{escape(ci)}</div></div>'
            for label, value, ci in cards
        )
        + "</div>"
    )


def _trend(data: ReportData, t: dict[str, str]) -> str:
    if not data.monthly:
        return _section(t["trend"], t["no_data"], "", "trend")
    months = [f"{r['month_start']:%Y-%m}" for r in data.monthly]
    series = Series(
        t["nps"],
        [r["nps"] for r in data.monthly],
        band=[(r["nps_ci_low"], r["nps_ci_high"]) for r in data.monthly],
        markers=[r["change"] for r in data.monthly],
    )
    low = min(-10.0, min(r["nps_ci_low"] for r in data.monthly) - 5)
    high = max(10.0, max(r["nps_ci_high"] for r in data.monthly) + 5)
    chart = line_chart(t["trend"], months, [series], (max(-100, low), min(100, high)))
    shares = [
        (
            f"{r['month_start']:%Y-%m}",
            [r[k] / r["responses"] for k in ("promoters", "passives", "detractors")],
        )
        for r in data.monthly
    ]
    parts = [(t[k], PALETTE[k]) for k in ("promoter", "passive", "detractor")]
    return _section(t["trend"], t["trend_note"], chart, "trend") + _section(
        t["distribution"],
        t["distribution_note"],
        stacked_bars(t["distribution"], shares, parts),
        "distribution",
    )


def _touchpoints(data: ReportData, t: dict[str, str], v: Callable[[str], str]) -> str:
    if data.touchpoint_month is None:
        return _section(t["touchpoints"], t["no_data"], "", "touch")
    month = f"{data.touchpoint_month:%Y-%m}" if data.touchpoint_month else "-"
    nps = bar_chart(
        t["nps"],
        [
            Bar(
                v(r["touchpoint"]),
                r["nps"],
                r["nps_ci_low"],
                r["nps_ci_high"],
                f"n={r['responses'] or 0}",
            )
            for r in data.touchpoints
        ],
        (-100, 100),
    )
    ces = bar_chart(
        t["ces"],
        [
            Bar(
                v(r["touchpoint"]),
                r["ces_mean"],
                note=f"{_pct(r['ces_easy_share'])} {t['easy']}"
                if r["ces_easy_share"] is not None
                else "",
                colour="#8250df",
            )
            for r in data.touchpoints
        ],
        (1, 7),
    )
    return _section(t["touchpoints"], t["touchpoints_note"].format(month=month), nps + ces, "touch")


def _drivers(data: ReportData, t: dict[str, str], v: Callable[[str], str]) -> str:
    if not data.drivers:
        return _section(t["drivers"], t["no_data"], "", "drivers")
    bars = []
    for r in data.drivers:
        note = "*" if r["is_significant"] else ""
        if r["is_small_sample"]:
            note += f" ({t['small_sample']})"
        colour = "#1a7f37" if (r["nps_difference"] or 0) >= 0 else "#cf222e"
        bars.append(
            Bar(
                v(r["touchpoint"]),
                r["nps_difference"],
                r["nps_difference_ci_low"],
                r["nps_difference_ci_high"],
                note.strip(),
                colour,
            )
        )
    chart = bar_chart(t["drivers"], bars, _range(data.drivers, "nps_difference"))
    return _section(t["drivers"], t["drivers_note"], chart, "drivers")


def _promises(data: ReportData, t: dict[str, str], v: Callable[[str], str]) -> str:
    if not data.promise_impact:
        return _section(t["promises"], t["no_data"], "", "promises")
    bars = []
    for r in data.promise_impact:
        channel = v(r["channel"])
        bars.append(
            Bar(
                f"{channel}: {t['kept']}",
                r["kept_nps"],
                r["kept_nps_ci_low"],
                r["kept_nps_ci_high"],
                f"n={r['kept_responses']}",
                PALETTE["up"],
            )
        )
        bars.append(
            Bar(
                f"{channel}: {t['broken']}",
                r["broken_nps"],
                r["broken_nps_ci_low"],
                r["broken_nps_ci_high"],
                f"n={r['broken_responses']}",
                PALETTE["down"],
            )
        )

    note = t["promises_note"].format(**data.promises)
    span = _range(data.promise_impact, "kept_nps") + _range(data.promise_impact, "broken_nps")
    chart = bar_chart(t["promises"], bars, (min(span), max(span)))
    return _section(t["promises"], note, chart, "promises")


def _retention(data: ReportData, t: dict[str, str]) -> str:
    """Share still subscribed after n completed months: 100% at 0, then S(n - 1) = P(T >= n)
    (the mart's survival at months_since_start m is S(m) = P(T > m))."""
    groups = [g for g in ("promoter", "passive", "detractor", "unknown") if g in data.survival]
    horizon = max((m + 1 for g in groups for m, _ in data.survival[g]), default=0)
    months = [str(m) for m in range(horizon + 1)]
    series = []
    for group in groups:
        values: list[float | None] = [100.0] + [None] * horizon
        for month, survival in data.survival[group]:
            values[month + 1] = 100 * survival
        series.append(Series(t[group], values))
    body = line_chart(t["retention"], months, series, (0, 100), "{:.0f}%") if series else ""
    return _section(t["retention"], t["retention_note"], body or t["no_data"], "retention")


def _personas(data: ReportData, t: dict[str, str], v: Callable[[str], str]) -> str:
    if not data.personas:
        return _section(t["personas"], t["no_data"], "", "personas")
    top = max((r["customers"] for r in data.personas), default=1)
    chart = bar_chart(
        t["personas"],
        [
            Bar(v(r["persona"]), r["customers"], note=_pct(r["customer_share"]), colour="#8250df")
            for r in data.personas
        ],
        (0, top * 1.05),
        "{:.0f}",
    )
    rows = [
        [
            escape(v(r["persona"])),
            str(r["customers"]),
            _pct(r["customer_share"]),
            _f(r["revenue_per_customer"], 0),
            _pct(r["retention_rate"]),
            _f(r["nps"]),
            _f(r["loyalty_score_mean"]),
        ]
        for r in data.personas
    ]
    headers = [
        (t["persona"], False),
        (t["customers"], True),
        (t["share"], True),
        (t["revenue"], True),
        (t["retained"], True),
        (t["nps"], True),
        (t["loyalty"], True),
    ]
    return _section(
        t["personas"], t["personas_note"], chart + _table(headers, rows, "personas-t"), "personas"
    )


def _followups(data: ReportData, t: dict[str, str], v: Callable[[str], str]) -> str:
    counts = ", ".join(
        f"{t[s]} {data.followups.get(s, 0)}" for s in ("overdue", "open", "closed_late", "closed")
    )
    rows = [
        [
            escape(r["response_id"]),
            escape(r["customer_id"] or ""),
            f"{r['submitted_at']:%Y-%m-%d %H:%M}",
            str(r["nps_score"]),
            escape(v(r["touchpoint"]) if r["touchpoint"] else "-"),
            f'<span class="status-{r["status"]}">{escape(t[r["status"]])}</span>',
            escape((r["comment"] or "")[:140]),
        ]
        for r in data.followup_queue
    ]
    headers = [
        (t["answer"], False),
        (t["customer"], False),
        (t["submitted"], False),
        (t["score"], True),
        (t["touchpoint"], False),
        (t["status"], False),
        (t["comment"], False),
    ]
    body = f"<p><strong>{escape(counts)}</strong></p><h3>{escape(t['queue'])}</h3>"
    body += _table(headers, rows, "followup-queue") if rows else f"<p>{escape(t['none'])}</p>"
    return _section(t["followups"], t["followups_note"], body, "followups")


def render(data: ReportData, language: str, warehouse: str, built: datetime) -> str:
    """The whole page, in `language` (en or nl)."""
    t = LABELS[language]

    def v(value: Any) -> str:
        return VALUES[language].get(str(value), str(value))

    sections: list[tuple[str, str, Callable[[], str]]] = [
        ("trend", t["trend"], lambda: _trend(data, t)),
        ("touch", t["touchpoints"], lambda: _touchpoints(data, t, v)),
        ("drivers", t["drivers"], lambda: _drivers(data, t, v)),
        ("promises", t["promises"], lambda: _promises(data, t, v)),
        ("retention", t["retention"], lambda: _retention(data, t)),
        ("personas", t["personas"], lambda: _personas(data, t, v)),
        ("followups", t["followups"], lambda: _followups(data, t, v)),
    ]
    warning = coverage_section(data, t)
    parts = [_section(*warning, "coverage") if warning else "", _kpis(data, t)]
    for key, title, section in sections:
        gap = missing(data, t, *SECTION_MARTS[key])
        parts.append(_section(title, gap, "", key) if gap else section())
    subtitle = t["subtitle"].format(warehouse=warehouse, built=f"{built:%Y-%m-%d %H:%M}")
    if data.as_of is not None:
        source = data.coverage.as_of_source
        subtitle += " " + t["as_of"].format(
            date=f"{data.as_of:%Y-%m-%d}",
            source=t["as_of_env"] if source == "LOYALTY_AS_OF_DATE" else t["as_of_latest"],
        )
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(t['title'])}</title><style>{CSS}</style></head><body><main>"
        f'<h1>{escape(t["title"])}</h1><p class="note">{escape(subtitle)}</p>'
        + "".join(parts)
        + f"<footer>{escape(t['footer'])}</footer></main></body></html>\n"
    )
