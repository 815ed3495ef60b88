"""Which columns of an export hold personal data, and what lands of them.

A column is personal when the contract says so (``customers.email``, ``customers.full_name``),
when its name is a personal alias (seeds/personal_column_aliases.csv, orchestration/ingest/
aliases.py) in any entity's export, or when its name itself holds an e-mail address. What
happens before anything is written:

- an e-mail column is pseudonymised (HMAC-SHA256, orchestration/ingest/pseudonym.py): the
  contract's ``email`` lands as ``email_pseudonym``; any other one is kept in ``_extra`` as
  ``<name>_pseudonym``;
- every other personal column (names, phone numbers, addresses, birth dates, ...) is dropped:
  neither the landing, nor ``_extra``, nor the quarantine's raw record holds it;
- by value, an e-mail address in any other text column (a comment, an ``_extra`` value) is
  masked ``[e-mail]`` (orchestration/ingest/redact.py), and an id that is an e-mail address
  quarantines its record (an id must not be personal data; the value is not shown).
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.ingest.aliases import PSEUDONYMISED_KINDS, personal_kind
from orchestration.ingest.contract import Column, Entity
from orchestration.ingest.pseudonym import pseudonym_sql
from orchestration.ingest.redact import EMAIL, holds_email_sql, mask_sql
from orchestration.sql import sql_ident, sql_str

PSEUDONYMISE, DROP = "pseudonymise", "drop"


@dataclass(frozen=True)
class PersonalColumns:
    """The personal columns of one export's header: name -> pseudonymise | drop."""

    actions: dict[str, str]

    @property
    def any(self) -> bool:
        return bool(self.actions)

    @property
    def pseudonymised(self) -> tuple[str, ...]:
        return tuple(n for n, a in self.actions.items() if a == PSEUDONYMISE)

    def action(self, name: str) -> str:
        return self.actions.get(name, "")


def personal_columns(entity: Entity, header: list[str]) -> PersonalColumns:
    """Classify every header column of an export of ``entity``."""
    contract = {c.name: c for c in entity.columns}
    actions: dict[str, str] = {}
    for name in header:
        column = contract.get(name)
        if column is not None:
            if column.personal:
                actions[name] = column.personal
            continue
        kind = personal_kind(name)
        if kind is not None:
            actions[name] = PSEUDONYMISE if kind in PSEUDONYMISED_KINDS else DROP
        elif EMAIL.search(name):
            actions[name] = DROP
    return PersonalColumns(actions)


def is_id(column: Column) -> bool:
    return column.kind == "text" and column.name.endswith("_id")


def masks_values(column: Column) -> bool:
    """Free text whose e-mail addresses are masked: text, not an id, no list of codes."""
    free = not (column.allowed or column.personal or is_id(column))
    return column.kind == "text" and free


def id_problem(column: Column, raw: str) -> str:
    """SQL for the problem of an id column that holds an e-mail address (or null)."""
    return (
        f"case when {holds_email_sql(raw)} then "
        f"{sql_str(column.name + ': holds an e-mail address; an id must not be personal data')} end"
    )


def landed_text(column: Column, typed: str) -> str:
    """SQL for what lands of a contract column's typed value: masked free text."""
    return mask_sql(typed) if masks_values(column) else typed


def json_pairs(entity: Entity, names: list[str], personal: PersonalColumns) -> list[str]:
    """json_object arguments for these columns: e-mail columns pseudonymised (as
    ``<name>_pseudonym``), other personal columns left out, e-mails in values masked."""
    landing_names = {c.name: c.landing_name for c in entity.columns}
    pairs = []
    for name in names:
        action, value = personal.action(name), sql_ident(name)
        if action == PSEUDONYMISE:
            raw = pseudonym_sql(f"nullif(trim({value}), '')")
            label = landing_names.get(name) or f"{name}_pseudonym"
            pairs.append(f"{sql_str(label)}, {raw}")
        elif not action:
            pairs.append(f"{sql_str(name)}, {mask_sql(value)}")
    return pairs


def id_problems(entity: Entity, present: set[str]) -> list[str]:
    """Problem structs of id columns that hold an e-mail address."""
    return [
        f"case when ({e}) is not null then {{'col': {sql_str(c.name)}, 'reason': ({e})}} end"
        for c in entity.columns
        if is_id(c) and c.name in present
        for e in [id_problem(c, f"nullif(trim({sql_ident(c.name)}), '')")]
    ]
