"""Saved jobs: save or unsave a listing from its page or from search results, and the saved jobs page.

Saving is a POST form that works without JavaScript. A visitor who is not signed in is sent to sign
in and comes back to a page with one button that saves the job.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.applications import saved_jobs
from marketplace.permissions import Permission
from marketplace.unit_of_work import unit_of_work
from marketplace.vacancies.queries import live_vacancy
from marketplace.web.access import requires
from marketplace.web.intents import safe_next

bp = Blueprint("saved_jobs", __name__, template_folder="templates")

manage_saved_jobs = requires(Permission.SAVED_JOBS_MANAGE)


@bp.app_template_global()
def can_save_jobs() -> bool:
    """Whether to offer "Save this job": to jobseekers, and to visitors (who are asked to sign in)."""
    return not current_user.is_authenticated or current_user.can(Permission.SAVED_JOBS_MANAGE)


@bp.app_template_global()
def saving_asks_to_sign_in() -> bool:
    """A visitor who is not signed in gets a link that asks them to, not a form: their pages then need
    no session and no form token, and are the same for every such visitor."""
    return not current_user.is_authenticated


@bp.app_template_global()
def saved_job_ids() -> set[int]:
    """The listings the signed-in jobseeker has saved (worked out once per request)."""
    if "saved_job_ids" not in g:
        signed_in = current_user.is_authenticated and current_user.can(Permission.SAVED_JOBS_MANAGE)
        g.saved_job_ids = saved_jobs.saved_vacancy_ids(current_user) if signed_in else set()
    return g.saved_job_ids


def _back(vacancy_id: int):
    return redirect(safe_next(request.values.get("next")) or url_for("public.vacancy", vacancy_id=vacancy_id))


@bp.route("/saved-jobs")
@manage_saved_jobs
def index():
    return render_template("saved_jobs/index.html", rows=saved_jobs.saved_jobs_of(current_user))


@bp.route("/saved-jobs/<int:vacancy_id>/save", methods=["GET", "POST"])
@manage_saved_jobs
def save(vacancy_id: int):
    vacancy = live_vacancy(vacancy_id)
    if vacancy is None:
        abort(404)
    if request.method == "GET":  # back from signing in: one button to finish saving
        if vacancy.id in saved_job_ids():
            flash("You have saved this job.", "success")
            return redirect(url_for("public.vacancy", vacancy_id=vacancy.id))
        return render_template(
            "saved_jobs/save.html", vacancy=vacancy, next=safe_next(request.args.get("next"))
        )
    try:
        with unit_of_work():
            saved_jobs.save_job(current_user, vacancy.id)
    except saved_jobs.NotSaveable:
        abort(404)
    flash(f"Saved \u2018{vacancy.title}\u2019. Find it under Saved jobs.", "success")
    return _back(vacancy.id)


@bp.route("/saved-jobs/<int:vacancy_id>/remove", methods=["POST"])
@manage_saved_jobs
def remove(vacancy_id: int):
    with unit_of_work():
        removed = saved_jobs.unsave_job(current_user, vacancy_id)
    if removed:
        flash("Removed from your saved jobs.", "success")
    return redirect(safe_next(request.values.get("next")) or url_for("saved_jobs.index"))
