"""The one place that turns untrusted text into SQL: a string literal or a quoted identifier.

Every value or name that comes from a file (a header, a sheet name, a file name, a JSON key, a
path) reaches SQL only through these two helpers, or as a bound parameter. Both double the
quote character they use, so no text can close the literal or the identifier it stands in.
"""

from __future__ import annotations

import re
from pathlib import Path


def sql_str(value: str | Path) -> str:
    """A SQL string literal: ``O'Brien`` -> ``'O''Brien'``."""
    return "'" + str(value).replace("'", "''") + "'"


def sql_ident(name: str) -> str:
    """A quoted SQL identifier: ``x" from t; --`` -> ``"x"" from t; --"``.

    A NUL character cannot be part of an identifier in DuckDB (or any engine we target), nor
    can an empty name: both are refused here rather than passed to the parser.
    """
    if not name:
        raise ValueError("an identifier cannot be empty")
    if "\x00" in name:
        raise ValueError("an identifier cannot contain a NUL character")
    return '"' + name.replace('"', '""') + '"'


_PLACEHOLDER = re.compile(r"'\$\{([A-Z_]+)\}([^']*)'")


def fill_paths(sql: str, **roots: str | Path) -> str:
    """A SQL template with each literal ``'${NAME}/rest'`` replaced by ``sql_str(root + rest)``.

    For SQL files that name folders (bench/reference.sql): the whole literal is rebuilt with
    :func:`sql_str`, so a quote in a folder name stays inside the string.
    """
    return _PLACEHOLDER.sub(lambda m: sql_str(f"{roots[m[1]]}{m[2]}"), sql)
