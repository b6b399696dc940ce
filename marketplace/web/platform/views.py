"""Machine-facing endpoints: health, robots.txt and the sitemap."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, jsonify, render_template

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


@bp.route("/sitemap.xml")
@public
def sitemap():
    now = utcnow()
    vacancies = db.session.execute(
        sa.select(Vacancy.id, Vacancy.updated_at).where(live_condition(now)).order_by(Vacancy.id)
    ).all()
    organisations = db.session.execute(
        sa.select(Organisation.slug, sa.func.max(Vacancy.updated_at))
        .join(Vacancy, Vacancy.organisation_id == Organisation.id)
        .where(live_condition(now))
        .group_by(Organisation.slug)
        .order_by(Organisation.slug)
    ).all()
    base = current_app.config["BASE_URL"].rstrip("/")
    xml = render_template("platform/sitemap.xml", base=base, vacancies=vacancies, organisations=organisations)
    return Response(xml, mimetype="application/xml")
