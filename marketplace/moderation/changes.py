"""What a school changed in a listing since a moderator asked for changes: snapshots and their diff.

Pure: no database. When a moderator returns a listing, `snapshot` keeps what it said (JSON-safe, on the
decision); when it comes back, `changes_between` lists field by field what is different, in words, so
the moderator sees what the school did rather than re-reading the whole listing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable

from marketplace.vacancies import vocabulary
from marketplace.vacancies.details import VacancyDetails

# The reviewable fields, in the order a moderator reads a listing, with the names the school's form uses.
LABELS: dict[str, str] = {
    "title": "Job title",
    "schools": "Schools the job is at",
    "job_roles": "Job role",
    "phases": "Education phase",
    "key_stages": "Key stages",
    "subjects": "Subjects",
    "working_patterns": "Working pattern",
    "job_share": "Job share",
    "hours_per_week": "Hours per week",
    "fte": "Full-time equivalent (FTE)",
    "term_time_only": "Term time only",
    "contract_type": "Contract type",
    "fixed_term_length": "Length of contract",
    "parental_leave_cover": "Parental leave cover",
    "salary": "Salary",
    "salary_minimum": "Lowest salary",
    "salary_maximum": "Highest salary",
    "actual_salary": "Actual pay",
    "hourly_rate_pence": "Hourly rate",
    "publish_on": "Goes live",
    "closing_date": "Closing date",
    "closing_time": "Closing time",
    "starts_on": "Start date",
    "about_role": "About the role",
    "what_school_offers": "What the school offers",
    "ect_status": "Early career teachers",
    "visa_sponsorship": "Visa sponsorship",
    "how_to_apply": "How to apply",
    "application_url": "Application website",
    "application_email": "Application email",
    "contact_email": "Contact email",
    "external_reference": "Your reference",
    "statement_instructions": "Instructions for the supporting statement",
    "application_questions": "Questions for applicants",
    "documents": "Supporting documents",
}

# Where candidates apply and who they write to: a change here on a live listing goes to a moderator
# (a changed address is how a hijacked account would divert candidates), named as the policy says it.
APPLY_AND_CONTACT_FIELDS: dict[str, str] = {
    "how_to_apply": "application method",
    "application_url": "application website",
    "application_email": "application email address",
    "contact_email": "contact email",
}


@dataclasses.dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str


def _json_safe(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def snapshot(details: VacancyDetails, *, schools: Iterable[str] = (), documents: Iterable[str] = ()) -> dict:
    """What the listing says, JSON-safe, with the names of the schools it covers and its documents."""
    values = {name: _json_safe(value) for name, value in dataclasses.asdict(details).items()}
    values["schools"] = sorted(schools)
    values["documents"] = sorted(documents)
    return {name: values.get(name) for name in LABELS}


def apply_and_contact_changes(before: VacancyDetails, after: VacancyDetails) -> tuple[str, ...]:
    """The application and contact details that differ, in the policy's words (empty when none do)."""
    return tuple(
        words
        for name, words in APPLY_AND_CONTACT_FIELDS.items()
        if (getattr(before, name) or "").strip().lower() != (getattr(after, name) or "").strip().lower()
    )


def _date(value: str) -> str:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day.day} {day:%B %Y}"


def _plain(html: str) -> str:
    """Rich text as the words a moderator compares (tags dropped, spacing collapsed)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def shown(name: str, value) -> str:
    """A snapshot value as a moderator reads it."""
    if value is None or value == "" or value == []:
        return "None given"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name in ("salary_minimum", "salary_maximum", "actual_salary") and isinstance(value, int):
        return f"£{value:,}"
    if name == "hourly_rate_pence" and isinstance(value, int):
        return f"£{value // 100:,}.{value % 100:02d} an hour"
    if name in ("publish_on", "closing_date", "starts_on"):
        return _date(str(value))
    if name == "job_roles":
        return ", ".join(vocabulary.labels(vocabulary.JOB_ROLES, value))
    if name == "phases":
        return ", ".join(vocabulary.labels(vocabulary.PHASES, value))
    if name == "key_stages":
        return ", ".join(vocabulary.labels(vocabulary.KEY_STAGES, value))
    if name == "working_patterns":
        return ", ".join(vocabulary.labels(vocabulary.WORKING_PATTERNS, value))
    if name == "contract_type":
        return vocabulary.CONTRACT_TYPES.get(value, str(value))
    if name == "how_to_apply":
        return vocabulary.HOW_TO_APPLY.get(value, str(value))
    if name == "ect_status":
        return vocabulary.ECT_STATUSES.get(value, str(value))
    if name in ("about_role", "what_school_offers"):
        return _plain(str(value)) or "None given"
    if name == "application_questions":
        return "; ".join(
            f"{question.get('text')} ({'required' if question.get('required') else 'optional'})"
            for question in value
        )
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def changes_between(before: dict, after: dict) -> list[FieldChange]:
    """Each reviewable field whose value differs between two snapshots, in reading order."""
    changes = []
    for name, label in LABELS.items():
        old, new = before.get(name), after.get(name)
        if _same(old, new):
            continue
        changes.append(FieldChange(name, label, shown(name, old), shown(name, new)))
    return changes


def _same(old, new) -> bool:
    empty = (None, "", [])
    if old in empty and new in empty:
        return True
    return old == new
