"""The listing wizard: a listing written one section at a time, checked, previewed and submitted.

Each section is a page that saves the draft ("Save and continue"); "Check your answers" lists every
answer with a change link that comes back to it; the preview is the public job page itself.
"""

from __future__ import annotations

import dataclasses

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge

from marketplace.moderation.rules import DOCUMENTS_FIELD
from marketplace.moderation.screening import ListingBlocked, findings_for, returned_for_changes
from marketplace.moderation.services import reply_from_school
from marketplace.organisations.models import OrganisationKind
from marketplace.organisations.queries import organisation_ids_for, organisations_for
from marketplace.permissions import Permission
from marketplace.publishing import documents as publishing_documents
from marketplace.publishing import editing, submission
from marketplace.vacancies import documents, listing_schools, questions, richtext, steps
from marketplace.vacancies.details import VacancyDetails
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.web.documents import send_document
from marketplace.web.once import CREATE_VACANCY, answer_to_race, earlier_answer, remember
from marketplace.web.outcomes import attempt
from marketplace.web.schools import bp
from marketplace.web.schools.views import claim_statuses, manage, own_vacancy_or_404, submitted_message
from marketplace.web.schools.wizard_forms import FORMS, CheckAnswersForm, DocumentForm

SEVERITY_TAGS = {"block": "govuk-tag--red", "review": "govuk-tag--orange", "advise": "govuk-tag--blue"}
# Findings are reported against these fields besides a section's own questions.
EXTRA_FINDING_FIELDS = {"pay": ("salary_minimum", "salary_maximum"), "documents": (DOCUMENTS_FIELD,)}


def _step_or_404(slug: str) -> steps.Step:
    step = steps.BY_SLUG.get(slug)
    if step is None:
        abort(404)
    return step


def _editable_or_redirect(vacancy):
    if vacancy.status not in steps.WIZARD_EDITABLE:
        message = f"This listing is {vacancy.status.label.lower()}, so it cannot be changed."
        if vacancy.status is VacancyStatus.PENDING_REVIEW:
            message += " You can change it once a moderator has checked it."
        flash(message, "info")
        return redirect(url_for("schools.vacancy", vacancy_id=vacancy.id))
    return None


def _step_findings(vacancy, step: steps.Step) -> list:
    """'Check your listing' for one section: what the moderation rules say about its questions."""
    if vacancy is None or step.slug in vacancy.unanswered_steps:
        return []
    fields = {*step.fields, *EXTRA_FINDING_FIELDS.get(step.slug, ())}
    found = findings_for(VacancyDetails.from_vacancy(vacancy), vacancy.organisation, vacancy_id=vacancy.id)
    return [finding for finding in found if finding.field in fields]


def _job_details_choices(organisations) -> dict:
    """What the job details section offers: the user's organisations and the schools of their trusts."""
    trust_schools = [
        school
        for organisation in organisations
        if organisation.kind == OrganisationKind.TRUST
        for school in listing_schools.schools_of_trust(organisation)
    ]
    return {"organisations": organisations, "trust_schools": trust_schools}


def _form_for(step: steps.Step, vacancy, *, formdata=None):
    form_class = FORMS[step.slug]
    kwargs = {}
    if step.slug == "job-details":
        kwargs.update(_job_details_choices(organisations_for(current_user)))
    elif step.slug == "key-stages-and-subjects":
        kwargs["phases"] = vacancy.phases
    elif step.slug == "important-dates":
        kwargs["on_sale"] = vacancy.status in steps.ON_SALE
        kwargs["saved_closing_time"] = VacancyDetails.from_vacancy(vacancy).closing_time
    form = form_class(formdata=formdata, **kwargs) if formdata is not None else form_class(**kwargs)
    if request.method == "GET" and step.slug not in vacancy.unanswered_steps:
        form.fill(VacancyDetails.from_vacancy(vacancy))
        if step.slug == "job-details":
            form.organisation_id.data = str(vacancy.organisation_id)
            form.school_ids.data = [str(school.id) for school in vacancy.additional_schools]
    elif request.method == "GET" and step.slug == "how-to-apply":
        form.contact_email.data = current_user.email  # a likely answer, for the school to change
    if step.slug == "how-to-apply" and request.method == "GET":
        form.add_blank_row()
    return form


def _render_step(step: steps.Step, form, vacancy, *, findings=(), status: int = 200):
    back = steps.previous_step(step)
    if vacancy is None:  # a new listing (whatever ?check= says: there is nothing to check yet)
        back_href = url_for("schools.dashboard")
    elif request.args.get("check"):
        back_href = url_for("schools.check_answers", vacancy_id=vacancy.id)
    elif back is not None:
        back_href = url_for("schools.wizard_step", vacancy_id=vacancy.id, step=back.slug)
    else:
        back_href = url_for("schools.vacancy", vacancy_id=vacancy.id)
    return (
        render_template(
            f"schools/wizard/{step.slug.replace('-', '_')}.html",
            step=step,
            steps=steps.STEPS,
            form=form,
            vacancy=vacancy,
            findings=findings,
            severity_tags=SEVERITY_TAGS,
            back_href=back_href,
            number=steps.STEPS.index(step) + 1,
            max_questions=questions.MAX_QUESTIONS,
            max_answer=questions.MAX_ANSWER_CHARACTERS,
        ),
        status,
    )


def _after_save(vacancy, step: steps.Step, saved: editing.Saved):
    """Say what happened, then go on: back to the section when the checks found something, to check your
    answers when the school came from there, otherwise to the next section."""
    if saved is editing.Saved.HELD:
        flash(
            "Your changes are saved. They need a moderator to check them, so the listing has been taken "
            "down until it is approved. We will email you when a moderator has checked it.",
            "info",
        )
    elif saved is editing.Saved.STILL_LIVE:
        state = "live" if vacancy.status is VacancyStatus.PUBLISHED else "scheduled"
        flash(f"Your changes passed our checks and are saved. The listing is still {state}.", "success")
    elif saved is editing.Saved.UNCHANGED:
        flash("Nothing was changed, so the listing is as it was.", "info")
    findings = _step_findings(vacancy, step)
    if findings and saved is editing.Saved.DRAFT and not request.form.get("seen_checks"):
        flash("Your answers are saved. Look at what our checks found before you continue.", "info")
        return redirect(
            url_for("schools.wizard_step", vacancy_id=vacancy.id, step=step.slug, **_keep_check())
        )
    following = steps.first_unanswered(vacancy)
    if request.args.get("check") or following is None:
        return redirect(url_for("schools.check_answers", vacancy_id=vacancy.id))
    return redirect(url_for("schools.wizard_step", vacancy_id=vacancy.id, step=following.slug))


def _keep_check() -> dict:
    return {"check": "1"} if request.args.get("check") else {}


def _blocked_on_sale(form) -> None:
    form.form_errors.append(
        "Your changes were not saved, so the listing jobseekers see is unchanged. "
        "Change what our checks marked “Must fix” and save again."
    )


@bp.route("/vacancies/new", methods=["GET", "POST"])
@manage
def new_vacancy():
    organisations = organisations_for(current_user)
    if not organisations:
        return render_template("schools/no_organisation.html", claims=claim_statuses())
    step = steps.STEPS[0]
    form = FORMS[step.slug](**_job_details_choices(organisations))
    if form.validate_on_submit():
        if answer := earlier_answer(form, CREATE_VACANCY):
            return answer  # the first click made the draft: carry on with it
        try:
            with attempt(form, field="organisation_id") as done:
                vacancy = steps.start(
                    current_user,
                    int(form.organisation_id.data),
                    form.values(),
                    school_ids=form.chosen_school_ids(),
                )
                remember(form, CREATE_VACANCY, url_for("schools.edit_vacancy", vacancy_id=vacancy.id))
        except IntegrityError as error:
            return answer_to_race(form, CREATE_VACANCY, error)
        if done:
            return _after_save(vacancy, step, editing.Saved.DRAFT)
    return _render_step(step, form, None)


@bp.route("/vacancies/<int:vacancy_id>/edit")
@manage
def edit_vacancy(vacancy_id: int):
    """Resume a listing: at its first unanswered section, or at check your answers when all are done."""
    vacancy = own_vacancy_or_404(vacancy_id)
    if response := _editable_or_redirect(vacancy):
        return response
    step = steps.first_unanswered(vacancy)
    if step is None:
        return redirect(url_for("schools.check_answers", vacancy_id=vacancy.id))
    return redirect(url_for("schools.wizard_step", vacancy_id=vacancy.id, step=step.slug))


@bp.route("/vacancies/<int:vacancy_id>/edit/<step>", methods=["GET", "POST"])
@manage
def wizard_step(vacancy_id: int, step: str):
    vacancy = own_vacancy_or_404(vacancy_id)
    section = _step_or_404(step)
    if response := _editable_or_redirect(vacancy):
        return response
    if section.slug == "documents":
        return _documents_step(vacancy, section)
    form = _form_for(section, vacancy)
    if section.slug == "how-to-apply" and "add_question" in request.form:
        # "Add another question": the answers come back as typed, with one more blank question (nothing
        # is saved, so nothing is checked yet).
        if not form.add_blank_row():
            form.form_errors.append(f"You can ask at most {questions.MAX_QUESTIONS} questions")
        return _render_step(section, form, vacancy)
    if form.validate_on_submit():
        organisation_id = school_ids = None
        if section.slug == "job-details":
            organisation_id = int(form.organisation_id.data)
            school_ids = form.chosen_school_ids()
        # A policy's refusal stays in the audit trail; the listing is unchanged.
        with attempt(form, keep=ListingBlocked) as done:
            saved = editing.save_step(
                current_user,
                vacancy,
                section,
                form.values(),
                organisation_id=organisation_id,
                school_ids=school_ids,
            )
        if done:
            return _after_save(vacancy, section, saved)
        if isinstance(done.refusal, ListingBlocked):
            _blocked_on_sale(form)
            return _render_step(section, form, vacancy, findings=done.refusal.verdict.blocking)
    return _render_step(section, form, vacancy, findings=_step_findings(vacancy, section))


def _documents_step(vacancy, section: steps.Step):
    if request.method == "POST":
        form = CheckAnswersForm()  # only the CSRF token matters here
        if form.validate_on_submit():
            with attempt(keep=ListingBlocked) as done:
                saved = editing.save_step(current_user, vacancy, section, {})
            if done:
                return _after_save(vacancy, section, saved)
            if done.flashed:
                return redirect(url_for("schools.vacancy", vacancy_id=vacancy.id))
            flash("Your listing has problems our checks marked “Must fix”: see check your answers.", "info")
            return redirect(url_for("schools.check_answers", vacancy_id=vacancy.id))
    return _render_step(section, DocumentForm(), vacancy, findings=_step_findings(vacancy, section))


@bp.route("/vacancies/<int:vacancy_id>/documents", methods=["POST"])
@manage
def upload_document(vacancy_id: int):
    vacancy = own_vacancy_or_404(vacancy_id)
    if response := _editable_or_redirect(vacancy):
        return response
    section = steps.BY_SLUG["documents"]
    form = DocumentForm()
    if form.validate_on_submit():
        upload = form.document.data
        was_on_sale = vacancy.status in steps.ON_SALE
        if upload is None or not getattr(upload, "filename", ""):
            form.document.errors = ["Select a file to upload"]
        else:
            with attempt(form, field="document") as done:
                checked = documents.check_upload(upload.filename, upload.read(documents.MAX_BYTES + 1))
                document = publishing_documents.attach(current_user, vacancy, checked)
            if done and vacancy.status is VacancyStatus.PENDING_REVIEW and was_on_sale:
                flash(
                    f"{document.filename} has been uploaded. Our checks found something a moderator "
                    "needs to look at, so the listing is off the service until they approve it.",
                    "info",
                )
                return redirect(url_for("schools.vacancy", vacancy_id=vacancy.id))
            if done:
                flash(f"{document.filename} has been uploaded.", "success")
                return redirect(url_for("schools.wizard_step", vacancy_id=vacancy.id, step=section.slug))
    return _render_step(section, form, vacancy, status=400 if request.method == "POST" else 200)


@bp.app_errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A file over the size limit: say so plainly, on the page the school came from where possible."""
    if request.endpoint == "schools.upload_document" and request.view_args:
        flash("The selected file must be smaller than 10 MB", "info")
        return redirect(
            url_for("schools.wizard_step", vacancy_id=request.view_args["vacancy_id"], step="documents")
        )
    if request.path.startswith("/api/"):
        return {"error": "The request is too large."}, 413
    return render_template("schools/wizard/too_large.html"), 413


@bp.route("/vacancies/<int:vacancy_id>/documents/<int:document_id>")
@manage
def download_document(vacancy_id: int, document_id: int):
    vacancy = own_vacancy_or_404(vacancy_id)
    return send_document(vacancy, document_id)


@bp.route("/vacancies/<int:vacancy_id>/documents/<int:document_id>/delete", methods=["POST"])
@manage
def delete_document(vacancy_id: int, document_id: int):
    vacancy = own_vacancy_or_404(vacancy_id)
    document = next((d for d in vacancy.documents if d.id == document_id), None)
    if document is None:
        abort(404)
    if response := _editable_or_redirect(vacancy):
        return response
    form = CheckAnswersForm()
    if not form.validate_on_submit():
        abort(400)
    filename = document.filename
    with attempt() as done:  # its bytes go with it (see vacancies.documents)
        documents.remove(current_user, vacancy, document)
    if done:
        flash(f"{filename} has been deleted.", "success")
    return redirect(url_for("schools.wizard_step", vacancy_id=vacancy.id, step="documents"))


@bp.route("/vacancies/<int:vacancy_id>/check-your-answers", methods=["GET", "POST"])
@manage
def check_answers(vacancy_id: int):
    vacancy = own_vacancy_or_404(vacancy_id)
    if response := _editable_or_redirect(vacancy):
        return response
    form = CheckAnswersForm()
    # Returned for changes: the listing goes back to the moderator, who expects the school's answer.
    reply_expected = returned_for_changes(vacancy.id) is not None
    if reply_expected:
        form.message_to_moderator.label.text = "Your reply to the moderator"
        form.message_to_moderator.description = (
            "Say what you changed, or why nothing needed to change. "
            "A moderator reads it with your listing before it can go live."
        )
    if request.method == "POST" and vacancy.status in (VacancyStatus.DRAFT, VacancyStatus.REJECTED):
        if not current_user.email_verified:
            flash("Confirm your email address before sending a listing for review.", "info")
        elif not form.validate_on_submit():
            pass  # shown again with the error summary
        elif reply_expected and not (form.message_to_moderator.data or "").strip():
            form.message_to_moderator.errors = [
                "Enter your reply to the moderator: say what you changed, or why nothing needed to change"
            ]
        else:
            # A policy's refusal keeps the draft, with the refusal in the audit trail.
            with attempt(form, keep=ListingBlocked) as done:
                reply_from_school(current_user, vacancy, form.message_to_moderator.data or "")
                submission.submit_for_review(current_user, vacancy)
            if done:
                flash(submitted_message(vacancy), "success")
                return redirect(url_for("schools.vacancy", vacancy_id=vacancy.id))
            if isinstance(done.refusal, ListingBlocked):
                flash(f"Your draft is saved. {done.refusal}", "info")
                return redirect(url_for("schools.check_answers", vacancy_id=vacancy.id))
    findings = findings_for(VacancyDetails.from_vacancy(vacancy), vacancy.organisation, vacancy_id=vacancy.id)
    return render_template(
        "schools/wizard/check_answers.html",
        vacancy=vacancy,
        form=form,
        steps=steps.STEPS,
        findings=findings if not vacancy.unanswered_steps else [],
        severity_tags=SEVERITY_TAGS,
        on_sale=vacancy.status in steps.ON_SALE,
        asks_subjects=steps.asks_subjects(vacancy.phases),
        reply_expected=reply_expected,
    ), (400 if form.errors else 200)


@bp.route("/vacancies/<int:vacancy_id>/preview")
@manage
def preview(vacancy_id: int):
    """The listing exactly as jobseekers will see it: the public job page, with a banner saying so."""
    vacancy = own_vacancy_or_404(vacancy_id)
    return render_template("public/vacancy.html", vacancy=vacancy, preview=True)


@bp.app_template_filter("rich_text")
def rich_text(value) -> Markup:
    """A role description as safe HTML (stored rich text sanitised again; plain text with its paragraphs)."""
    return richtext.render(value)


@bp.app_template_global()
def document_href(vacancy, document) -> str | None:
    """Where a listing's document downloads from: the public address while live, the school's address for
    its own staff or the moderators' address for moderators otherwise, and nowhere for anyone else (the
    page then shows the name only)."""
    if vacancy.is_live():
        return url_for("documents.vacancy_document", vacancy_id=vacancy.id, document_id=document.id)
    if current_user.is_authenticated and vacancy.organisation_id in organisation_ids_for(current_user):
        return url_for("schools.download_document", vacancy_id=vacancy.id, document_id=document.id)
    if current_user.is_authenticated and current_user.can(Permission.MODERATION_QUEUE_READ):
        return url_for("moderators.vacancy_document", vacancy_id=vacancy.id, document_id=document.id)
    return None


# The questions whose words the rules read, by section: checked as the school types.
CHECKED_TEXT = {
    "title",
    "salary",
    "about_role",
    "what_school_offers",
    "fixed_term_length",
    "statement_instructions",
}


@bp.route("/vacancies/<int:vacancy_id>/edit/<step>/checks", methods=["POST"])
@manage
def live_checks(vacancy_id: int, step: str):
    """What the moderation rules say about a section's words as typed, before saving (for the page's script).

    Nothing is saved: the typed words replace the saved ones in a copy of the listing's details.
    """
    vacancy = own_vacancy_or_404(vacancy_id)
    section = _step_or_404(step)
    typed = {}
    for name in CHECKED_TEXT.intersection(section.fields):
        value = request.form.get(name, "").replace("\x00", "")[:20_000]
        typed[name] = richtext.from_editor(value) if name == "about_role" else value.strip()
    details = dataclasses.replace(VacancyDetails.from_vacancy(vacancy), **typed)
    fields = {*section.fields, *EXTRA_FINDING_FIELDS.get(section.slug, ())}
    found = findings_for(details, vacancy.organisation, vacancy_id=vacancy.id)
    return {
        "findings": [
            {
                "severity": str(finding.severity),
                "label": finding.severity.label,
                "field": finding.field,
                "text": finding.text,
                "message": finding.message,
            }
            for finding in found
            if finding.field in fields
        ]
    }
