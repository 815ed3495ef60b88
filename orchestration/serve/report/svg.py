"""Inline SVG charts, written as text: no JavaScript, no library, opens offline.

Every chart is a `<svg>` with a viewBox (it scales to the page width), a `<title>` for screen
readers and plain shapes. Values are drawn as given; nothing here computes a metric.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 760
PALETTE = {
    "promoter": "#1a7f37",
    "passive": "#9a9a9a",
    "detractor": "#cf222e",
    "unknown": "#6e7781",
    "line": "#0969da",
    "band": "#0969da",
    "up": "#1a7f37",
    "down": "#cf222e",
}
SERIES_COLOURS = ("#0969da", "#1a7f37", "#cf222e", "#9a6700", "#8250df", "#6e7781")


def _num(value: float) -> str:
    return f"{value:.1f}"


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _ticks(low: float, high: float) -> list[float]:
    step = _nice_step(high - low)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def _open(title: str, height: int, kind: str) -> list[str]:
    return [
        f'<svg class="chart" data-chart="{escape(kind)}" role="img" '
        f'viewBox="0 0 {WIDTH} {height}"><title>{escape(title)}</title>'
    ]


def _text(x: float, y: float, text: str, anchor: str = "start", cls: str = "lbl") -> str:
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" class="{cls}">'
        f"{escape(text)}</text>"
    )


@dataclass(frozen=True)
class Scale:
    """Maps a value range onto a pixel range (y grows downwards when flipped)."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        span = (self.high - self.low) or 1.0
        return self.start + (value - self.low) / span * (self.end - self.start)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    band: Sequence[tuple[float, float] | None] | None = None
    markers: Sequence[str | None] | None = None  # "up" / "down" per point


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    y_range: tuple[float, float],
    y_format: str = "{:.0f}",
    height: int = 280,
) -> str:
    """Lines over ordinal x positions, with an optional interval band and change markers."""
    left, right, top, bottom = 52, WIDTH - 16, 16, height - 40
    n = max(len(x_labels), 2)
    x = Scale(0, n - 1, left, right)
    y = Scale(y_range[0], y_range[1], bottom, top)
    out = _open(title, height, "line")
    for tick in _ticks(*y_range):
        out.append(
            f'<line class="grid" x1="{left}" x2="{right}" y1="{_num(y(tick))}" '
            f'y2="{_num(y(tick))}"/>'
        )
        out.append(_text(left - 6, y(tick) + 4, y_format.format(tick), "end"))
    every = max(1, math.ceil(len(x_labels) / 12))
    for i, label in enumerate(x_labels):
        last = len(x_labels) - 1
        if i == last or (i % every == 0 and last - i >= every * 0.6):
            out.append(_text(x(i), bottom + 18, label, "middle"))
    for k, s in enumerate(series):
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        if s.band:
            pts = [(i, b) for i, b in enumerate(s.band) if b is not None]
            if pts:
                upper = [f"{_num(x(i))},{_num(y(b[1]))}" for i, b in pts]
                lower = [f"{_num(x(i))},{_num(y(b[0]))}" for i, b in reversed(pts)]
                out.append(
                    f'<polygon class="band" fill="{colour}" fill-opacity="0.15" '
                    f'points="{" ".join(upper + lower)}"/>'
                )
        path = [(i, v) for i, v in enumerate(s.values) if v is not None]
        if path:
            points = " ".join(f"{_num(x(i))},{_num(y(v))}" for i, v in path)
            out.append(
                f'<polyline class="series" fill="none" stroke="{colour}" '
                f'stroke-width="2" points="{points}"/>'
            )
        for i, v in path:
            out.append(
                f'<circle cx="{_num(x(i))}" cy="{_num(y(v))}" r="2.5" fill="{colour}">'
                f"<title>{escape(s.name)} {escape(x_labels[i])}: "
                f"{escape(y_format.format(v))}</title></circle>"
            )
            mark = s.markers[i] if s.markers else None
            if mark in ("up", "down"):
                tip = y(v) - 10 if mark == "up" else y(v) + 10
                base = y(v) - 3 if mark == "up" else y(v) + 3
                out.append(
                    f'<polygon class="marker marker-{mark}" fill="{PALETTE[mark]}" points="'
                    f"{_num(x(i) - 5)},{_num(base)} {_num(x(i) + 5)},{_num(base)} "
                    f'{_num(x(i))},{_num(tip)}"/>'
                )
    if len(series) > 1:
        for k, s in enumerate(series):
            colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
            lx = left + 10 + k * 140
            out.append(f'<rect x="{lx}" y="{height - 14}" width="10" height="10" fill="{colour}"/>')
            out.append(_text(lx + 14, height - 5, s.name))
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    note: str = ""
    colour: str = PALETTE["line"]


def bar_chart(
    title: str,
    bars: Sequence[Bar],
    x_range: tuple[float, float],
    value_format: str = "{:.1f}",
    label_width: int = 170,
) -> str:
    """Horizontal bars from zero, with an optional interval whisker and a note per bar."""
    row, top = 26, 10
    height = top + row * len(bars) + 30
    left, right = label_width, WIDTH - 130
    x = Scale(x_range[0], x_range[1], left, right)
    zero = x(min(max(0.0, x_range[0]), x_range[1]))
    out = _open(title, height, "bar")
    axis_y = top + row * len(bars)
    for tick in _ticks(*x_range):
        out.append(
            f'<line class="grid" x1="{_num(x(tick))}" x2="{_num(x(tick))}" y1="{top}" '
            f'y2="{axis_y}"/>'
        )
        out.append(_text(x(tick), axis_y + 16, value_format.format(tick), "middle"))
    for i, bar in enumerate(bars):
        cy = top + row * i + row / 2
        out.append(_text(left - 8, cy + 4, bar.label, "end"))
        if bar.value is None:
            out.append(_text(zero + 4, cy + 4, "n/a"))
            continue
        end = x(bar.value)
        out.append(
            f'<rect class="bar" x="{_num(min(zero, end))}" y="{_num(cy - 8)}" '
            f'width="{_num(max(abs(end - zero), 1))}" height="16" fill="{bar.colour}">'
            f"<title>{escape(bar.label)}: {escape(value_format.format(bar.value))}"
            "</title></rect>"
        )
        if bar.low is not None and bar.high is not None:
            lo, hi = x(bar.low), x(bar.high)
            out.append(
                f'<path class="whisker" stroke="#24292f" fill="none" d="M{_num(lo)} '
                f"{_num(cy)}H{_num(hi)}M{_num(lo)} {_num(cy - 5)}V{_num(cy + 5)}"
                f'M{_num(hi)} {_num(cy - 5)}V{_num(cy + 5)}"/>'
            )
        text = value_format.format(bar.value) + (f"  {bar.note}" if bar.note else "")
        out.append(_text(right + 8, cy + 4, text))
    out.append(f'<line class="axis" x1="{_num(zero)}" x2="{_num(zero)}" y1="{top}" y2="{axis_y}"/>')
    out.append("</svg>")
    return "".join(out)


def stacked_bars(
    title: str,
    rows: Sequence[tuple[str, Sequence[float]]],
    parts: Sequence[tuple[str, str]],
) -> str:
    """One 100% bar per row; `parts` are (legend label, colour) of the shares in each row."""
    row, top, left, right = 22, 10, 80, WIDTH - 16
    height = top + row * len(rows) + 34
    x = Scale(0.0, 1.0, left, right)
    out = _open(title, height, "stacked")
    for i, (label, shares) in enumerate(rows):
        cy = top + row * i + row / 2
        out.append(_text(left - 8, cy + 4, label, "end"))
        start = 0.0
        for (name, colour), share in zip(parts, shares, strict=True):
            width = x(start + share) - x(start)
            out.append(
                f'<rect class="bar" x="{_num(x(start))}" y="{_num(cy - 8)}" '
                f'width="{_num(width)}" height="16" fill="{colour}"><title>{escape(label)} '
                f"{escape(name)}: {100 * share:.1f}%</title></rect>"
            )
            if share >= 0.08:
                out.append(
                    _text(x(start) + width / 2, cy + 4, f"{100 * share:.0f}%", "middle", "in")
                )
            start += share
    for k, (name, colour) in enumerate(parts):
        lx = left + k * 160
        out.append(f'<rect x="{lx}" y="{height - 16}" width="10" height="10" fill="{colour}"/>')
        out.append(_text(lx + 14, height - 7, name))
    out.append("</svg>")
    return "".join(out)
