"""The engine comparison itself: it must catch a real difference and tolerate float noise."""

from datetime import date
from decimal import Decimal

from engine_compare import differences, normalise

COLUMNS = ["month_start", "responses", "nps", "segment"]
DUCK = [
    (date(2025, 1, 1), 10.0, 20.0, "b2c"),
    (date(2025, 2, 1), 4.0, None, None),
]


def test_identical_rows_in_another_order_agree() -> None:
    assert list(differences(COLUMNS, DUCK, list(reversed(DUCK)))) == []


def test_float_noise_below_1e9_is_equal() -> None:
    spark = [(date(2025, 1, 1), 10.0, 20.0 + 1e-12, "b2c"), DUCK[1]]
    assert list(differences(COLUMNS, DUCK, spark)) == []


def test_a_changed_number_is_reported() -> None:
    spark = [(date(2025, 1, 1), 10.0, 20.001, "b2c"), DUCK[1]]
    assert [d.split(":")[0] for d in differences(COLUMNS, DUCK, spark)] == ["nps"]


def test_null_versus_value_and_missing_rows_are_reported() -> None:
    assert list(differences(COLUMNS, DUCK, [DUCK[0], (date(2025, 2, 1), 4.0, 0.0, None)]))
    assert list(differences(COLUMNS, DUCK, DUCK[:1])) == ["2 rows on duckdb, 1 on spark"]


def test_decimals_and_integers_compare_as_numbers_but_not_as_text() -> None:
    assert normalise(Decimal("1.50")) == normalise(1.5) == 1.5
    assert list(differences(["x"], [(normalise(1),)], [(normalise("1"),)]))
