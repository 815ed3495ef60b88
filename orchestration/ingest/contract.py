"""The input contract: which exports we accept and what each column must hold.

One place states it; the loader, the demo generator, the docs (docs/exports.md)
and the tests all read it from here. A file's entity is the prefix of its name
(``survey_responses_2025-01.csv`` -> ``survey_responses``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

CHANNELS = ("phone", "email", "chat", "store", "web", "app")
TOUCHPOINTS = (
    "orientation",
    "purchase",
    "delivery",
    "onboarding",
    "support",
    "billing",
    "complaint",
    "renewal",
)


@dataclass(frozen=True)
class Column:
    """One column of an export.

    kind: text | integer | decimal | timestamp.
    required: an empty value rejects the row.
    allowed: the only accepted (lower-case) values, for codes such as channel.
    min_value / max_value: inclusive range for integer scores.
    max_days_after_load: a timestamp later than the load time plus this many days is
    rejected (a survey cannot be answered after the file was exported).
    labels: the question of seeds/answer_labels.csv whose labels this score column accepts
    instead of a number (orchestration/ingest/labels.py).
    personal: personal data, never landed as delivered: "pseudonymise" lands a keyed hash
    as <name>_pseudonym (orchestration/ingest/pseudonym.py); "drop" does not land at all.
    """

    name: str
    kind: str = "text"
    required: bool = False
    allowed: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    max_days_after_load: int | None = None
    personal: str = ""
    labels: str = ""

    @property
    def landing_name(self) -> str | None:
        """The column's name in the landing zone; None when it is not landed."""
        if self.personal == "drop":
            return None
        return f"{self.name}_pseudonym" if self.personal == "pseudonymise" else self.name

    @property
    def duckdb_type(self) -> str:
        return {
            "text": "varchar",
            "integer": "integer",
            "decimal": "decimal(18, 2)",
            "timestamp": "timestamp",
        }[self.kind]


@dataclass(frozen=True)
class Entity:
    """An export entity: the landing table its files are loaded into."""

    name: str
    key: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def landing_columns(self) -> tuple[Column, ...]:
        """The columns that land (personal data dropped at ingest excluded)."""
        return tuple(c for c in self.columns if c.landing_name)

    @property
    def has_personal_data(self) -> bool:
        return any(c.personal for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        Entity(
            "customers",
            key="customer_id",
            columns=(
                Column("customer_id", required=True),
                Column("email", personal="pseudonymise"),
                Column("full_name", personal="drop"),
                Column("country"),
                Column("segment", allowed=("b2c", "b2b")),
                Column("acquisition_channel"),
                Column("created_at", "timestamp", required=True),
            ),
        ),
        Entity(
            "orders",
            key="order_id",
            columns=(
                Column("order_id", required=True),
                Column("customer_id", required=True),
                Column("ordered_at", "timestamp", required=True),
                Column("amount", "decimal", required=True),
                Column("discount_amount", "decimal"),
                Column("currency"),
                Column("status"),
            ),
        ),
        Entity(
            "subscriptions",
            key="subscription_id",
            columns=(
                Column("subscription_id", required=True),
                Column("customer_id", required=True),
                Column("plan"),
                Column("started_at", "timestamp", required=True),
                Column("ended_at", "timestamp"),
                Column("monthly_amount", "decimal"),
            ),
        ),
        Entity(
            "interactions",
            key="interaction_id",
            columns=(
                Column("interaction_id", required=True),
                Column("customer_id"),
                Column("channel", required=True, allowed=CHANNELS),
                Column("touchpoint", required=True, allowed=TOUCHPOINTS),
                Column("started_at", "timestamp", required=True),
                Column("promised_by", "timestamp"),
                Column("responded_at", "timestamp"),
                Column("resolved_at", "timestamp"),
            ),
        ),
        Entity(
            "survey_responses",
            key="response_id",
            columns=(
                Column("response_id", required=True),
                Column("customer_id"),
                Column("survey_type", required=True, allowed=("relational", "transactional")),
                Column("interaction_id"),
                Column("touchpoint", allowed=TOUCHPOINTS),
                Column("channel", allowed=CHANNELS),
                Column("submitted_at", "timestamp", required=True, max_days_after_load=1),
                Column("nps_score", "integer", min_value=0, max_value=10, labels="nps"),
                Column("ces_score", "integer", min_value=1, max_value=7, labels="ces"),
                Column("csat_score", "integer", min_value=1, max_value=5, labels="csat"),
                Column("emotion"),
                Column("comment"),
                Column("language"),
            ),
        ),
    )
}


def entity_of(file_name: str) -> Entity | None:
    """The entity a file belongs to, by the longest matching name prefix."""
    stem = file_name.lower()
    matches = [name for name in ENTITIES if stem.startswith(name)]
    return ENTITIES[max(matches, key=len)] if matches else None
