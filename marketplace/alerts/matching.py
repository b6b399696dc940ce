"""Matching new listings to alerts with the search page's semantics, through the search port.

An alert's criteria are a `VacancySearch`. The listings being matched and every distinct set of
criteria (with its place resolved once) go to the search backend's `match`, which runs the search
page's own semantics on just those listings (see marketplace/search/api.py): keyword units with their
synonyms, expansions and stemming; OR within a filter, AND across filters; the location and radius.
Alerts with identical criteria are matched once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from marketplace.search.api import FILTERS, FLAGS, AlertCriteria, SearchBackend, VacancySearch, backend
from marketplace.search.areas import Area
from marketplace.search.geo import Location, UnknownLocation, tidy
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


def search_of(criteria: Mapping[str, Any], *, sort: str | None = None) -> VacancySearch:
    """The search an alert stands for (unknown values are tidied away by VacancySearch itself)."""
    return VacancySearch(**{name: criteria[name] for name in CRITERIA_FIELDS if name in criteria}, sort=sort)


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
    """The listings being matched, and the criteria matched against them so far.

    `resolve_location` turns a typed place into a Location (the search page's `geo.resolve` on the
    database); an unknown place matches no listing, as the search page shows none under it.
    Matching many criteria at once (`match_all`) lets the backend prepare the listings once: prefer it
    to one `matching_ids` call per alert.
    """

    def __init__(
        self,
        vacancies: Iterable[Vacancy],
        *,
        now: dt.datetime,
        resolve_location: Callable[[str], Location | None],
        search_backend: SearchBackend | None = None,
    ):
        self.now = now
        self._listings = list(vacancies)
        self._resolve = resolve_location
        self._backend = search_backend or backend()
        self._locations: dict[str, Location | None] = {}
        self._matches: dict[str, tuple[int, ...]] = {}

    def close(self) -> None:
        self._matches.clear()

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
                # A place that can no longer be found (or now names several places) matches nothing,
                # as the search page shows nothing under it: never every listing in the country.
                self._locations[key] = Location(name=typed, area=Area(typed, (), "unknown place"))
        return self._locations[key]

    def alert_criteria(self, criteria: Mapping[str, Any], key: str | None = None) -> AlertCriteria:
        """The criteria as the search port takes them: the search, and its place resolved."""
        # The email lists the best matches first: by relevance when there are keywords (a search
        # without any falls back to its usual order). Set here, so the search is built once.
        search = search_of(criteria, sort="relevance")
        location = self.location(search.location) if search.location else None
        if search.location and location is None:
            search = replace(search, location="")
        return AlertCriteria(key=key or criteria_key(criteria), search=search, location=location)

    def match_all(self, criteria_by_key: Mapping[str, Mapping[str, Any]]) -> dict[str, tuple[int, ...]]:
        """The ids of the live listings each criteria matches, best first, by criteria key."""
        wanted = {key: criteria for key, criteria in criteria_by_key.items() if key not in self._matches}
        if wanted:
            found = self._backend.match(
                self._listings,
                (self.alert_criteria(criteria, key) for key, criteria in wanted.items()),
                now=self.now,
            )
            self._matches.update((key, tuple(found.get(key, ()))) for key in wanted)
        return {key: self._matches[key] for key in criteria_by_key}

    def matching_ids(self, criteria: Mapping[str, Any], key: str | None = None) -> frozenset[int]:
        """The ids of the live listings (among those being matched) that the criteria match."""
        key = key or criteria_key(criteria)
        return frozenset(self.match_all({key: criteria})[key])
