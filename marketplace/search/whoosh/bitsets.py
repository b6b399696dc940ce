"""Sets of document numbers as Python integers (bit n set = document n is in the set).

AND, OR and counting (int.bit_count) run in C over the whole set at once, so a filter or a facet count
over 100,000 documents costs microseconds; only turning a list into a set, or a set back into a list,
walks documents one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
from whoosh.idsets import DocIdSet


def from_docnums(docnums: Iterable[int], size: int) -> int:
    """The set holding these document numbers (each below `size`): a list, a numpy array or any
    iterable of them."""
    numbers = docnums if isinstance(docnums, np.ndarray) else np.fromiter(docnums, dtype=np.int64)
    members = np.zeros(size, dtype=bool)
    members[numbers] = True
    return int.from_bytes(np.packbits(members, bitorder="little").tobytes(), "little")


def docnums(bits: int) -> Iterator[int]:
    """The document numbers in the set, ascending."""
    return iter(array_of(bits).tolist())


def array_of(bits: int) -> np.ndarray:
    """The document numbers in the set, ascending, as a numpy array (unpacked in C)."""
    data = np.frombuffer(bits.to_bytes((bits.bit_length() + 7) // 8, "little"), dtype=np.uint8)
    return np.flatnonzero(np.unpackbits(data, bitorder="little"))


def full(size: int) -> int:
    """The set of every document number below `size`."""
    return (1 << size) - 1


class Members(DocIdSet):
    """A set, in the form Whoosh's collectors accept as a search filter (they only test membership)."""

    def __init__(self, bits: int):
        self.data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
        self.count = bits.bit_count()

    def __contains__(self, docnum: int) -> bool:
        index = docnum >> 3
        return index < len(self.data) and bool(self.data[index] >> (docnum & 7) & 1)

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[int]:
        return docnums(int.from_bytes(self.data, "little"))
