"""What the marts can and cannot say: the as-of date and the data coverage (read from marts).

`dim_as_of_date` says which "now" the as-of marts measured against and where it came from;
`fct_data_coverage` says which exports were delivered, which marts need an entity that never
was (not measured: no numbers, not a finding) and which loaded records all turned into zeros
(a warning). The summary, the report and the Dagster metadata read them through `load`;
nothing is recomputed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

# What each entity is called where a user sees it, and the file names that deliver it.
ENTITY_EXPORTS = {
    "customers": "customer export (customers*)",
    "orders": "order export (orders*)",
    "subscriptions": "subscription export (subscriptions*)",
    "interactions": "contact-moment export (interactions*)",
    "survey_responses": "survey export (survey_responses*)",
}


@dataclass(frozen=True)
class Coverage:
    as_of_date: date | None = None
    as_of_source: str | None = None
    # mart -> the entities it needs that were never delivered
    missing: dict[str, list[str]] = field(default_factory=dict)
    # (entity, records loaded, where they would count) for each entity whose loaded records
    # all became zeros in the marts
    all_zero: list[tuple[str, int, str]] = field(default_factory=list)

    def missing_for(self, *marts: str) -> list[str]:
        """The never-delivered entities any of `marts` needs, in entity order."""
        found = {e for mart in marts for e in self.missing.get(mart, [])}
        return [e for e in ENTITY_EXPORTS if e in found]

    def not_measured(self, *marts: str) -> str | None:
        """'no contact-moment export (interactions*) was delivered' when any of `marts` needs
        an entity that never was; None when all of them can be measured."""
        entities = self.missing_for(*marts)
        if not entities:
            return None
        return "no " + " and no ".join(ENTITY_EXPORTS[e] for e in entities) + " was delivered"

    @property
    def warnings(self) -> list[str]:
        """One sentence per entity whose loaded records all became zeros in the marts."""
        return [
            f"{entity}: {loaded} records loaded but none counted in {counted_in}: "
            "the marts show zeros for them; check the export"
            for entity, loaded, counted_in in self.all_zero
        ]

    def as_of_line(self) -> str:
        if self.as_of_date is None:
            return "As-of date: none (no events in the exports)"
        source = (
            "set by LOYALTY_AS_OF_DATE"
            if self.as_of_source == "LOYALTY_AS_OF_DATE"
            else "the latest event in the exports"
        )
        return f"As-of date: {self.as_of_date:%Y-%m-%d} ({source})"


def load(con: duckdb.DuckDBPyConnection) -> Coverage:
    """The as-of date and the coverage, from marts.dim_as_of_date and marts.fct_data_coverage."""
    as_of = con.execute("select as_of_date, as_of_source from marts.dim_as_of_date").fetchone()
    missing: dict[str, list[str]] = {}
    all_zero: list[tuple[str, int, str]] = []
    rows = con.execute(
        """select entity, is_delivered, rows_loaded, rows_counted, counted_in, is_all_zero,
            needed_by
        from marts.fct_data_coverage order by entity_order"""
    ).fetchall()
    for entity, delivered, loaded, _counted, counted_in, is_all_zero, needed_by in rows:
        if not delivered:
            for mart in (needed_by or "").split(","):
                missing.setdefault(mart.strip(), []).append(entity)
        if is_all_zero:
            all_zero.append((entity, loaded, counted_in))
    return Coverage(
        as_of_date=as_of[0] if as_of else None,
        as_of_source=as_of[1] if as_of else None,
        missing=missing,
        all_zero=all_zero,
    )
