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
from types import SimpleNamespace
from typing import Any, Literal, TypeGuard, cast, overload

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import selectinload

from marketplace.analytics.events import EventName
from marketplace.analytics.events import record as record_event
from marketplace.analytics.models import Event
from marketplace.audit import AuditAction, AuditEvent, AuditSubject
from marketplace.db import uk_today, utcnow
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.moderation.duplicates import (
    ACTIVE,
    COPY_MIN_WORDS,
    exact_copy_finding,
    near_duplicate_finding,
)
from marketplace.moderation.policy import Outcome, Submission, Thresholds, Verdict, decide
from marketplace.moderation.rules import check, sort_findings
from marketplace.moderation.screening import context_for, record_verdict, standings_of, verdict_for
from marketplace.organisations.models import Organisation, OrganisationKind
from marketplace.search.api import ORGANISATION_TYPE_GROUPS
from marketplace.search.changes import log_written_changes
from marketplace.vacancies import fingerprints, listing_schools, pay, questions, vocabulary
from marketplace.vacancies.details import VacancyDetails, pay_problems
from marketplace.vacancies.lifecycle import VacancyAction, VacancyStatus, next_status
from marketplace.vacancies.models import Vacancy, vacancy_bands
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


def imported_listing_goes_live(organisation: Organisation) -> bool:
    """Whether an imported published listing goes live now (True) or waits for a moderator (False).

    Listings from verified schools go live. The rest wait: the moderation policy reviews anything from
    an organisation that is not verified (and blocks what must be fixed, which also waits, since no one
    is at a form to fix it); its verdict is recorded with the listing.
    """
    return organisation.verified


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
    commits that); `after_line` after each line (progress: called for a batch's lines once the batch
    is written); `on_problem` with each rejected line's number and reason, in line order.
    """
    now = now or utcnow()
    report = ImportReport()
    batch: list[tuple[int, str]] = []
    batches = 0
    for number, line in enumerate(lines, start=1):
        batch.append((number, line))
        if len(batch) >= batch_size:
            problems = _import_batch(batch, verified=verified, now=now, report=report)
            _announce(batch, problems, report, after_line=after_line, on_problem=on_problem)
            batch = []
            if after_batch is not None:
                after_batch(report)
            batches += 1
            if batches & (batches - 1) == 0:
                _refresh_statistics()
    if batch:
        problems = _import_batch(batch, verified=verified, now=now, report=report)
        _announce(batch, problems, report, after_line=after_line, on_problem=on_problem)
    return report


def _refresh_statistics() -> None:
    """Tell PostgreSQL's planner how large the listings and schools tables have grown, after batches 1, 2,
    4, 8 and so on. Without it, the planner keeps the sizes it last knew (autovacuum analyzes late, or never
    when it is off) and looks up a batch's 500 references by reading the whole table: each batch then costs
    more than the last. The band rows need no statistics: their lookup is planned as a join by index."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE vacancies, organisations"))


def _announce(
    batch: list[tuple[int, str]],
    problems: dict[int, str],
    report: ImportReport,
    *,
    after_line: Callable[[ImportReport], object] | None,
    on_problem: Callable[[int, str], object] | None,
) -> None:
    """Tell the caller about a written batch line by line: its problems, in line order, and progress."""
    report.problems.extend(sorted(problems.items()))
    for number, _line in batch:
        report.lines = number
        if on_problem is not None and number in problems:
            on_problem(number, problems[number])
        if after_line is not None:
            after_line(report)


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


def _parse(line: str, now: dt.datetime) -> tuple[dict, str, str, dict[str, Any]]:
    """The checks that need no database: the line's record, reference, status and vacancy values."""
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
    return record, reference, status, _vacancy_values(record, now)


def _import_line(line: str, *, verified: bool, now: dt.datetime, report: ImportReport) -> str:
    record, reference, status, values = _parse(line, now)
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
    if imported_listing_goes_live(organisation):
        transition(
            vacancy, VacancyAction.APPROVE, actor=None, reason="imported from a verified school", now=now
        )
        if vacancy.status is VacancyStatus.PUBLISHED:
            record_event(
                EventName.VACANCY_PUBLISHED, vacancy_id=vacancy.id, organisation_id=vacancy.organisation_id
            )
        report.published += 1
    else:
        # The policy never publishes for an unverified organisation: its verdict (why, and what the
        # checks found) is recorded for the moderators' queue, as a submission's is.
        record_verdict(vacancy, screen(VacancyDetails.from_vacancy(vacancy), organisation, now, vacancy.id))
        report.queued_for_review += 1


def screen(details: VacancyDetails, organisation: Organisation, now: dt.datetime, vacancy_id: int) -> Verdict:
    """The policy's verdict on an imported listing: an import speaks for the organisation with no person
    behind it (no submitter), so it keeps the organisation-level policy, as the ATS API does."""
    return verdict_for(details, organisation, now=now, vacancy_id=vacancy_id)


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
    errors: dict[str, str] = {}
    values.update(questions.from_json(record, errors))
    if errors:
        raise BadLine("; ".join(f"{name}: {message}" for name, message in errors.items()))
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
    organisation = _new_school(school, urn, name, town, postcode, verified=verified, now=now)
    db.session.add(organisation)
    db.session.flush()
    report.schools_created += 1
    return organisation


def _new_school(
    school: dict,
    urn: str | None,
    name: str,
    town: str,
    postcode: str,
    *,
    verified: bool,
    now: dt.datetime,
) -> Organisation:
    """A school the register does not have yet, from the line's `school` (checked; not added)."""
    latitude, longitude = school.get("lat"), school.get("lon")
    if not (_is_number(latitude) and _is_number(longitude)):
        raise BadLine("a new school needs lat and lon as numbers")
    organisation_type = school.get("organisation_type")
    if not isinstance(organisation_type, str) or organisation_type not in ORGANISATION_TYPE_GROUPS:
        raise BadLine(f"school organisation_type must be one of {', '.join(ORGANISATION_TYPE_GROUPS)}")
    return Organisation(
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


# --- The batch path --------------------------------------------------------------------------------------
#
# A line that creates a listing (the common case: a new reference at a school found or created by URN) is
# checked in Python, screened against what a few set-based queries load for the whole batch, and written
# with one multi-row statement per table: the same rows the line-by-line path writes (the listing, its
# school, its fingerprints, the search change log, the audit trail, the funnel's event). A line that
# changes an existing listing, covers other schools or names a school without a URN takes the
# line-by-line path, after the lines before it are written, so every line sees the ones before it.

_VACANCIES = cast(sa.Table, Vacancy.__table__)
# What the duplicate checks read of another listing (as moderation/duplicates.py reads it).
_COMPARED = (Vacancy.id, Vacancy.title, Vacancy.about_role, Vacancy.status)
_AUDIT = cast(sa.Table, AuditEvent.__table__)
_EVENTS = cast(sa.Table, Event.__table__)


@dataclass
class _Parsed:
    number: int
    line: str
    record: dict
    reference: str
    status: str
    values: dict[str, Any]


@dataclass
class _NewListing:
    parsed: _Parsed
    organisation: Organisation
    row: dict[str, Any]
    keys: tuple[int, ...]
    id: int = 0

    # What the duplicate checks read of another listing (as moderation/duplicates.py's rows).
    @property
    def title(self) -> str:
        return self.row["title"]

    @property
    def about_role(self) -> str:
        return self.row["about_role"]

    @property
    def status(self) -> VacancyStatus:
        return self.row["status"]


def _import_batch(
    batch: list[tuple[int, str]], *, verified: bool, now: dt.datetime, report: ImportReport
) -> dict[int, str]:
    """Import one batch's lines; the problems by line number."""
    _begin_batch()
    problems: dict[int, str] = {}
    parsed: list[_Parsed] = []
    for number, line in batch:
        if not line.strip():
            continue
        try:
            parsed.append(_Parsed(number, line, *_parse(line, now)))
        except BadLine as problem:
            problems[number] = str(problem)
    writer = _BatchWriter(parsed, verified=verified, now=now, report=report)
    for item in parsed:
        if writer.needs_line_path(item):
            problems.update(writer.write())
            refused = _import_in_savepoint(item.number, item.line, verified=verified, now=now, report=report)
            if refused is not None:
                problems[item.number] = refused
            writer.after_line_path(item)
            continue
        try:
            writer.add(item)
        except BadLine as problem:
            problems[item.number] = str(problem)
    problems.update(writer.write())
    return problems


def _urn_of(record: dict) -> str:
    school = record.get("school")
    return str(school.get("urn") or "").strip() if isinstance(school, dict) else ""


def _row(values: dict[str, Any]) -> dict[str, Any]:
    """A vacancies row: these values, and every other column's default (as an ORM insert gives it)."""
    row: dict[str, Any] = {}
    for column in _VACANCIES.columns:
        if column.key == "id":
            continue
        if column.key in values:
            row[column.key] = values[column.key]
        elif column.default is None:
            row[column.key] = None
        elif column.default.is_callable:
            row[column.key] = column.default.arg(None)  # type: ignore[attr-defined]
        else:
            row[column.key] = column.default.arg  # type: ignore[attr-defined]
    return row


class _BatchWriter:
    """The new listings of one batch, collected line by line and written together."""

    def __init__(self, parsed: list[_Parsed], *, verified: bool, now: dt.datetime, report: ImportReport):
        self.verified, self.now, self.report = verified, now, report
        references = list({item.reference for item in parsed})
        self.taken = set(
            db.session.scalars(
                sa.select(Vacancy.external_reference).where(Vacancy.external_reference.in_(references))
            )
        )
        urns = list({urn for item in parsed if (urn := _urn_of(item.record))})
        self.schools: dict[str, Organisation] = {
            organisation.urn: organisation
            for organisation in db.session.scalars(
                sa.select(Organisation)
                .where(Organisation.urn.in_(urns))
                .options(selectinload(Organisation.trust))
            )
            if organisation.urn is not None
        }
        self.pending: list[_NewListing] = []
        self.new_schools: list[Organisation] = []

    def needs_line_path(self, item: _Parsed) -> bool:
        return (
            item.reference in self.taken
            or item.record.get("additional_schools") not in (None, [])
            or (isinstance(item.record.get("school"), dict) and not _urn_of(item.record))
        )

    def after_line_path(self, item: _Parsed) -> None:
        """The line-by-line path may have saved the listing and created its school."""
        self.taken.add(item.reference)
        urn = _urn_of(item.record)
        if urn and urn not in self.schools:
            found = db.session.scalar(sa.select(Organisation).where(Organisation.urn == urn))
            if found is not None:
                self.schools[urn] = found

    def _school(self, school: Any) -> Organisation:
        if not isinstance(school, dict):
            raise BadLine("school is missing")
        urn = str(school.get("urn") or "").strip()
        found = self.schools.get(urn)
        if found is not None:
            return found
        name = _text(school, "name", 300)
        town = _text(school, "town", 120)
        postcode = _text(school, "postcode", 10)
        organisation = _new_school(school, urn, name, town, postcode, verified=self.verified, now=self.now)
        self.schools[urn] = organisation
        self.new_schools.append(organisation)
        return organisation

    def add(self, item: _Parsed) -> None:
        """Check the line's school and collect its listing (BadLine when the school cannot be used)."""
        organisation = self._school(item.record.get("school"))
        values = {**item.values, "external_reference": item.reference}
        values["content_hash"] = fingerprints.content_hash(values["title"], values["about_role"])
        if item.status == "published":
            submitted = next_status(VacancyStatus.DRAFT, VacancyAction.SUBMIT)
            status = submitted
            if imported_listing_goes_live(organisation):
                reached = values["publish_on"] <= uk_today(self.now)
                status = next_status(submitted, VacancyAction.APPROVE, publish_date_reached=reached)
            values.update(
                status=status,
                status_changed_at=self.now,
                submitted_at=self.now,
                published_at=self.now if status is VacancyStatus.PUBLISHED else None,
            )
        else:
            values["status"] = VacancyStatus.DRAFT
        keys = fingerprints.band_keys(values["title"], values["about_role"])
        self.pending.append(_NewListing(item, organisation, _row(values), keys))
        self.taken.add(item.reference)

    def write(self) -> dict[int, str]:
        """Write the collected listings; if the database refuses the batch, each line takes the
        line-by-line path (which names the line it refuses). The problems by line number."""
        pending, new_schools = self.pending, self.new_schools
        self.pending, self.new_schools = [], []
        if not pending:
            return {}
        savepoint = db.session.begin_nested()
        try:
            _write_listings(pending, new_schools, now=self.now)
        except (sa.exc.IntegrityError, sa.exc.DataError):
            savepoint.rollback()
            for school in new_schools:
                self.schools.pop(school.urn or "", None)
            problems = {}
            for listing in pending:
                item = listing.parsed
                problem = _import_in_savepoint(
                    item.number, item.line, verified=self.verified, now=self.now, report=self.report
                )
                if problem is not None:
                    problems[item.number] = problem
                self.after_line_path(item)
            return problems
        savepoint.commit()
        self.report.created += len(pending)
        self.report.schools_created += len(new_schools)
        for listing in pending:
            if listing.parsed.status == "published":
                if imported_listing_goes_live(listing.organisation):
                    self.report.published += 1
                else:
                    self.report.queued_for_review += 1
        return {}


def _write_listings(pending: list[_NewListing], new_schools: list[Organisation], *, now: dt.datetime) -> None:
    """Insert the listings (and the schools they bring) with what a single import writes for each."""
    connection = db.session.connection()
    if new_schools:
        db.session.add_all(new_schools)
        db.session.flush()
    for listing in pending:
        listing.row["organisation_id"] = listing.organisation.id
    screened = [
        listing
        for listing in pending
        if listing.parsed.status == "published" and not imported_listing_goes_live(listing.organisation)
    ]
    screening = (
        _BatchScreening(pending, screened, {school.id for school in new_schools}, now) if screened else None
    )
    ids = (
        connection.execute(
            sa.insert(_VACANCIES).returning(_VACANCIES.c.id, sort_by_parameter_order=True),
            [listing.row for listing in pending],
        )
        .scalars()
        .all()
    )
    for listing, vacancy_id in zip(pending, ids, strict=True):
        listing.id = vacancy_id
    if connection.dialect.name == "sqlite":
        # SQLite may reuse the id of a deleted listing, whose band rows its foreign keys left behind.
        connection.execute(sa.delete(vacancy_bands).where(vacancy_bands.c.vacancy_id.in_(ids)))
    bands = [
        (listing.id, band, key, listing.organisation.id)
        for listing in pending
        for band, key in enumerate(listing.keys)
    ]
    if bands:
        _insert_bands(connection, bands)
    verdicts = screening.verdicts() if screening is not None else {}
    reasons = [
        {"vacancy": vacancy_id, "reasons": list(verdict.reasons)}
        for vacancy_id, verdict in verdicts.items()
        if verdict.outcome is Outcome.REVIEW
    ]
    if reasons:
        connection.execute(
            sa.update(_VACANCIES)
            .where(_VACANCIES.c.id == sa.bindparam("vacancy"))
            .values(review_reasons=sa.bindparam("reasons")),
            reasons,
        )
    audit_rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for listing in pending:
        if listing.parsed.status != "published":
            continue
        audit_rows.append(
            _audit_row(
                VacancyAction.SUBMIT,
                listing.id,
                "imported",
                VacancyStatus.DRAFT,
                VacancyStatus.PENDING_REVIEW,
            )
        )
        verdict = verdicts.get(listing.id)
        if verdict is not None:
            audit_rows.append(
                {
                    "action": AuditAction.of_policy(verdict.outcome).value,
                    "subject_type": AuditSubject.VACANCY.value,
                    "subject_id": listing.id,
                    "actor_id": None,
                    "reason": " ".join(verdict.reasons),
                    "data": {"findings": [finding.as_json() for finding in verdict.findings]},
                }
            )
        if listing.status is not VacancyStatus.PENDING_REVIEW:
            audit_rows.append(
                _audit_row(
                    VacancyAction.APPROVE,
                    listing.id,
                    "imported from a verified school",
                    VacancyStatus.PENDING_REVIEW,
                    listing.status,
                )
            )
        if listing.status is VacancyStatus.PUBLISHED:
            events.append(
                {
                    "name": str(EventName.VACANCY_PUBLISHED),
                    "vacancy_id": listing.id,
                    "organisation_id": listing.organisation.id,
                    "properties": {},
                }
            )
    if audit_rows:
        connection.execute(sa.insert(_AUDIT), audit_rows)
    if events:
        connection.execute(sa.insert(_EVENTS), events)
    log_written_changes(db.session(), list(ids))


_COPY_BANDS = "COPY vacancy_bands (vacancy_id, band, key, organisation_id) FROM STDIN"
_INSERT_BANDS = "INSERT INTO vacancy_bands (vacancy_id, band, key, organisation_id) VALUES (?, ?, ?, ?)"


def _insert_bands(connection: sa.Connection, rows: list[tuple[int, int, int, int]]) -> None:
    """The listings' band rows (32 a listing, the most rows an import writes): COPY on PostgreSQL and the
    driver's own executemany on SQLite, as building statement parameters per row cost more than the
    rest of writing a listing."""
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        assert driver is not None  # a live connection, inside the import's transaction
        with (
            driver.cursor() as cursor,
            cursor.copy(_COPY_BANDS) as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        connection.exec_driver_sql(_INSERT_BANDS, rows)


def _audit_row(
    action: VacancyAction, vacancy_id: int, reason: str, previous: VacancyStatus, status: VacancyStatus
) -> dict[str, Any]:
    """The audit event `transition` writes for this change, as a row."""
    return {
        "action": AuditAction.of_vacancy(action).value,
        "subject_type": AuditSubject.VACANCY.value,
        "subject_id": vacancy_id,
        "actor_id": None,
        "reason": reason,
        "data": {"previous_status": str(previous), "status": str(status)},
    }


class _BatchScreening:
    """The moderation verdicts of a batch's screened listings, as `verdict_for` gives each in turn.

    What the checks read of other listings is loaded for the whole batch before its listings are
    written (the listings sharing a band key with the batch in the batch's organisations, those with
    the batch's content hashes, the organisations' families and standing); each listing is then also
    compared with the batch's listings before it, as it would be if they had been saved one by one.
    """

    def __init__(
        self, batch: list[_NewListing], listings: list[_NewListing], new_schools: set[int], now: dt.datetime
    ):
        self.batch, self.listings, self.now = batch, listings, now
        config = current_app.config
        self.threshold = config["MODERATION_DUPLICATE_SIMILARITY"]
        self.thresholds = Thresholds.from_config(config)
        organisations = {listing.organisation.id: listing.organisation for listing in listings}
        self.standings = standings_of(organisations.values(), now)
        self.near = self._sharing_keys(new_schools)
        hashes = list({listing.row["content_hash"] for listing in listings})
        self.copies: dict[str, list[sa.Row]] = {}
        for row in db.session.execute(
            sa.select(
                *_COMPARED,
                Vacancy.organisation_id,
                Vacancy.content_hash,
                sa.func.lower(Vacancy.title).label("lower_title"),
            ).where(Vacancy.content_hash.in_(hashes))
        ):
            self.copies.setdefault(row.content_hash, []).append(row)
        trusts = {o.trust_id for o in organisations.values() if o.trust_id} | set(organisations)
        self.members: dict[int, set[int]] = {}
        for organisation_id, trust_id in db.session.execute(
            sa.select(Organisation.id, Organisation.trust_id).where(Organisation.trust_id.in_(list(trusts)))
        ):
            if trust_id is not None:
                self.members.setdefault(trust_id, set()).add(organisation_id)

    def _sharing_keys(self, new_schools: set[int]) -> dict[int, dict[int, list[sa.Row]]]:
        """The saved listings sharing a band key with a screened listing of the same organisation, by
        organisation and key: one index lookup per (organisation, key) pair."""
        pairs = sorted(
            {
                (listing.organisation.id, key)
                for listing in self.listings
                if listing.organisation.id not in new_schools  # no listings saved yet
                for key in listing.keys
            }
        )
        found: list[sa.Row] = []
        for start in range(0, len(pairs), PAIRS_PER_QUERY):
            found += db.session.execute(_bands_of_pairs(pairs[start : start + PAIRS_PER_QUERY])).all()
        rows = {}
        if found:
            ids = list({vacancy_id for vacancy_id, _organisation_id, _key in found})
            rows = {
                row.id: row
                for row in db.session.execute(
                    sa.select(*_COMPARED, Vacancy.organisation_id).where(Vacancy.id.in_(ids))
                )
            }
        by_key: dict[int, dict[int, list[sa.Row]]] = {}
        for vacancy_id, organisation_id, key in found:
            row = rows.get(vacancy_id)
            if row is not None and row.organisation_id == organisation_id:
                by_key.setdefault(organisation_id, {}).setdefault(key, []).append(row)
        return by_key

    def _family(self, organisation: Organisation) -> set[int]:
        family = {organisation.id} | self.members.get(organisation.id, set())
        if organisation.trust_id:
            family |= {organisation.trust_id} | self.members.get(organisation.trust_id, set())
        return family

    def verdicts(self) -> dict[int, Verdict]:
        """Each screened listing's verdict by vacancy id (once the listings are written and have ids)."""
        verdicts = {}
        # The batch's listings before the one screened, by organisation and by content hash.
        earlier_of: dict[int, list[_NewListing]] = {}
        earlier_copies: dict[str | None, list[_NewListing]] = {}
        screened = {id(listing) for listing in self.listings}
        for listing in self.batch:
            if id(listing) in screened:
                verdicts[listing.id] = self._verdict(
                    listing, earlier_of.get(listing.organisation.id, []), earlier_copies
                )
            earlier_of.setdefault(listing.organisation.id, []).append(listing)
            earlier_copies.setdefault(listing.row["content_hash"], []).append(listing)
        return verdicts

    def _verdict(
        self,
        listing: _NewListing,
        earlier: list[_NewListing],
        earlier_copies: dict[str | None, list[_NewListing]],
    ) -> Verdict:
        organisation = listing.organisation
        details = VacancyDetails.from_vacancy(SimpleNamespace(**listing.row))
        findings = check(details, context_for(organisation, self.now))
        text = fingerprints.listing_text(details.title, details.about_role)
        keys = set(listing.keys)
        saved = self.near.get(organisation.id, {})
        candidates: dict[int, Any] = {row.id: row for key in keys for row in saved.get(key, ())}
        candidates.update((other.id, other) for other in earlier if not keys.isdisjoint(other.keys))
        near = near_duplicate_finding(
            text,
            [candidates[i] for i in sorted(candidates) if candidates[i].status in ACTIVE],
            threshold=self.threshold,
        )
        if near is not None:
            findings.append(near)
        words = fingerprints.normalised_words(text)
        if len(words) >= COPY_MIN_WORDS:
            family = self._family(organisation)
            title = details.title.strip().lower()
            content_hash = listing.row["content_hash"]
            copies: list[Any] = [
                row
                for row in self.copies.get(content_hash, ())
                if row.organisation_id not in family and row.lower_title == title and row.status in ACTIVE
            ]
            copies += [
                other
                for other in earlier_copies.get(content_hash, ())
                if other.organisation.id not in family
                and other.title.lower() == title
                and other.status in ACTIVE
            ]
            copy = exact_copy_finding(words, copies)
            if copy is not None:
                findings.append(copy)
        return decide(sort_findings(findings), self.standings[organisation.id], self.thresholds, Submission())


def _bands_of_pairs(pairs: list[tuple[int, int]]) -> sa.Select:
    """The band rows with these (organisation, key) pairs, each found through the (organisation_id, key)
    index: PostgreSQL joins the pairs as two unnested arrays (a row-value IN list makes it scan the
    table), SQLite takes the IN list, which it probes pair by pair."""
    columns = (vacancy_bands.c.vacancy_id, vacancy_bands.c.organisation_id, vacancy_bands.c.key)
    if db.session.get_bind().dialect.name != "postgresql":
        return sa.select(*columns).where(
            sa.tuple_(vacancy_bands.c.organisation_id, vacancy_bands.c.key).in_(pairs)
        )
    wanted = (
        sa.func.unnest(
            sa.bindparam("organisations", [pair[0] for pair in pairs], type_=postgresql.ARRAY(sa.Integer)),
            sa.bindparam("keys", [pair[1] for pair in pairs], type_=postgresql.ARRAY(sa.BigInteger)),
        )
        .table_valued(sa.column("organisation_id", sa.Integer), sa.column("key", sa.BigInteger))
        .render_derived(name="wanted")
    )
    return (
        sa.select(*columns)
        .select_from(wanted)
        .join(
            vacancy_bands,
            sa.and_(
                vacancy_bands.c.organisation_id == wanted.c.organisation_id,
                vacancy_bands.c.key == wanted.c.key,
            ),
        )
    )


# (organisation, band key) pairs per lookup: a batch of 500 listings has 16,000, more values than some
# drivers take in one statement.
PAIRS_PER_QUERY = 4000
