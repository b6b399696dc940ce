"""Matching new listings to alerts with the search page's own engine.

An alert's criteria are a `VacancySearch`, and matching runs the search page's plan (keyword units with
their synonyms, expansions and stemming; OR within a filter, AND across filters; the location and
radius) on a snapshot of an in-memory index holding only the listings being matched. The semantics are
therefore the search page's, not a second matcher's; only the corpus is smaller.

Alerts with identical criteria are matched once, and the engine's per-snapshot caches (each keyword
unit's documents, each place and radius) are sized so every unit and location is worked out once per
run, however many alerts share it.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from whoosh.filedb.filestore import RamStorage

from marketplace.search import bitsets
from marketplace.search.engine import Snapshot
from marketplace.search.geo import Location, UnknownLocation, tidy
from marketplace.search.index import INDEX_NAME
from marketplace.search.query import FILTERS, FLAGS, SearchPlan, VacancySearch
from marketplace.search.schema import SCHEMA, vacancy_document
from marketplace.vacancies.models import Vacancy

# The parts of a search an alert keeps: not the sort or page, which do not change what matches, nor
# "posted within", since a digest only ever holds listings that went live since the last one.
LIST_CRITERIA = tuple(choices.attribute for choices in FILTERS)
FLAG_CRITERIA = tuple(FLAGS)
CRITERIA_FIELDS = (
    "keywords",
    "location",
    "radius",
    *LIST_CRITERIA,
    *FLAG_CRITERIA,
    "organisation",
    "minimum_salary",
)
# Every keyword unit and place is looked up once per run: plenty of room in the engine's caches.
_CACHE_SIZE = 1_000_000


def criteria_of(search: VacancySearch) -> dict[str, Any]:
    """The search's criteria as stored on an alert: only what is set, in the search page's names."""
    criteria: dict[str, Any] = {}
    if search.keywords:
        criteria["keywords"] = search.keywords
    if search.location:
        criteria["location"] = search.location
        criteria["radius"] = search.radius
    for name in LIST_CRITERIA:
        if getattr(search, name):
            criteria[name] = sorted(getattr(search, name))
    for name in FLAG_CRITERIA:
        if getattr(search, name):
            criteria[name] = True
    if search.organisation:
        criteria["organisation"] = search.organisation
    if search.minimum_salary:
        criteria["minimum_salary"] = search.minimum_salary
    return criteria


def search_of(criteria: Mapping[str, Any]) -> VacancySearch:
    """The search an alert stands for (unknown values are tidied away by VacancySearch itself)."""
    return VacancySearch(**{name: criteria[name] for name in CRITERIA_FIELDS if name in criteria})


def query_args(criteria: Mapping[str, Any]) -> dict[str, Any]:
    """The criteria as the search page's query string names them (to link to the search)."""
    args: dict[str, Any] = {}
    for name, value in criteria.items():
        if name == "keywords":
            args["keyword"] = value
        elif value is True:
            args[name] = "true"
        else:
            args[name] = value
    return args


def criteria_key(criteria: Mapping[str, Any]) -> str:
    """A digest that is equal for equal criteria (keywords compared case-insensitively)."""
    canonical = dict(criteria)
    if "keywords" in canonical:
        canonical["keywords"] = str(canonical["keywords"]).lower()
    if "location" in canonical:
        canonical["location"] = tidy(str(canonical["location"]))
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class ListingMatcher:
    """The listings being matched, indexed in memory exactly as the search index holds them.

    `resolve_location` turns a typed place into a Location (the search page's `geo.resolve` on the
    database); an unknown place is left out of the match, as the search page leaves it out of a search.
    """

    def __init__(
        self,
        vacancies: Iterable[Vacancy],
        *,
        now,
        resolve_location: Callable[[str], Location | None],
    ):
        self.now = now
        self._resolve = resolve_location
        self._locations: dict[str, Location | None] = {}
        self._matches: dict[str, frozenset[int]] = {}
        storage = RamStorage()
        ix = storage.create_index(SCHEMA, indexname=INDEX_NAME)
        writer = ix.writer()
        for vacancy in vacancies:
            writer.add_document(**vacancy_document(vacancy))
        writer.commit()
        self._searcher = ix.searcher()
        # A key of its own: the engine keeps per-segment arrays by folder and segment name.
        self.snapshot = Snapshot.build(self._searcher, f"alerts-{uuid.uuid4().hex}", ix.latest_generation())
        for name in ("queries", "geo"):
            self.snapshot.cache(name).size = _CACHE_SIZE
        self._vacancy_ids = self.snapshot.columns["vacancy_id"]

    def close(self) -> None:
        self._searcher.close()

    def __enter__(self) -> ListingMatcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def location(self, typed: str) -> Location | None:
        key = tidy(typed)
        if key not in self._locations:
            try:
                self._locations[key] = self._resolve(typed)
            except UnknownLocation:
                self._locations[key] = None
        return self._locations[key]

    def matching_ids(self, criteria: Mapping[str, Any], key: str | None = None) -> frozenset[int]:
        """The ids of the live listings (among those indexed here) that the criteria match."""
        key = key or criteria_key(criteria)
        if key not in self._matches:
            search = search_of(criteria)
            location = self.location(search.location) if search.location else None
            if search.location and location is None:
                search = replace(search, location="")
            plan = SearchPlan(self.snapshot, search, location, self.now)
            self._matches[key] = frozenset(self._vacancy_ids[d] for d in bitsets.docnums(plan.combined()))
        return self._matches[key]
