"""Hiring staff: the dashboard, the vacancy form and the applications inbox."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.applications import queries as application_queries
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.moderation.screening import ListingBlocked
from marketplace.moderation.services import reply_from_school
from marketplace.organisations.queries import organisation_ids_for, organisations_for
from marketplace.permissions import Permission
from marketplace.vacancies import queries, services
from marketplace.vacancies.details import VacancyDetails
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.web.access import requires
from marketplace.web.analytics_views import build_funnel, csv_response, period_days
from marketplace.web.schools.forms import VacancyForm

bp = Blueprint("schools", __name__, url_prefix="/school", template_folder="templates")

manage = requires(Permission.VACANCY_MANAGE)
manage_verified = requires(Permission.VACANCY_MANAGE, verified_email=True)
read_applications = requires(Permission.APPLICATION_READ_RECEIVED)


def _own_vacancy_or_404(vacancy_id: int):
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
    )


def _save(form: VacancyForm, vacancy=None):
    """Validate, save through the service, and say what happens next; re-render on any problem."""
    submit = "submit" in request.form
    if submit and not current_user.email_verified:
        flash("Your draft is saved. Confirm your email address before sending a listing for review.", "info")
        submit = False
    try:
        if vacancy is None:
            vacancy = services.create_draft(current_user, int(form.organisation_id.data), form.details())
        else:
            services.update_draft(current_user, vacancy, form.details())
        if submit:
            reply_from_school(current_user, vacancy, request.form.get("message_to_moderator", ""))
            services.submit_for_review(current_user, vacancy)
    except ListingBlocked as error:
        db.session.commit()  # the draft is kept, with the policy's refusal in the audit trail
        flash(f"Your draft is saved. {error}", "info")
        return redirect(url_for("schools.edit_vacancy", vacancy_id=vacancy.id))
    except services.InvalidDetails as error:
        db.session.rollback()
        form.add_problems(error.problems)
        return None
    except services.VacancyError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return None
    db.session.commit()
    if submit:
        flash(_submitted_message(vacancy), "success")
    else:
        flash("Your draft has been saved.", "success")
    return redirect(url_for("schools.vacancy", vacancy_id=vacancy.id))


def _submitted_message(vacancy) -> str:
    """What the moderation policy decided, in the school's words."""
    if vacancy.status is VacancyStatus.PUBLISHED:
        return "Your listing is live: it passed our checks, so it was published straight away."
    if vacancy.status is VacancyStatus.SCHEDULED:
        return f"Your listing passed our checks and will go live on {vacancy.publish_on:%-d %B %Y}."
    return "Your listing has been sent for review. We will email you when a moderator has checked it."


@bp.route("/vacancies/new", methods=["GET", "POST"])
@manage
def new_vacancy():
    organisations = organisations_for(current_user)
    if not organisations:
        return render_template("schools/no_organisation.html")
    form = VacancyForm(organisations=organisations)
    if request.method == "GET":
        form.contact_email.data = current_user.email
    if form.validate_on_submit() and (response := _save(form)):
        return response
    return render_template("schools/vacancy_form.html", form=form, vacancy=None)


@bp.route("/vacancies/<int:vacancy_id>/edit", methods=["GET", "POST"])
@manage
def edit_vacancy(vacancy_id: int):
    vacancy = _own_vacancy_or_404(vacancy_id)
    if vacancy.status not in services.EDITABLE:
        flash("Only drafts and listings returned by a moderator can be edited.", "info")
        return redirect(url_for("schools.vacancy", vacancy_id=vacancy.id))
    saved = VacancyDetails.from_vacancy(vacancy)
    form = VacancyForm(organisations=organisations_for(current_user), saved_closing_time=saved.closing_time)
    if request.method == "GET":
        form.fill_from(saved, vacancy.organisation_id)
    if form.validate_on_submit() and (response := _save(form, vacancy)):
        return response
    return render_template("schools/vacancy_form.html", form=form, vacancy=vacancy)


@bp.route("/vacancies/<int:vacancy_id>")
@manage
def vacancy(vacancy_id: int):
    from marketplace.moderation.services import latest_decision

    vacancy = _own_vacancy_or_404(vacancy_id)
    decision = latest_decision(vacancy.id) if vacancy.status is VacancyStatus.REJECTED else None
    applications = application_queries.received_by(current_user, vacancy.id)
    return render_template(
        "schools/vacancy.html",
        vacancy=vacancy,
        decision=decision,
        applications=applications,
        editable=vacancy.status in services.EDITABLE,
        now=utcnow(),
    )


@bp.route("/vacancies/<int:vacancy_id>/submit", methods=["POST"])
@manage_verified
def submit_vacancy(vacancy_id: int):
    vacancy = _own_vacancy_or_404(vacancy_id)
    try:
        services.submit_for_review(current_user, vacancy)
    except ListingBlocked as error:
        db.session.commit()  # keep the policy's refusal in the audit trail
        flash(str(error), "info")
        return redirect(url_for("schools.edit_vacancy", vacancy_id=vacancy.id))
    except services.VacancyError as error:
        db.session.rollback()
        flash(f"This listing could not be sent for review: {error}", "info")
        return redirect(url_for("schools.edit_vacancy", vacancy_id=vacancy.id))
    db.session.commit()
    flash(_submitted_message(vacancy), "success")
    return redirect(url_for("schools.vacancy", vacancy_id=vacancy.id))


@bp.route("/vacancies/<int:vacancy_id>/delete", methods=["POST"])
@manage
def delete_vacancy(vacancy_id: int):
    vacancy = _own_vacancy_or_404(vacancy_id)
    try:
        services.delete_draft(current_user, vacancy)
    except services.VacancyError as error:
        db.session.rollback()
        flash(str(error), "info")
        return redirect(url_for("schools.vacancy", vacancy_id=vacancy.id))
    db.session.commit()
    flash("The draft has been deleted.", "success")
    return redirect(url_for("schools.dashboard", tab="drafts"))


@bp.route("/applications")
@read_applications
def applications():
    return render_template(
        "schools/applications.html", applications=application_queries.received_by(current_user)
    )


@bp.route("/applications/<int:application_id>")
@read_applications
def application(application_id: int):
    found = application_queries.received_application(current_user, application_id)
    if found is None:
        abort(404)
    return render_template("schools/application.html", application=found)


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
