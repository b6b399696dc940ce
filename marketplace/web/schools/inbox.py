"""Hiring staff: the applications inbox (lists, one application, status changes, notes, downloads).

Routes join the `schools` blueprint. Applications are only ever looked up through the queries scoped to
the user's organisations, so another school's application is a 404 whatever its id.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.applications import conversations, references, summaries
from marketplace.applications import inbox as use_cases
from marketplace.applications.lifecycle import (
    SCHOOL_ACTIONS,
    ApplicationAction,
    ApplicationStatus,
    IllegalTransition,
    allowed_actions,
)
from marketplace.applications.models import Application
from marketplace.db import utcnow
from marketplace.numbers import record_id, record_ids
from marketplace.organisations.queries import organisations_for
from marketplace.permissions import Permission
from marketplace.unit_of_work import unit_of_work
from marketplace.vacancies.models import Vacancy
from marketplace.web.access import requires
from marketplace.web.conversation_forms import MessageForm, MessageTemplateForm
from marketplace.web.downloads import csv_download
from marketplace.web.outcomes import attempt
from marketplace.web.schools import bp
from marketplace.web.schools.inbox_forms import (
    AnonymiseForm,
    BulkStatusForm,
    DailySummaryForm,
    NoteForm,
    RescheduleForm,
    StatusForm,
)
from marketplace.web.schools.views import own_vacancy_or_404

read_applications = requires(Permission.APPLICATION_READ_RECEIVED)
manage_applications = requires(Permission.APPLICATION_MANAGE_RECEIVED)


@bp.app_template_global()
def applications_available(vacancy: Vacancy) -> bool:
    """For the listing page: whether its applications can still be shown (see APPLICATION_ACCESS_DAYS)."""
    return use_cases.data_available(vacancy)


def _filters() -> dict:
    """The list's filters from the query string; anything unexpected falls back to 'all' or 'newest'."""
    status = request.values.get("status", "")
    sort = request.values.get("sort", "newest")
    vacancy = request.values.get("vacancy", "")
    return {
        "status": ApplicationStatus(status) if status in use_cases.INBOX_STATUSES else None,
        "sort": sort if sort in use_cases.SORTS else "newest",
        "vacancy_id": record_id(vacancy),
    }


def _render_list(vacancy: Vacancy | None = None, *, bulk_form: BulkStatusForm | None = None, status_code=200):
    filters = _filters()
    if vacancy is not None:
        filters["vacancy_id"] = vacancy.id
    found = use_cases.inbox(
        current_user, vacancy_id=filters["vacancy_id"], status=filters["status"], sort=filters["sort"]
    )
    expired = vacancy is not None and not use_cases.data_available(vacancy)
    anonymise_form = None
    if vacancy is not None:
        anonymise_form = AnonymiseForm(
            formdata=None, anonymise="yes" if vacancy.anonymise_applications else "no"
        )
    bulk_form = bulk_form or BulkStatusForm(formdata=None)
    selected = set(record_ids(request.form.getlist("application_id")))
    listings = {a.vacancy for a in use_cases.inbox(current_user).applications}
    if vacancy is not None:
        list_endpoint, list_args = "schools.vacancy_applications", {"vacancy_id": vacancy.id}
    else:
        list_endpoint = "schools.applications"
        list_args = {"vacancy": filters["vacancy_id"]} if filters["vacancy_id"] else {}
    return (
        render_template(
            "schools/applications.html",
            inbox=found,
            filters=filters,
            sorts=use_cases.SORTS,
            statuses=use_cases.INBOX_STATUSES,
            vacancy=vacancy,
            listings=sorted(listings, key=lambda v: (v.title.casefold(), v.id)),
            expired=expired,
            access_days=use_cases.access_days(),
            form=bulk_form,
            anonymise_form=anonymise_form,
            selected=selected,
            list_url=lambda **extra: url_for(list_endpoint, **list_args, **extra),
            download_url=url_for(
                "schools.download_all_applications",
                **list_args,
                **({"status": filters["status"].value} if filters["status"] else {}),
            ),
            can_manage=current_user.can(Permission.APPLICATION_MANAGE_RECEIVED),
            daily_summary=summaries.wants_daily_summary(current_user),
        ),
        status_code,
    )


@bp.route("/applications")
@read_applications
def applications():
    return _render_list()


@bp.route("/vacancies/<int:vacancy_id>/applications")
@read_applications
def vacancy_applications(vacancy_id: int):
    return _render_list(own_vacancy_or_404(vacancy_id))


def _back_to_list():
    """Back to the list the bulk form was sent from, keeping its filters."""
    vacancy_id = record_id(request.form.get("vacancy", ""))
    args = {key: request.form.get(key) for key in ("status", "sort") if request.form.get(key)}
    if vacancy_id:
        return redirect(url_for("schools.vacancy_applications", vacancy_id=vacancy_id, **args))
    return redirect(url_for("schools.applications", **args))


@bp.route("/applications/change-status", methods=["POST"])
@manage_applications
def bulk_change_status():
    form = BulkStatusForm()
    if form.validate_on_submit():
        with unit_of_work():  # each application moves or is refused on its own: no refusal of the whole
            result = use_cases.bulk_change_status(
                current_user,
                form.selected_ids(),
                ApplicationAction(form.action.data),
                interview_at=form.interview_at(),
            )
        action = ApplicationAction(form.action.data)
        if result.moved:
            names = ", ".join(a.display_name for a in result.moved)
            count = len(result.moved)
            plural = "" if count == 1 else "s"
            flash(f"{count} application{plural} moved with “{action.label.lower()}”: {names}.", "success")
        for application, reason in result.refused:
            flash(f"{application.display_name} was not moved: {reason}", "info")
        if result.not_found:
            flash(
                f"{result.not_found} selected application(s) could not be found and were not moved.", "info"
            )
        return _back_to_list()
    vacancy_id = record_id(request.form.get("vacancy", ""))
    vacancy = own_vacancy_or_404(vacancy_id) if vacancy_id else None
    return _render_list(vacancy, bulk_form=form)


def _application_or_404(application_id: int) -> Application | Response:
    """The organisation's application; 404 for anyone else's; a 'no longer available' page once expired."""
    try:
        found = use_cases.readable_application(current_user, application_id)
    except use_cases.DataNoLongerAvailable as error:
        return Response(
            render_template("schools/application_unavailable.html", message=str(error)), status=410
        )
    if found is None:
        abort(404)
    return found


def _render_application(
    application: Application,
    *,
    status_form=None,
    note_form=None,
    reschedule_form=None,
    message_form=None,
    failed=None,
):
    actions = allowed_actions(application.status, SCHOOL_ACTIONS)
    status_form = status_form or StatusForm(formdata=None, actions=actions)
    note_form = note_form or NoteForm(formdata=None)
    reschedule_form = reschedule_form or RescheduleForm(formdata=None, prefix="new")
    templates = conversations.templates_for(application)
    if message_form is None:
        chosen = record_id(request.args.get("template", ""))
        prefilled = (
            conversations.fill_template(templates[chosen - 1][1], application)
            if chosen and chosen <= len(templates)
            else None
        )
        message_form = MessageForm(formdata=None, prefix="message", body=prefilled)
    return render_template(
        "schools/application.html",
        application=application,
        status_form=status_form,
        note_form=note_form,
        reschedule_form=reschedule_form,
        message_form=message_form,
        message_templates=templates,
        conversation_closed=conversations.closed_reason(application),
        can_request_references=references.can_request(application),
        references_from=references.REFERENCES_FROM,
        form=failed,
        can_manage=current_user.can(Permission.APPLICATION_MANAGE_RECEIVED),
        now=utcnow(),
    )


@bp.route("/applications/<int:application_id>")
@read_applications
def application(application_id: int):
    found = _application_or_404(application_id)
    if isinstance(found, Response):
        return found
    # Opening the application is reading the candidate's messages: their read receipts are recorded.
    with unit_of_work():
        conversations.mark_read(found, by_school=True)
    return _render_application(found)


@bp.route("/applications/<int:application_id>/print")
@read_applications
def print_application(application_id: int):
    found = _application_or_404(application_id)
    if isinstance(found, Response):
        return found
    return render_template("schools/application_print.html", application=found)


@bp.route("/applications/<int:application_id>/status", methods=["POST"])
@manage_applications
def change_application_status(application_id: int):
    found = _application_or_404(application_id)
    if isinstance(found, Response):
        return found
    form = StatusForm(actions=allowed_actions(found.status, SCHOOL_ACTIONS))
    if form.validate_on_submit():
        action = ApplicationAction(form.action.data)
        with attempt(form, field="action") as done:
            use_cases.change_status(current_user, found, action, interview_at=form.interview_at())
        if done:
            flash(
                f"{found.display_name}: the application is now {found.status.label.lower()}. "
                "We have emailed the candidate.",
                "success",
            )
            return redirect(url_for("schools.application", application_id=found.id))
    elif form.action.errors and form.action.data in {a.value for a in SCHOOL_ACTIONS}:
        # A move offered on an older copy of the page (a colleague got there first): say what is possible now.
        form.action.errors = [str(IllegalTransition(found.status, ApplicationAction(form.action.data)))]
    return _render_application(found, status_form=form, failed=form)


@bp.route("/applications/<int:application_id>/interview", methods=["POST"])
@manage_applications
def reschedule_interview(application_id: int):
    found = _application_or_404(application_id)
    if isinstance(found, Response):
        return found
    form = RescheduleForm(prefix="new")
    if form.validate_on_submit():
        with attempt(form, field="interview_date") as done:
            use_cases.reschedule_interview(current_user, found, form.interview_at())
        if done:
            flash(f"{found.display_name}: the interview has moved. We have emailed the candidate.", "success")
            return redirect(url_for("schools.application", application_id=found.id))
    return _render_application(found, reschedule_form=form, failed=form)


@bp.route("/applications/<int:application_id>/notes", methods=["POST"])
@manage_applications
def add_application_note(application_id: int):
    found = _application_or_404(application_id)
    if isinstance(found, Response):
        return found
    form = NoteForm()
    if form.validate_on_submit():
        with attempt(form, field="body") as done:
            use_cases.add_note(current_user, found, form.body.data)
        if done:
            flash("Your note has been added.", "success")
            return redirect(url_for("schools.application", application_id=found.id, _anchor="notes"))
    return _render_application(found, note_form=form, failed=form)


@bp.route("/applications/<int:application_id>/messages", methods=["POST"])
@manage_applications
def send_message(application_id: int):
    found = _application_or_404(application_id)
    if isinstance(found, Response):
        return found
    form = MessageForm(prefix="message")
    if form.validate_on_submit():
        with attempt(form, field="body") as done:
            conversations.send_from_school(current_user, found, form.body.data)
        if done:
            flash("Your message has been sent. We have emailed the candidate a link to read it.", "success")
            return redirect(url_for("schools.application", application_id=found.id, _anchor="messages"))
    return _render_application(found, message_form=form, failed=form)


@bp.route("/applications/<int:application_id>/references", methods=["POST"])
@manage_applications
def request_references(application_id: int):
    found = _application_or_404(application_id)
    if isinstance(found, Response):
        return found
    with attempt(flash_whole=True) as done:
        asked = references.request_references(current_user, found)
    if done:
        names = ", ".join(request.referee_name for request in asked)
        flash(f"We have emailed {names} for a reference. You will see each answer here.", "success")
    return redirect(url_for("schools.application", application_id=found.id, _anchor="references"))


@bp.route("/message-templates", methods=["GET", "POST"])
@manage_applications
def message_templates():
    organisations = organisations_for(current_user)
    form = MessageTemplateForm()
    if form.validate_on_submit():
        chosen = record_id(request.form.get("organisation", "")) or next((o.id for o in organisations), 0)
        with attempt(form, field="body") as done:
            conversations.add_template(current_user, chosen, form.name.data, form.body.data)
        if done:
            flash(f"The template “{form.name.data.strip()}” has been added.", "success")
            return redirect(url_for("schools.message_templates"))
    return render_template(
        "schools/message_templates.html",
        form=form,
        organisations=organisations,
        standard=conversations.STANDARD_TEMPLATES,
        own=conversations.organisation_templates(current_user),
    ), 400 if form.errors else 200


@bp.route("/message-templates/<int:template_id>/delete", methods=["POST"])
@manage_applications
def delete_message_template(template_id: int):
    template = conversations.own_template(current_user, template_id)
    if template is None:
        abort(404)
    with unit_of_work():
        conversations.delete_template(template)
    flash(f"The template “{template.name}” has been deleted.", "success")
    return redirect(url_for("schools.message_templates"))


@bp.route("/vacancies/<int:vacancy_id>/applications/anonymise", methods=["POST"])
@manage_applications
def anonymise_applications(vacancy_id: int):
    vacancy = own_vacancy_or_404(vacancy_id)
    form = AnonymiseForm()
    if not form.validate_on_submit():
        flash("Choose whether to hide candidates' names until you shortlist them.", "info")
        return redirect(url_for("schools.vacancy_applications", vacancy_id=vacancy.id))
    with unit_of_work():
        use_cases.set_anonymised(current_user, vacancy, form.anonymise.data == "yes")
    if vacancy.anonymise_applications:
        flash("Names and contact details are now hidden until you shortlist a candidate.", "success")
    else:
        flash("Names and contact details are now shown for every application.", "success")
    return redirect(url_for("schools.vacancy_applications", vacancy_id=vacancy.id))


@bp.route("/applications/daily-summary", methods=["GET", "POST"])
@read_applications
def daily_summary():
    wanted = summaries.wants_daily_summary(current_user)
    form = DailySummaryForm(formdata=None, daily_summary="yes" if wanted else "no")
    if request.method == "POST":
        form = DailySummaryForm()
        if form.validate_on_submit():
            with unit_of_work():
                summaries.set_daily_summary(current_user, form.daily_summary.data == "yes")
            if form.daily_summary.data == "yes":
                flash("You will get an email each day there are new applications.", "success")
            else:
                flash("You will no longer get the daily summary.", "success")
            return redirect(url_for("schools.applications"))
    return render_template("schools/daily_summary.html", form=form), 400 if form.errors else 200


def _csv(applications: list[Application], filename: str) -> Response:
    return csv_download(use_cases.applications_csv(applications), filename, private=True)


@bp.route("/vacancies/<int:vacancy_id>/applications/download")
@read_applications
def download_applications(vacancy_id: int):
    vacancy = own_vacancy_or_404(vacancy_id)
    if not use_cases.data_available(vacancy):
        return Response(
            render_template(
                "schools/application_unavailable.html", message=str(use_cases.DataNoLongerAvailable(vacancy))
            ),
            status=410,
        )
    found = use_cases.inbox(current_user, vacancy_id=vacancy.id, sort="oldest")
    return _csv(found.applications, f"applications-{vacancy.id}.csv")


@bp.route("/applications/download")
@read_applications
def download_all_applications():
    filters = _filters()
    found = use_cases.inbox(current_user, **filters)
    return _csv(found.applications, "applications.csv")
