"""Fingerprints of a listing's words, kept on every vacancy so the duplicate checks find candidates by
index instead of reading every listing (moderation/duplicates.py decides what counts as a duplicate).

- `content_hash`: a digest of the listing's normalised words (title and plain-text description), so an
  exact copy is one indexed lookup however many listings there are.
- `band_keys`: MinHash with banding (locality-sensitive hashing) over the same word shingles that
  `similarity` compares. Two listings whose shingles overlap by a Jaccard similarity of s share at least
  one of the BANDS keys with probability 1 - (1 - s^ROWS)^BANDS: for 0.8 (the default threshold) a pair
  is missed less than once in ten million; for 0.6 about once in a hundred; for 0.3 (listings of one
  school sharing its boilerplate) about one pair in four is a candidate, and `similarity` then decides.

The signature is one-permutation MinHash (each shingle hashed once into one of BANDS * ROWS bins, the
smallest value kept per bin; empty bins borrow from the next full bin to the right, "rotation
densification", which keeps the collision probability equal to the Jaccard similarity). It costs one
hash per shingle, a fraction of a millisecond per listing.

Pure functions: the models' save hooks and the migration that backfilled old rows call them, so a change
here needs a migration that recomputes the stored values.
"""

from __future__ import annotations

import functools
import hashlib
import re

from marketplace.vacancies.richtext import plain_text

SHINGLE_WORDS = 5
BANDS = 32
ROWS = 4
_BINS = BANDS * ROWS  # a power of two: a shingle's bin is the low bits of its hash
_BIN_BITS = _BINS.bit_length() - 1
_VALUE_BITS = 64 - _BIN_BITS
_EMPTY = 1 << 64

_WORD = re.compile(r"[a-z0-9£]+")


def normalised_words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[tuple[str, ...]]:
    """Runs of `size` words (a text shorter than that is one shingle of all its words)."""
    words = normalised_words(text)
    if len(words) < size:
        return frozenset({tuple(words)}) if words else frozenset()
    return frozenset(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def listing_text(title: str, about_role: str) -> str:
    """The words the duplicate checks compare: the title and the description without its markup."""
    return f"{title}\n{plain_text(about_role or '')}"


def content_hash(title: str, about_role: str) -> str:
    """A digest of the listing's words in order: equal exactly when `normalised_words` are equal."""
    words = normalised_words(listing_text(title or "", about_role or ""))
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def _hash64(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


def _shingle_texts(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """`shingles(text)` with each shingle's words joined by a space, as the signature hashes them (words
    hold no spaces, so two shingles are equal exactly when their texts are)."""
    words = normalised_words(text)
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def signature(text: str) -> list[int] | None:
    """The one-permutation MinHash signature of `text`'s shingles (None for a text without words)."""
    found = _shingle_texts(text)
    if not found:
        return None
    bins = [_EMPTY] * _BINS
    mask = _BINS - 1
    blake2b, from_bytes = hashlib.blake2b, int.from_bytes
    for shingle in found:
        value = from_bytes(blake2b(shingle.encode(), digest_size=8).digest(), "little")
        slot, rest = value & mask, value >> _BIN_BITS
        if rest < bins[slot]:
            bins[slot] = rest
    if _EMPTY in bins:
        # Rotation densification: an empty bin takes the value of the next full bin to its right, marked
        # with the distance so it never equals a value of its own.
        densified = list(bins)
        for slot in range(_BINS):
            if bins[slot] == _EMPTY:
                distance = 1
                while bins[(slot + distance) % _BINS] == _EMPTY:
                    distance += 1
                densified[slot] = bins[(slot + distance) % _BINS] | (distance << _VALUE_BITS)
        bins = densified
    return bins


@functools.lru_cache(maxsize=64)
def band_keys_of_text(text: str) -> tuple[int, ...]:
    """One signed 64-bit key per band (the band's number is in the key); empty for a text without words.

    Cached: a listing is fingerprinted when it is saved and again when the same words are screened."""
    bins = signature(text)
    if bins is None:
        return ()
    keys = []
    for band in range(BANDS):
        rows = bins[band * ROWS : (band + 1) * ROWS]
        data = band.to_bytes(1, "little") + b"".join(value.to_bytes(8, "little") for value in rows)
        keys.append(int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little", signed=True))
    return tuple(keys)


def band_keys(title: str, about_role: str) -> tuple[int, ...]:
    """The listing's band keys (see `band_keys_of_text`)."""
    return band_keys_of_text(listing_text(title or "", about_role or ""))
