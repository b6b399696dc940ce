""" "Similar jobs" beside a listing, from the search engine: the same roles, phases and subjects near
the school, closest first. Closed listings never appear (the engine only returns live ones), nor the
listing itself."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.search.api import SearchUnavailable, VacancySearch, find_vacancies
from marketplace.search.geo import Location, Point
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.queries import RESULT_LIST, live_condition

logger = logging.getLogger(__name__)

SIMILAR_RADIUS_MILES = 25
HOW_MANY = 3


def similar_jobs(vacancy: Vacancy, *, limit: int = HOW_MANY) -> list[Vacancy]:
    """Up to `limit` live listings like this one: the same roles, phases and subjects within 25 miles
    of the school, closest first; when those are too few, the same roles and phases."""
    organisation = vacancy.organisation
    location = None
    if organisation.latitude is not None and organisation.longitude is not None:
        location = Location(organisation.name, Point(organisation.latitude, organisation.longitude))
    attempts = [
        {"job_roles": vacancy.job_roles, "phases": vacancy.phases, "subjects": vacancy.subjects},
        {"job_roles": vacancy.job_roles, "phases": vacancy.phases},
    ]
    ids: dict[int, None] = {}
    for filters in attempts:
        search = VacancySearch(
            **filters,
            # The place is given below as a point; the name only tells the engine to sort by distance.
            location=organisation.name if location else "",
            radius=SIMILAR_RADIUS_MILES,
            per_page=limit + 1,
        )
        try:
            result = find_vacancies(search, snippets=False, location=location)
        except SearchUnavailable as error:  # a side panel is never worth failing the page
            logger.warning("Similar jobs unavailable: %s", error)
            return []
        ids.update((found, None) for found in result.ids if found != vacancy.id)
        if len(ids) >= limit:
            break
    wanted = list(ids)[:limit]
    if not wanted:
        return []
    rows = db.session.scalars(
        sa.select(Vacancy)
        .options(*RESULT_LIST)  # the panel shows each one's title, school and town
        .where(Vacancy.id.in_(wanted), live_condition(utcnow()))
    )
    by_id = {row.id: row for row in rows}
    return [by_id[found] for found in wanted if found in by_id]
