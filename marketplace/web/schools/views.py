"""Hiring staff: the dashboard, statistics, submitting and deleting a listing, and the helpers the
other route modules of the `schools` blueprint share."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.moderation.screening import ListingBlocked
from marketplace.organisations.queries import organisation_ids_for, organisations_for
from marketplace.organisations.services import claim_status, pending_requests_by
from marketplace.permissions import Permission
from marketplace.publishing import submission
from marketplace.vacancies import queries, services
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from marketplace.web.access import requires
from marketplace.web.analytics_views import build_funnel, csv_response, period_days
from marketplace.web.outcomes import attempt
from marketplace.web.schools import bp

manage = requires(Permission.VACANCY_MANAGE)
manage_verified = requires(Permission.VACANCY_MANAGE, verified_email=True)


def claim_statuses() -> list[str]:
    """What each of the current user's pending claims waits for: all they see of those schools."""
    return [claim_status(claim) for claim in pending_requests_by(current_user)]


def own_vacancy_or_404(vacancy_id: int) -> Vacancy:
    """One of the user's organisations' listings; 404 for anyone else's, whatever its id."""
    vacancy = queries.vacancy_for_staff(current_user, vacancy_id)
    if vacancy is None:
        abort(404)
    return vacancy


@bp.route("")
@manage
def dashboard():
    tab = request.args.get("tab", "live")
    if tab not in queries.DASHBOARD_TABS:
        tab = "live"
    vacancies, counts = queries.dashboard(current_user, tab)
    return render_template(
        "schools/dashboard.html",
        tab=tab,
        tabs=queries.DASHBOARD_TABS,
        counts=counts,
        vacancies=vacancies,
        organisations=organisations_for(current_user),
        claims=claim_statuses(),
    )


def submitted_message(vacancy) -> str:
    """What the moderation policy decided, in the school's words."""
    if vacancy.status is VacancyStatus.PUBLISHED:
        return "Your listing is live: it passed our checks, so it was published straight away."
    if vacancy.status is VacancyStatus.SCHEDULED:
        return f"Your listing passed our checks and will go live on {vacancy.publish_on:%-d %B %Y}."
    return "Your listing has been sent for review. We will email you when a moderator has checked it."


@bp.route("/vacancies/<int:vacancy_id>/submit", methods=["POST"])
@manage_verified
def submit_vacancy(vacancy_id: int):
    vacancy = own_vacancy_or_404(vacancy_id)
    # A policy's refusal is kept: it belongs in the audit trail.
    with attempt(keep=ListingBlocked, show=False) as done:
        submission.submit_for_review(current_user, vacancy)
    if done:
        flash(submitted_message(vacancy), "success")
        return redirect(url_for("schools.vacancy", vacancy_id=vacancy.id))
    if isinstance(done.refusal, ListingBlocked):
        flash(str(done.refusal), "info")
    else:
        flash(f"This listing could not be sent for review: {done.refusal}", "info")
    return redirect(url_for("schools.edit_vacancy", vacancy_id=vacancy.id))


@bp.route("/vacancies/<int:vacancy_id>/delete", methods=["POST"])
@manage
def delete_vacancy(vacancy_id: int):
    vacancy = own_vacancy_or_404(vacancy_id)
    with attempt() as done:
        services.delete_draft(current_user, vacancy)
    if not done:
        return redirect(url_for("schools.vacancy", vacancy_id=vacancy.id))
    flash("The draft has been deleted.", "success")
    return redirect(url_for("schools.dashboard", tab="drafts"))


@bp.route("/statistics")
@manage
def statistics():
    days = period_days()
    return render_template(
        "schools/statistics.html",
        funnel=build_funnel(days, organisation_ids_for(current_user)),
        days=days,
        organisations=organisations_for(current_user),
    )


@bp.route("/statistics/download")
@manage
def statistics_download():
    days = period_days()
    return csv_response(
        build_funnel(days, organisation_ids_for(current_user)), f"statistics-last-{days}-days.csv"
    )
