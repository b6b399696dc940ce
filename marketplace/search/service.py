"""The read side shared by the search page, the JSON API and alert matching.

`find_vacancies` asks the local index for one page of ranked ids (with facets, distances and
suggestions); `search_vacancies` also loads those vacancies from the database, in one query, keeping
the index's order. The database has the last word: a row that is no longer live (the index may lag
behind a change by a moment) is left out.

When the local index cannot be read (damaged, or built by another version) the search falls back to
a plainer database search: every keyword must appear in the title or description, filters still
apply, no facets or relevance. People can still find jobs while `marketplace search rebuild` runs.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup
from sqlalchemy.orm import Session, joinedload

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.search.engine import snapshot_for
from marketplace.search.geo import Location, UnknownLocation, resolve
from marketplace.search.index import IndexOutdated, IndexUnreadable, SearchIndex
from marketplace.search.query import SearchResult, VacancySearch, run_search
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.queries import live_condition

logger = logging.getLogger(__name__)

# VacancySearch and SearchResult are defined in query.py; callers may import all of the read side from here.
__all__ = [
    "SearchPage",
    "SearchResult",
    "UnknownLocation",
    "VacancySearch",
    "current_index",
    "find_vacancies",
    "search_vacancies",
]


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
    degraded: bool = False  # answered by the database fallback: no facets, no relevance

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def current_index() -> SearchIndex:
    """The current app's local index replica."""
    return SearchIndex.from_config(current_app.config)


def find_vacancies(
    search: VacancySearch,
    *,
    now: dt.datetime | None = None,
    index: SearchIndex | None = None,
    snippets: bool = True,
    session: Session | None = None,
    location: Location | None = None,
) -> SearchResult:
    """Ranked ids of the live vacancies matching `search` (one page), the total, facet counts,
    distances, suggestions and, unless told not to, a highlighted snippet per id.

    `now` (default: the current time) decides which listings are live. Raises UnknownLocation when
    the search's location cannot be found, and IndexUnreadable when the index cannot be read.
    """
    index = index or current_index()
    if location is None and search.location:
        location = resolve(search.location, session or db.session)
    snapshot = snapshot_for(index.path, index.open)
    return run_search(snapshot, search, now=now or utcnow(), location=location, snippets=snippets)


def search_vacancies(
    search: VacancySearch,
    *,
    now: dt.datetime | None = None,
    index: SearchIndex | None = None,
    session: Session | None = None,
    snippets: bool = True,
) -> SearchPage:
    """One page of live vacancies matching `search`, loaded in a single query, in ranked order.

    An unknown location is reported on the page (`location_problem`) and the search runs without it.
    """
    now = now or utcnow()
    session = session or db.session
    location_problem = None
    try:
        location = resolve(search.location, session) if search.location else None
    except UnknownLocation as problem:
        location, location_problem = None, str(problem)
        search = VacancySearch(**{**_fields(search), "location": ""})
    try:
        found = find_vacancies(
            search, now=now, index=index, snippets=snippets, session=session, location=location
        )
    except (IndexUnreadable, IndexOutdated) as error:
        logger.error("Search index unusable, answering from the database: %s", error)
        return _database_search(search, now, session, location_problem)
    rows = session.scalars(
        sa.select(Vacancy)
        .options(joinedload(Vacancy.organisation))
        .where(Vacancy.id.in_(found.ids), live_condition(now))
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
        location_problem=location_problem,
    )


def _fields(search: VacancySearch) -> dict[str, Any]:
    from dataclasses import fields

    return {f.name: getattr(search, f.name) for f in fields(search)}


def _database_search(
    search: VacancySearch, now: dt.datetime, session: Session, location_problem: str | None
) -> SearchPage:
    """The fallback while the index is unusable: keywords as plain substrings, list filters, by closing."""
    conditions = [live_condition(now)]
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
        conditions.append(
            sa.func.coalesce(Vacancy.salary_maximum, Vacancy.salary_minimum, 0) >= search.minimum_salary
        )
    query = sa.select(Vacancy).where(*conditions)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    vacancies = list(
        session.scalars(
            query.options(joinedload(Vacancy.organisation))
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
        location_problem=location_problem,
        degraded=True,
    )
