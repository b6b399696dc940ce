"""The application form: start a draft prefilled from what the person typed before, review it, answer
what this job alone needs, make the declarations and send it.

- a new application is prefilled, section by section, from the profile or from the person's most
  recent application, whichever saved that section last;
- the review confirms every prefilled section at once (save_job_answers), together with this job's own
  sections (the statement, support at interview, and faith for a school of a religious character);
  a section may still be opened and saved on its own, and a missing one is filled that way;
- the person may copy an application's answers back to the profile.
The rules each section keeps are profiles.py's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.applications.candidates import mark_applied as mark_invitation_applied
from marketplace.applications.events import ApplicationStarted, ApplicationSubmitted
from marketplace.applications.lifecycle import ApplicationAction, ApplicationStatus, next_status
from marketplace.applications.models import Application
from marketplace.applications.profiles import (
    APPLICATION_SECTIONS,
    FAITH_SECTION,
    PREFILLED,
    SHARED_WITH_PROFILE,
    Problem,
    SectionInvalid,
    clean,
    profile_of,
    save_profile_section,
    section_problems,
)
from marketplace.applications.services import (
    MAX_STATEMENT_WORDS,
    AlreadyApplied,
    ApplicationError,
    existing_application,
    word_count,
)
from marketplace.db import uk_today, utcnow
from marketplace.events import announce
from marketplace.extensions import db
from marketplace.vacancies.models import Vacancy

# What the school register says of a school with no religious character.
_NO_RELIGIOUS_CHARACTER = frozenset({"", "none", "does not apply", "not applicable", "unknown"})
# The sections each job asks afresh (prefilled from the last application where it had them): the
# review page shows them as questions, every other section as answers to check.
JOB_SECTIONS = ("statement", "questions", "faith", "support")
# Asked only when the school added questions of its own (vacancies/questions.py).
QUESTIONS_SECTION: dict[str, str] = {"questions": "Questions from the school"}


def religious_character(vacancy: Vacancy) -> str | None:
    """The religious character of the school (or first of the schools) the job is at, if it has one."""
    for place in vacancy.places:
        character = (place.religious_character or "").strip()
        if character.lower() not in _NO_RELIGIOUS_CHARACTER:
            return character
    return None


def sections_for(vacancy: Vacancy) -> dict[str, str]:
    """The sections this job's application form has, in order: the school's own questions follow the
    statement, and a school of a religious character also asks about faith, just before support at
    interview."""
    faith = religious_character(vacancy) is not None
    sections: dict[str, str] = {}
    for key, title in APPLICATION_SECTIONS.items():
        if key == "support" and faith:
            sections.update(FAITH_SECTION)
        sections[key] = title
        if key == "statement" and vacancy.application_questions:
            sections.update(QUESTIONS_SECTION)
    return sections


def questions_asked(vacancy: Vacancy, given: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The school's questions as an application stores them: each with its text, whether it must be
    answered, and the answer `given` (stored answers of the same question text, else empty)."""
    earlier = {item.get("question"): item.get("answer", "") for item in (given or {}).get("items") or []}
    return [
        {
            "question": question["text"],
            "required": bool(question.get("required")),
            "answer": earlier.get(question["text"], ""),
        }
        for question in vacancy.application_questions or []
    ]


def _questions_changed(vacancy: Vacancy, data: dict[str, Any]) -> bool:
    """Whether the school changed its questions since the draft's answers were saved."""
    asked = [(q["text"], bool(q.get("required"))) for q in vacancy.application_questions or []]
    stored = [(item.get("question"), bool(item.get("required"))) for item in data.get("items") or []]
    return asked != stored


@dataclass(frozen=True)
class SectionState:
    key: str
    title: str
    status: str  # "completed", "review" (prefilled, not yet confirmed), "incomplete", "not_started"
    problems: tuple[Problem, ...] = ()

    @property
    def label(self) -> str:
        return {
            "completed": "Completed",
            "review": "Prefilled: check it",
            "incomplete": "Incomplete",
            "not_started": "Not yet started",
        }[self.status]


def answer(application: Application, section: str) -> dict[str, Any]:
    return dict((application.answers or {}).get(section, {}).get("data") or {})


def _latest_other_application(user: User, vacancy_id: int) -> Application | None:
    """The person's most recently saved application (any status) other than this vacancy's."""
    return db.session.scalar(
        sa.select(Application)
        .where(Application.jobseeker_id == user.id, Application.vacancy_id != vacancy_id)
        .order_by(Application.updated_at.desc(), Application.id.desc())
        .limit(1)
    )


def _parse_time(value: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def prefill(user: User, vacancy_id: int) -> dict[str, dict[str, Any]]:
    """Answers for a new application: per section, the newer of the profile's and the last application's."""
    profile = profile_of(user)
    last = _latest_other_application(user, vacancy_id)
    answers: dict[str, dict[str, Any]] = {}
    for section in PREFILLED:
        candidates = []
        stored = (profile.sections or {}).get(section) if profile else None
        if stored and stored.get("data"):
            candidates.append((_parse_time(stored.get("updated_at")), "profile", stored["data"]))
        previous = (last.answers or {}).get(section) if last else None
        if previous and previous.get("data") and previous.get("saved_at"):
            candidates.append((_parse_time(previous.get("saved_at")), "application", previous["data"]))
        candidates = [c for c in candidates if c[0] is not None]
        if not candidates:
            continue
        _, source, data = max(candidates, key=lambda c: c[0])
        answers[section] = {"data": data, "saved_at": None, "source": source}
    if "personal" not in answers:
        answers["personal"] = {"data": {"full_name": user.full_name}, "saved_at": None, "source": "account"}
    return answers


def _prefilled_draft(user: User, vacancy: Vacancy, now: dt.datetime) -> Application:
    """A new draft filled from the person's profile and last application, not yet in the session."""
    if not vacancy.is_live(now):
        raise ApplicationError("This job is no longer accepting applications.")
    if not vacancy.applies_through_marketplace:
        raise ApplicationError("This school takes applications on its own website or by email.")
    # Only the sections this job asks: faith answers never reach a school that does not ask about faith.
    wanted = sections_for(vacancy)
    answers = {key: value for key, value in prefill(user, vacancy.id).items() if key in wanted}
    return Application(
        vacancy=vacancy,
        vacancy_id=vacancy.id,
        jobseeker_id=user.id,
        status=ApplicationStatus.DRAFT,
        full_name=(answers["personal"]["data"].get("full_name") or user.full_name)[:200],
        email=user.email,
        supporting_statement=answers.get("statement", {}).get("data", {}).get("text", ""),
        answers=answers,
        status_changed_at=now,
    )


def application_to_show(user: User, vacancy: Vacancy, *, now: dt.datetime | None = None) -> Application:
    """What the apply pages show: the person's application, or the draft they would start, unsaved.

    Reading never writes: a draft is stored only when the person saves a section or sends it.
    """
    return existing_application(user, vacancy.id) or _prefilled_draft(user, vacancy, now or utcnow())


def start_application(user: User, vacancy: Vacancy, *, now: dt.datetime | None = None) -> Application:
    """The person's application for this listing: their draft if they have one, else a new prefilled draft.

    Two requests racing to start the same draft (two tabs) meet the unique constraint on (vacancy,
    jobseeker): the later one gets the draft the other stored.
    """
    existing = existing_application(user, vacancy.id)
    if existing is not None:
        return existing
    application = _prefilled_draft(user, vacancy, now or utcnow())
    try:
        # In a savepoint, so that losing the race undoes only this; nothing is written after it, since on
        # SQLite releasing a savepoint that opened the transaction commits it.
        with db.session.begin_nested():
            db.session.add(application)
            db.session.flush()
            announce(ApplicationStarted(application_id=application.id))
    except sa.exc.IntegrityError:
        winner = existing_application(user, vacancy.id)
        if winner is None:
            raise
        return winner
    return application


def _require_draft(application: Application) -> None:
    if application.status is not ApplicationStatus.DRAFT:
        raise ApplicationError("You have already sent this application, so it cannot be changed.")


def save_application_section(
    application: Application, section: str, data: dict[str, Any], *, now: dt.datetime | None = None
) -> Application:
    """Save one section of a draft application; raises SectionInvalid with what is still missing."""
    if section not in sections_for(application.vacancy):
        raise KeyError(section)
    _require_draft(application)
    now = now or utcnow()
    data = clean(data)
    problems = section_problems(section, data, today=uk_today(now), for_application=True)
    if problems:
        raise SectionInvalid(problems)
    application.answers = {
        **(application.answers or {}),
        section: {"data": data, "saved_at": now.isoformat(), "source": "application"},
    }
    # The columns the school's inbox lists by stay in step with the answers.
    if section == "personal":
        application.full_name = (data.get("full_name") or application.full_name)[:200]
    if section == "statement":
        application.supporting_statement = data.get("text", "")
    application.updated_at = now
    db.session.flush()
    return application


def section_states(application: Application, *, today: dt.date | None = None) -> list[SectionState]:
    today = today or uk_today()
    states = []
    for key, title in sections_for(application.vacancy).items():
        stored = (application.answers or {}).get(key)
        if not stored:
            states.append(SectionState(key, title, "not_started"))
            continue
        problems = tuple(section_problems(key, stored.get("data") or {}, today=today, for_application=True))
        if key == "questions" and _questions_changed(application.vacancy, stored.get("data") or {}):
            # Answers saved for questions the school has since changed: asked again on the review page.
            problems = (Problem("questions", "The school has changed its questions: answer them again"),)
        if problems:
            status = "incomplete"
        elif not stored.get("saved_at"):
            status = "review"
        else:
            status = "completed"
        states.append(SectionState(key, title, status, problems))
    return states


def save_job_answers(
    application: Application, answers: dict[str, dict[str, Any]], *, now: dt.datetime | None = None
) -> list[SectionState]:
    """The review page's answer: save this job's own sections and confirm every prefilled section the
    person has just read, in one go. Returns the sections still unfinished (declarations, which are
    made just before sending, and any section with nothing or too little in it).

    Raises SectionInvalid with every problem in the job's sections, saving nothing, when one is wrong.
    """
    _require_draft(application)
    now = now or utcnow()
    today = uk_today(now)
    wanted = [key for key in JOB_SECTIONS if key in sections_for(application.vacancy)]
    cleaned = {key: clean(answers.get(key) or {}) for key in wanted}
    if "questions" in cleaned:
        # Each answer stored with the question's text as asked now, so a later change to the listing's
        # questions never changes what the person was asked.
        cleaned["questions"] = {"items": questions_asked(application.vacancy, cleaned["questions"])}
    problems = [
        problem
        for key in wanted
        for problem in section_problems(key, cleaned[key], today=today, for_application=True)
    ]
    if problems:
        raise SectionInvalid(problems)
    stored = dict(application.answers or {})
    for key in wanted:
        stored[key] = {"data": cleaned[key], "saved_at": now.isoformat(), "source": "application"}
    for state in section_states(application, today=today):
        if state.status == "review" and state.key not in wanted:
            stored[state.key] = {**stored[state.key], "saved_at": now.isoformat()}
    application.answers = stored
    application.supporting_statement = cleaned["statement"].get("text", "")
    application.full_name = (answer(application, "personal").get("full_name") or application.full_name)[:200]
    application.updated_at = now
    db.session.flush()
    return [state for state in section_states(application, today=today) if state.status != "completed"]


def ready_to_submit(application: Application) -> bool:
    return all(state.status == "completed" for state in section_states(application))


def copy_answers_to_profile(
    user: User, application: Application, *, now: dt.datetime | None = None
) -> list[str]:
    """Save the application's shared sections to the profile; returns the sections copied."""
    if application.jobseeker_id != user.id:
        raise ApplicationError("You can only copy your own answers.")
    now = now or utcnow()
    copied = []
    for section in SHARED_WITH_PROFILE:
        stored = (application.answers or {}).get(section)
        if stored and stored.get("saved_at"):
            try:
                save_profile_section(user, section, stored["data"], now=now)
            except SectionInvalid:
                continue
            copied.append(section)
    return copied


def submit(user: User, application: Application, *, now: dt.datetime | None = None) -> Application:
    """Send a complete draft to the school: one application per person and listing, even when two
    requests race (a second attempt raises AlreadyApplied)."""
    if application.jobseeker_id != user.id:
        raise ApplicationError("You can only send your own applications.")
    _require_draft(application)
    unfinished = [state for state in section_states(application) if state.status != "completed"]
    if unfinished:
        raise ApplicationError(
            f"Complete the section '{unfinished[0].title}' before sending your application"
        )
    return _send(
        user,
        application.vacancy,
        supporting_statement=answer(application, "statement").get("text", ""),
        now=now,
    )


def _send(
    jobseeker: User, vacancy: Vacancy, *, supporting_statement: str, now: dt.datetime | None = None
) -> Application:
    """Send the application for a live listing that takes applications through the marketplace.

    Submitting twice never creates two applications: a second attempt raises AlreadyApplied, and the
    unique constraint on (vacancy, jobseeker) backs this up against two requests racing each other.
    """
    now = now or utcnow()
    if not vacancy.is_live(now):
        raise ApplicationError("This job is no longer accepting applications.")
    if not vacancy.applies_through_marketplace:
        raise ApplicationError("This school takes applications on its own website or by email.")
    statement = supporting_statement.strip()
    if not statement:
        raise ApplicationError("Enter your supporting statement")
    if word_count(statement) > MAX_STATEMENT_WORDS:
        raise ApplicationError(f"Your supporting statement must be {MAX_STATEMENT_WORDS:,} words or fewer")

    application = existing_application(jobseeker, vacancy.id)
    if application is not None and application.status is not ApplicationStatus.DRAFT:
        raise AlreadyApplied(application)
    if application is None:
        application = Application(
            vacancy_id=vacancy.id,
            jobseeker_id=jobseeker.id,
            status=ApplicationStatus.DRAFT,
            full_name=jobseeker.full_name,
            email=jobseeker.email,
        )
        db.session.add(application)
    application.supporting_statement = statement
    if application.id is not None:
        # Compare-and-set: of two requests sending the same draft at once, only one moves it.
        db.session.flush()
        moved = db.session.execute(
            sa.update(Application)
            .where(Application.id == application.id, Application.status == ApplicationStatus.DRAFT)
            .values(
                status=next_status(ApplicationStatus.DRAFT, ApplicationAction.SUBMIT),
                status_changed_at=now,
                submitted_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:
            db.session.refresh(application)
            raise AlreadyApplied(application)
        db.session.refresh(application)
    else:
        application.status = next_status(application.status, ApplicationAction.SUBMIT)
        application.status_changed_at = now
        application.submitted_at = now
        db.session.flush()

    mark_invitation_applied(jobseeker.id, vacancy.id, now=now)
    announce(ApplicationSubmitted(application_id=application.id))
    return application
