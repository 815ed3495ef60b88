"""Personal data is pseudonymised at ingest: the landing zone never holds an e-mail address.

The pseudonym is a keyed SHA-256 of the normalised value (trimmed, lower case), so the same
person gets the same pseudonym in every export while the address cannot be read back without
the key. The key comes from the env var LOYALTY_PSEUDONYM_KEY; without it, a random key is
created once in the landing folder (``.pseudonym_key``, never committed: data/ is ignored),
which keeps pseudonyms stable for as long as that landing zone lives. The key is only ever
part of SQL run in memory by the ingest; it is not written into dbt models or compiled SQL.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

KEY_ENV = "LOYALTY_PSEUDONYM_KEY"
KEY_FILE = ".pseudonym_key"


def pseudonym_key(landing_root: Path) -> str:
    """The key from the environment, or the landing zone's own generated key."""
    if key := os.environ.get(KEY_ENV):
        return key
    path = landing_root / KEY_FILE
    if not path.exists():
        landing_root.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def pseudonym_sql(raw: str, key: str) -> str:
    """SQL for the keyed hash of a raw text expression (null stays null)."""
    literal = "'" + key.replace("'", "''") + "'"
    return f"case when {raw} is not null then sha256({literal} || '|' || lower({raw})) end"
