"""The public JSON API (read-only): search live vacancies and read one."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from marketplace.links import external_url
from marketplace.search.api import search_vacancies
from marketplace.vacancies.jobposting import job_posting
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.queries import WHOLE_LISTING, live_vacancy
from marketplace.web.access import public
from marketplace.web.api.openapi import document
from marketplace.web.search_args import BadSearch, search_from_args

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _posting(vacancy: Vacancy) -> dict:
    """A vacancy as the API gives it everywhere: a schema.org JobPosting plus the marketplace's fields."""
    return job_posting(
        vacancy,
        url=external_url("public.vacancy", vacancy_id=vacancy.id),
        organisation_url=external_url("public.organisation", slug=vacancy.organisation.slug),
    )


def _understood(results) -> dict:
    search = results.search
    understood = {"keyword": search.keywords}
    if "location" in results.understood:
        understood["location"] = search.location
    if "minimum_salary" in results.understood:
        understood["minimum_salary"] = search.minimum_salary
    return understood


@bp.route("/vacancies")
@public
def vacancies():
    try:
        vacancy_search = search_from_args(request.args, strict=True)
    except BadSearch as error:
        return jsonify(error="bad_request", parameter=error.parameter, message=str(error)), 400
    # Every school of each listing is loaded with the page, not one query per result.
    results = search_vacancies(vacancy_search, snippets=False, load=WHOLE_LISTING)
    if results.location_problem:
        problem = {"error": "bad_request", "parameter": "location", "message": results.location_problem}
        if results.location_choices:
            # A name of several places: each choice, sent back as `location`, names one of them.
            problem["choices"] = list(results.location_choices)
        return jsonify(problem), 400
    data = []
    for found in results.vacancies:
        posting = _posting(found)
        if results.location is not None and results.location.point is not None:
            posting["distance_miles"] = results.distances.get(found.id)
        data.append(posting)
    return jsonify(
        data=data,
        meta={
            "total": results.total,
            "page": results.page,
            "per_page": results.per_page,
            "pages": results.pages,
            "sort": results.sort,
            "degraded": results.degraded,
            # What a place or salary among the keywords became (the search ran with these).
            **({"understood": _understood(results)} if results.understood else {}),
        },
        facets=results.facets,
        suggestions=results.suggestions,
    )


@bp.route("/vacancies/<int:vacancy_id>")
@public
def vacancy(vacancy_id: int):
    # Ids are 32-bit integers in the database: a larger number names no vacancy (and would overflow).
    found = live_vacancy(vacancy_id, load=WHOLE_LISTING) if 0 < vacancy_id < 2**31 else None
    if found is None:
        abort(404, description="No live vacancy has that id.")
    return jsonify(data=_posting(found))


@bp.route("/openapi.json")
@public
def openapi():
    return jsonify(document())
