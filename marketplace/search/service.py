"""The read side shared by the search page, the JSON API and alert matching.

`find_vacancies` asks the local index for one page of ranked ids; `search_vacancies` also loads those
vacancies from the database, in one query, keeping the index's order. The database has the last word:
a row that is no longer live (the index may lag behind a change by a moment) is left out.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup
from sqlalchemy.orm import Session, joinedload

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.search.index import SearchIndex
from marketplace.search.query import SearchResult, VacancySearch, run_search
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.queries import live_condition

# VacancySearch and SearchResult are defined in query.py; callers may import all of the read side from here.
__all__ = [
    "SearchPage",
    "SearchResult",
    "VacancySearch",
    "current_index",
    "find_vacancies",
    "search_vacancies",
]


@dataclass(frozen=True)
class SearchPage:
    """One page of live vacancies, best first, with the total, and a highlighted snippet per vacancy id."""

    search: VacancySearch
    vacancies: list[Vacancy]
    total: int
    page: int
    per_page: int
    highlights: dict[int, Markup]

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
) -> SearchResult:
    """Ranked ids of the live vacancies matching `search` (one page), the total and, unless told not to,
    a highlighted snippet per id. `now` (default: the current time) decides which listings are live."""
    with (index or current_index()).searcher() as searcher:
        return run_search(searcher, search, now=now or utcnow(), snippets=snippets)


def search_vacancies(
    search: VacancySearch,
    *,
    now: dt.datetime | None = None,
    index: SearchIndex | None = None,
    session: Session | None = None,
    snippets: bool = True,
) -> SearchPage:
    """One page of live vacancies matching `search`, loaded in a single query, in ranked order."""
    now = now or utcnow()
    found = find_vacancies(search, now=now, index=index, snippets=snippets)
    rows = (session or db.session).scalars(
        sa.select(Vacancy)
        .options(joinedload(Vacancy.organisation))
        .where(Vacancy.id.in_(found.ids), live_condition(now))
    )
    by_id = {vacancy.id: vacancy for vacancy in rows}
    vacancies = [by_id[vacancy_id] for vacancy_id in found.ids if vacancy_id in by_id]
    return SearchPage(
        search=search,
        vacancies=vacancies,
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        highlights={id_: found.highlights[id_] for id_ in by_id.keys() & found.highlights.keys()},
    )
