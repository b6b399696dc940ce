"""Keyword queries answered on arrays: which documents match, and each one's BM25F score as Whoosh
scores it, without walking Whoosh's matchers document by document.

What does not depend on the rest of the index (each term's postings and weights, each field's
lengths, the documents holding a phrase) is read once per segment and kept with the segment, so a
commit that adds a segment reads only that segment. What does (a term's idf, a field's average
length) comes from the index's collection statistics (see CollectionStatistics), as Whoosh's own
scorer takes them, and is applied with whole-array arithmetic in the same order of operations, so
the scores are Whoosh's. With those statistics held for a while, each segment's scores for a query
are kept with the segment too: a commit then costs scoring its own new segment.

Supported: Term, Phrase, And, Or and NullQuery (all that keywords.py builds); any other query falls
back to Whoosh's matchers.
"""

from __future__ import annotations

import itertools
import pickle
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from functools import partial
from itertools import chain
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.formats import _INT_SIZE, Positions
from whoosh.matching import (
    ArrayUnionMatcher,
    FilterMatcher,
    IntersectionMatcher,
    UnionMatcher,
    WrappingMatcher,
)
from whoosh.matching.mcore import NullMatcherClass
from whoosh.query import And, Or, Phrase, Query, Term
from whoosh.query.qcore import _NullQuery
from whoosh.query.spans import SpanNear2
from whoosh.reading import IndexReader
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.util import make_weighted_tree
from whoosh.util.numeric import byte_to_length

# A field's length as Whoosh decodes it from the byte it stores (lossy above a few dozen words).
_LENGTHS = np.array([byte_to_length(code) for code in range(256)], dtype=np.float64)
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_NO_POSTINGS = (_EMPTY_IDS, np.zeros(0, dtype=np.float64))
_MATCHES_KEPT = 512  # queries whose matching documents each segment keeps
_SCORES_KEPT = 128  # queries whose scores each segment keeps (as many as a generation's rankings)
_POSITION_STRIDE = 1 << 32  # (document, position) pairs packed in one integer

# Whoosh's readers are not safe to read from on several threads at once (a block read half-way by
# another thread fails with "Block tag error"): every read of postings and columns for the arrays
# takes this lock. Each is read once per segment, so searches seldom wait for it.
READ_LOCK = threading.RLock()

# How often each segment's postings were read from disk, by segment id: a commit must not read the
# segments it did not change again (the tests look).
postings_reads: Counter[str] = Counter()
# How often a query's scores were worked out on each segment, by segment id (the tests look too).
score_computations: Counter[str] = Counter()

# How far the index may drift from the collection statistics its scores use, as a fraction of its
# document count. BM25's idf and average field lengths depend on the whole index, so exact scores
# would be worked out again for every segment at every commit (one a second on a busy site: each
# search after a publish paid for it, about 1.9 times the warm p95). Held while fewer than 1% of the
# documents have come or gone, the statistics are at most that stale (a term's document frequency off
# by at most that many documents; the document count and average lengths by about 1%), so an
# order of results may differ marginally from a fresh computation until the next refresh: about
# every 200 publishes at 20,000 listings. Which documents match, the totals and the facet counts
# never use them and are always exact. An index under 100 documents refreshes at every change.
STALE_FRACTION = 0.01


class CollectionStatistics:
    """The collection statistics of one "statistics epoch": a term's idf and a field's average length
    as Whoosh's searcher gives them, taken the first time the epoch needs each, then held until the
    index has drifted (see STALE_FRACTION and `covers`). Every segment's scores in an epoch use the
    same values, so each segment's scores stay valid across the generations of the epoch."""

    _numbers = itertools.count(1)

    def __init__(self, documents: int, segments: dict[str, int]):
        self.epoch = next(self._numbers)
        self.documents = documents  # Whoosh's doc_count_all (deleted documents included, as its idf)
        self.segments = segments  # segment id -> documents, when the epoch began
        self._idf: dict[tuple[str, Any], float] = {}
        self._averages: dict[str, float] = {}

    def covers(self, documents: int, segments: dict[str, int]) -> bool:
        """Whether a generation with these documents and segments is close enough to use them: its
        document count within the fraction, and at most that many of the epoch's documents in
        segments gone since (a rebuild or a large merge replaces them all)."""
        allowed = self.documents * STALE_FRACTION
        gone = sum(size for segment, size in self.segments.items() if segment not in segments)
        return abs(documents - self.documents) <= allowed and gone <= allowed

    def idf(self, searcher: Searcher, field_name: str, text: Any) -> float:
        key = (field_name, text)
        found = self._idf.get(key)
        if found is None:  # (two threads at once: setdefault keeps the first, for both)
            found = self._idf.setdefault(key, searcher.idf(field_name, text))
        return found

    def average_length(self, searcher: Searcher, field_name: str) -> float:
        found = self._averages.get(field_name)
        if found is None:
            found = self._averages.setdefault(field_name, searcher.avg_field_length(field_name) or 1)
        return found


def column_values(column: Any, size: int, dtype: Any) -> np.ndarray:
    """Every document's value of a fixed-width numeric column, read in one go."""
    raw = getattr(column, "_dbfile", None)
    typecode = getattr(column, "_typecode", None)
    if raw is not None and typecode is not None:
        count = min(column._count, size)
        width = np.dtype(typecode).itemsize
        values = np.frombuffer(
            bytes(raw.get(column._basepos, count * width)), dtype=np.dtype(typecode).newbyteorder(">")
        )
        result = np.full(size, column._default, dtype=dtype)
        result[:count] = values
        return result
    return np.array([column[docnum] for docnum in range(size)], dtype=dtype)


def _positions_decoder(format: Any) -> Callable[[list[bytes]], tuple[np.ndarray, np.ndarray]]:
    """A function decoding a block of posting values into (positions per document, every position)."""
    if type(format) is not Positions:  # another format: Whoosh decodes it value by value
        return lambda values: _flatten([format.decode_positions(value) for value in values])
    return _decode_positions_block


def _decode_positions_block(values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Whoosh's Positions.decode_positions for a whole block at once.

    Each value is a 4-byte count and a pickled list of position deltas (the pickle's final STOP
    sometimes left off). The pickles, one after another between a MARK and a LIST, are one pickle of
    the list of those lists: one call to the unpickler for the block rather than one per document.
    """
    body = b"".join(value[_INT_SIZE:-1] if value.endswith(b".") else value[_INT_SIZE:] for value in values)
    # Our own index, which Whoosh unpickles value by value itself.
    deltas = pickle.loads(b"(" + body + b"l.")  # noqa: S301
    counts = np.fromiter(map(len, deltas), dtype=np.int64, count=len(deltas))
    flat = np.fromiter(chain.from_iterable(deltas), dtype=np.int64, count=int(counts.sum()))
    # Deltas within each document: a running sum, less the running sum before the document began.
    running = np.cumsum(flat)
    before = np.concatenate(([0], running))[np.cumsum(counts) - counts]
    return counts, running - np.repeat(before, counts)


def _flatten(lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    return counts, np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum()))


class QueryKey:
    """A query (and the statistics epoch its scores belong to) as a key of the segments' caches.

    Whoosh works a query's hash out again each time it is asked, walking the whole tree (a keyword
    with its synonyms is dozens of terms and phrases), and a search looks its query up in every
    segment: this works it out once. The queries of keyword units are built once and shared (see
    keywords.py), so keys for the same words compare by identity before walking the trees."""

    __slots__ = ("_hash", "epoch", "query")

    def __init__(self, query: Query, epoch: int = 0):
        self.query, self.epoch = query, epoch
        self._hash = hash((query, epoch))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, QueryKey)
            and self._hash == other._hash
            and self.epoch == other.epoch
            and (self.query is other.query or self.query == other.query)
        )


_ABSENT: Any = object()


class SegmentPostings:
    """One (immutable) segment's postings as arrays, read on first use and kept with the segment."""

    def __init__(self, segment_id: str, size: int):
        self.segment_id = segment_id
        self.size = size
        self.terms: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self.lengths: dict[str, np.ndarray] = {}
        self.phrases: OrderedDict[tuple[str, tuple[str, ...]], np.ndarray] = OrderedDict()
        self.positions: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self.lock = READ_LOCK
        self.warming_started = False  # see engine._warm_segments
        self.stored: Any = None  # the segment's companion file, if it has one (see companion.py)
        self.frequencies: dict[tuple[str, Any], int] = {}  # document frequencies, by (field, term)
        # Queries -> the documents they match here, packed one bit per document (see matches).
        self.matched: OrderedDict[QueryKey, np.ndarray | None] = OrderedDict()
        self.matched_lock = threading.Lock()
        # (query, statistics epoch) -> the documents it matches here (deleted ones too) and their scores.
        self.scored: OrderedDict[QueryKey, Sparse] = OrderedDict()

    def term(self, reader: IndexReader, field_name: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The segment's documents holding the term, and the term's weight (frequency) in each."""
        key = (field_name, text)
        found = self.terms.get(key)
        if found is None:
            if key not in reader:
                # Not kept: words absent from the segment are whatever people type, without limit.
                return _NO_POSTINGS
            with self.lock:
                found = self.terms.get(key)
                if found is None:
                    stored = self.stored and self.stored.term(field_name, text)
                    found = stored or self._read_term(reader, field_name, text)
                    self.terms[key] = found
        return found

    def _read_term(self, reader: IndexReader, field_name: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        postings_reads[self.segment_id] += 1
        if (field_name, text) not in reader:
            return _EMPTY_IDS, np.zeros(0, dtype=np.float64)
        ids: list[Iterable[int]] = []
        weights: list[Iterable[float]] = []
        # Deleted documents too (a segment keeps its id as its deletions grow): each generation's
        # searches keep only the live ones.
        matcher = self._raw_matcher(reader, field_name, text)
        # Block by block (Whoosh 2.7.5's leaf matcher), not posting by posting.
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            if matcher._weights is None:
                matcher._read_weights()
            ids.append(matcher._ids)
            weights.append(matcher._weights)
            matcher._next_block()
        if not ids:
            return _EMPTY_IDS, np.zeros(0, dtype=np.float64)
        return (
            np.concatenate([np.asarray(block, dtype=np.int64) for block in ids]),
            np.concatenate([np.asarray(block, dtype=np.float64) for block in weights]),
        )

    def field_lengths(self, reader: IndexReader, field_name: str) -> np.ndarray:
        """Each document's length in the field, as Whoosh's scorer sees it (1 without a length column)."""
        found = self.lengths.get(field_name)
        if found is None:
            with self.lock:
                column = reader._perdoc._cached_reader(_lenfield(field_name), LENGTHS_COLUMN)  # type: ignore[attr-defined]
                stored = self.stored and self.stored.lengths(field_name)
                if stored is not None:
                    found = stored
                elif column is None:
                    found = np.ones(self.size, dtype=np.float64)
                else:
                    found = _LENGTHS[column_values(column, self.size, np.uint8)]
                self.lengths[field_name] = found
        return found

    def phrase(self, reader: IndexReader, query: Phrase) -> np.ndarray:
        """The segment's documents holding the phrase: its words at consecutive positions, in order
        (Whoosh's Phrase with its default slop of 1), deleted documents included."""
        key = (query.fieldname, tuple(query.words))
        with self.matched_lock:
            found = self.phrases.get(key)
            if found is not None:
                self.phrases.move_to_end(key)
                return found
        with self.lock:
            found = self.stored and self.stored.phrase(query.fieldname, tuple(query.words))
            if found is None:
                found = self._read_phrase(reader, query.fieldname, tuple(query.words))
        with self.matched_lock:
            # Phrases are whatever people quote: only the most recently used are kept.
            self.phrases[key] = found
            while len(self.phrases) > _MATCHES_KEPT:
                self.phrases.popitem(last=False)
        return found

    def _read_phrase(self, reader: IndexReader, field_name: str, words: tuple[str, ...]) -> np.ndarray:
        postings_reads[self.segment_id] += 1
        if any((field_name, word) not in reader for word in words):
            return _EMPTY_IDS
        candidates = self.term(reader, field_name, words[0])[0]
        for word in words[1:]:
            candidates = np.intersect1d(
                candidates, self.term(reader, field_name, word)[0], assume_unique=True
            )
        if not len(candidates):
            return _EMPTY_IDS
        starts: np.ndarray | None = None
        # Rarest word first: each word narrows the documents whose positions the next must decode.
        by_rarity = sorted(enumerate(words), key=lambda pair: len(self.term(reader, field_name, pair[1])[0]))
        for index, word in by_rarity:
            docs, positions = self._positions(reader, field_name, word, candidates)
            # (document, position of the phrase's first word) for each place the word could stand.
            keep = positions >= index
            keys = np.unique(docs[keep] * _POSITION_STRIDE + (positions[keep] - index))
            starts = keys if starts is None else np.intersect1d(starts, keys, assume_unique=True)
            if not len(starts):
                return _EMPTY_IDS
            candidates = np.unique(starts // _POSITION_STRIDE)
        assert starts is not None
        return np.unique(starts // _POSITION_STRIDE)

    def _positions(
        self, reader: IndexReader, field_name: str, word: str, candidates: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(document, position) of each occurrence of the word in the candidate documents."""
        docs, positions = self.term_positions(reader, field_name, word)
        chosen = np.zeros(self.size, dtype=bool)
        chosen[candidates] = True
        wanted = chosen[docs]
        return docs[wanted], positions[wanted]

    def term_positions(
        self, reader: IndexReader, field_name: str, word: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """(document, position) of every occurrence of the word in the segment, deleted documents
        included: read once and shared by every phrase the word is in ("teacher" is in dozens)."""
        key = (field_name, word)
        found = self.positions.get(key)
        if found is None:
            with self.lock:
                found = self.positions.get(key)
                if found is None:
                    found = self.positions[key] = self._read_positions(reader, field_name, word)
        return found

    def _read_positions(
        self, reader: IndexReader, field_name: str, word: str
    ) -> tuple[np.ndarray, np.ndarray]:
        postings_reads[self.segment_id] += 1
        matcher = self._raw_matcher(reader, field_name, word)
        decode = _positions_decoder(reader.schema[field_name].format)
        docs: list[np.ndarray] = []
        positions: list[np.ndarray] = []
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            if matcher._values is None:
                matcher._read_values()
            counts, block_positions = decode(matcher._values)
            docs.append(np.repeat(np.asarray(matcher._ids, dtype=np.int64), counts))
            positions.append(block_positions)
            matcher._next_block()
        if not docs:
            return _EMPTY_IDS, _EMPTY_IDS
        return np.concatenate(docs), np.concatenate(positions)

    def matches(self, key: QueryKey, compute: Callable[[], np.ndarray | None]) -> np.ndarray | None:
        """The segment's documents a query matches (see Evaluator.matches), kept for the latest
        _MATCHES_KEPT queries."""
        with self.matched_lock:
            packed = self.matched.get(key, _ABSENT)
            if packed is not _ABSENT:
                self.matched.move_to_end(key)
                return None if packed is None else np.unpackbits(packed, count=self.size).view(bool)
        found = compute()
        with self.matched_lock:
            self.matched[key] = None if found is None else np.packbits(found)
            while len(self.matched) > _MATCHES_KEPT:
                self.matched.popitem(last=False)
        return found

    def scores(self, key: QueryKey, compute: Callable[[], Sparse]) -> Sparse:
        """A query's matching documents and scores on this segment (see Evaluator.scored), kept for
        the latest _SCORES_KEPT queries and the statistics epoch they were worked out in.

        Kept across deletions in the segment too (every commit deletes the index's bookmark document
        where it was; a closing or an edit deletes a listing): a deletion changes no score, only,
        possibly, which matchers Whoosh would build and so the order in which it adds the clauses'
        scores, the last bit of a sum at most."""
        with self.matched_lock:
            kept = self.scored.get(key, _ABSENT)
            if kept is not _ABSENT:
                self.scored.move_to_end(key)
                return kept
        score_computations[self.segment_id] += 1
        found = compute()
        with self.matched_lock:
            self.scored[key] = found
            while len(self.scored) > _SCORES_KEPT:
                self.scored.popitem(last=False)
        return found

    def warm(self, reader: IndexReader, query: Query) -> None:
        """Read now what evaluating the query on this segment reads on first use: its terms' postings
        and field lengths, its phrases' documents."""
        if type(query) is Term:
            field_name = query.fieldname
            if field_name in reader.schema:
                text = query.text.decode("utf-8") if isinstance(query.text, bytes) else query.text
                self.term(reader, field_name, text)
                if reader.schema[field_name].scorable:
                    self.field_lengths(reader, field_name)
        elif type(query) is Phrase:
            if query.fieldname in reader.schema and all(
                (query.fieldname, word) in reader for word in query.words
            ):
                self.phrase(reader, query)
                self.field_lengths(reader, query.fieldname)
        elif isinstance(query, (And, Or)):
            for sub in query.subqueries:
                self.warm(reader, sub)

    @staticmethod
    def _raw_matcher(reader: IndexReader, field_name: str, text: str) -> Any:
        """SegmentReader.postings without its filter of deleted documents."""
        return reader._terms.matcher(  # type: ignore[attr-defined]
            field_name,
            reader._text_to_bytes(field_name, text),  # type: ignore[attr-defined]
            reader.schema[field_name].format,
        )


class Leaf:
    """A segment as one generation sees it: its reader and searcher, its first document number there."""

    def __init__(self, reader: IndexReader, searcher: Searcher, offset: int, postings: SegmentPostings):
        self.reader = reader
        self.searcher = searcher
        self.offset = offset
        self.postings = postings
        self.size = postings.size


# A query's documents in one segment: (matched, scores) with one slot per document of the segment,
# every score 0.0 where it does not match; None where Whoosh's matcher would be a NullMatcher.
Part = tuple[np.ndarray, np.ndarray] | None
# The same, kept: (the segment's documents that match, ascending, their scores); None for none.
Sparse = tuple[np.ndarray, np.ndarray] | None


def _sparse(part: Part) -> Sparse:
    if part is None:
        return None
    docs = np.flatnonzero(part[0]).astype(np.int32)  # (a segment holds fewer than 2**31 documents)
    return docs, part[1][docs]


class Evaluator:
    """Evaluates queries over one generation: (matches as booleans, scores), one slot per document.

    Each segment is evaluated as Whoosh evaluates it, down to the order in which it adds the scores
    of the clauses (its matcher trees: weighted by estimated size for And and Or, by halves for a
    phrase's words, clause by clause for an Or on a small segment), so every sum is Whoosh's to the
    last bit and ties fall as they did.
    """

    def __init__(
        self,
        searcher: Searcher,
        leaves: list[Leaf],
        size: int,
        statistics: CollectionStatistics | None = None,
    ):
        self.searcher = searcher
        self.leaves = leaves
        self.size = size
        self._leaves_by_reader = {id(leaf.reader): leaf for leaf in leaves}
        weighting = searcher.weighting
        self.bm25 = weighting if isinstance(weighting, BM25F) else None
        # Without statistics handed on from an earlier generation: this generation's own (exact).
        self.statistics = statistics or CollectionStatistics(
            searcher.doc_count_all(), {leaf.postings.segment_id: leaf.size for leaf in leaves}
        )

    def evaluate(self, query: Query) -> tuple[np.ndarray, np.ndarray]:
        """(matches as booleans, scores), one slot per document (deleted ones included)."""
        docs, found = self.scored(query)
        matched = np.zeros(self.size, dtype=bool)
        scores = np.zeros(self.size, dtype=np.float64)
        matched[docs] = True
        scores[docs] = found
        return matched, scores

    def scored(self, query: Query, *, first: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """The documents from `first` on (the first of a segment) the query matches (ascending,
        deleted ones included) and their scores. Each segment's are kept with the segment for the
        statistics epoch: after a commit only the new segment is scored."""
        supported = self.supports(query)
        key = QueryKey(query, self.statistics.epoch)
        docs: list[np.ndarray] = [_EMPTY_IDS]
        scores: list[np.ndarray] = [np.zeros(0, dtype=np.float64)]
        for leaf in self.leaves:
            if leaf.offset < first:
                continue
            if supported:
                part = leaf.postings.scores(key, partial(self._scored_part, query, leaf))
            else:
                part = _sparse(self._whoosh(query, leaf))
            if part is not None:
                docs.append(part[0] + leaf.offset)
                scores.append(part[1])
        return np.concatenate(docs), np.concatenate(scores)

    def _scored_part(self, query: Query, leaf: Leaf) -> Sparse:
        return _sparse(self._node(query, leaf))

    def matches(self, query: Query, *, first: int = 0) -> np.ndarray:
        """The documents from `first` on (the first of a segment) the query matches, one boolean per
        document (deleted ones included), as `evaluate` finds them but without scoring. Which
        documents of a segment match does not change with the rest of the index, so each segment's
        answer is kept with the segment: after a commit only the new segment is worked out."""
        matched = np.zeros(self.size - first, dtype=bool)
        supported = self.supports(query)
        key = QueryKey(query)
        for leaf in self.leaves:
            if leaf.offset < first:
                continue
            if supported:
                part = leaf.postings.matches(key, partial(self._matched, query, leaf))
            else:
                found = self._whoosh(query, leaf)
                part = None if found is None else found[0]
            if part is not None:
                matched[leaf.offset - first : leaf.offset - first + leaf.size] = part
        return matched

    def _matched(self, query: Query, leaf: Leaf) -> np.ndarray | None:
        """The segment's documents the query matches (None: none, where Whoosh would use a NullMatcher)."""
        if isinstance(query, _NullQuery):
            return None
        if isinstance(query, Term):
            part = self._term(query, leaf)
            return None if part is None else part[0]
        if isinstance(query, Phrase):
            if any((query.fieldname, word) not in leaf.reader for word in query.words):
                return None
            part = self._phrase(query, leaf)
            return None if part is None else part[0]
        parts = [self._matched(sub, leaf) for sub in query.subqueries]
        if isinstance(query, Or):
            found = [part for part in parts if part is not None]
            return np.logical_or.reduce(found) if found else None
        present = [part for part in parts if part is not None]
        if not parts or len(present) < len(parts):
            return None
        return np.logical_and.reduce(present)

    def supports(self, query: Query) -> bool:
        """Whether the query is evaluated on arrays (with scores that hold for the statistics epoch),
        rather than by Whoosh's matchers with the searcher's own statistics."""
        if isinstance(query, _NullQuery):
            return True
        if self.bm25 is None:
            return False
        if type(query) is Term:
            return True
        if type(query) is Phrase:
            return query.slop == 1
        if type(query) in (And, Or):
            return (
                not getattr(query, "minmatch", 0)
                and not getattr(query, "scale", None)
                and all(self.supports(sub) for sub in query.subqueries)
            )
        return False

    # --- One segment, as Whoosh's matchers score it -------------------------------------------

    def _node(self, query: Query, leaf: Leaf) -> Part:
        return self._shaped(query, leaf)._part

    def _shaped(self, query: Query, leaf: Leaf) -> Any:
        """The query's part on the segment, carried by a stand-in of the matcher Whoosh would build
        (see _stand_in): Whoosh orders equally weighted clauses by comparing matchers, by class."""
        if isinstance(query, _NullQuery):
            return _NULL
        if isinstance(query, Term):
            part = self._term(query, leaf)
            if part is None:
                return _NULL
            leaf_class = FilterMatcher if leaf.reader.has_deletions() else W3LeafMatcher
            return _stand_in(leaf_class if query.boost == 1.0 else WrappingMatcher, part)
        if isinstance(query, Phrase):
            if any((query.fieldname, word) not in leaf.reader for word in query.words):
                return _NULL
            part = self._phrase(query, leaf)
            return _stand_in(SpanNear2.SpanNear2Matcher if query.boost == 1.0 else WrappingMatcher, part)
        subs = query.subqueries
        if not subs:
            return _NULL
        if len(subs) == 1:  # Whoosh uses the single clause's matcher as it is, without the boost
            return self._shaped(subs[0], leaf)
        shaped = [self._shaped(sub, leaf) for sub in subs]
        if isinstance(query, Or) and not (len(subs) == 2 or leaf.reader.doc_count_all() > 5000):
            # Whoosh's PreloadedOr (ArrayUnionMatcher): clause by clause, each score times the boost.
            result: Part = None
            for one in shaped:
                part = one._part
                if part is not None:
                    weighted = part[1] * query.boost
                    result = (
                        (part[0].copy(), weighted)
                        if result is None
                        else (result[0] | part[0], result[1] + weighted)
                    )
            return _stand_in(ArrayUnionMatcher, result)
        union = isinstance(query, Or)
        combine = self._union if union else self._intersection
        tree_class = UnionMatcher if union else IntersectionMatcher
        reader = leaf.reader
        weighted_items = [
            ((self._estimate(sub, reader) if union else 0 - self._estimate(sub, reader)), one)
            for sub, one in zip(subs, shaped, strict=True)
        ]
        root = make_weighted_tree(
            lambda a, b: _stand_in(tree_class, combine(a._part, b._part)), weighted_items
        )
        if query.boost != 1.0:
            part = root._part
            return _stand_in(WrappingMatcher, None if part is None else (part[0], part[1] * query.boost))
        return root

    @staticmethod
    def _union(first: Part, second: Part) -> Part:
        if first is None:
            return second
        if second is None:
            return first
        return first[0] | second[0], first[1] + second[1]

    @staticmethod
    def _intersection(first: Part, second: Part) -> Part:
        if first is None or second is None:
            return None
        matched = first[0] & second[0]
        scores = first[1] + second[1]
        scores[~matched] = 0.0
        return matched, scores

    def _estimate(self, query: Query, reader: IndexReader) -> int:
        """The query's estimate_size on a segment, as Whoosh weighs its matcher trees."""
        if isinstance(query, _NullQuery):
            return 0
        if isinstance(query, Term):
            return self._frequency(query.fieldname, query.text, reader)
        if isinstance(query, Phrase):
            return min((self._frequency(query.fieldname, word, reader) for word in query.words), default=0)
        if isinstance(query, And):
            return min(self._estimate(sub, reader) for sub in query.subqueries)
        return min(sum(self._estimate(sub, reader) for sub in query.subqueries), reader.doc_count())

    def _frequency(self, field_name: str, text: Any, reader: IndexReader) -> int:
        """Term.estimate_size on a segment (its document frequency, which never changes), kept."""
        leaf = self._leaves_by_reader.get(id(reader))
        if leaf is None:
            return Term(field_name, text).estimate_size(reader)
        key = (field_name, text)
        found = leaf.postings.frequencies.get(key)
        if found is None:
            found = leaf.postings.frequencies[key] = Term(field_name, text).estimate_size(reader)
        return found

    def _term_scores(
        self, field_name: str, text: str, leaf: Leaf, ids: np.ndarray, weights: np.ndarray
    ) -> np.ndarray:
        field = self.searcher.schema[field_name]
        if not field.scorable:
            return weights  # Whoosh's WeightScorer: the weight is the score
        assert self.bm25 is not None
        idf = self.statistics.idf(self.searcher, field_name, text)
        average = self.statistics.average_length(self.searcher, field_name)
        bee = self.bm25._field_B.get(field_name, self.bm25.B)
        k1 = self.bm25.K1
        lengths = leaf.postings.field_lengths(leaf.reader, field_name)[ids]
        # whoosh.scoring.bm25, operation for operation.
        return idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - bee) + bee * lengths / average)))

    def _term(self, query: Term, leaf: Leaf) -> Part:
        field_name = query.fieldname
        if field_name not in self.searcher.schema:
            return None
        text = query.text.decode("utf-8") if isinstance(query.text, bytes) else query.text
        ids, weights = leaf.postings.term(leaf.reader, field_name, text)
        if not len(ids):
            return None
        part = self._term_scores(field_name, text, leaf, ids, weights)
        if query.boost != 1.0:
            part = part * query.boost
        matched = np.zeros(leaf.size, dtype=bool)
        scores = np.zeros(leaf.size, dtype=np.float64)
        matched[ids] = True
        scores[ids] = part
        return matched, scores

    def _phrase(self, query: Phrase, leaf: Leaf) -> Part:
        field_name = query.fieldname
        if field_name not in self.searcher.schema or any(
            (field_name, word) not in leaf.reader for word in query.words
        ):
            return None
        docs = leaf.postings.phrase(leaf.reader, query)
        if not len(docs):
            return None
        words = []
        for word in query.words:
            ids, weights = leaf.postings.term(leaf.reader, field_name, word)
            positions = np.searchsorted(ids, docs)
            words.append(self._term_scores(field_name, word, leaf, ids[positions], weights[positions]))
        # Whoosh scores a phrase as the sum of its words' scores, added by halves (make_binary_tree).
        total = _sum_by_halves(words)
        if query.boost != 1.0:
            total = total * query.boost
        matched = np.zeros(leaf.size, dtype=bool)
        scores = np.zeros(leaf.size, dtype=np.float64)
        matched[docs] = True
        scores[docs] = total
        return matched, scores

    def _whoosh(self, query: Query, leaf: Leaf) -> Part:
        """Any other query, by Whoosh's own matchers."""
        matched = np.zeros(leaf.size, dtype=bool)
        scores = np.zeros(leaf.size, dtype=np.float64)
        matcher = query.matcher(leaf.searcher, self.searcher.context())
        while matcher.is_active():
            matched[matcher.id()] = True
            scores[matcher.id()] = matcher.score()
            matcher.next()
        return matched, scores


def _stand_in(matcher_class: type, part: Part) -> Any:
    """An uninitialised instance of a Whoosh matcher class carrying a part: Whoosh's matchers compare
    by class alone, so it sorts in make_weighted_tree exactly as the real matcher would."""
    stand_in: Any = object.__new__(matcher_class)
    stand_in._part = part
    return stand_in


# Whoosh's NullMatcher is one shared instance (equal to itself by identity in a sort).
_NULL = _stand_in(NullMatcherClass, None)


def _sum_by_halves(values: list[np.ndarray]) -> np.ndarray:
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return _sum_by_halves(values[:half]) + _sum_by_halves(values[half:])


def top(scores: np.ndarray, candidates: np.ndarray, wanted: int) -> list[int]:
    """The `wanted` candidates with the highest scores, ties by document number."""
    if wanted <= 0 or not len(candidates):
        return []
    values = scores[candidates]
    if len(candidates) > wanted:
        threshold = np.partition(values, len(values) - wanted)[len(values) - wanted]
        keep = values >= threshold
        candidates, values = candidates[keep], values[keep]
    order = np.lexsort((candidates, -values))
    return [int(docnum) for docnum in candidates[order][:wanted]]


def mask(bits: int, size: int) -> np.ndarray:
    """A bitset (see bitsets.py) as one boolean per document."""
    data = np.frombuffer(bits.to_bytes((size + 7) // 8, "little"), dtype=np.uint8)
    return np.unpackbits(data, bitorder="little", count=size).view(bool)


def bits_of(matched: np.ndarray) -> int:
    """One boolean per document as a bitset."""
    return int.from_bytes(np.packbits(matched, bitorder="little").tobytes(), "little")
