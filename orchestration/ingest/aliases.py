"""Column names that hold personal data, whatever the export calls them.

The dbt seed ``seeds/personal_column_aliases.csv`` (alias, kind) lists them: ``E-mail``,
``e-mailadres``, ``Full Name``, ``voornaam``, ``telefoon``, ``postcode``, ``geboortedatum``,
... A team adds the names its systems use. A header name matches an alias when both are equal
after :func:`normalise`: lower case, with spaces, hyphens, underscores and dots removed, so
``E-mail``, ``e_mail`` and ``EMAIL`` are one name, and so are ``Full Name`` and ``full_name``.

The kind says what happens to the column at ingest (orchestration/ingest/personal.py):
``email`` is pseudonymised, every other kind (name, phone, address, birth_date, national_id,
bank_account, ip_address) is dropped.
"""

from __future__ import annotations

import csv
import functools
import re

from orchestration.config import PROJECT_ROOT

SEED = PROJECT_ROOT / "seeds" / "personal_column_aliases.csv"
PSEUDONYMISED_KINDS = frozenset({"email"})
_SEPARATORS = re.compile(r"[\s\-_.]+")


def normalise(name: str) -> str:
    """``' E-Mail_Address '`` -> ``'emailaddress'``."""
    return _SEPARATORS.sub("", name).lower()


@functools.cache
def personal_aliases() -> dict[str, str]:
    """Normalised alias -> kind, from the seed."""
    with SEED.open(encoding="utf-8", newline="") as handle:
        return {normalise(row["alias"]): row["kind"].strip() for row in csv.DictReader(handle)}


def personal_kind(name: str) -> str | None:
    """The kind of personal data a column of this name holds, or None."""
    return personal_aliases().get(normalise(name))
