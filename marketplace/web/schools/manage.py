"""Hiring staff managing a listing: its page with statistics, extend, end early, copy, relist, delete.

Adds its routes to the `schools` blueprint. Each view finds the listing among the user's own (404
otherwise), validates a form, runs one use-case from publishing.management through `attempt`, flashes
and redirects: problems with what was typed show beside their fields with what was typed, and a
refusal for the listing's state is said on the listing's page.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from marketplace.analytics import listings
from marketplace.applications import queries as application_queries
from marketplace.db import UK, utcnow
from marketplace.extensions import db
from marketplace.moderation import appeals
from marketplace.moderation.models import DecisionOutcome
from marketplace.moderation.screening import ListingBlocked
from marketplace.publishing import management
from marketplace.vacancies import steps
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import ClosingDateExtension, Vacancy, VacancyEnding
from marketplace.web.once import COPY_VACANCY, RELIST_VACANCY, answer_to_race, earlier_answer, remember
from marketplace.web.outcomes import attempt
from marketplace.web.schools import bp
from marketplace.web.schools.manage_forms import CopyForm, EndEarlyForm, ExtendForm, RelistForm
from marketplace.web.schools.views import manage, manage_verified, own_vacancy_or_404

# The moderator's decision a listing's page shows, by the status that decision left it in.
SHOWS_DECISION = {
    VacancyStatus.REJECTED: DecisionOutcome.REJECTED,
    VacancyStatus.REMOVED: DecisionOutcome.REMOVED,
    VacancyStatus.DRAFT: DecisionOutcome.CHANGES_REQUESTED,
}


def _back_to(vacancy: Vacancy):
    return redirect(url_for("schools.vacancy", vacancy_id=vacancy.id))


def _refused(vacancy: Vacancy, message: str):
    """The listing's state does not allow this: say why on the listing's page."""
    flash(message, "info")
    return _back_to(vacancy)


def _done(vacancy: Vacancy, message: str):
    flash(message, "success")
    return _back_to(vacancy)


def _use_case(form, **options):
    """A listing's use-case: problems beside their fields, a refusal for the listing's state flashed (the
    view then goes back to the listing's page, `done.flashed`)."""
    return attempt(form, flash_whole=True, **options)


@bp.app_template_global()
def application_counts(vacancies: list[Vacancy]) -> dict[int, int]:
    """Submitted applications per listing, for the dashboard's rows (one query for the whole tab)."""
    return listings.submitted_counts(v.id for v in vacancies)


@bp.app_template_global()
def listing_actions(vacancy: Vacancy) -> list[tuple[str, str]]:
    """The management links a listing offers in its state, as (label, endpoint)."""
    status = vacancy.status
    actions = []
    # The wizard also edits live and scheduled listings (re-checked on saving), not only drafts.
    if status in steps.WIZARD_EDITABLE:
        actions.append(("Edit", "schools.edit_vacancy"))
    if status in management.EXTENDABLE:
        actions.append(("Extend", "schools.extend_vacancy"))
    if status in management.ENDABLE:
        actions.append(("End early", "schools.end_vacancy_early"))
    if status in management.RELISTABLE:
        actions.append(("Relist", "schools.relist_vacancy"))
    if status in management.COPYABLE:
        actions.append(("Copy", "schools.copy_vacancy"))
    if status is VacancyStatus.DRAFT:
        actions.append(("Delete", "schools.confirm_delete_vacancy"))
    if status in appeals.APPEALABLE and appeals.appealable_decision(vacancy) is not None:
        actions.append(("Appeal this decision", "appeals.appeal"))
    return actions


@bp.route("/vacancies/<int:vacancy_id>")
@manage
def vacancy(vacancy_id: int):
    from marketplace.moderation.services import latest_decision

    vacancy = own_vacancy_or_404(vacancy_id)
    decision = latest_decision(vacancy.id) if vacancy.status in SHOWS_DECISION else None
    if decision is not None and decision.outcome is not SHOWS_DECISION[vacancy.status]:
        decision = None  # e.g. a listing taken down with its organisation: no moderator's reason to show
    extensions = db.session.scalars(
        sa.select(ClosingDateExtension)
        .where(ClosingDateExtension.vacancy_id == vacancy.id)
        .order_by(ClosingDateExtension.extended_at)
    ).all()
    ending = db.session.scalar(sa.select(VacancyEnding).where(VacancyEnding.vacancy_id == vacancy.id))
    return render_template(
        "schools/vacancy.html",
        vacancy=vacancy,
        decision=decision,
        appealable=appeals.appealable_decision(vacancy) is not None,
        appeal=appeals.appeal_for(vacancy.id),
        applications=application_queries.received_by(current_user, vacancy.id),
        editable=vacancy.status in steps.WIZARD_EDITABLE,
        statistics=listings.for_vacancy(vacancy.id),
        extensions=extensions,
        ending=ending,
        management=management,
        now=utcnow(),
    )


@bp.route("/vacancies/<int:vacancy_id>/extend", methods=["GET", "POST"])
@manage
def extend_vacancy(vacancy_id: int):
    vacancy = own_vacancy_or_404(vacancy_id)
    if vacancy.status not in management.EXTENDABLE:
        return _refused(
            vacancy, "Only live, scheduled or expired listings can have their closing date extended."
        )
    current_time = vacancy.closes_at.astimezone(UK).strftime("%H:%M")
    form = ExtendForm()
    form.offer_closing_time(current_time)
    if request.method == "GET":
        form.closing_time.data = current_time
    if form.validate_on_submit():
        with _use_case(form) as done:
            management.extend_closing_date(
                current_user,
                vacancy,
                closing_date=form.closing_date.data,
                closing_time=form.closing_time.data,
                reason=form.reason.data,
            )
        if done:
            return _done(vacancy, f"The closing date is now {_closing_words(vacancy)}.")
        if done.flashed:
            return _back_to(vacancy)
    return render_template("schools/manage/extend.html", form=form, vacancy=vacancy)


def _closing_words(vacancy: Vacancy) -> str:
    local = vacancy.closes_at.astimezone(UK)
    return f"{local:%-d %B %Y} at {local:%H:%M}"


@bp.route("/vacancies/<int:vacancy_id>/end-early", methods=["GET", "POST"])
@manage
def end_vacancy_early(vacancy_id: int):
    vacancy = own_vacancy_or_404(vacancy_id)
    if vacancy.status not in management.ENDABLE:
        return _refused(vacancy, "Only live or scheduled listings can be ended early.")
    form = EndEarlyForm()
    if form.validate_on_submit():
        filled, through = form.answers()
        with _use_case(form) as done:
            management.end_early(current_user, vacancy, filled=filled, through_marketplace=through)
        if done:
            return _done(
                vacancy, "The listing has closed. Jobseekers can no longer see it in search or apply."
            )
        if done.flashed:
            return _back_to(vacancy)
    return render_template("schools/manage/end_early.html", form=form, vacancy=vacancy)


@bp.route("/vacancies/<int:vacancy_id>/copy", methods=["GET", "POST"])
@manage
def copy_vacancy(vacancy_id: int):
    vacancy = own_vacancy_or_404(vacancy_id)
    if vacancy.status not in management.COPYABLE:
        return _refused(vacancy, "This listing was removed by a moderator, so it cannot be copied.")
    form = CopyForm()
    if request.method == "GET":
        form.title.data = vacancy.title
    if form.validate_on_submit():
        if answer := earlier_answer(form, COPY_VACANCY):
            return answer
        try:
            with _use_case(form) as done:
                copy = management.copy_listing(
                    current_user,
                    vacancy,
                    title=form.title.data,
                    dates=form.dates(),
                )
                remember(form, COPY_VACANCY, _path_of(copy), COPIED)
        except IntegrityError as error:
            return answer_to_race(form, COPY_VACANCY, error)
        if done:
            return _done(copy, COPIED)
        if done.flashed:
            return _back_to(vacancy)
    return render_template("schools/manage/copy.html", form=form, vacancy=vacancy)


@bp.route("/vacancies/<int:vacancy_id>/relist", methods=["GET", "POST"])
@manage_verified
def relist_vacancy(vacancy_id: int):
    vacancy = own_vacancy_or_404(vacancy_id)
    if vacancy.status not in management.RELISTABLE:
        return _refused(vacancy, "Only closed or expired listings can be relisted.")
    form = RelistForm()
    if form.validate_on_submit():
        if answer := earlier_answer(form, RELIST_VACANCY):
            return answer
        try:
            with _use_case(form, keep=ListingBlocked) as done:
                try:
                    relisted = management.relist(
                        current_user,
                        vacancy,
                        dates=form.dates(),
                    )
                except ListingBlocked as blocked:  # the new draft is kept: a second click finds it
                    remember(form, RELIST_VACANCY, _path_of(blocked.draft), _blocked_message(blocked), "info")
                    raise
                remember(form, RELIST_VACANCY, _path_of(relisted), _relisted_message(relisted))
        except IntegrityError as error:
            return answer_to_race(form, RELIST_VACANCY, error)
        if done:
            return _done(relisted, _relisted_message(relisted))
        if isinstance(done.refusal, ListingBlocked):  # the new draft is kept, with the policy's refusal
            return _refused(done.refusal.draft, _blocked_message(done.refusal))
        if done.flashed:
            return _back_to(vacancy)
    return render_template("schools/manage/relist.html", form=form, vacancy=vacancy)


COPIED = "A copy has been saved as a draft. Check it, then submit it for review."


def _path_of(vacancy: Vacancy) -> str:
    return url_for("schools.vacancy", vacancy_id=vacancy.id)


def _blocked_message(blocked: ListingBlocked) -> str:
    return f"Your new listing is saved as a draft. {blocked}"


def _relisted_message(vacancy: Vacancy) -> str:
    if vacancy.status is VacancyStatus.PUBLISHED:
        return "The job is advertised again: the new listing passed our checks and is live."
    if vacancy.status is VacancyStatus.SCHEDULED:
        return f"The new listing passed our checks and will go live on {vacancy.publish_on:%-d %B %Y}."
    return "The new listing has been sent for review. We will email you when a moderator has checked it."


@bp.route("/vacancies/<int:vacancy_id>/delete", methods=["GET"])
@manage
def confirm_delete_vacancy(vacancy_id: int):
    """Asks before deleting a draft; the deletion itself is the POST to the same address."""
    vacancy = own_vacancy_or_404(vacancy_id)
    if vacancy.status is not VacancyStatus.DRAFT:
        return _refused(vacancy, "Only drafts can be deleted.")
    return render_template("schools/manage/delete.html", vacancy=vacancy)
