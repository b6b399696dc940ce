"""Pages anyone can see: the home page, job search, a job, a school."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from marketplace.analytics.events import EventName, record
from marketplace.applications.services import existing_application
from marketplace.extensions import db
from marketplace.organisations.models import Organisation
from marketplace.permissions import Permission
from marketplace.search.service import search_vacancies
from marketplace.vacancies import queries, vocabulary
from marketplace.web.access import public
from marketplace.web.search_args import search_from_args

bp = Blueprint("public", __name__, template_folder="templates")

FILTER_OPTIONS = {
    "job_roles": ("Job role", vocabulary.JOB_ROLES),
    "phases": ("Education phase", vocabulary.PHASES),
    "working_patterns": ("Working pattern", vocabulary.WORKING_PATTERNS),
}


@bp.route("/")
@public
def home():
    return render_template("public/home.html")


@bp.route("/jobs")
@public
def search():
    vacancy_search = search_from_args(request.args)
    results = search_vacancies(vacancy_search)
    record(EventName.SEARCH_PERFORMED, has_keywords=bool(vacancy_search.keywords), results=results.total)
    db.session.commit()
    return render_template(
        "public/search.html", search=vacancy_search, results=results, filter_options=FILTER_OPTIONS
    )


@bp.route("/jobs/<int:vacancy_id>")
@public
def vacancy(vacancy_id: int):
    found = queries.live_vacancy(vacancy_id)
    if found is None:
        abort(404)
    record(EventName.VACANCY_VIEWED, vacancy_id=found.id, organisation_id=found.organisation_id)
    db.session.commit()
    application = None
    if current_user.is_authenticated and current_user.can(Permission.APPLICATION_CREATE):
        application = existing_application(current_user, found.id)
    return render_template("public/vacancy.html", vacancy=found, application=application)


@bp.route("/schools/<slug>")
@public
def organisation(slug: str):
    found = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
    if found is None:
        abort(404)
    return render_template(
        "public/organisation.html", organisation=found, vacancies=queries.live_vacancies_of(found.id)
    )
