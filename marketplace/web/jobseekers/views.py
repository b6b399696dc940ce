"""Jobseekers: their profile, applying for a job section by section, following their applications, and
their rights over their data."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError

from marketplace.accounts import privacy
from marketplace.applications import application_form, candidates, conversations, profiles, queries, services
from marketplace.applications.equal_opportunities import can_answer as can_answer_equal_opportunities
from marketplace.applications.lifecycle import OPEN, ApplicationStatus, IllegalTransition
from marketplace.applications.models import Application
from marketplace.db import uk_today
from marketplace.extensions import db
from marketplace.permissions import Permission
from marketplace.search.api import VacancySearch, search_vacancies
from marketplace.search.geo import UnknownLocation, resolve
from marketplace.unit_of_work import unit_of_work
from marketplace.vacancies import vocabulary
from marketplace.vacancies.queries import live_vacancy
from marketplace.web.access import requires
from marketplace.web.conversation_forms import MessageForm
from marketplace.web.jobseekers.forms import (
    SECTION_FORMS,
    DeleteAccountForm,
    EmploymentForm,
    ListSection,
    WithdrawForm,
    refresh_list_errors,
    school_questions_form,
)
from marketplace.web.once import SEND_APPLICATION, SendOnceForm, answer_to_race, earlier_answer, remember
from marketplace.web.outcomes import attempt
from marketplace.web.signed_in import end_session

bp = Blueprint("jobseekers", __name__, template_folder="templates")

apply_for_jobs = requires(Permission.APPLICATION_CREATE, verified_email=True)
read_own = requires(Permission.APPLICATION_READ_OWN)
manage_profile = requires(Permission.PROFILE_MANAGE)
manage_account = requires(Permission.ACCOUNT_MANAGE)

# What each status means for the jobseeker: what happens next, and what to do now.
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
TO_DO_NOW = {
    "draft": "Finish the sections and send it before the closing date.",
    "submitted": "Nothing for now. You can withdraw the application if you change your mind.",
    "shortlisted": "Keep an eye on your email and make sure your referees know they may be contacted.",
    "interviewing": "Prepare for the interview and tell the school if you need any support.",
    "offered": "Reply to the school. Ask them if you have questions about the offer.",
    "accepted": "Nothing: the school will be in touch about your start.",
    "declined": "Nothing. Keep looking: new jobs are listed every day.",
    "unsuccessful": "Ask the school for feedback if you would like it, and keep looking.",
    "withdrawn": "Nothing. You cannot apply for this job again.",
}

# URL words for each section (kebab-case) and the section they stand for.
SECTION_SLUGS = {
    "personal-details": "personal",
    "professional-status": "professional",
    "qualifications": "qualifications",
    "employment-history": "employment",
    "training": "training",
    "referees": "referees",
    "personal-statement": "statement",
    "interview-support": "support",
    "declarations": "declarations",
    "job-preferences": "preferences",
}
SLUG_OF = {section: slug for slug, section in SECTION_SLUGS.items()}
SECTION_HINTS = {
    "qualifications": "Add your degrees, teaching qualifications and school qualifications. "
    "Leave a row blank to skip it; clear a row to remove it.",
    "employment": "Start with your current or most recent job. A gap of more than three months between "
    "jobs needs a short explanation: it is usual for schools to ask.",
    "training": "Courses and professional development. Clear a row to remove it.",
    "referees": "Give at least two referees for an application, one of them your current or most recent "
    "employer. Schools may contact them before interview.",
    "statement": f"At most {services.MAX_STATEMENT_WORDS:,} words.",
}
MATCHES_SHOWN = 5


def _section_or_404(slug: str, allowed: dict[str, str]) -> str:
    section = SECTION_SLUGS.get(slug)
    if section not in allowed:
        abort(404)
    return section


def _bind_section_form(section: str, data: dict) -> FlaskForm:
    """The section's form: what was posted, or else the stored answers."""
    form_class = SECTION_FORMS[section]
    if form_class is EmploymentForm:
        # Stored as {gap: explanation}; the form shows one box per gap.
        gaps = data.get("gaps") or {}
        data = {**data, "gaps": [{"key": key, "explanation": text} for key, text in gaps.items()]}
    form = form_class() if request.method == "POST" else form_class(data=data)
    if isinstance(form, ListSection):
        if request.method == "POST" and "add_row" in request.form:
            form.items.append_entry()
        elif request.method == "GET":
            form.add_blank_rows(2 if section == "referees" and len(data.get("items", [])) < 2 else 1)
    if isinstance(form, EmploymentForm):
        form.show_gaps(uk_today())
    return form


def _wants_to_save(form: FlaskForm) -> bool:
    return request.method == "POST" and "add_row" not in request.form and form.validate_on_submit()


def _show_problems(form: FlaskForm, problems: list[profiles.Problem]) -> None:
    """Put the domain's objections next to the fields they concern, so the error summary links to them."""
    for problem in problems:
        field = form._fields.get(problem.field)
        if problem.field == "items" and isinstance(form, ListSection):
            entries = form.items.entries
            blank = [entry for entry in entries if entry.form.is_blank()] or entries[-1:]
            first_field = next(iter(blank[0].form))
            first_field.errors = [*first_field.errors, problem.message]
            refresh_list_errors(form.items)
            continue
        if field is None or isinstance(field.errors, tuple):
            field = next(f for f in form if f.name != "csrf_token")
        field.errors = [*field.errors, problem.message]


# ---------------------------------------------------------------------------- dashboard


@bp.route("/your-account")
@read_own
def dashboard():
    profile = profiles.profile_of(current_user)
    applications = queries.applications_of(current_user)
    return render_template(
        "jobseekers/dashboard.html",
        profile=profile,
        profile_states=profiles.profile_states(profile),
        applications=applications[:5],
        application_count=len(applications),
        matches=_matching_jobs(profile, {a.vacancy_id for a in applications}),
        next_steps=NEXT_STEPS,
        invitations=candidates.invitations_for(current_user),
        candidate_preferences=candidates.preferences_of(current_user),
    )


def _matching_jobs(profile, applied_for: set[int]) -> list:
    """Live jobs that fit the profile's preferences, best first, leaving out those already applied for."""
    preferences = profiles.profile_section(profile, "preferences")
    if not any(
        preferences.get(name) for name in ("job_roles", "phases", "subjects", "working_patterns", "location")
    ):
        return []
    search = VacancySearch(
        job_roles=tuple(preferences.get("job_roles", ())),
        phases=tuple(preferences.get("phases", ())),
        subjects=tuple(preferences.get("subjects", ())),
        working_patterns=tuple(preferences.get("working_patterns", ())),
        location=preferences.get("location", ""),
        radius=preferences.get("radius", 15),
        per_page=MATCHES_SHOWN + len(applied_for),
    )
    page = search_vacancies(search, snippets=False)
    return [vacancy for vacancy in page.vacancies if vacancy.id not in applied_for][:MATCHES_SHOWN]


# ---------------------------------------------------------------------------- profile


@bp.route("/your-profile")
@manage_profile
def profile():
    found = profiles.profile_of(current_user)
    return render_template(
        "jobseekers/profile.html",
        profile=found,
        sections={name: profiles.profile_section(found, name) for name in profiles.PROFILE_SECTIONS},
        titles=profiles.PROFILE_SECTIONS,
        slug_of=SLUG_OF,
        labels=_labels(),
    )


def place_point(typed: str | None) -> tuple[tuple[float, float] | None, str | None]:
    """A typed town, city or postcode as (point, None); (None, why not) when unknown or a whole area;
    (None, None) when nothing was typed."""
    if not typed:
        return None, None
    try:
        location = resolve(typed, db.session)
    except UnknownLocation as problem:
        return None, str(problem)
    if location is None or location.point is None:
        return None, "Enter a town, city or postcode, rather than an area"
    return (location.point.latitude, location.point.longitude), None


@bp.route("/your-profile/<slug>", methods=["GET", "POST"])
@manage_profile
def profile_section(slug: str):
    section = _section_or_404(slug, profiles.PROFILE_SECTIONS)
    stored = profiles.profile_section(profiles.profile_of(current_user), section)
    if section == "personal" and not stored.get("full_name"):
        stored = {**stored, "full_name": current_user.full_name}  # typed once, when registering
    form = _bind_section_form(section, stored)
    if _wants_to_save(form):
        try:
            with unit_of_work():
                profiles.save_profile_section(current_user, section, form.to_data())
                if section == "preferences":  # schools finding them search on the same preferences
                    candidates.follow_profile_preferences(current_user, place_point(form.location.data)[0])
        except profiles.SectionInvalid as invalid:
            _show_problems(form, invalid.problems)
        else:
            flash(f"{profiles.PROFILE_SECTIONS[section]} saved to your profile.", "success")
            return redirect(url_for("jobseekers.profile"))
    return render_template(
        "jobseekers/section.html",
        form=form,
        section=section,
        title=profiles.PROFILE_SECTIONS[section],
        caption="Your profile",
        hint=SECTION_HINTS.get(section),
        back=url_for("jobseekers.profile"),
        submit_text="Save to your profile",
        max_words=services.MAX_STATEMENT_WORDS,
    )


def _labels() -> dict:
    return {
        "qts": profiles.QTS_STATUSES,
        "job_roles": vocabulary.JOB_ROLES,
        "phases": vocabulary.PHASES,
        "working_patterns": vocabulary.WORKING_PATTERNS,
        "declarations": profiles.DECLARATIONS,
    }


# ---------------------------------------------------------------------------- applying


def _vacancy_or_404(vacancy_id: int):
    vacancy = live_vacancy(vacancy_id)
    if vacancy is None or not vacancy.applies_through_marketplace:
        abort(404)
    return vacancy


def _application_or_redirect(vacancy) -> Application | Response:
    """The person's draft for this listing (or the prefilled one they would start); a sent one redirects."""
    try:
        application = application_form.application_to_show(current_user, vacancy)
    except services.ApplicationError as error:
        flash(str(error), "info")
        return redirect(url_for("public.vacancy", vacancy_id=vacancy.id))
    if application.status is not ApplicationStatus.DRAFT:
        flash("You have already applied for this job.", "info")
        return redirect(url_for("jobseekers.application", application_id=application.id))
    return application


def _stored_draft(vacancy) -> Application:
    """The draft, stored now that the person is saving or sending it (started once, however many tabs).

    Committed on its own, so a section or a send that is refused still leaves the started draft.
    """
    with unit_of_work():
        return application_form.start_application(current_user, vacancy)


def _place_problems(forms: list[FlaskForm], problems: list[profiles.Problem]) -> None:
    """Each problem beside its field, in whichever of the page's forms has it."""
    for problem in problems:
        owner = next((form for form in forms if problem.field in form._fields), forms[0])
        _show_problems(owner, [problem])


def _questions_form(vacancy, application) -> FlaskForm:
    """The school's own questions, with what the person typed or saved for them."""
    asked = application_form.questions_asked(vacancy, application_form.answer(application, "questions"))
    return school_questions_form(asked)


def _missing_sections(states) -> list:
    """What the review cannot confirm: sections with nothing or too little in them (this job's own
    sections are asked on the page, and the declarations on the next one)."""
    return [
        state
        for state in states
        if state.key not in application_form.JOB_SECTIONS
        and state.key != "declarations"
        and state.status in ("not_started", "incomplete")
    ]


@bp.route("/jobs/<int:vacancy_id>/apply", methods=["GET", "POST"])
@apply_for_jobs
def apply(vacancy_id: int):
    """Step 1 of 2: every prefilled section to check, and the questions this job alone asks."""
    vacancy = _vacancy_or_404(vacancy_id)
    application = _application_or_redirect(vacancy)
    if isinstance(application, Response):
        return application
    sections = application_form.sections_for(vacancy)
    forms = {
        key: _questions_form(vacancy, application)
        if key == "questions"
        else _bind_section_form(key, application_form.answer(application, key))
        for key in application_form.JOB_SECTIONS
        if key in sections
    }
    tried = request.method == "POST"
    if tried and all([form.validate_on_submit() for form in forms.values()]):
        application = _stored_draft(vacancy)
        try:
            with unit_of_work():
                application_form.save_job_answers(
                    application, {key: form.to_data() for key, form in forms.items()}
                )
        except profiles.SectionInvalid as invalid:
            _place_problems(list(forms.values()), invalid.problems)
        else:
            if not _missing_sections(application_form.section_states(application)):
                return redirect(url_for("jobseekers.check_answers", vacancy_id=vacancy.id))
    states = application_form.section_states(application)
    missing = _missing_sections(states)
    statement = (application.answers or {}).get("statement") or {}
    form_errors = tried and any(form.errors for form in forms.values())
    return render_template(
        "jobseekers/apply.html",
        vacancy=vacancy,
        application=application,
        missing=missing,
        show_errors=tried and (form_errors or bool(missing)),
        forms=forms,
        reviewed=[key for key in sections if key not in (*application_form.JOB_SECTIONS, "declarations")],
        faith_of=application_form.religious_character(vacancy),
        instructions=vacancy.statement_instructions,
        slug_of=SLUG_OF,
        max_words=services.MAX_STATEMENT_WORDS,
        # Started from the last application and not yet saved for this one.
        returning=statement.get("source") == "application" and not statement.get("saved_at"),
    ), (400 if tried else 200)


@bp.route("/jobs/<int:vacancy_id>/apply/<slug>", methods=["GET", "POST"])
@apply_for_jobs
def apply_section(vacancy_id: int, slug: str):
    """One section on its own: a Change link from the review (the change is for this application), or
    a section the profile lacks (saved to the profile too, so the next application starts with it)."""
    vacancy = _vacancy_or_404(vacancy_id)
    section = _section_or_404(slug, application_form.sections_for(vacancy))
    application = _application_or_redirect(vacancy)
    if isinstance(application, Response):
        return application
    form = _bind_section_form(section, application_form.answer(application, section))
    # A section the profile lacks is typed here once, for every later application too.
    to_profile = section in TYPED_ONCE and not profiles.profile_section(
        profiles.profile_of(current_user), section
    )
    if _wants_to_save(form):
        application = _stored_draft(vacancy)
        try:
            with unit_of_work():
                application_form.save_application_section(application, section, form.to_data())
                if to_profile:
                    profiles.save_profile_section(current_user, section, form.to_data())
        except profiles.SectionInvalid as invalid:
            _show_problems(form, invalid.problems)
        else:
            if section == "declarations":
                return redirect(url_for("jobseekers.check_answers", vacancy_id=vacancy.id))
            return redirect(url_for("jobseekers.apply", vacancy_id=vacancy.id))
    source = (application.answers or {}).get(section, {})
    title = application_form.sections_for(vacancy)[section]
    return render_template(
        "jobseekers/section.html",
        form=form,
        section=section,
        title=title,
        job_title=vacancy.title,
        caption=f"Apply for {vacancy.title}",
        hint=SECTION_HINTS.get(section),
        also_profile=to_profile,
        back=url_for("jobseekers.apply", vacancy_id=vacancy.id),
        submit_text="Save and return to your application",
        prefilled_from=None if source.get("saved_at") else source.get("source"),
        max_words=services.MAX_STATEMENT_WORDS,
        declarations=profiles.DECLARATIONS,
    )


# Sections a person types once: filled in for an application while the profile lacks them, they are
# saved to the profile as well. (A statement is written for one job, so it stays with the application.)
TYPED_ONCE = ("personal", "professional", "qualifications", "employment", "referees")


@bp.route("/jobs/<int:vacancy_id>/apply/check-your-answers", methods=["GET", "POST"])
@apply_for_jobs
def check_answers(vacancy_id: int):
    """Step 2 of 2: the declarations, made afresh for each application, and sending it."""
    vacancy = _vacancy_or_404(vacancy_id)
    application = _application_or_redirect(vacancy)
    if isinstance(application, Response):
        return application
    form = SendOnceForm()
    declarations = _bind_section_form("declarations", application_form.answer(application, "declarations"))
    problem = None
    tried = form.validate_on_submit()
    if tried:
        if answer := earlier_answer(form, SEND_APPLICATION):
            return answer
        # The declarations come with the button: pressing "Confirm and send" makes the three statements
        # shown above it, unless the person answered each question instead (or saved them already).
        saved = application_form.answer(application, "declarations")
        answering_each = any(name in request.form for name in profiles.DECLARATIONS)
        application = _stored_draft(vacancy)  # a refused send still leaves the started draft
        if not answering_each or declarations.validate():
            made = declarations.to_data() if answering_each else None if saved else profiles.CONFIRMED
            try:
                with unit_of_work():
                    if made is not None:
                        application_form.save_application_section(application, "declarations", made)
                    sent = application_form.submit(current_user, application)
                    remember(form, SEND_APPLICATION, _application_path(sent), APPLICATION_SENT)
            except IntegrityError as error:
                return answer_to_race(form, SEND_APPLICATION, error)
            except services.AlreadyApplied as error:
                return redirect(_application_path(error.application))
            except profiles.SectionInvalid as invalid:
                _show_problems(declarations, invalid.problems)
            except services.ApplicationError as error:
                problem = str(error)
            else:
                flash(APPLICATION_SENT, "success")
                return redirect(_application_path(sent))
    states = application_form.section_states(application)
    unfinished = [state for state in states if state.status != "completed" and state.key != "declarations"]
    failed = tried and (bool(problem) or bool(declarations.errors) or bool(unfinished))
    return render_template(
        "jobseekers/check_answers.html",
        vacancy=vacancy,
        application=application,
        unfinished=unfinished,
        problem=problem,
        failed=failed,
        slug_of=SLUG_OF,
        declarations=declarations,
        # Open the questions when the person answers them one by one (or did before).
        answering_each=bool(declarations.errors)
        or (not tried and bool(application_form.answer(application, "declarations"))),
        statements=profiles.CONFIRMATIONS,
        form=form,
    ), (400 if failed else 200)


APPLICATION_SENT = "Your application has been sent. We have emailed you a copy."


def _application_path(application) -> str:
    return url_for("jobseekers.application", application_id=application.id)


@bp.route("/your-applications/<int:application_id>/save-to-profile", methods=["POST"])
@manage_profile
def save_to_profile(application_id: int):
    found = queries.application_of(current_user, application_id)
    if found is None:
        abort(404)
    with unit_of_work():
        copied = application_form.copy_answers_to_profile(current_user, found)
    if copied:
        titles = ", ".join(profiles.PROFILE_SECTIONS[section].lower() for section in copied)
        flash(f"Saved to your profile: {titles}.", "success")
    else:
        flash("There were no finished sections to save to your profile yet.", "info")
    if found.status is ApplicationStatus.DRAFT:
        return redirect(url_for("jobseekers.check_answers", vacancy_id=found.vacancy_id))
    return redirect(url_for("jobseekers.application", application_id=found.id))


# ---------------------------------------------------------------------------- your applications


@bp.route("/your-applications")
@read_own
def applications():
    return render_template(
        "jobseekers/applications.html",
        applications=queries.applications_of(current_user),
        next_steps=NEXT_STEPS,
        to_do=TO_DO_NOW,
        invitations=candidates.invitations_for(current_user),
    )


@bp.route("/your-applications/<int:application_id>")
@read_own
def application(application_id: int):
    found = queries.application_of(current_user, application_id)
    if found is None:
        abort(404)
    # Opening the application is reading the school's messages: their read receipts are recorded.
    with unit_of_work():
        conversations.mark_read(found, by_school=False)
    return _render_application(found)


def _render_application(found, *, message_form=None, status_code=200):
    return render_template(
        "jobseekers/application.html",
        application=found,
        next_step=NEXT_STEPS[found.status],
        to_do=TO_DO_NOW[found.status],
        message_form=message_form or MessageForm(formdata=None, prefix="message"),
        conversation_closed=conversations.closed_reason(found),
        can_answer_equal_opportunities=can_answer_equal_opportunities,
        form=message_form,
    ), status_code


@bp.route("/your-applications/<int:application_id>/messages", methods=["POST"])
@read_own
def send_message(application_id: int):
    found = queries.application_of(current_user, application_id)
    if found is None:
        abort(404)
    form = MessageForm(prefix="message")
    if form.validate_on_submit():
        with attempt(form, field="body") as done:
            conversations.send_from_candidate(current_user, found, form.body.data)
        if done:
            flash("Your message has been sent. We have emailed the school a link to read it.", "success")
            return redirect(url_for("jobseekers.application", application_id=found.id, _anchor="messages"))
    return _render_application(found, message_form=form, status_code=400)


@bp.route("/your-applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@read_own
def withdraw(application_id: int):
    """Withdrawing is deliberate: a page says what happens (to an offer, too) and asks for an optional
    reason the school will see; only its button withdraws."""
    found = queries.application_of(current_user, application_id)
    if found is None:
        abort(404)
    if found.status not in OPEN:
        flash("This application can no longer be withdrawn.", "info")
        return redirect(url_for("jobseekers.application", application_id=found.id))
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.withdraw(current_user, found, reason=form.reason.data or "")
        except IllegalTransition:
            flash("This application can no longer be withdrawn.", "info")
        except services.ApplicationError as error:
            for name, message in error.field_errors.items():
                form[name].errors = [*form[name].errors, message]
        else:
            flash("Your application has been withdrawn. The school has been told.", "success")
            return redirect(url_for("jobseekers.application", application_id=found.id))
    return render_template("jobseekers/withdraw.html", application=found, form=form), (
        400 if form.errors else 200
    )


# ---------------------------------------------------------------------------- privacy


@bp.route("/your-account/download-your-data")
@manage_account
def download_data():
    data = privacy.export_personal_data(current_user)
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="your-data.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/your-account/delete-account", methods=["GET", "POST"])
@manage_account
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                privacy.delete_account(current_user._get_current_object(), form.password.data)
        except privacy.PrivacyError as error:
            form.password.errors = [*form.password.errors, str(error)]
        else:
            end_session()
            flash("Your account has been deleted. We have emailed you to confirm.", "success")
            return redirect(url_for("public.home"))
    return render_template("jobseekers/delete_account.html", form=form), (400 if form.errors else 200)


# More routes of this blueprint, in modules of their own (imported once `bp` and the guards exist).
from marketplace.web.jobseekers import candidates as candidate_views  # noqa: E402, F401
from marketplace.web.jobseekers import equal_opportunities  # noqa: E402, F401
