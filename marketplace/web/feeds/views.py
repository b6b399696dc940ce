"""Atom feeds of new listings: for everything, or for any search (the same query string as /jobs)."""

from __future__ import annotations

import dataclasses

from flask import Blueprint, Response, current_app, render_template, request, url_for

from marketplace.db import utcnow
from marketplace.search.api import search_vacancies
from marketplace.web.access import public
from marketplace.web.search_args import search_from_args

bp = Blueprint("feeds", __name__, template_folder="templates")

FEED_SIZE = 50


@bp.route("/jobs/feed")
@public
def jobs():
    """The newest live listings matching the search in the query string."""
    search = dataclasses.replace(search_from_args(request.args), sort="newest", page=1, per_page=FEED_SIZE)
    results = search_vacancies(search)
    base = current_app.config["BASE_URL"].rstrip("/")
    query = request.query_string.decode()
    xml = render_template(
        "feeds/jobs.xml",
        vacancies=results.vacancies,
        base=base,
        self_url=f"{base}{url_for('feeds.jobs')}" + (f"?{query}" if query else ""),
        page_url=f"{base}{url_for('public.search')}" + (f"?{query}" if query else ""),
        title=f"Teaching jobs: {search.keywords}" if search.keywords else "New teaching jobs",
        updated=max((v.posted_at for v in results.vacancies), default=utcnow()),
    )
    return Response(xml, mimetype="application/atom+xml")
