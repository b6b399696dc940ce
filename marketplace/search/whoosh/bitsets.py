"""Sets of document numbers as Python integers (bit n set = document n is in the set).

AND, OR and counting (int.bit_count) run in C over the whole set at once, so a filter or a facet count
over 100,000 documents costs microseconds; only turning a list into a set, or a set back into a list,
walks documents one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from whoosh.idsets import DocIdSet


def from_docnums(docnums: Iterable[int], size: int) -> int:
    """The set holding these document numbers (each below `size`)."""
    buffer = bytearray((size + 7) // 8)
    for docnum in docnums:
        buffer[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(buffer, "little")


def docnums(bits: int) -> Iterator[int]:
    """The document numbers in the set, ascending."""
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for index, byte in enumerate(data):
        if byte:
            base = index << 3
            for offset in range(8):
                if byte >> offset & 1:
                    yield base + offset


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
