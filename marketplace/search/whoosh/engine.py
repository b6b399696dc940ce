"""The engine behind every search: per-document arrays and term sets, built once per index generation.

Whoosh finds the documents each keyword matches and scores them (BM25F); everything else (liveness,
filters, location, facet counts, the sorts other than relevance) runs on arrays and bitsets (see
bitsets.py) that a `Snapshot` builds once for each generation of the index and keeps while the
generation is current. Per-segment parts are kept across generations: a commit that adds one small
segment only costs reading that segment.

Facet counts honour the other filters: the count next to "Part time" is how many results there would
be with "Part time" added to every other filter in use (OR within a filter, AND across filters).
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import math
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.query import And
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from marketplace.db import uk_today
from marketplace.search.geo import _EARTH_RADIUS_METRES as EARTH_RADIUS_METRES  # the same sphere
from marketplace.search.geo import METRES_PER_MILE, Point
from marketplace.search.whoosh import bitsets, companion, ranking
from marketplace.search.whoosh.schema import COORDINATE_SCALE, VACANCY_KIND, day_number, epoch_microseconds

logger = logging.getLogger(__name__)

# Index fields whose terms become per-generation bitsets (facets and filters).
FACET_FIELDS = (
    "job_role",
    "phase",
    "key_stage",
    "subject",
    "working_pattern",
    "contract_type",
    "ect_status",
    "visa_sponsorship",
    "quick_apply",
    "organisation_type",
    "school_type",
    "area",
)
COLUMNS = ("vacancy_id", "publish_on", "closes_at", "published_at", "salary", "latitude", "longitude")
_SEGMENT_CACHE_SIZE = 64
_RESULT_CACHE_SIZE = 256
_RANKING_CACHE_SIZE = 128
_FEW_NEW_DOCUMENTS = 256  # new documents put into the generation before's orders one by one (see _Orders)
_ORDER_STRETCH = 512  # documents of an order turned into Python numbers at a time, walking it
_SNIPPET_CACHE_SIZE = 4096  # about 20 searches' worth of pages a second for a few minutes
_PREWARM_QUERIES = 64  # the most recent keyword queries of a generation, worked out for the next
# A segment at least this large (the index's bulk, as a process starts or after a merge) has the
# postings of the vocabulary's words and phrases read in the background before searches ask for them.
_WARM_SEGMENT_SIZE = companion.LARGE_SEGMENT
_WARM_SECONDS = 10.0  # at most this much CPU time warming one generation's new large segments,
_WARM_WAIT = 120.0  # and no longer than this after it opened (the warming gives way to searches)
_WARM_PAUSE = 0.005
_WARM_IDLE = 0.02  # and not until this long after the last search ended (seconds)


def _int_column(reader: IndexReader, name: str) -> np.ndarray:
    """Every document's value of one of the schema's 64-bit integer columns, read in one go."""
    column = reader.column_reader(name, translate=False)
    return ranking.column_values(column, reader.doc_count_all(), np.int64)


@dataclass
class SegmentData:
    """What one (immutable) segment holds, by the segment's own document numbers."""

    size: int
    columns: dict[str, np.ndarray]
    terms: dict[str, dict[str, int]]
    vacancies: int
    # Listings at several schools: docnum -> the other schools' (latitude, longitude) columns.
    other_points: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    # Postings, field lengths and phrases as arrays, read as searches first need them.
    postings: ranking.SegmentPostings = field(default_factory=lambda: ranking.SegmentPostings("", 0))

    @classmethod
    def read(cls, reader: IndexReader) -> SegmentData:
        segment_reads[reader.segment().segment_id()] += 1
        size = reader.doc_count_all()
        columns = {name: _int_column(reader, name) for name in COLUMNS}
        terms: dict[str, dict[str, int]] = {}
        for name in FACET_FIELDS:
            terms[name] = {
                term: bitsets.from_docnums(reader.postings(name, term).all_ids(), size)
                for term in reader.field_terms(name)
            }
        kind = reader.postings("kind", VACANCY_KIND).all_ids() if ("kind", VACANCY_KIND) in reader else ()
        several = (
            reader.postings("several_places", "yes").all_ids() if ("several_places", "yes") in reader else ()
        )
        other_points = {
            docnum: [
                (int(lat), int(lon)) for lat, lon in reader.stored_fields(docnum).get("other_points", ())
            ]
            for docnum in several
        }
        postings = ranking.SegmentPostings(reader.segment().segment_id(), size)
        return cls(size, columns, terms, bitsets.from_docnums(kind, size), other_points, postings)


# How often each segment was read whole, by segment id (a commit reads only its new segment).
segment_reads: Counter[str] = Counter()
_segments: OrderedDict[tuple[str, str], SegmentData] = OrderedDict()
_segments_lock = threading.Lock()


def _places(
    located: np.ndarray,
    latitude: np.ndarray,
    longitude: np.ndarray,
    other_points: dict[int, list[tuple[int, int]]],
    live_mask: Any,
) -> tuple[Any, Any, Any]:
    """Every place of the located live vacancies as (latitudes, docnums, longitudes) arrays sorted by
    latitude (then docnum, longitude): a listing at several schools has one entry per school."""
    others = [(lat, d, lon) for d in other_points if live_mask[d] for lat, lon in other_points[d]]
    latitudes = np.concatenate((latitude[located], np.array([lat for lat, _, _ in others], dtype=np.int64)))
    docnums = np.concatenate((located, np.array([d for _, d, _ in others], dtype=np.int64)))
    longitudes = np.concatenate((longitude[located], np.array([lon for _, _, lon in others], dtype=np.int64)))
    order = _by_latitude_then_docnum(latitudes, docnums)
    if order is None:  # a listing with two schools on one latitude: longitude decides
        order = np.lexsort((longitudes, docnums, latitudes))
    return latitudes[order], docnums[order], longitudes[order]


def _by_latitude_then_docnum(latitudes: np.ndarray, docnums: np.ndarray) -> np.ndarray | None:
    """The order sorting by (latitude, docnum), one sort of a single key (several times faster than
    np.lexsort); None when two entries share both."""
    if not len(docnums):
        return np.zeros(0, dtype=np.int64)
    keys = (latitudes - latitudes.min()) * (int(docnums.max()) + 1) + docnums
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    return None if (ordered[1:] == ordered[:-1]).any() else order


def _segment_data(path: str, reader: IndexReader) -> SegmentData:
    key = (path, reader.segment().segment_id())
    with _segments_lock:
        if key in _segments:
            _segments.move_to_end(key)
            return _segments[key]
    with ranking.READ_LOCK:  # one thread reads a segment; another waiting for it then finds it read
        with _segments_lock:
            if key in _segments:
                return _segments[key]
        data = SegmentData.read(reader)
        folder = Path(path)
        if data.size >= _WARM_SEGMENT_SIZE and folder.is_dir():  # (not an in-memory index)
            data.postings.stored = companion.load(folder, data.postings.segment_id)
        with _segments_lock:
            _segments[key] = data
            while len(_segments) > _SEGMENT_CACHE_SIZE:
                _segments.popitem(last=False)
    return data


# Each index folder's current collection statistics (see ranking.STALE_FRACTION), handed on from
# generation to generation while the index stays close to them.
_statistics: dict[str, ranking.CollectionStatistics] = {}


def _statistics_for(
    path: str, searcher: Searcher, leaves: list[ranking.Leaf]
) -> ranking.CollectionStatistics:
    documents = searcher.doc_count_all()
    segments = {leaf.postings.segment_id: leaf.size for leaf in leaves}
    with _segments_lock:
        current = _statistics.get(path)
        if current is None or not current.covers(documents, segments):
            current = _statistics[path] = ranking.CollectionStatistics(documents, segments)
        return current


def _shared_documents(leaves: list[ranking.Leaf], earlier: Snapshot | None) -> int:
    """How many of the first documents two generations share, with the same numbers: those of their
    leading segments that are the same, at the same places."""
    shared = 0
    if earlier is not None:
        for mine, theirs in zip(leaves, earlier.evaluator.leaves, strict=False):
            if mine.postings.segment_id != theirs.postings.segment_id or mine.offset != theirs.offset:
                break
            shared = mine.offset + mine.size
    return shared


def _terms(
    leaves: list[ranking.Leaf], segments: list[SegmentData], earlier: Snapshot | None, shared: int
) -> dict[str, dict[str, int]]:
    """Each facet field's terms and the documents holding them (deleted ones too: the searches keep
    the live ones). The shared documents' are the earlier generation's; only the segments after them
    are added (hundreds of terms, each a set as large as the index, joined again at every commit
    took most of a new generation's time)."""
    if earlier is None or not shared:
        terms: dict[str, dict[str, int]] = {name: {} for name in FACET_FIELDS}
    elif earlier.size == shared:
        terms = {name: dict(values) for name, values in earlier.terms.items()}
    else:  # the documents after the shared ones are not this generation's
        keep = (1 << shared) - 1
        terms = {
            name: {term: bits & keep for term, bits in values.items()}
            for name, values in earlier.terms.items()
        }
    for leaf, data in zip(leaves, segments, strict=True):
        if leaf.offset < shared:
            continue
        for name, values in data.terms.items():
            merged = terms[name]
            for term, bits in values.items():
                merged[term] = merged.get(term, 0) | (bits << leaf.offset)
    return terms


class _Orders:
    """A generation's live documents sorted by keys (most significant first, then by docnum): the
    generation before's order taken on for the documents the two share, with the few new ones put
    in their places; or, after a merge or a rebuild, sorted whole. (Sorting 100,000 listings takes
    about 10 ms, which a commit a second spent holding the interpreter while searches waited.)"""

    def __init__(self, docs: np.ndarray, live_mask: np.ndarray, earlier: Snapshot | None, shared: int):
        self.docs, self.live_mask, self.earlier, self.shared = docs, live_mask, earlier, shared
        self.fresh = docs[docs >= shared]

    def sorted(self, name: str, keys: Callable[[np.ndarray], tuple[np.ndarray, ...]]) -> np.ndarray:
        if self.earlier is None or len(self.fresh) > _FEW_NEW_DOCUMENTS:
            return _lexsorted(self.docs, keys)
        earlier_order: np.ndarray = getattr(self.earlier, name)
        kept = earlier_order[earlier_order < self.shared]
        kept = kept[self.live_mask[kept]]
        if not len(self.fresh):
            return kept
        fresh = _lexsorted(self.fresh, keys)
        kept_keys = keys(kept)
        fresh_keys = keys(fresh)

        def key_at(index: int) -> tuple[Any, ...]:
            return (*(column[index] for column in kept_keys), kept[index])

        places = [
            bisect.bisect_right(
                range(len(kept)), (*(column[number] for column in fresh_keys), docnum), key=key_at
            )
            for number, docnum in enumerate(fresh.tolist())
        ]
        return np.insert(kept, places, fresh)

    def places(
        self,
        located: np.ndarray,
        latitude: np.ndarray,
        longitude: np.ndarray,
        other_points: dict[int, list[tuple[int, int]]],
    ) -> tuple[Any, Any, Any]:
        """The places of the located live vacancies (see _places): the generation before's for the
        documents the two share, with the new ones' put in their places (sorting them all again took
        half of a new generation's time)."""
        if self.earlier is None or len(self.fresh) > _FEW_NEW_DOCUMENTS:
            return _places(located, latitude, longitude, other_points, self.live_mask)
        shared = self.shared
        fresh_others = {docnum: points for docnum, points in other_points.items() if docnum >= shared}
        fresh = _places(located[located >= shared], latitude, longitude, fresh_others, self.live_mask)
        latitudes, docnums, longitudes = self.earlier.by_latitude
        kept = docnums < shared
        kept[kept] = self.live_mask[docnums[kept]]
        latitudes, docnums, longitudes = latitudes[kept], docnums[kept], longitudes[kept]
        # A new document's number is above every shared one's: on the same latitude it comes after them.
        at = np.searchsorted(latitudes, fresh[0], side="right")
        return (
            np.insert(latitudes, at, fresh[0]),
            np.insert(docnums, at, fresh[1]),
            np.insert(longitudes, at, fresh[2]),
        )


def _lexsorted(docs: np.ndarray, keys: Callable[[np.ndarray], tuple[np.ndarray, ...]]) -> np.ndarray:
    return docs[np.lexsort((docs, *reversed(keys(docs))))]


def _positions_in(order: np.ndarray, size: int) -> np.ndarray:
    """Each document's position in `order` (documents not in it after every one that is)."""
    rank = np.full(size, len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


class Distances:
    """Located documents' distances in metres from a point, by document number (as two arrays,
    numbers ascending: a search within 50 miles of a city holds tens of thousands)."""

    def __init__(self, docnums: np.ndarray, metres: np.ndarray):
        self.docnums, self.metres = docnums, metres

    def __bool__(self) -> bool:
        return bool(len(self.docnums))

    def metres_of(self, docs: np.ndarray) -> np.ndarray:
        """Each document's distance (infinite where it has none)."""
        if not len(self.docnums):
            return np.full(len(docs), np.inf)
        at = np.minimum(np.searchsorted(self.docnums, docs), len(self.docnums) - 1)
        return np.where(self.docnums[at] == docs, self.metres[at], np.inf)

    def before(self, docnum: int) -> Distances:
        """Those of the documents numbered below `docnum`."""
        end = int(np.searchsorted(self.docnums, docnum))
        return Distances(self.docnums[:end], self.metres[:end])

    def then(self, later: Distances) -> Distances:
        """These, and `later`'s (all numbered after these)."""
        if not len(later.docnums):
            return self
        return Distances(
            np.concatenate((self.docnums, later.docnums)), np.concatenate((self.metres, later.metres))
        )


NO_DISTANCES = Distances(np.zeros(0, dtype=np.int64), np.zeros(0))


@dataclass
class _Earlier:
    """What a generation takes on from the one before it (see Snapshot.build)."""

    caches: dict[str, _Cache]  # its caches (not the snapshot: its reader is closed when it is done)
    size: int
    statistics: ranking.CollectionStatistics  # its scores' (see ranking.CollectionStatistics)


class _Cache:
    """A small least-recently-used cache of values computed from one snapshot."""

    def __init__(self, size: int = _RESULT_CACHE_SIZE):
        self.size = size
        self.values: OrderedDict[Any, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any, compute: Callable[[], Any]) -> Any:
        with self.lock:
            if key in self.values:
                self.values.move_to_end(key)
                return self.values[key]
        value = compute()
        with self.lock:
            self.values[key] = value
            while len(self.values) > self.size:
                self.values.popitem(last=False)
        return value


# Snippets of recent results, by (segment id, document number there, terms highlighted).
_snippets = _Cache(_SNIPPET_CACHE_SIZE)


@dataclass
class Snapshot:
    """One generation of the index, read into arrays: valid as long as that generation is current.

    Its columns and orders are numpy arrays: a new generation (one a second while listings change)
    joins and sorts them in C, and Python's cycle collector never walks them (held as lists, a few
    generations' worth were half a million references that every full collection walked again)."""

    searcher: Searcher
    path: str  # the index folder (or an in-memory index's name)
    generation: int
    size: int
    columns: dict[str, np.ndarray]  # each document's value, by column
    terms: dict[str, dict[str, int]]
    vacancies: int  # vacancy documents not deleted
    closing_order: np.ndarray  # vacancy docnums by closing time, soonest first (then newest)
    closing_times: np.ndarray  # their closing times, for bisecting
    newest_order: np.ndarray  # vacancy docnums by publication time, newest first
    published_times: np.ndarray  # their publication times, ascending (for bisecting "posted within")
    published_ascending: np.ndarray
    salary_order: np.ndarray
    salaries: np.ndarray
    # (latitude, docnum, longitude) in microdegrees of every place of located vacancies: a listing at
    # several schools has one entry per school, and its distance is to the nearest.
    # As three arrays (latitudes, docnums, longitudes), sorted by latitude, then docnum, then longitude.
    by_latitude: tuple[Any, Any, Any]
    caches: dict[str, _Cache] = field(default_factory=dict)
    users: int = 0  # searches using it now (see snapshot_in_use)
    retired: bool = False  # replaced by a newer generation: closed when its last user is done
    live_mask: Any = None  # vacancies (not deleted) as one boolean per document (a numpy array)
    evaluator: Any = None  # answers keyword queries on arrays (see ranking.py)
    # The keyword queries searched in this generation, latest last: the next generation warms them.
    recent: OrderedDict[tuple[str, Any], Any] = field(default_factory=OrderedDict)
    leaf_offsets: list[int] = field(default_factory=list)  # each leaf's first document number
    # Set once the background reading of its new large segments' postings has ended (see _warm_segments).
    warmed: threading.Event = field(default_factory=threading.Event)
    # What the generation before worked out (see build and _carried), and how many of its first
    # documents are this one's too, with the same numbers.
    earlier: _Earlier | None = None
    shared_documents: int = 0

    @classmethod
    def build(
        cls, searcher: Searcher, path: str, generation: int, earlier: Snapshot | None = None
    ) -> Snapshot:
        """The generation's arrays, taking on what `earlier` (the generation before, if any) worked
        out for the documents the two share: a commit adds segments after the ones it keeps (and a
        merge replaces the last few), so the documents of the leading segments they share have the
        same numbers in both."""
        reader = searcher.reader()
        size = reader.doc_count_all()
        columns: dict[str, list[np.ndarray]] = {name: [] for name in COLUMNS}
        vacancies = 0
        other_points: dict[int, list[tuple[int, int]]] = {}
        leaves: list[ranking.Leaf] = []
        segments: list[SegmentData] = []
        for leaf_searcher, offset in searcher.leaf_searchers():
            leaf = leaf_searcher.reader()
            if not hasattr(leaf, "segment") or leaf.segment() is None:  # an empty index has no segment
                continue
            data = _segment_data(path, leaf)
            leaves.append(ranking.Leaf(leaf, leaf_searcher, offset, data.postings))
            segments.append(data)
            for name in COLUMNS:
                columns[name].append(data.columns[name])
            live = data.vacancies
            if leaf.has_deletions():
                live &= ~bitsets.from_docnums(leaf.segment().deleted_docs(), data.size)
            vacancies |= live << offset
            other_points.update({offset + docnum: points for docnum, points in data.other_points.items()})
        shared = _shared_documents(leaves, earlier)
        terms = _terms(leaves, segments, earlier, shared)
        # The orders, sorted in C rather than by Python keys (a generation's first search waits for them).
        live_mask = ranking.mask(vacancies, size)
        docs = np.flatnonzero(live_mask)
        joined = {
            name: np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            for name, parts in columns.items()
        }
        closes, published, salary = joined["closes_at"], joined["published_at"], joined["salary"]
        carried = _Orders(docs, live_mask, earlier, shared)
        closing = carried.sorted("closing_order", lambda d: (closes[d], -published[d]))
        newest = carried.sorted("newest_order", lambda d: (-published[d], closes[d]))
        by_salary = carried.sorted("salary_order", lambda d: (salary[d],))
        latitude, longitude = joined["latitude"], joined["longitude"]
        located = docs[(latitude[docs] != 0) | (longitude[docs] != 0)].astype(np.int64)
        snapshot = cls(
            searcher=searcher,
            path=path,
            generation=generation,
            size=size,
            columns=joined,
            terms=terms,
            vacancies=vacancies,
            closing_order=closing,
            closing_times=closes[closing],
            newest_order=newest,
            published_ascending=newest[::-1],
            published_times=published[newest[::-1]],
            salary_order=by_salary,
            salaries=salary[by_salary],
            by_latitude=carried.places(located, latitude, longitude, other_points),
        )
        snapshot.live_mask = live_mask
        snapshot.evaluator = ranking.Evaluator(
            searcher, leaves, size, _statistics_for(path, searcher, leaves)
        )
        if earlier is not None and shared:
            snapshot.earlier = _Earlier(earlier.caches, earlier.size, earlier.evaluator.statistics)
            snapshot.shared_documents = shared
            # It has no more use for what the one before it worked out (held, every generation's
            # caches would be kept).
            earlier.earlier = None
        snapshot.leaf_offsets = [leaf.offset for leaf in leaves]
        return snapshot

    def document_key(self, docnum: int) -> tuple[str, int]:
        """What names the document for good: its (immutable) segment and its number there."""
        leaf = self.evaluator.leaves[bisect.bisect_right(self.leaf_offsets, docnum) - 1]
        return leaf.postings.segment_id, docnum - leaf.offset

    def highlight(self, docnum: int, terms: frozenset[str], make: Callable[[], Any]) -> Any:
        """A document's snippet for these terms, made once while its segment lasts (a document never
        changes in a segment: an edit adds a new document), whichever generation asks."""
        return _snippets.get((self.document_key(docnum), terms), make)

    def cache(self, name: str) -> _Cache:
        if name not in self.caches:
            # A ranking of a common word takes about a megabyte at 100,000 listings: keep fewer.
            self.caches[name] = _Cache(_RANKING_CACHE_SIZE if name == "rankings" else _RESULT_CACHE_SIZE)
        return self.caches[name]

    # --- Sets of documents ---------------------------------------------------------------------

    def term_bits(self, field_name: str, terms: tuple[str, ...]) -> int:
        """Documents with any of these terms in a facet field (OR)."""
        values = self.terms.get(field_name)
        if values is None:  # not a facet field (organisation slugs): read its postings once
            return self.cache(field_name).get(terms, lambda: self._postings_bits(field_name, terms))
        bits = 0
        for term in terms:
            bits |= values.get(term, 0)
        return bits

    def _postings_bits(self, field_name: str, terms: tuple[str, ...]) -> int:
        reader = self.searcher.reader()
        found: list[int] = []
        with ranking.READ_LOCK:  # see ranking.READ_LOCK
            for leaf, offset in reader.leaf_readers():
                for term in terms:
                    if (field_name, term) in leaf:
                        found.extend(offset + d for d in leaf.postings(field_name, term).all_ids())
        return bitsets.from_docnums(found, self.size) & self.vacancies

    def query_bits(self, key: Any, query, *, ranked: bool = False) -> int:
        """Documents a (keyword) query matches, cached for this generation.

        With `ranked` (the query is about to be ranked on its own) they come from its scores, which
        are about to be needed anyway, rather than from a second evaluation of the same query.
        """

        self._note(("bits", key), query)

        def compute() -> int:
            if ranked:
                docs, _ = self.scores((key,), query)
                return bitsets.from_docnums(docs, self.size)
            carried, shared = self._carried("queries", key), self.shared_documents
            if carried is None:  # (which documents a query matches depends on nothing else)
                return ranking.bits_of(self.evaluator.matches(query) & self.live_mask)
            fresh = self.evaluator.matches(query, first=shared) & self.live_mask[shared:]
            return (carried & self.vacancies & ((1 << shared) - 1)) | (ranking.bits_of(fresh) << shared)

        return self.cache("queries").get(key, compute)

    def live_bits(self, now: dt.datetime) -> int:
        """Listed right now: publish date reached, closing time still ahead.

        The answer only changes when a listing closes or the day turns, so it is kept until then.
        """
        first_open = int(np.searchsorted(self.closing_times, epoch_microseconds(now), side="right"))
        today = day_number(uk_today(now))

        def compute() -> int:
            publish_on = self.columns["publish_on"]
            still_open = self.closing_order[first_open:]
            return bitsets.from_docnums(still_open[publish_on[still_open] <= today], self.size)

        return self.cache("live").get((first_open, today), compute)

    def salary_bits(self, minimum: int) -> int:
        start = int(np.searchsorted(self.salaries, minimum, side="left"))
        return self.cache("salary").get(
            start, lambda: bitsets.from_docnums(self.salary_order[start:], self.size)
        )

    def posted_since_bits(self, since: dt.datetime) -> int:
        start = int(np.searchsorted(self.published_times, epoch_microseconds(since), side="left"))
        return self.cache("posted").get(
            start, lambda: bitsets.from_docnums(self.published_ascending[start:], self.size)
        )

    def within(self, point: Point, radius_miles: int) -> tuple[int, Distances]:
        """Located vacancies within the radius, and each one's distance in metres."""
        key = (round(point.latitude, 6), round(point.longitude, 6), radius_miles)
        return self.cache("geo").get(key, lambda: self._within(key, point, radius_miles))

    def _within(self, key: Any, point: Point, radius_miles: int) -> tuple[int, Distances]:
        """The search for a place the generation before made, taken on for the documents the two
        share (their deletions since are dropped with the rest: only live listings are ever shown),
        and worked out for the rest; or worked out whole."""
        carried, earlier = self._carried("geo", key), self.earlier
        if carried is None or earlier is None:
            return self._within_from(self.by_latitude, point, radius_miles)
        shared = self.shared_documents
        fresh = self.cache("fresh-places").get(shared, self._places_from_shared)
        bits, distances = self._within_from(fresh, point, radius_miles)
        earlier_bits, earlier_distances = carried
        if earlier.size > shared:  # the documents after the shared ones are not this generation's
            earlier_bits &= (1 << shared) - 1
            earlier_distances = earlier_distances.before(shared)
        return earlier_bits | bits, earlier_distances.then(distances)

    def _places_from_shared(self) -> tuple[Any, Any, Any]:
        """The places (see by_latitude) of the documents after those shared with the generation
        before: the few a commit added."""
        latitudes, docnums, longitudes = self.by_latitude
        fresh = docnums >= self.shared_documents
        return latitudes[fresh], docnums[fresh], longitudes[fresh]

    def _within_from(
        self, places: tuple[Any, Any, Any], point: Point, radius_miles: int
    ) -> tuple[int, Distances]:
        """Located vacancies among `places` (see by_latitude) within the radius, and each one's distance."""
        radius = radius_miles * METRES_PER_MILE
        # A band of latitude first (a degree of latitude is about 111 km everywhere), then the distance.
        band = (radius / 111_000 + 0.01) * COORDINATE_SCALE
        centre = point.latitude * COORDINATE_SCALE
        latitudes, docnums, longitudes = places
        low = int(np.searchsorted(latitudes, int(centre - band), side="left"))
        high = int(np.searchsorted(latitudes, int(centre + band), side="right"))
        latitudes, docnums, longitudes = latitudes[low:high], docnums[low:high], longitudes[low:high]
        # geo.distance_metres (haversine), on the whole band at once.
        lat1 = math.radians(point.latitude)
        lat2 = np.radians(latitudes / COORDINATE_SCALE)
        dlat = lat2 - lat1
        dlon = np.radians(longitudes / COORDINATE_SCALE - point.longitude)
        h = np.sin(dlat / 2) ** 2 + math.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2) ** 2
        metres = 2 * EARTH_RADIUS_METRES * np.arcsin(np.minimum(1.0, np.sqrt(h)))
        inside = metres <= radius
        near_docs, near_metres = docnums[inside], metres[inside]
        # The nearest of a listing's schools: sorted by (docnum, metres), each docnum's first.
        order = np.lexsort((near_metres, near_docs))
        near_docs, near_metres = near_docs[order], near_metres[order]
        nearest = np.ones(len(near_docs), dtype=bool)
        nearest[1:] = near_docs[1:] != near_docs[:-1]
        distances = Distances(near_docs[nearest], near_metres[nearest])
        return bitsets.from_docnums(distances.docnums, self.size), distances

    # --- Ordering ------------------------------------------------------------------------------

    def ordered(self, bits: int, order: np.ndarray, wanted: int) -> list[int]:
        """The first `wanted` documents of the set in a precomputed order."""
        if bits.bit_count() * 8 < len(order):  # a small set: sort it rather than walk the order
            rank = self.cache(f"rank-{id(order)}").get("rank", lambda: _positions_in(order, self.size))
            docs = bitsets.array_of(bits)
            return docs[np.argsort(rank[docs], kind="stable")][:wanted].tolist()
        members = bitsets.Members(bits)
        found: list[int] = []
        # A large set: walk the order until enough are found, a stretch at a time.
        for start in range(0, len(order), _ORDER_STRETCH):
            for docnum in order[start : start + _ORDER_STRETCH].tolist():
                if docnum in members:
                    found.append(docnum)
                    if len(found) >= wanted:
                        return found
        return found

    def by_distance(self, bits: int, distances: Distances, wanted: int) -> list[int]:
        """The nearest `wanted` documents of the set, then the soonest closing, then by docnum."""
        docs = bitsets.array_of(bits)
        closes = self.columns["closes_at"]
        return docs[np.lexsort((docs, closes[docs], distances.metres_of(docs)))][:wanted].tolist()

    def ranked(self, query, bits: int, wanted: int, *, key: Any) -> list[int]:
        """The `wanted` best-scoring documents of the set for a keyword query (BM25F, ties by docnum).

        The query's scores (every live vacancy it matches, as Whoosh scores them) are computed once
        for this generation and shared by every search for those words ("teacher" alone, or with any
        filters, on any page); each search then picks its best from its own set with array
        operations, never sorting or walking the whole list.
        """
        if not bits or not wanted:
            return []
        docs, scores = self.scores(key, query)
        # Positions in `docs`, which ascends: a tie broken by position is broken by document number.
        allowed = np.flatnonzero(ranking.mask(bits, self.size)[docs])
        return [int(docs[i]) for i in ranking.top(scores, allowed, wanted)]

    def scores(self, key: Any, query) -> tuple[Any, Any]:
        """Every live vacancy the query matches (ascending) and its score, gathered on first use in
        this generation from each segment's scores (kept with the segment while the collection
        statistics hold: see ranking.STALE_FRACTION); `key` names the query."""
        self._note(("scores", key), query)

        def compute() -> tuple[Any, Any]:
            carried = self._carried("rankings", key)
            earlier = self.earlier
            if (
                carried is None
                or earlier is None
                or earlier.statistics is not self.evaluator.statistics
                or not self.evaluator.supports(query)
            ):
                docs, scores = self.evaluator.scored(query)
            else:  # the same scores for the documents both share (see ranking.CollectionStatistics)
                end = int(np.searchsorted(carried[0], self.shared_documents))
                fresh_docs, fresh_scores = self.evaluator.scored(query, first=self.shared_documents)
                docs = np.concatenate((carried[0][:end], fresh_docs))
                scores = np.concatenate((carried[1][:end], fresh_scores))
            live = self.live_mask[docs]  # (listings closed since are dropped)
            return docs[live], scores[live]

        return self.cache("rankings").get(key, compute)

    def _carried(self, name: str, key: Any) -> Any:
        """The generation before's answer to `key` in its cache `name`, if it worked it out: a
        search's first use of a query after a commit then adds the new segments' part to it rather
        than joining every segment's again."""
        earlier = self.earlier
        cache = earlier.caches.get(name) if earlier is not None else None
        return cache.values.get(key) if cache is not None else None

    def _note(self, key: tuple[str, Any], query) -> None:
        with _snapshots_lock:
            self.recent[key] = query
            self.recent.move_to_end(key)
            while len(self.recent) > _PREWARM_QUERIES:
                self.recent.popitem(last=False)

    def warm(self, kind: str, key: Any, query) -> None:
        """Work out a keyword query now (as the previous generation's searches asked it)."""
        if kind == "scores":
            self.scores(key, query)
        else:
            self.query_bits(key, query)

    def ranking(self, key: Any, query) -> list[int]:
        """Every live vacancy the query matches, best first (ties by docnum)."""
        docs, scores = self.scores(key, query)
        return [int(docs[i]) for i in ranking.top(scores, np.arange(len(docs)), len(docs))]

    def keyword_query(self, units, *, strict: bool = False) -> Any:
        return _keyword_query(units, strict)


@lru_cache(maxsize=4096)
def _keyword_query(units, strict: bool) -> Any:
    """Every unit's query, all required (built once per set of units: see ranking.QueryKey)."""
    return And([unit.query(strict=strict) for unit in units])


# --- One snapshot per index folder, replaced when the index moves to a new generation ------------
#
# A snapshot is shared by every search on its folder's latest generation. A commit on any thread (or in
# another process) moves the folder to a new generation, and the next search builds a new snapshot and
# retires the old one (or waits for the thread that committed it to build it: see next_generation_prepared).
# A retired snapshot's reader is closed only once no search uses it: closing it under a search in
# progress failed that search (ReaderClosed, a 500 for the jobseeker).

_snapshots: dict[str, Snapshot] = {}
_snapshots_lock = threading.Lock()  # guards _snapshots and every snapshot's users and retired
_in_flight = 0  # searches under way (in snapshot_in_use): background warming waits for none
_last_search = 0.0  # when the last one ended (time.monotonic())
_MAX_SNAPSHOTS = 4


@contextmanager
def snapshot_in_use(path: Path, open_index: Callable[[], Any]) -> Iterator[Snapshot]:
    """The snapshot of the index's latest generation (built on first use, then shared), kept open
    until the block ends however many commits replace it meanwhile.

    Checking for a newer generation costs one directory listing; the index itself is only opened
    when the generation has moved on.
    """
    global _in_flight, _last_search
    with _snapshots_lock:
        _in_flight += 1  # before the snapshot is built: the warming it starts waits for this search
    try:
        snapshot = _acquire(path, open_index)
        try:
            yield snapshot
        finally:
            _release(snapshot)
    finally:
        with _snapshots_lock:
            _in_flight -= 1
            _last_search = time.monotonic()


# Index folders whose next generation a thread of this process is committing and reading (see
# next_generation_prepared), by folder: those threads' identities.
_preparing: dict[str, set[int]] = {}
# Told when a thread stops preparing a generation, or a new snapshot is in place.
_prepared = threading.Condition(_snapshots_lock)
_PREPARED_WAIT = 1.0  # seconds a search waits for another thread to read a new generation


@contextmanager
def next_generation_prepared(path: Path) -> Iterator[None]:
    """While this thread commits to the index and reads the new generation into arrays, a search on
    another thread that finds the new generation on disk waits for this thread to read it (up to
    _PREPARED_WAIT) rather than reading it too: both would take tens of milliseconds at 100,000
    listings, and the waiting one gives this one the interpreter. It is never answered from an
    older generation than the one it found (the page cache's keys name that one)."""
    key, me = str(path), threading.get_ident()
    with _snapshots_lock:
        _preparing.setdefault(key, set()).add(me)
    try:
        yield
    finally:
        with _snapshots_lock:
            _preparing[key].discard(me)
            if not _preparing[key]:
                del _preparing[key]
            _prepared.notify_all()


def read_latest(path: Path, open_index: Callable[[], Any]) -> bool:
    """In a process that searches the index: read a newer generation that another process committed
    (the node's writer) into the snapshot searches use, so that no search has to; whether there was one.
    Costs one directory listing when there is none."""
    with _snapshots_lock:
        current = _snapshots.get(str(path))
    if current is None or current.generation >= _latest_generation(path):
        return False
    with next_generation_prepared(path):
        _release(_acquire(path, open_index))
    return True


def _wait_for_a_pause(deadline: float) -> None:
    """Searches go first: background work goes on only while none is under way or about to be."""
    while _searching() and time.monotonic() < deadline:
        time.sleep(_WARM_PAUSE)


def _searching() -> bool:
    """Whether a search is under way or one ended moments ago (more are likely to follow)."""
    return bool(_in_flight) or time.monotonic() - _last_search < _WARM_IDLE


def is_searched(path: Path) -> bool:
    """Whether this process has searched the index folder (and keeps a snapshot of it)."""
    with _snapshots_lock:
        return str(path) in _snapshots


def _acquire(path: Path, open_index: Callable[[], Any]) -> Snapshot:
    key, me = str(path), threading.get_ident()
    latest = _latest_generation(path)
    deadline = time.monotonic() + _PREPARED_WAIT
    with _snapshots_lock:
        while True:
            current = _snapshots.get(key)
            if current is not None and current.generation >= latest:
                current.users += 1
                return current
            # Only searches wait: two threads preparing at once (a publishing request and the follower)
            # each read it themselves rather than wait for each other.
            preparing = _preparing.get(key, set())
            remaining = deadline - time.monotonic()
            if not preparing or me in preparing or remaining <= 0:
                break
            _prepared.wait(remaining)  # another thread is reading it (see next_generation_prepared)
    ix = open_index()
    searcher = ix.searcher()
    # The generation the reader holds: a commit since it opened would make the folder's latest newer,
    # and a snapshot labelled with that one would never read it.
    generation = searcher.reader().generation()
    try:
        snapshot = Snapshot.build(
            searcher, key, ix.latest_generation() if generation is None else generation, earlier=current
        )
    except BaseException:
        searcher.close()
        raise
    snapshot.users = 1
    replaced: list[Snapshot] = []
    with _snapshots_lock:
        previous = _snapshots.get(key)
        if previous is not None and previous.generation > snapshot.generation:
            # Another search built a newer one meanwhile: this one serves only the search that built it.
            snapshot.retired = True
        else:
            _snapshots.pop(key, None)
            _snapshots[key] = snapshot
            if previous is not None:
                replaced.append(previous)
                _prewarm(snapshot, list(previous.recent.items()))
            _warm_segments(snapshot)
            while len(_snapshots) > _MAX_SNAPSHOTS:
                replaced.append(_snapshots.pop(next(iter(_snapshots))))
            _prepared.notify_all()
        unused = [old for old in replaced if _retire(old)]
    for old in unused:
        old.searcher.close()
    return snapshot


def _prewarm(snapshot: Snapshot, queries: list[tuple[tuple[str, Any], Any]]) -> None:
    """Work out the previous generation's recent keyword queries on the new one in the background
    (call under _snapshots_lock), so the searches after a commit find them ready. The postings of
    the segments the generations share are kept, so this costs the new segment's reading and array
    arithmetic. It gives way to searches, as the segments' warming does: while they keep coming,
    each works out what it needs itself (tens of queries worked out beside them at every commit took
    the interpreter from them, and a search that met it took twice as long)."""
    if not queries:
        return
    snapshot.users += 1  # released when the warming ends: its reader stays open until then

    def warm() -> None:
        deadline = time.monotonic() + _WARM_WAIT
        try:
            for (kind, key), query in queries:
                _wait_for_a_pause(deadline)
                if snapshot.retired or time.monotonic() > deadline:
                    return
                snapshot.warm(kind, key, query)
        except Exception:  # the index changed under it: the searches will do the work themselves
            logger.debug("Warming a search index generation stopped", exc_info=True)
        finally:
            _release(snapshot)

    threading.Thread(target=warm, name="search-prewarm", daemon=True).start()


def _warm_segments(snapshot: Snapshot) -> None:
    """Read the postings of the vocabulary's words and phrases (what searches for roles, subjects,
    phases, key stages and their synonyms read first) in the snapshot's large segments that have not
    been read yet and have no companion file (a segment made by a merge), in the background (call
    under _snapshots_lock), then write its companion file (see companion.py). The searches after a
    merge then find them in memory rather than reading and decoding them; a search meanwhile reads
    what it needs itself."""
    leaves = [
        leaf
        for leaf in snapshot.evaluator.leaves
        if leaf.size >= _WARM_SEGMENT_SIZE
        and not leaf.postings.warming_started
        and leaf.postings.stored is None  # its companion file holds what warming would read
    ]
    if not leaves:
        snapshot.warmed.set()
        return
    for leaf in leaves:
        leaf.postings.warming_started = True
    snapshot.users += 1  # released when the warming ends: its readers stay open until then

    def warm() -> None:
        started, deadline = time.thread_time(), time.monotonic() + _WARM_WAIT
        try:
            _wait_for_a_pause(deadline)  # (working out the vocabulary's queries takes a moment too)
            for leaf in leaves:
                for query in companion.warming_queries(leaf.reader):
                    _wait_for_a_pause(deadline)
                    if snapshot.retired or time.monotonic() > deadline:
                        return
                    if time.thread_time() - started > _WARM_SECONDS:
                        return
                    leaf.postings.warm(leaf.reader, query)
                    time.sleep(0)  # let a search waiting for the interpreter start
                # Decoded once for every process that opens the segment after this one.
                companion.save(Path(snapshot.path), leaf.postings)
        except Exception:  # the index changed under it: the searches will read what they need
            logger.debug("Warming a search index segment stopped", exc_info=True)
        finally:
            snapshot.warmed.set()
            _release(snapshot)

    threading.Thread(target=warm, name="search-warm-segments", daemon=True).start()


def _retire(snapshot: Snapshot) -> bool:
    """Mark a snapshot replaced (call under _snapshots_lock); whether it can be closed now."""
    snapshot.retired = True
    return snapshot.users == 0


def _release(snapshot: Snapshot) -> None:
    with _snapshots_lock:
        snapshot.users -= 1
        unused = snapshot.retired and snapshot.users == 0
    if unused:  # the last search on a replaced generation closes its reader
        snapshot.searcher.close()


def _latest_generation(path: Path) -> int:
    from marketplace.search.whoosh.index import INDEX_NAME

    return TOC._latest_generation(FileStorage(str(path)), INDEX_NAME)


def forget_snapshots() -> None:
    """Retire every cached snapshot (tests, and after a rebuild swaps the folder's contents); each is
    closed now, or by the last search still using it."""
    with _snapshots_lock:
        unused = [snapshot for snapshot in _snapshots.values() if _retire(snapshot)]
        _snapshots.clear()
    for snapshot in unused:
        snapshot.searcher.close()
    with _segments_lock:
        _segments.clear()
        _statistics.clear()
