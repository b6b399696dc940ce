"""Machine-facing endpoints: health, robots.txt and the sitemap."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, jsonify, render_template, url_for

from marketplace import health
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.links import external_url
from marketplace.organisations.models import Organisation
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.queries import live_condition
from marketplace.web.access import public

bp = Blueprint("platform", __name__, template_folder="templates")


@bp.route("/healthz")
@public
def healthz():
    report = health.check()
    response = jsonify(report.as_dict())
    response.status_code = 200 if report.serving else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/robots.txt")
@public
def robots():
    lines = [
        "User-agent: *",
        # Signed-in areas hold nothing worth indexing: job and school pages are what search engines want.
        "Disallow: /school",
        "Disallow: /moderation",
        "Disallow: /your-applications",
        "Disallow: /sign-in",
        "Disallow: /register",
        "Disallow: /reset-password",
        f"Sitemap: {external_url('platform.sitemap')}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


# The sitemaps protocol's limit on the addresses in one file; tests set a small
# SITEMAP_URLS_PER_FILE in the app's config to see the split without 50,000 listings.
URLS_PER_FILE = 50_000


def _per_file() -> int:
    return max(1, int(current_app.config.get("SITEMAP_URLS_PER_FILE", URLS_PER_FILE)))


def _live_schools(now):
    """Organisations with a live listing: (slug, when their latest live listing changed)."""
    return (
        sa.select(Organisation.slug, sa.func.max(Vacancy.updated_at).label("updated_at"))
        .join(Vacancy, Vacancy.organisation_id == Organisation.id)
        .where(live_condition(now))
        .group_by(Organisation.slug)
    )


def _counts(now) -> dict[str, tuple[int, dt.datetime | None]]:
    """For each kind of sitemap, the addresses it holds and when the newest of them changed."""
    jobs = db.session.execute(
        sa.select(sa.func.count(Vacancy.id), sa.func.max(Vacancy.updated_at)).where(live_condition(now))
    ).one()
    schools = _live_schools(now).subquery()
    organisations = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(schools.c.updated_at)).select_from(schools)
    ).one()
    return {"jobs": (jobs[0], jobs[1]), "schools": (organisations[0], organisations[1])}


def _xml(template: str, **context) -> Response:
    return Response(render_template(template, **context), mimetype="application/xml")


@bp.route("/sitemap.xml")
@public
def sitemap():
    """The sitemap index: one file of the fixed pages, then as many files of jobs and of schools as
    it takes to hold each at URLS_PER_FILE addresses or fewer."""
    files = [(url_for("platform.sitemap_pages"), None)]
    for kind, (count, updated_at) in _counts(utcnow()).items():
        pages = max(1, -(-count // _per_file()))
        files += [
            (url_for("platform.sitemap_file", kind=kind, page=n), updated_at) for n in range(1, pages + 1)
        ]
    return _xml("platform/sitemap_index.xml", base=_base(), files=files)


@bp.route("/sitemap-pages.xml")
@public
def sitemap_pages():
    return _xml("platform/sitemap.xml", base=_base(), pages=[url_for("public.search")], urls=[])


@bp.route("/sitemap-<any(jobs, schools):kind>-<int:page>.xml")
@public
def sitemap_file(kind: str, page: int):
    """One file of the index: at most URLS_PER_FILE jobs or schools, read with a bounded query."""
    now, per_file = utcnow(), _per_file()
    count = _counts(now)[kind][0]
    if page < 1 or (page - 1) * per_file >= max(count, 1):
        abort(404)
    if kind == "jobs":
        query = sa.select(Vacancy.id, Vacancy.updated_at).where(live_condition(now)).order_by(Vacancy.id)
        endpoint, argument = "public.vacancy", "vacancy_id"
    else:
        schools = _live_schools(now).subquery()
        query = sa.select(schools.c.slug, schools.c.updated_at).order_by(schools.c.slug)
        endpoint, argument = "public.organisation", "slug"
    rows = db.session.execute(query.offset((page - 1) * per_file).limit(per_file)).all()
    urls = [(url_for(endpoint, **{argument: key}), updated_at) for key, updated_at in rows]
    return _xml("platform/sitemap.xml", base=_base(), pages=[], urls=urls)


def _base() -> str:
    return current_app.config["BASE_URL"].rstrip("/")
