"""Jobseekers: applying for a job and following their applications."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from marketplace.analytics.events import EventName, record
from marketplace.applications import queries, services
from marketplace.applications.lifecycle import IllegalTransition
from marketplace.extensions import db
from marketplace.permissions import Permission
from marketplace.vacancies.queries import live_vacancy
from marketplace.web.access import requires
from marketplace.web.jobseekers.forms import ApplicationForm

bp = Blueprint("jobseekers", __name__, template_folder="templates")

apply_for_jobs = requires(Permission.APPLICATION_CREATE, verified_email=True)
read_own = requires(Permission.APPLICATION_READ_OWN)

# What each status means for the jobseeker, and what to do next.
NEXT_STEPS = {
    "draft": "You have not sent this application yet.",
    "submitted": "The school has your application. Schools usually reply after the closing date.",
    "shortlisted": "You are on the shortlist. The school will contact you about the next step.",
    "interviewing": "The school has invited you to interview. Check your email for the details.",
    "offered": "The school has offered you the job. Reply to the school to accept or decline.",
    "accepted": "You accepted the job. Congratulations.",
    "declined": "You declined the offer.",
    "unsuccessful": "The school did not take your application further this time.",
    "withdrawn": "You withdrew this application.",
}


@bp.route("/jobs/<int:vacancy_id>/apply", methods=["GET", "POST"])
@apply_for_jobs
def apply(vacancy_id: int):
    vacancy = live_vacancy(vacancy_id)
    if vacancy is None or not vacancy.applies_through_marketplace:
        abort(404)
    existing = services.existing_application(current_user, vacancy.id)
    if existing is not None and existing.status != "draft":
        flash("You have already applied for this job.", "info")
        return redirect(url_for("jobseekers.application", application_id=existing.id))
    form = ApplicationForm()
    _record_start_once(vacancy)
    if form.validate_on_submit():
        try:
            application = services.submit_application(
                current_user, vacancy, supporting_statement=form.supporting_statement.data
            )
            db.session.commit()
        except services.AlreadyApplied as error:
            db.session.rollback()
            return redirect(url_for("jobseekers.application", application_id=error.application.id))
        except IntegrityError:
            # A second submission raced this one and won: the application exists once, as intended.
            db.session.rollback()
            existing = services.existing_application(current_user, vacancy.id)
            return redirect(url_for("jobseekers.application", application_id=existing.id))
        except services.ApplicationError as error:
            db.session.rollback()
            form.supporting_statement.errors.append(str(error))
        else:
            flash("Your application has been sent. We have emailed you a copy.", "success")
            return redirect(url_for("jobseekers.application", application_id=application.id))
    return render_template(
        "jobseekers/apply.html", vacancy=vacancy, form=form, max_words=services.MAX_STATEMENT_WORDS
    )


def _record_start_once(vacancy) -> None:
    """Count a started application once per person and listing; the session remembers, the event does not."""
    started = session.get("applications_started", [])
    if vacancy.id in started:
        return
    record(EventName.APPLICATION_STARTED, vacancy_id=vacancy.id, organisation_id=vacancy.organisation_id)
    db.session.commit()
    session["applications_started"] = [*started[-49:], vacancy.id]


@bp.route("/your-applications")
@read_own
def applications():
    return render_template(
        "jobseekers/applications.html",
        applications=queries.applications_of(current_user),
        next_steps=NEXT_STEPS,
    )


@bp.route("/your-applications/<int:application_id>")
@read_own
def application(application_id: int):
    found = queries.application_of(current_user, application_id)
    if found is None:
        abort(404)
    return render_template(
        "jobseekers/application.html", application=found, next_step=NEXT_STEPS[found.status]
    )


@bp.route("/your-applications/<int:application_id>/withdraw", methods=["POST"])
@read_own
def withdraw(application_id: int):
    found = queries.application_of(current_user, application_id)
    if found is None:
        abort(404)
    try:
        services.withdraw(current_user, found)
    except IllegalTransition:
        db.session.rollback()
        flash("This application can no longer be withdrawn.", "info")
    else:
        db.session.commit()
        flash("Your application has been withdrawn. The school has been told.", "success")
    return redirect(url_for("jobseekers.application", application_id=found.id))
