"""Pages anyone can see: the home page, job search, a job, a school."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from marketplace.analytics.buffer import record_soon
from marketplace.analytics.events import EventName
from marketplace.analytics.sources import classify as view_source
from marketplace.applications.services import existing_application
from marketplace.extensions import db
from marketplace.links import external_url
from marketplace.organisations.models import Organisation
from marketplace.permissions import Permission
from marketplace.search.api import LABELS, search_vacancies, understand_keywords
from marketplace.search.geo import RADIUS_CHOICES
from marketplace.vacancies import queries, vocabulary
from marketplace.vacancies.jobposting import structured_data
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.web.access import public
from marketplace.web.page_cache import cached_for_visitors, dont_cache_this_page
from marketplace.web.search_args import problems as search_problems
from marketplace.web.search_args import search_from_args, search_parameters

bp = Blueprint("public", __name__, template_folder="templates")

FILTER_OPTIONS = {
    "job_roles": ("Job role", vocabulary.JOB_ROLES),
    "phases": ("Education phase", vocabulary.PHASES),
    "key_stages": ("Key stage", vocabulary.KEY_STAGES),
    "subjects": ("Subject", LABELS["subjects"]),
    "working_patterns": ("Working pattern", LABELS["working_patterns"]),
    "contract_types": ("Contract type", vocabulary.CONTRACT_TYPES),
    "organisation_types": ("Organisation type", LABELS["organisation_types"]),
    "school_types": ("School type", LABELS["school_types"]),
}
FLAG_OPTIONS = {name: LABELS[name]["true"] for name in ("ect_suitable", "visa_sponsorship", "quick_apply")}
SORT_LABELS = {
    "relevance": "Most relevant",
    "distance": "Distance",
    "closing_date": "Closing soonest",
    "newest": "Newest job",
}
POSTED_WITHIN = {1: "Last 24 hours", 3: "Last 3 days", 7: "Last week", 14: "Last 2 weeks", 30: "Last month"}


def _search_url(args: MultiDict, **changes) -> str:
    """The search page address with some parameters changed (None removes one), back on page 1."""
    updated = MultiDict(args)
    updated.pop("page", None)
    for name, value in changes.items():
        updated.pop(name, None)
        if value is None:
            continue
        for item in value if isinstance(value, list | tuple) else [value]:
            updated.add(name, item)
    return url_for("public.search", **updated.to_dict(flat=False))


_ID_MARK = 2**31 - 1  # stands in for a listing's id while an address is built (no listing has it)


def _around_id(address: str) -> tuple[str, str]:
    """An address built for _ID_MARK, as the text before and after the id: the results list then
    joins them around each listing's id instead of routing an address per result."""
    path, separator, query = address.partition("?")
    before, _, after = path.rpartition(str(_ID_MARK))
    return before, after + separator + query


def _facet_groups(results) -> list[tuple[str, str, list[tuple]]]:
    """Each list filter's options as the form shows them, worked out in one pass: (value, label, the
    checkbox's id, whether it is ticked, its count or None). An option is shown when it is ticked or
    has jobs; every option is shown when there are no counts (the database fallback)."""
    search, facets = results.search, results.facets
    groups = []
    for name, (legend, options) in FILTER_OPTIONS.items():
        selected = getattr(search, name)
        counts = facets.get(name, {})
        rows = []
        for value, label in options.items():
            checked = value in selected
            count = counts.get(value, 0)
            if checked or count or not facets:
                ident = f"{name}-{value.replace(' ', '-')}"
                rows.append((value, label, ident, checked, count if facets else None))
        groups.append((name, legend, rows))
    return groups


def _page_prefix(args: MultiDict) -> str:
    """The address of a page of the same search, but for its number."""
    address = _search_url(args)
    return address + ("&" if "?" in address else "?") + "page="


def _filter_tags(search, args: MultiDict) -> list[dict]:
    """Each filter in use, with the address of the same search without it (the removable tags)."""
    tags = []
    for name, values in search.active_filters().items():
        if name in FILTER_OPTIONS:
            labels = FILTER_OPTIONS[name][1]
            for value in values:
                rest = [v for v in values if v != value]
                tags.append(
                    {"label": labels.get(value, value), "href": _search_url(args, **{name: rest or None})}
                )
        elif name in FLAG_OPTIONS:
            tags.append({"label": FLAG_OPTIONS[name], "href": _search_url(args, **{name: None})})
        elif name == "minimum_salary":
            tags.append({"label": f"At least £{values:,}", "href": _search_url(args, minimum_salary=None)})
        elif name == "posted_within_days":
            label = POSTED_WITHIN.get(values, f"Posted in the last {values} days")
            tags.append({"label": label, "href": _search_url(args, posted_within_days=None)})
        elif name == "organisation":
            tags.append({"label": f"School or trust: {values}", "href": _search_url(args, organisation=None)})
    return tags


@bp.route("/")
@public
@cached_for_visitors
def home():
    return render_template("public/home.html")


@bp.route("/jobs")
@public
@cached_for_visitors
def search():
    vacancy_search = search_from_args(request.args)
    # A place or salary typed as keywords becomes the location or minimum salary: the address says
    # so, and the page shows them like any filter, ready to remove.
    understood_search, understood = understand_keywords(vacancy_search)
    if understood:
        changes = {
            "keyword": understood_search.keywords or None,
            "location": understood_search.location or None,
            "minimum_salary": understood_search.minimum_salary,
        }
        address = _search_url(search_parameters(request.args), **changes)
        separator = "&" if "?" in address else "?"
        return redirect(address + separator + "&".join(f"understood={name}" for name in understood))
    # The keywords were looked through for a place or salary just above.
    results = search_vacancies(vacancy_search, load=queries.RESULT_LIST, understand=False)
    page = _search_page(results)
    if results.degraded:  # the database's simpler answer: the index may be back for the next visitor
        dont_cache_this_page()
    # Counted in memory and written with others in a few seconds: no write on the page's path.
    record_soon(EventName.SEARCH_PERFORMED, has_keywords=bool(vacancy_search.keywords), results=results.total)
    return page


@bp.route("/jobs/filters")
@public
def search_filters():
    """The search's filters on a page of their own, where "Filter results" leads on a phone without
    JavaScript; its form shows the results on the search page."""
    results = search_vacancies(search_from_args(request.args), load=queries.RESULT_LIST)
    return _search_page(results, filters_page=True)


def _search_page(results, filters_page: bool = False) -> str:
    args = search_parameters(request.args)
    return render_template(
        "public/search.html",
        filters_page=filters_page,
        search=results.search,
        results=results,
        filter_options=FILTER_OPTIONS,
        facet_groups=_facet_groups(results),
        flag_options=FLAG_OPTIONS,
        sort_labels=SORT_LABELS,
        posted_within=POSTED_WITHIN,
        radius_choices=[r for r in RADIUS_CHOICES if r],
        filter_tags=_filter_tags(results.search, args),
        search_url=lambda **changes: _search_url(args, **changes),
        page_href=_page_prefix(args),
        job_href=_around_id(url_for("public.vacancy", vacancy_id=_ID_MARK))[0],
        save_href=_around_id(url_for("saved_jobs.save", vacancy_id=_ID_MARK, next=request.full_path)),
        search_args=args,
        feed_url=url_for("feeds.jobs", **args.to_dict(flat=False)),
        labels=LABELS,
        understood=set(request.args.getlist("understood")),
        # A value the search could not use is shown back with its error, never dropped silently.
        errors=search_problems(request.args),
    )


@bp.route("/jobs/<int:vacancy_id>")
@public
def vacancy(vacancy_id: int):
    # The listing, its organisation, schools and documents in three queries, all the page needs.
    found = queries.once_public_vacancy(vacancy_id, load=queries.JOB_PAGE)
    if found is None:
        abort(404)
    if found.status is VacancyStatus.REMOVED:
        return render_template("public/vacancy_removed.html", vacancy=found), 410
    if not found.is_live():
        # A closed job keeps its page (people follow old links) but is no longer offered to search engines.
        return render_template("public/vacancy.html", vacancy=found, closed=True)
    application = None
    if current_user.is_authenticated and current_user.can(Permission.APPLICATION_CREATE):
        application = existing_application(current_user, found.id)
    structured = structured_data(
        found,
        url=external_url("public.vacancy", vacancy_id=found.id),
        organisation_url=external_url("public.organisation", slug=found.organisation.slug),
    )
    page = render_template(
        "public/vacancy.html", vacancy=found, application=application, structured=structured
    )
    # Only a bucket (search, alert email, search engine…) is kept: never the referring address itself.
    source = view_source(request.referrer, request.args.get("src"), request.host)
    record_soon(
        EventName.VACANCY_VIEWED, vacancy_id=found.id, organisation_id=found.organisation_id, source=source
    )
    return page


@bp.route("/schools/<slug>")
@public
def organisation(slug: str):
    found = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
    if found is None:
        abort(404)
    return render_template(
        "public/organisation.html", organisation=found, vacancies=queries.live_vacancies_of(found.id)
    )
