"""Whole numbers read from what people send: ASCII digits within a range, or nothing."""

import pytest

from marketplace.numbers import LARGEST_ID, is_ascii_digits, record_id, record_ids, whole_number


@pytest.mark.parametrize(
    "text",
    [
        *("", " ", "\u00b2", "\u0663", "\uff11\uff12"),  # ², Arabic-Indic 3, full-width 12
        *("-1", "+1", "1.0", "1_000", "1e3", "12a", "\x00", "9" * 10_000, None, 7, ["1"]),
    ],
)
def test_anything_but_ascii_digits_is_no_number(text):
    assert whole_number(text) is None


def test_ascii_digits_within_the_range_are_read():
    assert whole_number("42") == 42
    assert whole_number(" 007 ") == 7
    assert whole_number("2015", 1950, 2100) == 2015
    assert whole_number("1949", 1950, 2100) is None
    assert whole_number("2101", 1950, 2100) is None


def test_ids_are_what_an_integer_column_holds():
    assert record_id(str(LARGEST_ID)) == LARGEST_ID
    assert record_id(str(LARGEST_ID + 1)) is None
    assert record_id("0") is None
    assert record_ids(["3", "²", "", "1", "99999999999"]) == [3, 1]


def test_unicode_digits_are_not_ascii_digits():
    assert is_ascii_digits("0123456789")
    assert not is_ascii_digits("²")
    assert not is_ascii_digits("")
