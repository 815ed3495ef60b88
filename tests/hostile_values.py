"""Hypothesis strategies for hostile timestamp values: keywords, extreme years, wild offsets.

Used by tests/test_ingest_properties.py. The values are what other systems and hand-edited
spreadsheets really deliver: the words DuckDB and PostgreSQL read as times, years far outside
any customer history (placeholders like 0001-01-01, BC years), and offsets no time zone has.
"""

from __future__ import annotations

from hypothesis import strategies as st

KEYWORDS = ("infinity", "-infinity", "+infinity", "epoch", "now", "today", "tomorrow", "allballs")


def _case(word: str) -> st.SearchStrategy[str]:
    return st.sampled_from([word, word.upper(), word.capitalize(), f" {word} "])


time_keywords = st.sampled_from(KEYWORDS).flatmap(_case)


@st.composite
def extreme_years(draw: st.DrawFn) -> str:
    """A well-formed ISO timestamp in a year near or beyond the limits (0-1950, 9990-9999)."""
    year = draw(st.one_of(st.integers(0, 1950), st.integers(9990, 9999)))
    day = f"{year:04d}-{draw(st.integers(1, 12)):02d}-{draw(st.integers(1, 28)):02d}"
    if draw(st.booleans()):
        return day
    offset = draw(st.sampled_from(["", "Z", "+01:00", "-05:00", "+14:00", "-12:00"]))
    return f"{day}T{draw(st.integers(0, 23)):02d}:30:00{offset}"


@st.composite
def wild_offsets(draw: st.DrawFn) -> str:
    """A 2025 timestamp with any offset from -23:59 to +23:59, in the three ISO spellings."""
    sign = draw(st.sampled_from("+-"))
    hours, minutes = draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45, 59]))
    spelling = draw(st.sampled_from(["{h:02d}:{m:02d}", "{h:02d}{m:02d}", "{h:02d}"]))
    if spelling == "{h:02d}":
        minutes = 0
    return f"2025-03-01T10:00:00{sign}{spelling.format(h=hours, m=minutes)}"


bc_years = st.integers(1, 2025).flatmap(
    lambda y: st.sampled_from([f"{y:04d}-01-01 BC", f"-{y:04d}-01-01", f"{y:04d}-06-30 bc"])
)
two_digit_years = st.tuples(st.integers(1, 28), st.integers(1, 12), st.integers(0, 99)).map(
    lambda d: f"{d[0]:02d}-{d[1]:02d}-{d[2]:02d}"
)

hostile_timestamps = st.one_of(
    time_keywords, extreme_years(), wild_offsets(), bc_years, two_digit_years
)
