"""The search port: what the rest of the application says to search, whichever engine answers.

A `VacancySearch` goes in; a `SearchResult` (ranked ids, total, facet counts, highlights, distances,
suggestions and spelling corrections) comes out. Alert matching hands over new listings and many saved
criteria and gets back which criteria match which listings. Keeping an engine in step with the
database (applying the durable change log, rebuilding, verifying) goes through the same port. The
engine itself is a `SearchBackend`; the app's backend comes from `backend()`, so web views, the JSON
API, the CLI, alerts and benchmarks never import an engine's module (Whoosh lives under
`marketplace/search/whoosh/`, the only place that imports it; see docs/architecture.md).

`find_vacancies` asks the backend for one page of ranked ids; `search_vacancies` also loads those
vacancies from the database, in one query, keeping the backend's order. The database has the last
word: a row that is no longer live (the index may lag behind a change by a moment) is left out.

When the backend cannot answer (a damaged index, or one built by another version) the search falls
back to a plainer database search: every keyword must appear in the title or description, filters
still apply, no facets or relevance. People can still find jobs while `marketplace search rebuild` runs.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, Protocol

import sqlalchemy as sa
from flask import Flask, current_app
from markupsafe import Markup
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.sql.base import ExecutableOption

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.search import changes
from marketplace.search.areas import KNOWN_LOCAL_AUTHORITIES, register_values
from marketplace.search.geo import (
    DEFAULT_RADIUS_MILES,
    METRES_PER_MILE,
    NATIONWIDE,
    AmbiguousLocation,
    Location,
    UnknownLocation,
    radius_miles,
    resolve,
    tidy,
)
from marketplace.search.synonyms import (
    ALTERNATIVES,
    NOISE_WORDS,
    STOP_WORDS,
    TRIGGERS,
    has_search_words,
    phrase_words,
)
from marketplace.vacancies import vocabulary
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.pay import yearly_pay_expression
from marketplace.vacancies.queries import live_condition

logger = logging.getLogger(__name__)

__all__ = [
    "CANDIDATE_FILTERS",
    "FILTERS",
    "FLAGS",
    "LABELS",
    "SORTS",
    "AlertCriteria",
    "AlertMatches",
    "AmbiguousLocation",
    "CandidatePage",
    "CandidateResult",
    "CandidateSearch",
    "RebuildFailed",
    "RebuildReport",
    "SearchBackend",
    "SearchBusy",
    "SearchPage",
    "SearchResult",
    "SearchUnavailable",
    "SyncReport",
    "UnknownLocation",
    "VacancySearch",
    "VerifyReport",
    "backend",
    "backend_for",
    "candidate_index_for",
    "find_vacancies",
    "init_app",
    "search_candidates",
    "search_vacancies",
    "understand_keywords",
]


# --- What can go wrong ------------------------------------------------------------------------------


class SearchUnavailable(Exception):
    """The backend cannot answer now (its index is damaged, or built for another version): the database
    still holds every listing, and a rebuild repairs the index."""


class SearchBusy(Exception):
    """Another writer holds the backend's index for longer than the write timeout: try again shortly."""


class RebuildFailed(Exception):
    """A rebuild did not complete; the live index is unchanged."""


# --- The query object -------------------------------------------------------------------------------

SORTS = ("relevance", "distance", "closing_date", "newest")
_SORT_ALIASES = {"closing": "closing_date"}  # the name older links use
MAX_PER_PAGE = 100
MAX_POSTED_WITHIN_DAYS = 3650


@dataclass(frozen=True)
class FilterChoices:
    """One list filter: the VacancySearch attribute and the values it accepts.

    `accepted` maps each accepted value (lowercase) to the identifiers it stands for: itself, or for
    a legacy alias, the values that replaced it.
    """

    attribute: str
    accepted: Mapping[str, tuple[str, ...]]

    def normalise(self, values: Iterable[str]) -> tuple[str, ...]:
        """Known identifiers for the given values, aliases expanded, duplicates and unknowns dropped."""
        identifiers: dict[str, None] = {}
        for value in values:
            for identifier in self.accepted.get(str(value).strip().lower(), ()):
                identifiers[identifier] = None
        return tuple(identifiers)

    @property
    def options(self) -> tuple[str, ...]:
        """Every identifier a facet counts."""
        return tuple(dict.fromkeys(i for identifiers in self.accepted.values() for i in identifiers))


def _choices(
    identifiers: Iterable[str], aliases: Mapping[str, tuple[str, ...]] | None = None
) -> dict[str, tuple[str, ...]]:
    return {identifier.lower(): (identifier,) for identifier in identifiers} | dict(aliases or {})


_SENIOR_LEADERS = ("headteacher", "deputy_headteacher", "assistant_headteacher")
_MIDDLE_LEADERS = ("head_of_year_or_phase", "head_of_department_or_curriculum")
# Legacy values that old links and saved alerts still carry.
_JOB_ROLE_ALIASES = {
    "leadership": _SENIOR_LEADERS,
    "senior_leader": _SENIOR_LEADERS,
    "middle_leader": _MIDDLE_LEADERS,
}
# Job share and term time only are yes/no flags on the vacancy, offered (and indexed) as more working
# patterns.
_WORKING_PATTERNS = [*vocabulary.WORKING_PATTERNS, "job_share", "term_time_only"]
ORGANISATION_TYPES = {
    "academy": "Academy or free school",
    "local_authority": "Local authority maintained school",
    "fe_college": "FE college",
    "independent": "Independent school",
}
# Each organisation filter value, and the school register's establishment groups it stands for.
ORGANISATION_TYPE_GROUPS: dict[str, tuple[str, ...]] = {
    "academy": ("Academies", "Free Schools"),
    "local_authority": ("Local authority maintained schools",),
    "fe_college": ("Colleges",),
    "independent": ("Independent schools",),
}
assert set(ORGANISATION_TYPES) == set(ORGANISATION_TYPE_GROUPS)
SCHOOL_TYPES = {"faith_school": "Faith school", "special_school": "Special school"}

FILTERS: tuple[FilterChoices, ...] = (
    FilterChoices("job_roles", _choices(vocabulary.JOB_ROLES, _JOB_ROLE_ALIASES)),
    FilterChoices("phases", _choices(vocabulary.PHASES)),
    FilterChoices("key_stages", _choices(vocabulary.KEY_STAGES)),
    FilterChoices("subjects", _choices(vocabulary.ALL_SUBJECTS)),
    FilterChoices("working_patterns", _choices(_WORKING_PATTERNS)),
    FilterChoices("contract_types", _choices(vocabulary.CONTRACT_TYPES)),
    FilterChoices("organisation_types", _choices(ORGANISATION_TYPES)),
    FilterChoices("school_types", _choices(SCHOOL_TYPES)),
)
FILTERS_BY_NAME = {choices.attribute: choices for choices in FILTERS}
# Yes/no filters; a facet counts their "true".
FLAGS: tuple[str, ...] = ("ect_suitable", "visa_sponsorship", "quick_apply")
_TRUE = frozenset({"true", "1", "yes", "on", "y"})

# How the page names each filter value (facets, suggestions, alert summaries).
LABELS: Mapping[str, Mapping[str, str]] = {
    "job_roles": vocabulary.JOB_ROLES,
    "phases": vocabulary.PHASES,
    "key_stages": vocabulary.KEY_STAGES,
    "subjects": {subject: subject for subject in vocabulary.ALL_SUBJECTS},
    "working_patterns": {
        **vocabulary.WORKING_PATTERNS,
        "job_share": "Job share",
        "term_time_only": "Term time only",
    },
    "contract_types": vocabulary.CONTRACT_TYPES,
    "organisation_types": ORGANISATION_TYPES,
    "school_types": SCHOOL_TYPES,
    "ect_suitable": {"true": "Suitable for early career teachers"},
    "visa_sponsorship": {"true": "Visa sponsorship available"},
    "quick_apply": {"true": "Apply through the marketplace"},
}


def _whole_number(value: Any, default: int, *, lowest: int = 1, highest: int | None = None) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: int(float("inf"))
        return default
    number = max(number, lowest)
    return min(number, highest) if highest is not None else number


def _optional_number(value: Any, highest: int) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return min(number, highest) if number > 0 else None


def _flag(value: Any) -> bool:
    return value is True or str(value).strip().lower() in _TRUE


@dataclass(frozen=True)
class VacancySearch:
    """What a jobseeker (or an alert) is looking for. Construction tidies every value; nothing raises.

    Every keyword must match (a known phrase such as "key stage 2" counts as one keyword and also
    matches its synonyms); filters are OR'd within one filter and AND'd across filters. Unknown filter
    values and sorts are dropped, never an error.
    """

    keywords: str = ""
    location: str = ""
    radius: int = DEFAULT_RADIUS_MILES
    job_roles: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    key_stages: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    working_patterns: tuple[str, ...] = ()
    contract_types: tuple[str, ...] = ()
    organisation_types: tuple[str, ...] = ()
    school_types: tuple[str, ...] = ()
    ect_suitable: bool = False
    visa_sponsorship: bool = False
    quick_apply: bool = False
    organisation: str = ""  # a school's or trust's slug
    minimum_salary: int | None = None
    posted_within_days: int | None = None
    sort: str | None = None
    page: int = 1
    per_page: int = 20

    def __post_init__(self) -> None:
        tidy_value = object.__setattr__  # the dataclass is frozen: tidy values once, here
        tidy_value(self, "keywords", " ".join(str(self.keywords or "").split()))
        tidy_value(self, "location", " ".join(str(self.location or "").split()))
        tidy_value(self, "radius", radius_miles(self.radius))
        for choices in FILTERS:
            values = getattr(self, choices.attribute) or ()
            tidy_value(
                self, choices.attribute, choices.normalise([values] if isinstance(values, str) else values)
            )
        for name in FLAGS:
            tidy_value(self, name, _flag(getattr(self, name)))
        tidy_value(self, "organisation", str(self.organisation or "").strip().lower())
        tidy_value(self, "minimum_salary", _optional_number(self.minimum_salary, 10_000_000))
        tidy_value(
            self, "posted_within_days", _optional_number(self.posted_within_days, MAX_POSTED_WITHIN_DAYS)
        )
        sort = _SORT_ALIASES.get(str(self.sort), self.sort)
        tidy_value(self, "sort", sort if sort in SORTS else None)
        tidy_value(self, "page", _whole_number(self.page, 1))
        tidy_value(self, "per_page", _whole_number(self.per_page, 20, highest=MAX_PER_PAGE))

    @property
    def has_keywords(self) -> bool:
        """Whether the keywords hold a word to search for (not only stop words such as "the")."""
        return has_search_words(self.keywords)

    @property
    def has_point_location(self) -> bool:
        return bool(self.location) and tidy(self.location) not in NATIONWIDE

    @property
    def effective_sort(self) -> str:
        """The sort asked for when it makes sense; otherwise relevance with keywords, distance with a
        location, closing date without either."""
        sort = self.sort
        if sort == "relevance" and not self.has_keywords:
            sort = None
        if sort == "distance" and not self.has_point_location:
            sort = None
        if sort:
            return sort
        if self.has_keywords:
            return "relevance"
        return "distance" if self.has_point_location else "closing_date"

    def active_filters(self) -> dict[str, Any]:
        """The filters in use (not keywords or location), by name."""
        active: dict[str, Any] = {}
        for choices in FILTERS:
            if getattr(self, choices.attribute):
                active[choices.attribute] = getattr(self, choices.attribute)
        for name in FLAGS:
            if getattr(self, name):
                active[name] = True
        for name in ("organisation", "minimum_salary", "posted_within_days"):
            if getattr(self, name):
                active[name] = getattr(self, name)
        return active

    def without(self, name: str) -> VacancySearch:
        """The same search with one filter (or the keywords, or the location) removed."""
        blank: dict[str, Any] = {
            "keywords": "",
            "location": "",
            "organisation": "",
            "minimum_salary": None,
            "posted_within_days": None,
            **dict.fromkeys(FLAGS, False),
            **{choices.attribute: () for choices in FILTERS},
        }
        return replace(self, **{name: blank[name]}, page=1)


# --- What comes back --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResult:
    """One page of matching vacancy ids, best first, with everything the page shows beside them.

    `suggestions` may hold "filters" (filters the keywords imply, with counts), "wider_radius" and
    "remove_filters" (ways on from an empty page) and "spelling" (the keywords as corrected, when the
    typed ones matched nothing and the corrected ones were run instead).
    """

    ids: list[int]
    total: int
    page: int
    per_page: int
    highlights: dict[int, Markup] = field(default_factory=dict)  # vacancy id -> snippet, matches marked
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # filter -> value -> count
    distances: dict[int, float] = field(default_factory=dict)  # vacancy id -> miles
    suggestions: dict[str, Any] = field(default_factory=dict)
    sort: str = "closing_date"
    location: Location | None = None
    search: VacancySearch | None = None  # the search that was run (corrected, when it was)

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page)


@dataclass(frozen=True)
class AlertCriteria:
    """One saved alert's criteria for matching: a key shared by identical criteria, the search they
    stand for, and its place already resolved (None: no place, or one that could not be found, in
    which case the search carries no location either)."""

    key: str
    search: VacancySearch
    location: Location | None = None


# Criteria key -> the ids of the matching listings, best first (in the search's effective sort).
AlertMatches = dict[str, tuple[int, ...]]


@dataclass(frozen=True)
class SyncReport:
    """What applying the change log did: entries applied, vacancies written or removed, how far it got."""

    applied: int
    vacancies: int
    last_change_id: int
    reloaded: bool = False  # the index had no position in the log, so it was loaded whole


@dataclass(frozen=True)
class RebuildReport:
    vacancies: int
    last_change_id: int


@dataclass(frozen=True)
class VerifyReport:
    """How the index compares with the database; ids are vacancy ids."""

    expected: int  # published vacancies in the database
    indexed: int  # vacancy documents in the index
    missing: list[int]  # published, but not in the index
    extra: list[int]  # in the index, but not published (or gone)
    stale: list[int]  # in the index, but indexed from an older state of the vacancy
    pending_changes: int  # log entries after the index's position
    last_change_id: int | None
    outdated: bool = False  # built for another schema version

    @property
    def in_sync(self) -> bool:
        return not (self.missing or self.extra or self.stale or self.outdated)


# --- The port ---------------------------------------------------------------------------------------


class SearchBackend(Protocol):
    """A search engine holding a replica of the published vacancies, fed by the durable change log.

    Reads raise SearchUnavailable when the engine cannot answer; writes raise SearchBusy when another
    writer holds it too long. Times are aware datetimes; `now` decides which listings are live, so a
    listing leaves the results at its exact closing time whether or not the engine has heard of it.
    """

    @property
    def where(self) -> str:
        """Where the index lives, for messages to operators (a folder, a URL)."""
        ...

    def find(
        self,
        search: VacancySearch,
        *,
        now: dt.datetime,
        location: Location | None = None,
        snippets: bool = True,
    ) -> SearchResult:
        """One page of the live vacancies matching `search`, with facets, distances and suggestions.

        `location` is `search.location` already resolved (None: no place to measure from). Without
        `snippets` (the JSON API, side panels) no highlights are made.
        """
        ...

    def match(
        self, listings: Sequence[Vacancy], criteria: Iterable[AlertCriteria], *, now: dt.datetime
    ) -> AlertMatches:
        """Which of `listings` (new ones, not necessarily in the index yet) each criteria matches,
        with the search page's semantics; criteria sharing a key are matched once."""
        ...

    def apply_pending_changes(self, session: Session) -> SyncReport:
        """Apply the change log entries the index has not applied yet (`marketplace search sync`)."""
        ...

    def read_latest(self) -> bool:
        """Make ready what another process applied (the node's `marketplace search follow`), so that
        this process's next search does not have to; whether there was anything new."""
        ...

    def rebuild(self, session: Session, *, progress: Callable[[int], object] | None = None) -> RebuildReport:
        """Recreate the index from the database without interrupting searches, then catch up.
        `progress(n)` is told of each n vacancies indexed, possibly from another thread."""
        ...

    def verify(self, session: Session) -> VerifyReport:
        """Compare every document in the index with the vacancy it was made from."""
        ...

    def applied_change_id(self) -> int | None:
        """The last change log entry the index has applied (None: it has applied none yet)."""
        ...


BackendFactory = Callable[[Mapping[str, Any]], SearchBackend]


def _whoosh(config: Mapping[str, Any]) -> SearchBackend:
    # Imported on first use: the engine is a plug-in of the port, never a dependency of its callers.
    from marketplace.search.whoosh.backend import WhooshBackend

    return WhooshBackend.from_config(config)


def init_app(app: Flask, factory: BackendFactory | None = None) -> None:
    """Give the app its search backend (`factory(app.config)`; the local Whoosh replica by default) and
    apply each commit's logged changes to it afterwards."""
    app.extensions[changes.EXTENSION] = factory or _whoosh
    changes.init_app(app)


def backend_for(app: Flask) -> SearchBackend:
    """The app's search backend, made from its current settings."""
    factory: BackendFactory = app.extensions.get(changes.EXTENSION) or _whoosh
    return factory(app.config)


def backend() -> SearchBackend:
    """The current app's search backend."""
    return backend_for(current_app)


# --- The read side shared by the search page, the JSON API and side panels -------------------------


@dataclass(frozen=True)
class SearchPage:
    """One page of live vacancies, best first, with the total and what the page shows beside them."""

    search: VacancySearch
    vacancies: list[Vacancy]
    total: int
    page: int
    per_page: int
    highlights: dict[int, Markup]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    distances: dict[int, float] = field(default_factory=dict)
    suggestions: dict[str, Any] = field(default_factory=dict)
    sort: str = "closing_date"
    location: Location | None = None
    location_problem: str | None = None  # a location we could not find, explained
    location_choices: tuple[str, ...] = ()  # the places an ambiguous location may mean, each unambiguous
    degraded: bool = False  # answered by the database fallback: no facets, no relevance
    # What was taken out of the keywords and used as a filter instead ("location", "minimum_salary")
    understood: tuple[str, ...] = ()

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def find_vacancies(
    search: VacancySearch,
    *,
    now: dt.datetime | None = None,
    backend: SearchBackend | None = None,
    snippets: bool = True,
    session: Session | None = None,
    location: Location | None = None,
) -> SearchResult:
    """Ranked ids of the live vacancies matching `search` (one page), the total, facet counts,
    distances, suggestions and, unless told not to, a highlighted snippet per id.

    `now` (default: the current time) decides which listings are live. Raises UnknownLocation when
    the search's location cannot be found, and SearchUnavailable when the backend cannot answer.
    """
    engine = backend or backend_for(current_app)
    if location is None and search.location:
        location = resolve(search.location, session or _db_session())
    return engine.find(search, now=now or utcnow(), location=location, snippets=snippets)


def search_vacancies(
    search: VacancySearch,
    *,
    now: dt.datetime | None = None,
    backend: SearchBackend | None = None,
    session: Session | None = None,
    snippets: bool = True,
    load: Sequence[ExecutableOption] = (),
    understand: bool = True,
) -> SearchPage:
    """One page of live vacancies matching `search`, loaded in a single query, in ranked order.

    A location that cannot be found is reported on the page (`location_problem`, and for a name of
    several places the `location_choices`) with no results: showing the whole country under "we could
    not find it" would look like an answer. A place or a salary typed among the keywords becomes the
    search's location or minimum salary (see `understand_keywords`), and `understood` says so.
    `load` says how much of each listing to load (default: the whole row and its organisation; a list of
    results passes `vacancies.queries.RESULT_LIST`, only the columns it shows). A caller that has
    looked for a place or salary among the keywords already passes `understand=False`.
    """
    now = now or utcnow()
    session = session or _db_session()
    load = tuple(load) or (joinedload(Vacancy.organisation),)
    search, understood = understand_keywords(search, session) if understand else (search, ())
    try:
        location = resolve(search.location, session) if search.location else None
    except UnknownLocation as problem:
        choices = tuple(problem.choices) if isinstance(problem, AmbiguousLocation) else ()
        return SearchPage(
            search=search,
            vacancies=[],
            total=0,
            page=search.page,
            per_page=search.per_page,
            highlights={},
            location_problem=str(problem),
            location_choices=choices,
            understood=understood,
        )
    try:
        found = find_vacancies(
            search, now=now, backend=backend, snippets=snippets, session=session, location=location
        )
    except SearchUnavailable as error:
        logger.error("Search index unusable, answering from the database: %s", error)
        return _database_search(search, now, session, location, load)
    rows = session.scalars(
        sa.select(Vacancy).options(*load).where(Vacancy.id.in_(found.ids), live_condition(now))
    )
    by_id = {vacancy.id: vacancy for vacancy in rows}
    vacancies = [by_id[vacancy_id] for vacancy_id in found.ids if vacancy_id in by_id]
    return SearchPage(
        search=found.search or search,
        vacancies=vacancies,
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        highlights={id_: found.highlights[id_] for id_ in by_id.keys() & found.highlights.keys()},
        facets=found.facets,
        distances=found.distances,
        suggestions=found.suggestions,
        sort=found.sort,
        location=location,
        understood=understood,
    )


# --- Keywords that are really a filter -------------------------------------------------------------

# "£40k", "£40,000", "40k", "over £35,000", "£38k+"
_SALARY = re.compile(
    r"(?<![\w£])(?:(?:over|above|from|min|minimum|at least)\s+)?"
    r"(?:£\s?(?P<pounds>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(?P<k>k)?|(?P<thousands>\d{2,3}(?:\.\d)?)k)"
    r"\+?(?!\w)",
    re.IGNORECASE,
)
_PLACE_LEADS = frozenset({"in", "near", "nr", "around"})
_LONGEST_PLACE = 4


def _salary_in(keywords: str) -> tuple[str, int] | None:
    for found in _SALARY.finditer(keywords):
        if found.group("thousands"):
            amount = float(found.group("thousands")) * 1000
        else:
            amount = float(found.group("pounds").replace(",", "")) * (1000 if found.group("k") else 1)
        if 1000 <= amount <= 10_000_000:
            rest = keywords[: found.start()] + " " + keywords[found.end() :]
            return " ".join(rest.split()), int(amount)
    return None


def _is_vocabulary(words: Sequence[str]) -> bool:
    return any(
        (word,) in ALTERNATIVES or (word,) in TRIGGERS or word in STOP_WORDS or word in NOISE_WORDS
        for word in phrase_words(" ".join(words))
    )


def _resolves(words: Sequence[str], session: Session) -> Location | None:
    try:
        location = resolve(" ".join(words), session)
    except UnknownLocation:
        return None
    if location is None or location.point is None:
        return None
    return location


def _place_in(keywords: str, session: Session) -> tuple[str, str] | None:
    """A place at the end of the keywords ("maths teacher leeds", "primary teacher near York"): the
    keywords without it, and the place as typed. After "in" or "near" any place counts; otherwise a
    vocabulary word ("primary", "reception") is never taken for one."""
    words = keywords.replace(",", " ").split()
    lowered = [word.lower() for word in words]
    lead = max((i for i, word in enumerate(lowered) if word in _PLACE_LEADS), default=None)
    if lead is not None and 0 < len(words) - lead - 1 <= _LONGEST_PLACE:
        candidates = [lead + 1]
    else:
        lead = None
        candidates = [len(words) - length for length in range(min(_LONGEST_PLACE, len(words)), 0, -1)]
    for start in candidates:
        place = words[start:]
        if lead is None and _is_vocabulary(place):
            continue
        location = _resolves(place, session)
        if location is None:
            continue
        # "york teacher" resolves to York with a word left over: not a place as typed.
        if len(place) > 1 and (shorter := _resolves(place[:-1], session)) and shorter.name == location.name:
            continue
        before = words[: lead if lead is not None else start]
        return " ".join(before), " ".join(place)
    return None


def understand_keywords(
    search: VacancySearch, session: Session | None = None
) -> tuple[VacancySearch, tuple[str, ...]]:
    """The search with a salary ("£40k") typed among its keywords as its minimum salary, and a place
    at their end ("maths teacher leeds") as its location, when those are not set already; and which
    of the two were taken. Both are then shown and removable like any filter."""
    understood: list[str] = []
    changes: dict[str, Any] = {}
    keywords = search.keywords
    if keywords and not search.minimum_salary:
        salary = _salary_in(keywords)
        if salary is not None:
            keywords, changes["minimum_salary"] = salary
            understood.append("minimum_salary")
    if keywords and not search.location:
        place = _place_in(keywords, session or _db_session())
        if place is not None:
            keywords, changes["location"] = place
            understood.append("location")
    if not understood:
        return search, ()
    return replace(search, keywords=keywords, **changes), tuple(understood)


def _db_session() -> Session:
    # The app's scoped session stands in for the Session it proxies.
    return db.session  # type: ignore[return-value]


def _fields(search: VacancySearch) -> dict[str, Any]:
    return {f.name: getattr(search, f.name) for f in fields(search)}


def _database_search(
    search: VacancySearch,
    now: dt.datetime,
    session: Session,
    location: Location | None,
    load: Sequence[ExecutableOption],
) -> SearchPage:
    """The fallback while the index is unusable: keywords as plain substrings, list filters, the
    posting school's area or a box around the place, by closing."""
    conditions = [live_condition(now), *_location_conditions(search, location)]
    for word in search.keywords.split()[:10]:
        pattern = f"%{word.lower()}%"
        conditions.append(
            sa.or_(
                sa.func.lower(Vacancy.title).like(pattern), sa.func.lower(Vacancy.about_role).like(pattern)
            )
        )
    if search.contract_types:
        conditions.append(Vacancy.contract_type.in_(search.contract_types))
    if search.visa_sponsorship:
        conditions.append(Vacancy.visa_sponsorship.is_(True))
    if search.ect_suitable:
        conditions.append(Vacancy.ect_status == "ect_suitable")
    if search.quick_apply:
        conditions.append(Vacancy.how_to_apply == "marketplace")
    if search.minimum_salary:
        conditions.append(yearly_pay_expression(Vacancy) >= search.minimum_salary)
    query = sa.select(Vacancy).where(*conditions)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    vacancies = list(
        session.scalars(
            query.options(*load)
            .order_by(Vacancy.closes_at, Vacancy.id)
            .offset((search.page - 1) * search.per_page)
            .limit(search.per_page)
        )
    )
    return SearchPage(
        search=search,
        vacancies=vacancies,
        total=total,
        page=search.page,
        per_page=search.per_page,
        highlights={},
        location=location,
        degraded=True,
    )


def _location_conditions(search: VacancySearch, location: Location | None) -> list[Any]:
    """The fallback's location: the posting organisation in the area, or in a box around the point
    (the radius's square, a little wider than its circle)."""
    from marketplace.organisations.models import Organisation

    if location is None or location.nationwide:
        return []
    if location.area is not None:
        local_authorities, counties, regions = register_values(location.area)
        local_authority = sa.func.lower(sa.func.coalesce(Organisation.local_authority, ""))
        in_area = sa.or_(
            local_authority.in_(local_authorities),
            # The county column counts only for a local authority the county table does not know.
            sa.and_(
                sa.func.lower(Organisation.county).in_(counties),
                local_authority.not_in(KNOWN_LOCAL_AUTHORITIES),
            ),
            sa.func.lower(Organisation.region).in_(regions),
        )
        return [Vacancy.organisation.has(in_area)]
    point = location.point
    assert point is not None
    degrees = search.radius * METRES_PER_MILE / 111_000
    wide = degrees / max(math.cos(math.radians(point.latitude)), 0.1)
    return [
        Vacancy.organisation.has(
            sa.and_(
                Organisation.latitude.between(point.latitude - degrees, point.latitude + degrees),
                Organisation.longitude.between(point.longitude - wide, point.longitude + wide),
            )
        )
    ]


# --- Candidates: schools looking for jobseekers who let them ------------------------------------------

CANDIDATE_FILTERS = ("job_roles", "phases", "subjects", "working_patterns")


@dataclass(frozen=True)
class CandidateSearch:
    """What a school is looking for, with the job search's filters (tidied the same way)."""

    keywords: str = ""
    location: str = ""
    radius: int = DEFAULT_RADIUS_MILES
    job_roles: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    working_patterns: tuple[str, ...] = ()
    page: int = 1
    per_page: int = 20

    def __post_init__(self) -> None:
        tidy_value = object.__setattr__
        tidy_value(self, "keywords", " ".join(str(self.keywords or "").split())[:200])
        tidy_value(self, "location", " ".join(str(self.location or "").split()))
        tidy_value(self, "radius", radius_miles(self.radius))
        for name in CANDIDATE_FILTERS:
            values = getattr(self, name) or ()
            tidy_value(
                self, name, FILTERS_BY_NAME[name].normalise([values] if isinstance(values, str) else values)
            )
        tidy_value(self, "page", _whole_number(self.page, 1))
        tidy_value(self, "per_page", _whole_number(self.per_page, 20, highest=MAX_PER_PAGE))


@dataclass(frozen=True)
class CandidateResult:
    """One page of matching candidate ids (their preferences' ids), the total and facet counts."""

    ids: list[int]
    total: int
    page: int
    per_page: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    distances: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class CandidatePage:
    """One page of candidates a school may see, loaded from the database, best first."""

    search: CandidateSearch
    candidates: list[Any]  # CandidatePreferences, checked against the database
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    distances: dict[int, float] = field(default_factory=dict)
    location_problem: str | None = None

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.search.per_page)


def candidate_index_for(app: Flask) -> Any:
    """The app's candidate index: a second Whoosh folder beside the listings' index."""
    from marketplace.search.whoosh.candidates import CandidateIndex

    return CandidateIndex.from_config(app.config)


def search_candidates(
    search: CandidateSearch, organisation_ids: set[int], *, session: Session | None = None
) -> CandidatePage:
    """One page of findable candidates matching `search`, never one who hides from any of
    `organisation_ids` (the searching person's organisations).

    A location keeps candidates whose own area (their place and how far they would travel) reaches
    within `search.radius` miles of it. The index may lag a moment behind an opt-out: every result is
    checked against the database, so a candidate who turned visibility off never shows.
    """
    from marketplace.applications.candidates import visible_candidates

    session = session or _db_session()
    point = None
    if search.location and tidy(search.location) not in NATIONWIDE:
        try:
            location = resolve(search.location, session)
        except UnknownLocation as problem:
            return CandidatePage(search=search, candidates=[], total=0, location_problem=str(problem))
        if location is not None and location.point is None and location.area is not None:
            return CandidatePage(
                search=search,
                candidates=[],
                total=0,
                location_problem="Enter a town, city or postcode to search around, rather than an area.",
            )
        point = location.point if location is not None else None
    found = candidate_index_for(current_app).find(search, organisation_ids=organisation_ids, point=point)
    by_id = visible_candidates(found.ids, organisation_ids)
    facets = {
        name: {
            identifier: count
            for value, count in counts.items()
            for identifier in FILTERS_BY_NAME[name].normalise([value])
        }
        for name, counts in found.facets.items()
    }
    return CandidatePage(
        search=search,
        candidates=[by_id[i] for i in found.ids if i in by_id],
        total=found.total,
        facets=facets,
        distances=found.distances,
    )
