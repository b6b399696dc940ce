"""Moderators: the review queue and decisions on listings."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.moderation import audit, services
from marketplace.permissions import Permission
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.services import VacancyError
from marketplace.web.access import requires
from marketplace.web.moderators.forms import ApproveForm, RejectForm

bp = Blueprint("moderators", __name__, url_prefix="/moderation", template_folder="templates")

read_queue = requires(Permission.MODERATION_QUEUE_READ)
decide = requires(Permission.MODERATION_VACANCY_DECIDE)


@bp.route("")
@read_queue
def queue():
    return render_template("moderators/queue.html", vacancies=services.review_queue(), now=utcnow())


def _review_page(vacancy, approve_form=None, reject_form=None, status=200):
    return render_template(
        "moderators/review.html",
        vacancy=vacancy,
        approve_form=approve_form or ApproveForm(),
        reject_form=reject_form or RejectForm(),
        form=reject_form if reject_form and reject_form.errors else None,
        history=audit.history("vacancy", vacancy.id),
    ), status


def _vacancy_or_404(vacancy_id: int):
    vacancy = services.vacancy_under_review(vacancy_id)
    if vacancy is None:
        abort(404)
    return vacancy


@bp.route("/vacancies/<int:vacancy_id>")
@read_queue
def review(vacancy_id: int):
    return _review_page(_vacancy_or_404(vacancy_id))


@bp.route("/vacancies/<int:vacancy_id>/approve", methods=["POST"])
@decide
def approve(vacancy_id: int):
    vacancy = _vacancy_or_404(vacancy_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        return _review_page(vacancy, approve_form=form, status=400)
    try:
        services.approve(current_user, vacancy, note=form.note.data or "")
    except VacancyError as error:
        db.session.rollback()
        flash(f"Nothing was changed: {error}", "info")
        return redirect(url_for("moderators.review", vacancy_id=vacancy_id))
    db.session.commit()
    outcome = "is live" if vacancy.status is VacancyStatus.PUBLISHED else "will go live on its publish date"
    flash(f"Approved: {vacancy.title} {outcome}. The school has been emailed.", "success")
    return redirect(url_for("moderators.queue"))


@bp.route("/vacancies/<int:vacancy_id>/reject", methods=["POST"])
@decide
def reject(vacancy_id: int):
    vacancy = _vacancy_or_404(vacancy_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _review_page(vacancy, reject_form=form, status=400)
    try:
        services.reject(current_user, vacancy, reason=form.reason.data)
    except VacancyError as error:
        db.session.rollback()
        flash(f"Nothing was changed: {error}", "info")
        return redirect(url_for("moderators.review", vacancy_id=vacancy_id))
    db.session.commit()
    flash(f"Rejected: {vacancy.title}. The school has been emailed your reason.", "success")
    return redirect(url_for("moderators.queue"))
