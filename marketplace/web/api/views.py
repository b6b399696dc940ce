"""The public JSON API (read-only): search live vacancies and read one."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request, url_for

from marketplace.search.service import search_vacancies
from marketplace.vacancies.jobposting import job_posting
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.queries import live_vacancy
from marketplace.web.access import public
from marketplace.web.api.openapi import document
from marketplace.web.search_args import BadSearch, search_from_args

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def vacancy_json(vacancy: Vacancy) -> dict:
    organisation = vacancy.organisation
    return {
        "id": vacancy.id,
        "url": url_for("public.vacancy", vacancy_id=vacancy.id, _external=True),
        "title": vacancy.title,
        "organisation": {
            "id": organisation.id,
            "name": organisation.name,
            "slug": organisation.slug,
            "urn": organisation.urn,
            "town": organisation.town,
            "postcode": organisation.postcode,
            "latitude": organisation.latitude,
            "longitude": organisation.longitude,
        },
        "job_roles": vacancy.job_roles,
        "phases": vacancy.phases,
        "key_stages": vacancy.key_stages,
        "subjects": vacancy.subjects,
        "working_patterns": vacancy.working_patterns,
        "job_share": vacancy.job_share,
        "contract_type": vacancy.contract_type,
        "fixed_term_length": vacancy.fixed_term_length,
        "salary": vacancy.salary,
        "salary_minimum": vacancy.salary_minimum,
        "salary_maximum": vacancy.salary_maximum,
        "starts_on": vacancy.starts_on.isoformat() if vacancy.starts_on else None,
        "publish_on": vacancy.publish_on.isoformat(),
        "closes_at": vacancy.closes_at.isoformat(),
        "ect_suitable": vacancy.ect_status == "ect_suitable",
        "visa_sponsorship": vacancy.visa_sponsorship,
        "how_to_apply": vacancy.how_to_apply,
        "application_url": vacancy.application_url,
        "about_role": vacancy.about_role,
        "what_school_offers": vacancy.what_school_offers,
    }


@bp.route("/vacancies")
@public
def vacancies():
    try:
        vacancy_search = search_from_args(request.args, strict=True)
    except BadSearch as error:
        return jsonify(error="bad_request", parameter=error.parameter, message=str(error)), 400
    results = search_vacancies(vacancy_search, snippets=False)
    if results.location_problem:
        return jsonify(error="bad_request", parameter="location", message=results.location_problem), 400
    data = []
    for found in results.vacancies:
        posting = job_posting(
            found,
            url=url_for("public.vacancy", vacancy_id=found.id, _external=True),
            organisation_url=url_for("public.organisation", slug=found.organisation.slug, _external=True),
        )
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
        },
        facets=results.facets,
        suggestions=results.suggestions,
    )


@bp.route("/vacancies/<int:vacancy_id>")
@public
def vacancy(vacancy_id: int):
    # Ids are 32-bit integers in the database: a larger number names no vacancy (and would overflow).
    found = live_vacancy(vacancy_id) if 0 < vacancy_id < 2**31 else None
    if found is None:
        abort(404, description="No live vacancy has that id.")
    return jsonify(data=vacancy_json(found))


@bp.route("/openapi.json")
@public
def openapi():
    return jsonify(document())
