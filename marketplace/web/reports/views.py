"""'Report this listing': anyone may report a live listing, once, without an account; an address given
is confirmed through an emailed link before the report counts towards hiding the listing."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.extensions import db, limiter
from marketplace.moderation import reports
from marketplace.moderation.models import ReportCategory
from marketplace.unit_of_work import unit_of_work
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.queries import live_vacancy
from marketplace.web.access import public
from marketplace.web.once import REPORT_LISTING, AnsweredBefore, earlier_answer, remember, stop_if_answered
from marketplace.web.outcomes import attempt, once_more_if_raced
from marketplace.web.reports.forms import ConfirmReportForm, ReportForm

bp = Blueprint("reports", __name__, template_folder="templates")

THANKS = "Thank you, a moderator will look at it."


def _report_limit() -> str:
    return current_app.config["REPORT_RATE_LIMIT"]


def _listing_limit() -> str:
    return current_app.config["REPORT_LISTING_RATE_LIMIT"]


def _listing_key() -> str:
    # Everyone's reports about one listing share a budget, so a crowd of addresses cannot flood it either.
    return f"listing:{(request.view_args or {}).get('vacancy_id')}"


@bp.route("/jobs/<int:vacancy_id>/report", methods=["GET", "POST"])
@public
@limiter.limit(_report_limit, methods=["POST"])
@limiter.limit(_listing_limit, methods=["POST"], key_func=_listing_key, scope="listing")
def report(vacancy_id: int):
    vacancy = live_vacancy(vacancy_id)
    if vacancy is None:
        abort(404)
    form = ReportForm()
    signed_in = current_user.is_authenticated
    if form.validate_on_submit():
        if answer := earlier_answer(form, REPORT_LISTING):
            return answer  # the same form sent again: one report, and the same answer
        # The same reporter twice at once: one report is kept; the second run gives the first's answer
        # when it was the same form, and says the listing was already reported when it was another.
        try:
            with attempt() as done:
                receipt = once_more_if_raced(lambda: _report_once(vacancy, form, signed_in))
        except AnsweredBefore as before:
            return before.response
        if done:
            flash(_receipt_message(receipt), "success")
        if live_vacancy(vacancy_id) is None:
            return redirect(url_for("public.search"))
        return redirect(url_for("public.vacancy", vacancy_id=vacancy_id))
    return render_template("reports/report.html", vacancy=vacancy, form=form), 400 if form.errors else 200


def _report_once(vacancy: Vacancy, form: ReportForm, signed_in: bool) -> reports.ReportReceipt:
    """Make the report and remember the form's key with the answer. Run again after a race (see
    once_more_if_raced), a second copy of the same form finds the first's key and gives its answer."""
    stop_if_answered(form, REPORT_LISTING)
    receipt = reports.report_listing(
        vacancy,
        category=ReportCategory(form.category.data),
        details=form.details.data or "",
        reporter_email=None if signed_in else form.email.data or None,
        reporter=current_user if signed_in else None,
        network_address=request.remote_addr,
        hide_after=current_app.config["REPORTS_TO_HIDE"],
    )
    # Where the reporter goes next: the listing, unless the reports have just hidden it.
    shown = live_vacancy(vacancy.id) is not None
    next_page = url_for("public.vacancy", vacancy_id=vacancy.id) if shown else url_for("public.search")
    remember(form, REPORT_LISTING, next_page, _receipt_message(receipt))
    return receipt


def _receipt_message(receipt: reports.ReportReceipt) -> str:
    if not receipt.needs_confirmation:
        return THANKS
    address = receipt.report.reporter_email
    if receipt.link_resent:
        return (
            f"You have already reported this listing. We have sent a new link to {address}: "
            "check your email to confirm your report."
        )
    return (
        f"Check your email to confirm your report. We have sent a link to {address}. "
        "Moderators can already see your report; once you confirm it, it also counts towards "
        "hiding the listing while they check it."
    )


@bp.errorhandler(429)
def too_many(error):
    if getattr(getattr(error, "limit", None), "scope", None) == "listing":
        return render_template("reports/too_many_reports.html"), 429
    return render_template("errors/429.html", error=error), 429


@bp.route("/reports/confirm/<token>", methods=["GET", "POST"])
@public
def confirm(token: str):
    """The emailed link shows a button, so a mail scanner opening the link confirms nothing."""
    try:
        found = reports.report_for_link(token)
    except reports.ReportLinkInvalid as error:
        return _link_problem(error)
    form = ConfirmReportForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                found = reports.confirm_report(token, hide_after=current_app.config["REPORTS_TO_HIDE"])
        except reports.ReportLinkInvalid as error:  # confirmed in another tab a moment ago
            return _link_problem(error)
        vacancy = db.session.get(Vacancy, found.vacancy_id)
        return _private(render_template("reports/confirmed.html", vacancy=vacancy, report=found))
    vacancy = db.session.get(Vacancy, found.vacancy_id)
    return _private(render_template("reports/confirm.html", vacancy=vacancy, report=found, form=form))


def _link_problem(error: reports.ReportLinkInvalid):
    if isinstance(error, reports.ReportAlreadyConfirmed):
        vacancy = db.session.get(Vacancy, error.report.vacancy_id)
        return _private(
            render_template("reports/confirmed.html", vacancy=vacancy, report=error.report, already=True)
        )
    problem = "expired" if isinstance(error, reports.ReportLinkExpired) else "invalid"
    status = 410 if problem == "expired" else 404
    return _private(render_template("reports/link_problem.html", problem=problem), status)


def _private(page, status: int = 200):
    # The address holds a token: never pass it on in a Referer header or leave it in a cache.
    response = current_app.make_response((page, status))
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
