"""Whole numbers read from text people (or bots) send: ASCII digits only, within a range.

`str.isdigit()` accepts "²", "٣" and other Unicode digits that `int()` refuses or reads as something
else, and `int()` alone accepts "-1", " 7 ", "1_000" and numbers no database column holds. Every number
read from a request, a file or a form goes through here instead.
"""

from __future__ import annotations

from collections.abc import Iterable

# What an INTEGER column holds (PostgreSQL's `integer`), so an id read from input can always be looked up.
LARGEST_ID = 2**31 - 1


def is_ascii_digits(text: str) -> bool:
    """True when `text` is one or more of 0-9 and nothing else."""
    return bool(text) and text.isascii() and text.isdigit()


def whole_number(text: object, lowest: int = 0, highest: int = LARGEST_ID) -> int | None:
    """`text` as an int when it is ASCII digits (surrounding spaces allowed) within [lowest, highest];
    otherwise None."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    # Length first: int() of a 100,000-digit string is slow, and refused above 4,300 digits anyway.
    if not is_ascii_digits(text) or len(text.lstrip("0")) > len(str(highest)):
        return None
    number = int(text)
    return number if lowest <= number <= highest else None


def record_id(text: object) -> int | None:
    """A database id read from input: a positive whole number an INTEGER column can hold, or None."""
    return whole_number(text, lowest=1)


def record_ids(texts: Iterable[object]) -> list[int]:
    """The database ids among `texts` (ticked checkboxes, say), in order; anything else is left out."""
    return [number for number in map(record_id, texts) if number is not None]
