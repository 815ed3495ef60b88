"""Personal data is pseudonymised at ingest: the landing zone never holds an e-mail address.

The pseudonym is HMAC-SHA256 of the normalised value (trimmed, lower case) under a secret
key, so the same person gets the same pseudonym in every export while the address cannot be
read back, or guessed by hashing candidate addresses, without the key.

The key is the env var ``LOYALTY_PSEUDONYM_KEY`` or the key file ``LOYALTY_PSEUDONYM_KEY_FILE``
(orchestration/config.py; by default ``~/.config/loyalty/pseudonym.key``, away from the data).
A key file that does not exist is created once with 32 random bytes (64 hex characters):
written to a temporary file with mode 0600, flushed to disk, then linked into place, so a
crash or a full disk never leaves an empty or half-written key. A key shorter than 32 bytes,
which includes an empty file, is refused: an empty key would make every pseudonym a plain,
reversible hash of the address.

The key never becomes SQL text: :func:`bind_key` hands its HMAC pads to DuckDB as bound
parameters in session variables, and :func:`pseudonym_sql` reads them with ``getvariable``.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

import duckdb

from orchestration.config import KEY_FILE_ENV, pseudonym_key_file
from orchestration.ingest.header import IngestError
from orchestration.sql import sql_str

KEY_ENV = "LOYALTY_PSEUDONYM_KEY"
LEGACY_KEY_FILE = ".pseudonym_key"  # where the ingest used to create it: inside the landing
MIN_KEY_BYTES = 32
BLOCK = 64  # SHA-256's block size, the HMAC pad length
IPAD, OPAD = "pseudonym_ipad", "pseudonym_opad"


class PseudonymKeyError(IngestError):
    """The pseudonym key is missing, too short or kept next to the data."""


def _checked(key: bytes, where: str) -> bytes:
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymKeyError(
            f"the pseudonym key in {where} is {len(key)} bytes; it must be at least "
            f"{MIN_KEY_BYTES} (an empty file is what an interrupted write leaves): put your "
            "saved key back, or, accepting that every e-mail pseudonym changes, remove it so "
            "that a new key is created"
        )
    return key


def create_key_file(path: Path) -> None:
    """Write a new random key to ``path`` atomically with mode 0600; an existing key wins."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(MIN_KEY_BYTES) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process created it first
            os.link(tmp, path)  # never replaces a key that exists
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    finally:
        tmp.unlink(missing_ok=True)


def load_key(landing_root: Path | None = None, key_file: Path | None = None) -> bytes:
    """The pseudonym key: from ``LOYALTY_PSEUDONYM_KEY``, else the key file (created once)."""
    if env_key := os.environ.get(KEY_ENV):
        return _checked(env_key.strip().encode("utf-8"), f"the env var {KEY_ENV}")
    path = key_file or pseudonym_key_file()
    legacy = landing_root / LEGACY_KEY_FILE if landing_root else None
    if not path.exists():
        if legacy is not None and legacy.exists():
            raise PseudonymKeyError(
                f"the pseudonym key is in the landing folder ({legacy}), next to the data it "
                f"protects: move it to {path} (or set {KEY_FILE_ENV} to where you keep it)"
            )
        create_key_file(path)
    try:
        return _checked(path.read_bytes().strip(), str(path))
    except OSError as exc:
        raise PseudonymKeyError(
            f"the pseudonym key file {path} cannot be read ({exc.strerror}); "
            f"set {KEY_FILE_ENV} to a readable file"
        ) from exc


def _pads(key: bytes) -> tuple[bytes, bytes]:
    if len(key) > BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(BLOCK, b"\x00")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def bind_key(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Give the connection the key's HMAC pads as session variables (bound, never SQL text)."""
    inner, outer = _pads(_checked(key, "use"))
    con.execute(f"set variable {IPAD} = ?", [inner])
    con.execute(f"set variable {OPAD} = ?", [outer])


def pseudonym_sql(raw: str) -> str:
    """SQL for HMAC-SHA256 of a text expression, trimmed and lower-cased (null stays null).

    Needs :func:`bind_key` on the connection first."""
    inner = f"sha256(getvariable({sql_str(IPAD)}) || encode(lower(trim({raw}))))"
    outer = f"getvariable({sql_str(OPAD)})"
    return f"case when {raw} is not null then sha256({outer} || unhex({inner})) end"


def pseudonym(value: str, key: bytes) -> str:
    """The same pseudonym in Python (for tests and for looking a person up with the key)."""
    return hmac.new(key, value.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()
