"""Matching new listings to alerts with the search page's own engine, for `WhooshBackend.match`.

Matching runs the search page's plan (keyword units with their synonyms, expansions and stemming; OR
within a filter, AND across filters; the location and radius) on a snapshot of an in-memory index
holding only the listings being matched. The semantics are therefore the search page's, not a second
matcher's; only the corpus is smaller. Alerts hold to the standard of the page's first results: a
keyword that names the job (a subject, role, phase, key stage or working pattern) matches a listing
that is that job (its fields, title or subjects say so), not one that mentions it in passing, and
matches come best first.

Criteria sharing a key are matched once, and the engine's per-snapshot caches (each keyword unit's
documents, each place and radius, each ranking) are sized so every unit and location is worked out
once per run, however many alerts share it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

from whoosh.filedb.filestore import RamStorage

from marketplace.search.api import AlertCriteria, AlertMatches
from marketplace.search.whoosh.engine import Snapshot
from marketplace.search.whoosh.index import INDEX_NAME
from marketplace.search.whoosh.query import SearchPlan
from marketplace.search.whoosh.schema import SCHEMA, vacancy_document
from marketplace.vacancies.models import Vacancy

# Every keyword unit, place and ranking is looked up once per run: plenty of room in the caches.
_CACHE_SIZE = 1_000_000


@contextmanager
def memory_snapshot(listings: Iterable[Vacancy], *, cache_size: int | None = None) -> Iterator[Snapshot]:
    """A snapshot of an in-memory index holding only these listings (gone when the block ends)."""
    ix = RamStorage().create_index(SCHEMA, indexname=INDEX_NAME)
    writer = ix.writer()
    for vacancy in listings:
        writer.add_document(**vacancy_document(vacancy))
    writer.commit()
    with ix.searcher() as searcher:
        # A key of its own: the engine keeps per-segment arrays by folder and segment name.
        snapshot = Snapshot.build(searcher, f"memory-{uuid.uuid4().hex}", ix.latest_generation())
        if cache_size is not None:
            for name in ("queries", "geo", "rankings"):
                snapshot.cache(name).size = cache_size
        yield snapshot


def match(
    listings: Sequence[Vacancy], criteria: Iterable[AlertCriteria], *, now: dt.datetime
) -> AlertMatches:
    """The ids of the live listings each criteria matches, best first, by criteria key."""
    matches: AlertMatches = {}
    with memory_snapshot(listings, cache_size=_CACHE_SIZE) as snapshot:
        vacancy_ids = snapshot.columns["vacancy_id"]
        for one in criteria:
            if one.key in matches:
                continue
            # The relevance of the search page's first page: a keyword that names the job matches
            # listings that are that job, and the email lists the best matches first.
            search = one.search
            if search.sort != "relevance" and search.has_keywords:
                search = replace(search, sort="relevance")
            plan = SearchPlan(snapshot, search, one.location, now, strict=True)
            bits = plan.combined()
            _, docnums = plan.ordered(bits, bits.bit_count())
            matches[one.key] = tuple(vacancy_ids[docnums].tolist())
    return matches
