"""Jobseeker profiles and the application form: type it once, apply in minutes.

A profile and an application both hold their answers as sections of plain JSON-safe dicts
(`{"data": ..., "saved_at"/"updated_at": iso}`), so a section moves between them unchanged:
- a new application is prefilled, section by section, from the profile or from the person's most
  recent application, whichever saved that section last;
- each section of the application is saved as a draft; check-your-answers shows what is missing;
- the person may copy an application's answers back to the profile.

The rules here (teacher reference numbers, gaps in employment, word limits, at least two referees)
are pure functions, so they are tested without a database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.analytics.events import EventName, record
from marketplace.applications import services
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application
from marketplace.applications.profile_models import JobseekerProfile
from marketplace.applications.services import MAX_STATEMENT_WORDS, ApplicationError, word_count
from marketplace.db import uk_today, utcnow
from marketplace.extensions import db
from marketplace.vacancies.models import Vacancy

# Application sections in the order the task list shows them: (key, title).
APPLICATION_SECTIONS: dict[str, str] = {
    "personal": "Personal details",
    "professional": "Professional status",
    "qualifications": "Qualifications",
    "employment": "Employment history",
    "referees": "Referees",
    "statement": "Personal statement",
    "support": "Support needed at interview",
    "declarations": "Declarations",
}
PROFILE_SECTIONS: dict[str, str] = {
    "personal": "Personal details",
    "professional": "Professional status",
    "qualifications": "Qualifications",
    "employment": "Employment history",
    "training": "Training and development",
    "referees": "Referees",
    "statement": "Personal statement",
    "preferences": "Job preferences",
}
# Sections a new application may take from the profile or the last application. Declarations are
# asked afresh each time: they are promises about now, not facts that carry over.
PREFILLED = ("personal", "professional", "qualifications", "employment", "referees", "statement", "support")
# Sections that can be copied back from an application to the profile.
SHARED_WITH_PROFILE = ("personal", "professional", "qualifications", "employment", "referees", "statement")

QTS_STATUSES = {
    "awarded": "I have qualified teacher status (QTS)",
    "working_towards": "I am working towards QTS",
    "none": "I do not have QTS",
}
MIN_REFEREES = 2
# A gap between jobs longer than this needs a short explanation (safer recruitment practice).
MAX_UNEXPLAINED_GAP_MONTHS = 3
_TRN = re.compile(r"\d{7}")
_MONTH = re.compile(r"^\s*(\d{1,2})\s*[/\-. ]\s*(\d{4})\s*$")
_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class Problem:
    """Something a section still needs; `field` names the form field it belongs to."""

    field: str
    message: str


class SectionInvalid(ApplicationError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(problems[0].message if problems else "Check this section")


# ---------------------------------------------------------------------------- pure rules


def normalise_trn(value: str) -> str:
    """A teacher reference number as people write it ("12 34 567", "RP 1234567") reduced to digits."""
    text = re.sub(r"[\s\-/]", "", value or "").upper()
    return text.removeprefix("RP")


def trn_problem(value: str) -> str | None:
    """Why a teacher reference number is not valid, or None. It is 7 digits long."""
    if not value:
        return None
    if not _TRN.fullmatch(normalise_trn(value)):
        return "Enter your teacher reference number (TRN) as 7 digits, like 1234567"
    return None


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @property
    def label(self) -> str:
        return f"{_MONTH_NAMES[self.month - 1]} {self.year}"

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)


def parse_month(text: str) -> Month | None:
    """A month written as MM/YYYY (also 9 2019, 09-2019); None when it is not one."""
    match = _MONTH.match(text or "")
    if not match:
        return None
    month, year = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 1900 <= year <= 2100:
        return None
    return Month(year, month)


@dataclass(frozen=True)
class Gap:
    """Months with no job between `after` (the last month worked) and `before` (the next start)."""

    after: Month
    before: Month

    @property
    def months(self) -> int:
        return self.before.index - self.after.index - 1

    @property
    def key(self) -> str:
        return f"{self.after.key}_{self.before.key}"

    @property
    def label(self) -> str:
        return f"between {self.after.label} and {self.before.label}"


def employment_gaps(jobs: Iterable[dict[str, Any]], today: dt.date) -> list[Gap]:
    """Gaps of more than three whole months between jobs, and since the last job ended.

    Jobs may overlap; a job without an end date is current. Entries whose dates do not parse are
    left to the form's own validation.
    """
    periods = []
    for job in jobs:
        start = parse_month(job.get("start", ""))
        end = parse_month(job.get("end", "")) if job.get("end") else Month.of(today)
        if start is not None and end is not None and end >= start:
            periods.append((start, end))
    gaps = []
    covered_until: Month | None = None
    for start, end in sorted(periods):
        if covered_until is not None and start.index - covered_until.index - 1 > MAX_UNEXPLAINED_GAP_MONTHS:
            gaps.append(Gap(covered_until, start))
        if covered_until is None or end > covered_until:
            covered_until = end
    now = Month.of(today)
    if covered_until is not None and now.index - covered_until.index - 1 > MAX_UNEXPLAINED_GAP_MONTHS:
        gaps.append(Gap(covered_until, now))
    return gaps


def section_problems(
    section: str, data: dict[str, Any], *, today: dt.date, for_application: bool
) -> list[Problem]:
    """What stops a section's answers being complete. Form validation checks each field's format;
    these are the rules that span fields or belong to the domain."""
    problems: list[Problem] = []
    if section == "personal":
        if not (data.get("full_name") or "").strip():
            problems.append(Problem("full_name", "Enter your full name"))
    elif section == "professional":
        status = data.get("qts_status")
        if for_application and status not in QTS_STATUSES:
            problems.append(Problem("qts_status", "Select whether you have qualified teacher status"))
        if message := trn_problem(data.get("trn", "")):
            problems.append(Problem("trn", message))
        elif status == "awarded" and not data.get("trn"):
            problems.append(Problem("trn", "Enter your teacher reference number (TRN)"))
    elif section == "employment":
        explanations = data.get("gaps") or {}
        for gap in employment_gaps(data.get("items", []), today):
            if not (explanations.get(gap.key) or "").strip():
                problems.append(Problem(f"gap_{gap.key}", f"Explain the gap in your employment {gap.label}"))
    elif section == "referees":
        if for_application and len(data.get("items", [])) < MIN_REFEREES:
            problems.append(Problem("items", f"Give at least {MIN_REFEREES} referees"))
    elif section == "statement":
        text = (data.get("text") or "").strip()
        if for_application and not text:
            problems.append(Problem("text", "Enter your personal statement"))
        if word_count(text) > MAX_STATEMENT_WORDS:
            problems.append(
                Problem("text", f"Your personal statement must be {MAX_STATEMENT_WORDS:,} words or fewer")
            )
    elif section == "support":
        if data.get("needed") not in ("yes", "no"):
            problems.append(Problem("needed", "Select whether you need any support at interview"))
        elif data.get("needed") == "yes" and not (data.get("details") or "").strip():
            problems.append(Problem("details", "Tell the school what support you need"))
    elif section == "declarations":
        for name, question in DECLARATIONS.items():
            answer = data.get(name)
            if answer not in ("yes", "no"):
                problems.append(Problem(name, f"Select an answer: {question[0]}"))
            elif answer == question[1] and not (data.get(f"{name}_details") or "").strip():
                problems.append(Problem(f"{name}_details", question[2]))
    return problems


# Each declaration: (the question, the answer that needs details, the message asking for them).
DECLARATIONS: dict[str, tuple[str, str, str]] = {
    "right_to_work": (
        "Do you have the right to work in the UK?",
        "no",
        "Tell the school how you would get the right to work in the UK",
    ),
    "safeguarding": (
        "Is there anything the school should know about your suitability to work with children, "
        "including any criminal record that would show on an enhanced DBS check?",
        "yes",
        "Give details of what the school should know",
    ),
    "close_relationships": (
        "Are you closely related to, or in a relationship with, anyone who works at or governs the school?",
        "yes",
        "Give the person's name and your relationship to them",
    ),
}


def _clean(value: Any) -> Any:
    """The answers without NUL characters: PostgreSQL text cannot hold them, and no person types one."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


# ---------------------------------------------------------------------------- profiles


def profile_of(user: User) -> JobseekerProfile | None:
    return db.session.scalar(sa.select(JobseekerProfile).where(JobseekerProfile.user_id == user.id))


def profile_section(profile: JobseekerProfile | None, section: str) -> dict[str, Any]:
    if profile is None:
        return {}
    return dict((profile.sections or {}).get(section, {}).get("data") or {})


def save_profile_section(
    user: User, section: str, data: dict[str, Any], *, now: dt.datetime | None = None
) -> JobseekerProfile:
    """Save one section of the person's profile (creating the profile on first use).

    Raises SectionInvalid when a domain rule is broken; fewer than two referees is allowed on the
    profile, since an application asks for them again.
    """
    if section not in PROFILE_SECTIONS:
        raise KeyError(section)
    now = now or utcnow()
    data = _clean(data)
    problems = section_problems(section, data, today=uk_today(now), for_application=False)
    if problems:
        raise SectionInvalid(problems)
    profile = profile_of(user)
    if profile is None:
        profile = JobseekerProfile(user_id=user.id, sections={}, discoverable=False)
        db.session.add(profile)
    # A new dict, so SQLAlchemy sees the JSON change.
    profile.sections = {**(profile.sections or {}), section: {"data": data, "updated_at": now.isoformat()}}
    profile.updated_at = now
    db.session.flush()
    return profile


def profile_states(profile: JobseekerProfile | None) -> dict[str, bool]:
    """Which profile sections the person has filled in."""
    stored = (profile.sections or {}) if profile else {}
    return {section: section in stored for section in PROFILE_SECTIONS}


# ---------------------------------------------------------------------------- applications


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


def _existing_application(user: User, vacancy: Vacancy) -> Application | None:
    return db.session.scalar(
        sa.select(Application).where(
            Application.jobseeker_id == user.id, Application.vacancy_id == vacancy.id
        )
    )


def _prefilled_draft(user: User, vacancy: Vacancy, now: dt.datetime) -> Application:
    """A new draft filled from the person's profile and last application, not yet in the session."""
    if not vacancy.is_live(now):
        raise ApplicationError("This job is no longer accepting applications.")
    if not vacancy.applies_through_marketplace:
        raise ApplicationError("This school takes applications on its own website or by email.")
    answers = prefill(user, vacancy.id)
    return Application(
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
    return _existing_application(user, vacancy) or _prefilled_draft(user, vacancy, now or utcnow())


def start_application(user: User, vacancy: Vacancy, *, now: dt.datetime | None = None) -> Application:
    """The person's application for this listing: their draft if they have one, else a new prefilled draft.

    Two requests racing to start the same draft (two tabs) meet the unique constraint on (vacancy,
    jobseeker): the later one gets the draft the other stored.
    """
    existing = _existing_application(user, vacancy)
    if existing is not None:
        return existing
    application = _prefilled_draft(user, vacancy, now or utcnow())
    try:
        # In a savepoint, so that losing the race undoes only this; nothing is written after it, since on
        # SQLite releasing a savepoint that opened the transaction commits it.
        with db.session.begin_nested():
            db.session.add(application)
            db.session.flush()
            record(
                EventName.APPLICATION_STARTED, vacancy_id=vacancy.id, organisation_id=vacancy.organisation_id
            )
    except sa.exc.IntegrityError:
        winner = _existing_application(user, vacancy)
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
    if section not in APPLICATION_SECTIONS:
        raise KeyError(section)
    _require_draft(application)
    now = now or utcnow()
    data = _clean(data)
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
    for key, title in APPLICATION_SECTIONS.items():
        stored = (application.answers or {}).get(key)
        if not stored:
            states.append(SectionState(key, title, "not_started"))
            continue
        problems = tuple(section_problems(key, stored.get("data") or {}, today=today, for_application=True))
        if problems:
            status = "incomplete"
        elif not stored.get("saved_at"):
            status = "review"
        else:
            status = "completed"
        states.append(SectionState(key, title, status, problems))
    return states


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
    """Send a complete draft to the school (see services.submit_application for the guarantees:
    one application per person and listing, even when two requests race)."""
    if application.jobseeker_id != user.id:
        raise ApplicationError("You can only send your own applications.")
    _require_draft(application)
    unfinished = [state for state in section_states(application) if state.status != "completed"]
    if unfinished:
        raise ApplicationError(
            f"Complete the section '{unfinished[0].title}' before sending your application"
        )
    return services.submit_application(
        user,
        application.vacancy,
        supporting_statement=answer(application, "statement").get("text", ""),
        now=now,
    )
