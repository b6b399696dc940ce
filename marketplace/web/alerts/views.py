"""Job alerts: set one up from a search, confirm it, manage it, unsubscribe in one click, and the
tracked links in digests.

The unsubscribe address accepts a POST without a CSRF token or a session (RFC 8058 one-click
unsubscribe: mail clients post `List-Unsubscribe=One-Click` to it); the signed token in the address
is what authorises it. A GET only shows the page with its button, so link scanners that fetch every
link in an email unsubscribe nobody.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.alerts import services
from marketplace.alerts.matching import criteria_of, query_args
from marketplace.alerts.models import AlertFrequency
from marketplace.alerts.similar import similar_jobs
from marketplace.analytics.events import EventName, record
from marketplace.db import utcnow
from marketplace.extensions import csrf, db, limiter
from marketplace.permissions import Permission
from marketplace.search.geo import UnknownLocation, resolve
from marketplace.unit_of_work import unit_of_work
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.queries import once_public_vacancy
from marketplace.web.access import public, requires
from marketplace.web.alerts.forms import FrequencyForm, NewAlertForm
from marketplace.web.search_args import PARAMETERS, search_from_args

bp = Blueprint("alerts", __name__, template_folder="templates")

manage_alerts = requires(Permission.JOB_ALERTS_MANAGE)
# Search parameters that do not change which jobs an alert sends.
_NOT_KEPT = frozenset({"page", "per_page", "sort", "posted_within_days"})


@bp.app_template_global("similar_jobs")
def similar_jobs_for(vacancy: Vacancy) -> list[Vacancy]:
    return similar_jobs(vacancy)


@bp.app_template_global()
def job_alert_url(args, keyword: str | None = None) -> str:
    """The "Get job alerts for this search" address for the search page's query string, with `keyword`
    in place of the typed keywords when given."""
    kept = {name: args.getlist(name) for name in PARAMETERS if name in args and name not in _NOT_KEPT}
    if keyword is not None:
        kept["keyword"] = [keyword]
    return url_for("alerts.new", **kept)


def _signed_in_jobseeker() -> bool:
    return current_user.is_authenticated and current_user.can(Permission.JOB_ALERTS_MANAGE)


def _alert_limit() -> str:
    return current_app.config["ALERT_RATE_LIMIT"]


@bp.route("/job-alerts/new", methods=["GET", "POST"])
@public
@limiter.limit(_alert_limit, methods=["POST"])  # each one by email sends a confirmation email
def new():
    search = search_from_args(request.args)
    by_account = _signed_in_jobseeker()
    form = NewAlertForm()
    criteria_problem = None
    if search.location:
        try:
            resolve(search.location, db.session)
        except UnknownLocation as problem:
            criteria_problem = str(problem)
    if not criteria_of(search):
        criteria_problem = "Search with keywords, a location or a filter first, then set up an alert for it."
    if form.validate_on_submit() and criteria_problem is None:
        if not by_account and not form.email.data:
            form.email.errors.append("Enter your email address")
        else:
            with unit_of_work():
                created = services.create_alert(
                    search,
                    AlertFrequency(form.frequency.data),
                    user=current_user if by_account else None,
                    email=None if by_account else form.email.data,
                )
            if created.needs_confirmation:
                return redirect(url_for("alerts.check_your_email"))
            flash("Your job alert is set up.", "success")
            return redirect(url_for("alerts.index"))
    return render_template(
        "alerts/new.html",
        form=form,
        by_account=by_account,
        description=services.describe(criteria_of(search)),
        criteria_problem=criteria_problem,
        back=url_for("public.search", **query_args(criteria_of(search))),
    )


@bp.route("/job-alerts/check-your-email")
@public
def check_your_email():
    return render_template("alerts/check_your_email.html")


@bp.route("/job-alerts/confirm/<token>")
@public
def confirm(token: str):
    try:
        with unit_of_work():
            alert = services.confirm_alert(token)
    except services.AlertLinkExpired:
        return render_template("alerts/link_problem.html", expired=True), 400
    except services.AlertLinkInvalid:
        return render_template("alerts/link_problem.html", expired=False), 404
    return render_template(
        "alerts/confirmed.html", alert=alert, description=services.describe(alert.criteria)
    )


@bp.route("/job-alerts")
@manage_alerts
def index():
    alerts = services.alerts_of(current_user)
    return render_template(
        "alerts/index.html",
        alerts=[(alert, services.describe(alert.criteria)) for alert in alerts],
        search_url=lambda alert: url_for("public.search", **query_args(alert.criteria)),
        form=FrequencyForm(),
    )


@bp.route("/job-alerts/<int:alert_id>/frequency", methods=["POST"])
@manage_alerts
def change_frequency(alert_id: int):
    alert = services.alert_of(current_user, alert_id)
    if alert is None:
        abort(404)
    form = FrequencyForm()
    if form.validate_on_submit():
        with unit_of_work():
            services.change_frequency(alert, AlertFrequency(form.frequency.data))
        flash(f"You will get this alert {alert.frequency.label.lower()}.", "success")
    else:
        flash("Select how often you want emails.", "info")
    return redirect(url_for("alerts.index"))


@bp.route("/job-alerts/<int:alert_id>/delete", methods=["POST"])
@manage_alerts
def delete(alert_id: int):
    alert = services.alert_of(current_user, alert_id)
    if alert is None:
        abort(404)
    with unit_of_work():
        services.delete_alert(alert)
    flash("Your job alert is deleted. You will not get any more emails for it.", "success")
    return redirect(url_for("alerts.index"))


@bp.route("/job-alerts/manage/<token>", methods=["GET", "POST"])
@public
def manage(token: str):
    """An email-only alert's own page, reached from the link in each digest."""
    try:
        alert = services.alert_from_token(token, "manage")
    except services.AlertLinkInvalid:
        return render_template("alerts/unsubscribed.html", gone=True), 404
    form = FrequencyForm(frequency=alert.frequency.value)
    if form.validate_on_submit():
        with unit_of_work():
            services.change_frequency(alert, AlertFrequency(form.frequency.data))
        flash(f"You will get this alert {alert.frequency.label.lower()}.", "success")
        return redirect(url_for("alerts.manage", token=token))
    return render_template(
        "alerts/manage.html",
        form=form,
        alert=alert,
        description=services.describe(alert.criteria),
        unsubscribe_url=url_for("alerts.unsubscribe", token=services.alert_token(alert, "unsubscribe")),
    )


@bp.route("/job-alerts/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt
def unsubscribe(token: str):
    try:
        alert = services.alert_from_token(token, "unsubscribe")
    except services.AlertLinkInvalid:
        # Already unsubscribed (the alert is gone) or not our link: either way nothing will be sent.
        return render_template("alerts/unsubscribed.html", gone=True), (
            200 if request.method == "POST" else 404
        )
    description = services.describe(alert.criteria)
    if request.method == "POST":
        with unit_of_work():
            services.delete_alert(alert)
        return render_template("alerts/unsubscribed.html", gone=False, description=description)
    return render_template("alerts/unsubscribe.html", description=description)


@bp.route("/job-alerts/click/<token>")
@public
def click(token: str):
    """A job link in a digest: counted (which job, which frequency; nothing about the person), then
    on to the job."""
    try:
        vacancy_id, frequency = services.read_click_token(token)
    except services.AlertLinkInvalid:
        abort(404)
    vacancy = once_public_vacancy(vacancy_id)
    if vacancy is None:
        abort(404)
    with unit_of_work():
        record(
            EventName.ALERT_CLICKED,
            vacancy_id=vacancy.id,
            organisation_id=vacancy.organisation_id,
            frequency=frequency,
            live=vacancy.is_live(utcnow()),
        )
    # Tagged so the listing's statistics count this view as coming from a job alert email.
    return redirect(url_for("public.vacancy", vacancy_id=vacancy.id, src="alert"))
