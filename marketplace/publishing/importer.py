"""Importing vacancies in bulk from JSON Lines (docs/import-format.md): one vacancy per line.

Lines are upserted by `external_reference`, so running the same file twice changes nothing. A line that
cannot be imported is reported with its number and reason, and the good lines are imported anyway
(each line in a savepoint). Lines are taken in batches: `after_batch` (the CLI passes a commit) runs
after each, so a crash loses at most one batch, and a re-run finds the lines already saved unchanged
(nothing is created, screened or published twice). The caller commits the last batch.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeGuard, overload

import sqlalchemy as sa

from marketplace.db import utcnow
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.moderation.policy import Outcome
from marketplace.moderation.screening import verdict_for
from marketplace.organisations.models import Organisation, OrganisationKind
from marketplace.search.api import ORGANISATION_TYPE_GROUPS
from marketplace.vacancies import listing_schools, pay, vocabulary
from marketplace.vacancies.details import VacancyDetails, pay_problems
from marketplace.vacancies.lifecycle import VacancyAction, VacancyStatus
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.services import transition

LIST_FIELDS = {
    "job_roles": vocabulary.JOB_ROLES,
    "phases": vocabulary.PHASES,
    "key_stages": vocabulary.KEY_STAGES,
    "subjects": {subject: subject for subject in vocabulary.ALL_SUBJECTS},
    "working_patterns": vocabulary.WORKING_PATTERNS,
}
# Fields copied onto the vacancy as they are (after checking), with the vacancy attribute they set.
SIMPLE_FIELDS = {
    "title": "title",
    "salary": "salary",
    "salary_min": "salary_minimum",
    "salary_max": "salary_maximum",
    "description": "about_role",
    "what_school_offers": "what_school_offers",
    "contact_email": "contact_email",
    "job_share": "job_share",
    "visa_sponsorship": "visa_sponsorship",
    "contract_type": "contract_type",
    "fixed_term_length": "fixed_term_length",
    "parental_leave_cover": "parental_leave_cover",
    "application_url": "application_url",
    "application_email": "application_email",
}


# Lines per transaction: a crash loses at most this many, and each commit makes them visible.
BATCH_SIZE = 500

# Optional text fields with the longest value their column holds.
OPTIONAL_TEXT = {
    "what_school_offers": 20_000,
    "fixed_term_length": 100,
    "application_url": 500,
    "application_email": 320,
}
MAX_SALARY = 1_000_000


class BadLine(ValueError):
    """Why one line cannot be imported, in words the operator can act on."""


@dataclass
class ImportReport:
    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    schools_created: int = 0
    published: int = 0
    queued_for_review: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.problems)} rejected; {self.schools_created} new schools; "
            f"{self.published} went live, {self.queued_for_review} wait for review."
        )


def imported_listing_goes_live(vacancy: Vacancy, organisation: Organisation, now: dt.datetime) -> bool:
    """Whether an imported published listing goes live now (True) or waits for a moderator (False).

    Listings from verified schools go live; for the rest the moderation policy decides, and anything
    it would not publish at once (including a listing it would block) waits for a moderator, since no
    one is at a form to fix it.
    """
    if organisation.verified:
        return True
    # An import speaks for the organisation with no person behind it (no submitter), so it keeps the
    # organisation-level policy: the person rules (first listings, new members) have no one to judge.
    verdict = verdict_for(VacancyDetails.from_vacancy(vacancy), organisation, now=now, vacancy_id=vacancy.id)
    return verdict.outcome is Outcome.PUBLISH


def import_lines(
    lines: Iterable[str],
    *,
    verified: bool = False,
    now: dt.datetime | None = None,
    batch_size: int = BATCH_SIZE,
    after_batch: Callable[[ImportReport], object] | None = None,
    after_line: Callable[[ImportReport], object] | None = None,
    on_problem: Callable[[int, str], object] | None = None,
) -> ImportReport:
    """Import every line; with `verified`, schools the import creates are marked verified.

    `after_batch` runs after every `batch_size` lines (not after the last, partial batch: the caller
    commits that); `after_line` after each line (progress); `on_problem` with each rejected line's number
    and reason as it is found.
    """
    now = now or utcnow()
    report = ImportReport()
    in_batch = 0
    for number, line in enumerate(lines, start=1):
        if in_batch == 0:
            _begin_batch()
        in_batch += 1
        report.lines = number
        if line.strip():
            problem = _import_in_savepoint(number, line, verified=verified, now=now, report=report)
            if problem is not None:
                report.problems.append((number, problem))
                if on_problem is not None:
                    on_problem(number, problem)
        if after_line is not None:
            after_line(report)
        if in_batch >= batch_size:
            if after_batch is not None:
                after_batch(report)
            in_batch = 0
    return report


def _begin_batch() -> None:
    """Open the batch's transaction for real. Python's sqlite3 driver begins one only before a write, so
    on SQLite each line's SAVEPOINT would otherwise start a transaction of its own and its RELEASE commit
    it: a disk sync per line (most of the import's time) and a batch that is not one transaction."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(sa.text("DELETE FROM vacancy_bands WHERE 0 = 1"))


def _import_in_savepoint(
    number: int, line: str, *, verified: bool, now: dt.datetime, report: ImportReport
) -> str | None:
    """Import one line in a savepoint; the reason it was rejected (its writes undone), or None."""
    savepoint = db.session.begin_nested()
    counted = (report.schools_created, report.published, report.queued_for_review)
    try:
        outcome = _import_line(line, verified=verified, now=now, report=report)
    except (BadLine, DomainError) as problem:
        reason = str(problem)
    except (sa.exc.IntegrityError, sa.exc.DataError) as error:
        # A value the checks above let through but the database refuses: the line is reported, the rest go on.
        reason = "the database refused it: " + str(error.orig).strip().splitlines()[0]
    else:
        savepoint.commit()
        setattr(report, outcome, getattr(report, outcome) + 1)
        return None
    savepoint.rollback()
    report.schools_created, report.published, report.queued_for_review = counted
    return reason


def _import_line(line: str, *, verified: bool, now: dt.datetime, report: ImportReport) -> str:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise BadLine(f"not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(record, dict):
        raise BadLine("each line must be one JSON object")
    reference = _text(record, "external_reference", 100)
    status = record.get("status")
    if status not in ("published", "draft"):
        raise BadLine("status must be 'published' or 'draft'")
    values = _vacancy_values(record, now)
    organisation = _organisation(record.get("school"), verified=verified, now=now, report=report)
    schools = _additional_schools(record.get("additional_schools"), organisation)
    existing = db.session.scalar(sa.select(Vacancy).where(Vacancy.external_reference == reference))
    if existing is not None:
        if existing.organisation_id != organisation.id:
            raise BadLine(f"external_reference {reference!r} already belongs to another school's listing")
        changed = {name: value for name, value in values.items() if getattr(existing, name) != value}
        for name, value in changed.items():
            setattr(existing, name, value)
        if listing_schools.set_schools(existing, schools):
            changed["additional_schools"] = True
        if status == "published" and existing.status is VacancyStatus.DRAFT:
            _publish(existing, organisation, now, report)
            changed["status"] = True
        return "updated" if changed else "unchanged"
    vacancy = Vacancy(
        organisation_id=organisation.id, external_reference=reference, status=VacancyStatus.DRAFT, **values
    )
    vacancy.organisation = organisation
    listing_schools.set_schools(vacancy, schools)
    db.session.add(vacancy)
    db.session.flush()
    if status == "published":
        _publish(vacancy, organisation, now, report)
    return "created"


def _publish(vacancy: Vacancy, organisation: Organisation, now: dt.datetime, report: ImportReport) -> None:
    transition(vacancy, VacancyAction.SUBMIT, actor=None, reason="imported", now=now)
    vacancy.submitted_at = now
    if imported_listing_goes_live(vacancy, organisation, now):
        transition(
            vacancy, VacancyAction.APPROVE, actor=None, reason="imported from a verified school", now=now
        )
        report.published += 1
    else:
        report.queued_for_review += 1


@overload
def _text(record: dict, name: str, limit: int, *, required: Literal[True] = True) -> str: ...


@overload
def _text(record: dict, name: str, limit: int, *, required: bool) -> str | None: ...


def _text(record: dict, name: str, limit: int, *, required: bool = True) -> str | None:
    value = record.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise BadLine(f"{name} is missing")
        return None
    if not isinstance(value, str):
        raise BadLine(f"{name} must be text")
    if len(value) > limit:
        raise BadLine(f"{name} is longer than {limit} characters")
    return value.strip()


def _vacancy_values(record: dict, now: dt.datetime) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, allowed in LIST_FIELDS.items():
        items = record.get(name, [])
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise BadLine(f"{name} must be a list of text values")
        unknown = [item for item in items if item not in allowed]
        if unknown:
            raise BadLine(f"{name} has unknown values: {', '.join(unknown)}")
        values[name] = items
    if not values["job_roles"]:
        raise BadLine("job_roles needs at least one value")
    for name, attribute in SIMPLE_FIELDS.items():
        if name in record and record[name] is not None:
            values[attribute] = record[name]
    values["title"] = _text(record, "title", 200)
    values["about_role"] = _text(record, "description", 20_000)
    values["contact_email"] = _text(record, "contact_email", 320)
    values["salary"] = _text(record, "salary", 200)
    for name in ("salary_minimum", "salary_maximum"):
        if name in values and (
            not isinstance(values[name], int)
            or isinstance(values[name], bool)
            or not 0 <= values[name] <= MAX_SALARY
        ):
            raise BadLine(
                f"{'salary_min' if name == 'salary_minimum' else 'salary_max'} must be a whole number "
                f"of pounds from 0 to {MAX_SALARY:,}"
            )
    if values.get("salary_minimum", 0) > values.get("salary_maximum", MAX_SALARY):
        raise BadLine("salary_min is more than salary_max")
    # Free text the checks above do not cover: text of a length the database column holds.
    for name, limit in OPTIONAL_TEXT.items():
        if name in record and record[name] is not None:
            attribute = SIMPLE_FIELDS[name]
            typed = _text(record, name, limit, required=False)
            values[attribute] = typed if typed is not None or attribute != "what_school_offers" else ""
    url = values.get("application_url")
    if url and not url.lower().startswith(("https://", "http://")):
        raise BadLine("application_url must be a web address starting https://")
    for name in ("job_share", "visa_sponsorship", "parental_leave_cover"):
        if name in values and not isinstance(values[name], bool):
            raise BadLine(f"{name} must be true or false")
    contract_type = values.get("contract_type", "permanent")
    if not isinstance(contract_type, str) or contract_type not in vocabulary.CONTRACT_TYPES:
        raise BadLine(f"contract_type must be one of {', '.join(vocabulary.CONTRACT_TYPES)}")
    if "ect_suitable" in record:
        if not isinstance(record["ect_suitable"], bool):
            raise BadLine("ect_suitable must be true or false")
        values["ect_status"] = "ect_suitable" if record["ect_suitable"] else "ect_unsuitable"
    if "quick_apply" in record:
        if not isinstance(record["quick_apply"], bool):
            raise BadLine("quick_apply must be true or false")
        if record["quick_apply"]:
            values["how_to_apply"] = "marketplace"
        else:
            values["how_to_apply"] = "website" if record.get("application_url") else "email"
    try:
        values["publish_on"] = dt.date.fromisoformat(_text(record, "publish_on", 10))
        # A date at the edges of the calendar (year 1, year 9999) has no UK time to convert.
        if not 2000 <= values["publish_on"].year <= 9000:
            raise ValueError
    except ValueError:
        raise BadLine("publish_on must be a date like 2026-11-20") from None
    try:
        closes_at = dt.datetime.fromisoformat(_text(record, "closes_at", 40))
        if not 2000 <= closes_at.year <= 9000:
            raise ValueError
    except ValueError:
        raise BadLine("closes_at must be a date and time like 2026-12-10T12:00:00+00:00") from None
    if closes_at.tzinfo is None:
        raise BadLine("closes_at needs a time zone offset, such as +00:00")
    values["closes_at"] = closes_at.astimezone(dt.UTC)
    if values["closes_at"].date() < values["publish_on"]:
        raise BadLine("closes_at is before publish_on")
    _pay_values(record, values)
    return values


# How the import format names the vacancy's pay fields where they differ.
_PAY_NAMES = {"hourly_rate_pence": "hourly_rate", "salary_maximum": "salary_max"}


def _pay_values(record: dict, values: dict[str, Any]) -> None:
    """Hours and pay (vacancies/pay.py): each checked, then together with the working pattern and range."""
    errors: dict[str, str] = {}
    values.update(pay.from_json(record, errors))
    if not errors:
        errors = {_PAY_NAMES.get(name, name): message for name, message in pay_problems(values).items()}
    if errors:
        raise BadLine(
            "; ".join(f"{name}: {message[:1].lower()}{message[1:]}" for name, message in errors.items())
        )


def _additional_schools(urns: Any, organisation: Organisation) -> list[Organisation]:
    """The other schools of the school's trust that the job is also at, by URN."""
    if urns is None:
        return []
    if not isinstance(urns, list) or not all(isinstance(urn, str | int) for urn in urns):
        raise BadLine("additional_schools must be a list of URNs")
    schools = []
    for urn in dict.fromkeys(str(urn).strip() for urn in urns):
        found = db.session.scalar(sa.select(Organisation).where(Organisation.urn == urn))
        if found is None or found.kind != OrganisationKind.SCHOOL:
            raise BadLine(f"additional_schools: no school with URN {urn!r} in the register")
        schools.append(found)
    if not schools:
        return []
    if organisation.trust is None:
        raise BadLine(
            f"additional_schools: {organisation.name} is not part of a trust, so the listing cannot "
            "cover other schools"
        )
    try:
        return listing_schools.checked_schools(organisation, [school.id for school in schools])
    except listing_schools.SchoolsProblem:
        strangers = [school for school in schools if school.trust_id != organisation.trust_id]
        raise BadLine(
            "additional_schools: "
            + ", ".join(f"URN {school.urn} ({school.name})" for school in strangers)
            + f" is not a school of {organisation.trust.name}"
        ) from None


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _organisation(school: Any, *, verified: bool, now: dt.datetime, report: ImportReport) -> Organisation:
    if not isinstance(school, dict):
        raise BadLine("school is missing")
    urn = str(school.get("urn") or "").strip() or None
    if urn:
        found = db.session.scalar(sa.select(Organisation).where(Organisation.urn == urn))
        if found is not None:
            return found
    name = _text(school, "name", 300)
    town = _text(school, "town", 120)
    postcode = _text(school, "postcode", 10)
    if not urn:
        found = db.session.scalar(
            sa.select(Organisation).where(Organisation.name == name, Organisation.postcode == postcode)
        )
        if found is not None:
            return found
    latitude, longitude = school.get("lat"), school.get("lon")
    if not (_is_number(latitude) and _is_number(longitude)):
        raise BadLine("a new school needs lat and lon as numbers")
    organisation_type = school.get("organisation_type")
    if not isinstance(organisation_type, str) or organisation_type not in ORGANISATION_TYPE_GROUPS:
        raise BadLine(f"school organisation_type must be one of {', '.join(ORGANISATION_TYPE_GROUPS)}")
    organisation = Organisation(
        kind=OrganisationKind.SCHOOL,
        urn=urn,
        name=name,
        town=town,
        county=_text(school, "county", 120, required=False),
        postcode=postcode.upper(),
        website=_text(school, "website", 300, required=False),
        latitude=float(latitude),
        longitude=float(longitude),
        type_group=ORGANISATION_TYPE_GROUPS[organisation_type][0],
        type_name=_text(school, "detailed_type", 120, required=False),
        religious_character=_text(school, "religious_character", 120, required=False),
        verified_at=now if verified else None,
    )
    db.session.add(organisation)
    db.session.flush()
    report.schools_created += 1
    return organisation
