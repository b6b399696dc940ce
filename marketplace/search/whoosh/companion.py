"""A segment's companion file: the postings of the words and phrases searches read first, decoded once.

Most of what a search costs the first time a process meets it is reading and decoding postings from
Whoosh's files: a common word's documents and frequencies and, for a phrase ("special educational
needs", "part time"), every position of each of its words. A segment never changes once written, so
what warming a large segment decodes (the vocabulary's words and phrases, the commonest words of its
titles and descriptions, the field lengths) is written beside it once, as arrays, in
`<segment id>.warm.npz`. Every process that opens the segment afterwards (each web worker, each
restart, each node's follower after a rebuild) reads those arrays, one at a time as searches ask for
them, instead of decoding the postings again.

The file is written where a large segment is made (each part of a rebuild, by the process that built
it) and, for a segment made by a merge, by the first process that warms it in the background. Its
name begins with its segment's, so Whoosh's own clean-up deletes it with the segment and
SearchIndex.swap_in moves it with a rebuilt one. A missing or unreadable file only means decoding
the postings as before.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import weakref
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.query import Or, Query, Term
from whoosh.reading import IndexReader

from marketplace.search.synonyms import ALTERNATIVES
from marketplace.search.whoosh import ranking
from marketplace.search.whoosh.keywords import TEXT_FIELD_WEIGHTS, keyword_units

logger = logging.getLogger(__name__)

SUFFIX = ".warm.npz"
# Segments at least this large get one (the bulk of an index); a small one is quick to decode anyway.
LARGE_SEGMENT = 1000
# Besides the vocabulary, each segment's commonest words in these fields: words people type that the
# vocabulary does not know ("maternity", "cover").
COMMON_WORDS = 300
COMMON_WORD_FIELDS = ("title", "body")


def path_of(folder: Path, segment_id: str) -> Path:
    return folder / f"{segment_id}{SUFFIX}"


class Companion:
    """One segment's companion file, open for reading: each array is read when first asked for."""

    def __init__(self, path: Path):
        file = path.open("rb")  # (numpy leaves a file it opened open if it is not a whole zip file)
        try:
            self._arrays = arrays = np.load(file, allow_pickle=False)  # an NpzFile: reads members on demand
            keys = json.loads(str(arrays["keys"]))
        except BaseException:
            file.close()
            raise
        # The file stays open while the segment's arrays are kept, and is closed when they are dropped.
        weakref.finalize(self, file.close)
        self._members = {tuple(key): f"a{number}" for number, key in enumerate(keys)}
        self._lock = threading.Lock()  # the zip file underneath is read by one thread at a time

    def _read(self, key: tuple[Any, ...]) -> Any:
        member = self._members.get(key)
        if member is None:
            return None
        with self._lock:
            found = self._arrays[member]
        return found

    def term(self, field_name: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The term's (documents, weights), as SegmentPostings.term reads them; None if not kept."""
        member = self._members.get(("term", field_name, text))
        if member is None:
            return None
        with self._lock:
            ids, weights = self._arrays[member], self._arrays[f"w{member}"]
        return ids.astype(np.int64), weights.astype(np.float64)

    def phrase(self, field_name: str, words: tuple[str, ...]) -> np.ndarray | None:
        found = self._read(("phrase", field_name, *words))
        return None if found is None else found.astype(np.int64)

    def lengths(self, field_name: str) -> np.ndarray | None:
        return self._read(("lengths", field_name))


def load(folder: Path, segment_id: str) -> Companion | None:
    """The segment's companion file, if it has one that can be read."""
    path = path_of(folder, segment_id)
    try:
        return Companion(path)
    except FileNotFoundError:
        return None
    except Exception:  # damaged or half-copied: the postings are decoded as if it were not there
        logger.warning("Ignoring the unreadable search index file %s", path, exc_info=True)
        return None


def save(folder: Path, postings: ranking.SegmentPostings) -> None:
    """Write what the segment's postings hold now as its companion file, atomically (a reader sees
    the whole file or none). Several processes may write one at once: each writes the same thing."""
    with postings.lock:  # a snapshot of what is decoded (searches may add to it meanwhile)
        terms = list(postings.terms.items())
        phrases = list(postings.phrases.items())
        lengths = list(postings.lengths.items())
    keys: list[list[str]] = []
    arrays: dict[str, Any] = {}
    for (field_name, text), (ids, weights) in terms:
        arrays[f"a{len(keys)}"] = ids.astype(np.int32)  # (a segment holds fewer than 2**31 documents)
        # Frequencies are whole numbers: half the size, unless a weight would lose a bit.
        narrow = weights.astype(np.float32)
        arrays[f"wa{len(keys)}"] = narrow if np.array_equal(narrow, weights) else weights
        keys.append(["term", field_name, text])
    for (field_name, words), docs in phrases:
        arrays[f"a{len(keys)}"] = docs.astype(np.int32)
        keys.append(["phrase", field_name, *words])
    for field_name, values in lengths:
        arrays[f"a{len(keys)}"] = values
        keys.append(["lengths", field_name])
    path = path_of(folder, postings.segment_id)
    # Named after the segment too: if this process dies half-way, Whoosh cleans it up with the segment.
    partial = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        with partial.open("wb") as file:
            np.savez(file, **arrays, keys=np.array(json.dumps(keys, ensure_ascii=False)))
        os.replace(partial, path)
    except OSError:  # a full disk or a removed folder: the segment is read as before
        logger.warning("Could not write the search index file %s", path, exc_info=True)
        partial.unlink(missing_ok=True)


def warming_queries(reader: IndexReader) -> Iterator[Query]:
    """What warming a segment reads: the keyword query of each word and phrase the vocabulary knows,
    as a search for it builds it, then the segment's commonest words in every text field."""
    yield from vocabulary_queries()
    common = {
        word
        for field_name in COMMON_WORD_FIELDS
        if field_name in reader.schema
        for _, word in reader.most_frequent_terms(field_name, COMMON_WORDS)
    }
    for word in sorted(common):
        text = word.decode("utf-8") if isinstance(word, bytes) else word
        yield Or([Term(field_name, text) for field_name in TEXT_FIELD_WEIGHTS])


@lru_cache(maxsize=1)
def vocabulary_queries() -> tuple[Query, ...]:
    queries: dict[Any, Query] = {}
    for words in ALTERNATIVES:
        for unit in keyword_units(" ".join(words)):
            queries.setdefault(unit.key, unit.query())
    return tuple(queries.values())


def write_for(folder: Path, reader: IndexReader) -> None:
    """Decode what warming reads in a newly written segment and save it as its companion file (a
    large segment only)."""
    if reader.doc_count_all() < LARGE_SEGMENT:
        return
    postings = ranking.SegmentPostings(reader.segment().segment_id(), reader.doc_count_all())
    for query in warming_queries(reader):
        postings.warm(reader, query)
    save(folder, postings)
