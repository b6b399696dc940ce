"""Hiring staff managing a listing: its page with statistics, extend, end early, copy, relist, delete.

Adds its routes to the `schools` blueprint. Each view finds the listing among the user's own (404
otherwise), validates a form, calls one use-case from publishing.management, commits, flashes and
redirects; every form shows again with its problems and what was typed.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.analytics import listings
from marketplace.applications import queries as application_queries
from marketplace.db import UK, utcnow
from marketplace.extensions import db
from marketplace.moderation import appeals
from marketplace.moderation.models import DecisionOutcome
from marketplace.moderation.screening import ListingBlocked
from marketplace.permissions import Permission
from marketplace.publishing import management
from marketplace.vacancies import queries, services, steps
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import ClosingDateExtension, Vacancy, VacancyEnding
from marketplace.web.access import requires
from marketplace.web.schools.manage_forms import CopyForm, EndEarlyForm, ExtendForm, RelistForm
from marketplace.web.schools.views import bp

manage = requires(Permission.VACANCY_MANAGE)
manage_verified = requires(Permission.VACANCY_MANAGE, verified_email=True)


# The moderator's decision a listing's page shows, by the status that decision left it in.
SHOWS_DECISION = {
    VacancyStatus.REJECTED: DecisionOutcome.REJECTED,
    VacancyStatus.REMOVED: DecisionOutcome.REMOVED,
    VacancyStatus.DRAFT: DecisionOutcome.CHANGES_REQUESTED,
}


def _own_vacancy_or_404(vacancy_id: int) -> Vacancy:
    vacancy = queries.vacancy_for_staff(current_user, vacancy_id)
    if vacancy is None:
        abort(404)
    return vacancy


def _back_to(vacancy: Vacancy):
    return redirect(url_for("schools.vacancy", vacancy_id=vacancy.id))


def _refused(vacancy: Vacancy, error: services.VacancyError):
    """A use-case refused for the listing's state: say why on the listing's page."""
    db.session.rollback()
    flash(str(error), "info")
    return _back_to(vacancy)


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

    vacancy = _own_vacancy_or_404(vacancy_id)
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
    vacancy = _own_vacancy_or_404(vacancy_id)
    if vacancy.status not in management.EXTENDABLE:
        flash("Only live, scheduled or expired listings can have their closing date extended.", "info")
        return _back_to(vacancy)
    current_time = vacancy.closes_at.astimezone(UK).strftime("%H:%M")
    form = ExtendForm()
    form.offer_closing_time(current_time)
    if request.method == "GET":
        form.closing_time.data = current_time
    if form.validate_on_submit():
        try:
            management.extend_closing_date(
                current_user,
                vacancy,
                closing_date=form.closing_date.data,
                closing_time=form.closing_time.data,
                reason=form.reason.data,
            )
        except services.InvalidDetails as error:
            db.session.rollback()
            form.show_problems(error.problems)
        except services.VacancyError as error:
            return _refused(vacancy, error)
        else:
            db.session.commit()
            flash(f"The closing date is now {_closing_words(vacancy)}.", "success")
            return _back_to(vacancy)
    return render_template("schools/manage/extend.html", form=form, vacancy=vacancy)


def _closing_words(vacancy: Vacancy) -> str:
    local = vacancy.closes_at.astimezone(UK)
    return f"{local:%-d %B %Y} at {local:%H:%M}"


@bp.route("/vacancies/<int:vacancy_id>/end-early", methods=["GET", "POST"])
@manage
def end_vacancy_early(vacancy_id: int):
    vacancy = _own_vacancy_or_404(vacancy_id)
    if vacancy.status not in management.ENDABLE:
        flash("Only live or scheduled listings can be ended early.", "info")
        return _back_to(vacancy)
    form = EndEarlyForm()
    if form.validate_on_submit():
        filled, through = form.answers()
        try:
            management.end_early(current_user, vacancy, filled=filled, through_marketplace=through)
        except services.InvalidDetails as error:
            db.session.rollback()
            form.through_marketplace.errors = list(error.problems.values())
        except services.VacancyError as error:
            return _refused(vacancy, error)
        else:
            db.session.commit()
            flash("The listing has closed. Jobseekers can no longer see it in search or apply.", "success")
            return _back_to(vacancy)
    return render_template("schools/manage/end_early.html", form=form, vacancy=vacancy)


@bp.route("/vacancies/<int:vacancy_id>/copy", methods=["GET", "POST"])
@manage
def copy_vacancy(vacancy_id: int):
    vacancy = _own_vacancy_or_404(vacancy_id)
    if vacancy.status not in management.COPYABLE:
        flash("This listing was removed by a moderator, so it cannot be copied.", "info")
        return _back_to(vacancy)
    form = CopyForm()
    if request.method == "GET":
        form.title.data = vacancy.title
    if form.validate_on_submit():
        try:
            copy = management.copy_listing(
                current_user,
                vacancy,
                title=form.title.data,
                dates=form.dates(),
                upload_path=current_app.config["UPLOAD_PATH"],
            )
        except services.InvalidDetails as error:
            db.session.rollback()
            form.show_problems(error.problems)
        except services.VacancyError as error:
            return _refused(vacancy, error)
        else:
            db.session.commit()
            flash("A copy has been saved as a draft. Check it, then submit it for review.", "success")
            return redirect(url_for("schools.vacancy", vacancy_id=copy.id))
    return render_template("schools/manage/copy.html", form=form, vacancy=vacancy)


@bp.route("/vacancies/<int:vacancy_id>/relist", methods=["GET", "POST"])
@manage_verified
def relist_vacancy(vacancy_id: int):
    vacancy = _own_vacancy_or_404(vacancy_id)
    if vacancy.status not in management.RELISTABLE:
        flash("Only closed or expired listings can be relisted.", "info")
        return _back_to(vacancy)
    form = RelistForm()
    if form.validate_on_submit():
        try:
            relisted = management.relist(
                current_user, vacancy, dates=form.dates(), upload_path=current_app.config["UPLOAD_PATH"]
            )
        except ListingBlocked as error:
            db.session.commit()  # the new draft is kept, with the policy's refusal in the audit trail
            flash(f"Your new listing is saved as a draft. {error}", "info")
            return redirect(url_for("schools.vacancy", vacancy_id=error.draft.id))
        except services.InvalidDetails as error:
            db.session.rollback()
            form.show_problems(error.problems)
        except services.VacancyError as error:
            return _refused(vacancy, error)
        else:
            db.session.commit()
            flash(_relisted_message(relisted), "success")
            return redirect(url_for("schools.vacancy", vacancy_id=relisted.id))
    return render_template("schools/manage/relist.html", form=form, vacancy=vacancy)


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
    vacancy = _own_vacancy_or_404(vacancy_id)
    if vacancy.status is not VacancyStatus.DRAFT:
        flash("Only drafts can be deleted.", "info")
        return _back_to(vacancy)
    return render_template("schools/manage/delete.html", vacancy=vacancy)
