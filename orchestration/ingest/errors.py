"""The error of a file that cannot be loaded at all (kept apart so every module can raise it)."""

from __future__ import annotations


class IngestError(Exception):
    """A file that cannot be loaded at all; the message names the file and what was expected."""
