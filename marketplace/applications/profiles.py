"""Jobseeker profiles: what a person types once, and the rules every section of it and of an application
form keeps (the form itself is application_form.py).

A profile and an application both hold their answers as sections of plain JSON-safe dicts
(`{"data": ..., "saved_at"/"updated_at": iso}`), so a section moves between them unchanged.

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
from marketplace.applications.models import JobseekerProfile
from marketplace.applications.services import MAX_STATEMENT_WORDS, ApplicationError, word_count
from marketplace.db import uk_today, utcnow
from marketplace.extensions import db
from marketplace.vacancies.questions import MAX_ANSWER_CHARACTERS

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
# Asked only by schools of a religious character (application_form.sections_for).
FAITH_SECTION: dict[str, str] = {"faith": "Faith and the school's religious character"}
# Sections a new application may take from the profile or the last application. Declarations are
# asked afresh each time: they are promises about now, not facts that carry over.
PREFILLED = (
    "personal",
    "professional",
    "qualifications",
    "employment",
    "referees",
    "statement",
    "support",
    "faith",
)
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
    elif section == "faith":
        if data.get("following") not in FAITH_ANSWERS:
            problems.append(Problem("following", "Select whether you follow a religion or belief"))
        elif data.get("following") == "yes" and not (data.get("faith") or "").strip():
            problems.append(Problem("faith", "Enter your religion or belief"))
    elif section == "questions":
        # The school's own questions, each stored with its text and whether it must be answered.
        for number, item in enumerate(data.get("items") or [], start=1):
            given = (item.get("answer") or "").strip()
            if item.get("required") and not given:
                problems.append(Problem(f"question_{number}", f"Enter your answer to question {number}"))
            elif len(given) > MAX_ANSWER_CHARACTERS:
                too_long = (
                    f"Your answer to question {number} must be {MAX_ANSWER_CHARACTERS:,} characters or fewer"
                )
                problems.append(Problem(f"question_{number}", too_long))
    elif section == "declarations":
        for name, question in DECLARATIONS.items():
            answer = data.get(name)
            if answer not in ("yes", "no"):
                problems.append(Problem(name, f"Select an answer: {question[0]}"))
            elif answer == question[1] and not (data.get(f"{name}_details") or "").strip():
                problems.append(Problem(f"{name}_details", question[2]))
    return problems


# The faith section's first question; a person may always decline to say.
FAITH_ANSWERS = {
    "yes": "Yes",
    "no": "No",
    "prefer_not_to_say": "I prefer not to say",
}

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

# What a person confirms by sending an application without answering the declarations one by one:
# each declaration's usual answer, in words, and the answers stored for it.
CONFIRMATIONS: dict[str, str] = {
    "right_to_work": "you have the right to work in the UK",
    "safeguarding": (
        "there is nothing the school should know about your suitability to work with children, "
        "including any criminal record that would show on an enhanced DBS check"
    ),
    "close_relationships": (
        "you are not closely related to, or in a relationship with, anyone who works at or governs the school"
    ),
}
CONFIRMED: dict[str, Any] = {
    "right_to_work": "yes",
    "right_to_work_details": "",
    "safeguarding": "no",
    "safeguarding_details": "",
    "close_relationships": "no",
    "close_relationships_details": "",
    "confirmed_together": True,
}


def clean(value: Any) -> Any:
    """The answers without NUL characters: PostgreSQL text cannot hold them, and no person types one."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {clean(key): clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean(item) for item in value]
    return value


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
    data = clean(data)
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
