"""Row comparison of two engines' tables: numbers to 1e-9, everything else exactly."""

import math
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

TOLERANCE = 1e-9

Row = tuple[Any, ...]


def normalise(value: Any) -> Any:
    """One Python type per kind of value, so both drivers' rows compare."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal | int | float):
        return float(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date | str):
        return value
    raise TypeError(f"unexpected value type {type(value).__name__}: {value!r}")


def sort_key(row: Row) -> tuple[Any, ...]:
    """Order rows without tripping over float noise (rounded) or None (sorted first)."""
    return tuple(
        (0, "") if value is None else (1, round(value, 6) if isinstance(value, float) else value)
        for value in row
    )


def values_equal(left: Any, right: Any) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        if math.isnan(left) or math.isnan(right):
            return math.isnan(left) and math.isnan(right)
        return math.isclose(left, right, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    return type(left) is type(right) and left == right


def differences(columns: Sequence[str], duck: list[Row], spark: list[Row]) -> Iterator[str]:
    if len(duck) != len(spark):
        yield f"{len(duck)} rows on duckdb, {len(spark)} on spark"
        return
    for duck_row, spark_row in zip(
        sorted(duck, key=sort_key), sorted(spark, key=sort_key), strict=True
    ):
        for column, left, right in zip(columns, duck_row, spark_row, strict=True):
            if not values_equal(left, right):
                yield f"{column}: duckdb {left!r} != spark {right!r} in row {duck_row}"
