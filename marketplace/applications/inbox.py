"""Schools' use-cases for the applications they receive: the inbox, status changes, notes, downloads.

Every use-case takes the member of staff acting and checks the application belongs to one of their
organisations, even though the views look applications up through the scoped queries already: a second
check costs one query and keeps a future caller from skipping the first.

Application data stays in reach for a while after the listing closes (APPLICATION_ACCESS_DAYS), long
enough to finish recruiting and answer questions about it; after that the inbox says it is no longer
available and every use-case here refuses to show or change it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import current_app

from marketplace.accounts.models import User
from marketplace.applications import queries
from marketplace.applications.events import ApplicationStatusChanged, InterviewRescheduled
from marketplace.applications.lifecycle import (
    NEEDS_INTERVIEW_TIME,
    SCHOOL_ACTIONS,
    ApplicationAction,
    ApplicationStatus,
    IllegalTransition,
    next_status,
)
from marketplace.applications.models import Application, ApplicationNote
from marketplace.db import UK, utcnow
from marketplace.errors import DomainError
from marketplace.events import announce
from marketplace.extensions import db
from marketplace.organisations.queries import organisation_ids_for
from marketplace.vacancies.models import Vacancy

# A note is a working memo, not a report: long enough for interview impressions.
MAX_NOTE_LENGTH = 5000

SORTS = {"newest": "Newest first", "oldest": "Oldest first", "name": "Name (A to Z)"}

# The statuses a school sees, in the order an application moves through them.
INBOX_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.SHORTLISTED,
    ApplicationStatus.INTERVIEWING,
    ApplicationStatus.OFFERED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.DECLINED,
    ApplicationStatus.UNSUCCESSFUL,
    ApplicationStatus.WITHDRAWN,
)

HIDDEN = "Hidden until shortlisted"


# What the candidate's email is called for each new status.
class InboxError(DomainError):
    """A use-case refused: the message is written for the school."""


class DataNoLongerAvailable(InboxError):
    def __init__(self, vacancy: Vacancy):
        self.vacancy = vacancy
        super().__init__(
            f"Applications for “{vacancy.title}” are no longer available: they can be seen for "
            f"{access_days()} days after the closing date."
        )


def access_days() -> int:
    return current_app.config["APPLICATION_ACCESS_DAYS"]


def access_ends_at(vacancy: Vacancy) -> dt.datetime:
    """When the school stops seeing the listing's applications."""
    return vacancy.closes_at + dt.timedelta(days=access_days())


def data_available(vacancy: Vacancy, now: dt.datetime | None = None) -> bool:
    return (now or utcnow()) < access_ends_at(vacancy)


def _check(staff: User, application: Application, now: dt.datetime) -> None:
    if application.vacancy.organisation_id not in organisation_ids_for(staff):
        raise InboxError("This application was not made to your organisation.")
    if not data_available(application.vacancy, now):
        raise DataNoLongerAvailable(application.vacancy)


@dataclass(frozen=True)
class Inbox:
    """One page of the inbox: the applications shown, and counts per status before the status filter."""

    applications: list[Application]
    counts: dict[ApplicationStatus, int]
    total: int
    # Applications left out because their listing closed too long ago.
    unavailable: int


def inbox(
    staff: User,
    *,
    vacancy_id: int | None = None,
    status: ApplicationStatus | None = None,
    sort: str = "newest",
    now: dt.datetime | None = None,
) -> Inbox:
    """The applications received by the staff member's organisations, filtered and sorted."""
    now = now or utcnow()
    received = queries.received_by(staff, vacancy_id)
    available = [a for a in received if data_available(a.vacancy, now)]
    counts = Counter(a.status for a in available)
    shown = [a for a in available if status is None or a.status is status]
    if sort == "name":
        shown.sort(key=lambda a: (a.display_name.casefold(), a.id))
    else:
        oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
        shown.sort(key=lambda a: (a.submitted_at or oldest, a.id), reverse=sort != "oldest")
    return Inbox(
        applications=shown,
        counts={s: counts.get(s, 0) for s in INBOX_STATUSES},
        total=len(available),
        unavailable=len(received) - len(available),
    )


def readable_application(
    staff: User, application_id: int, now: dt.datetime | None = None
) -> Application | None:
    """One received application; None if it is not the staff member's; DataNoLongerAvailable once expired."""
    application = queries.received_application(staff, application_id)
    if application is not None and not data_available(application.vacancy, now):
        raise DataNoLongerAvailable(application.vacancy)
    return application


def change_status(
    staff: User,
    application: Application,
    action: ApplicationAction,
    *,
    interview_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Application:
    """Move one application on, tell the candidate by email and count the change.

    An invitation to interview needs the interview's date and time (timezone-aware, in the future);
    it is stored in UTC and shown in UK time. Nothing changes if any check fails.
    """
    now = now or utcnow()
    _check(staff, application, now)
    if action not in SCHOOL_ACTIONS:
        raise InboxError("Only the candidate can do that.")
    try:
        new_status = next_status(application.status, action)
    except IllegalTransition as error:
        raise InboxError(str(error)) from None
    if action in NEEDS_INTERVIEW_TIME:
        if interview_at is None:
            raise InboxError("Enter the date and time of the interview")
        if interview_at.tzinfo is None:
            raise ValueError("interview_at must be timezone-aware")
        if interview_at <= now:
            raise InboxError("The interview must be in the future")
        application.interview_at = interview_at.astimezone(dt.UTC)
    application.status = new_status
    application.status_changed_at = now
    if action is ApplicationAction.SHORTLIST:
        application.shortlisted_at = now
    announce(ApplicationStatusChanged(application_id=application.id, status=str(new_status)))
    return application


def reschedule_interview(
    staff: User, application: Application, interview_at: dt.datetime, *, now: dt.datetime | None = None
) -> Application:
    """Move an arranged interview to a new date and time and tell the candidate.

    Not a change of status (the application stays 'interviewing'), so it sits beside the table rather
    than in it.
    """
    now = now or utcnow()
    _check(staff, application, now)
    if application.status is not ApplicationStatus.INTERVIEWING:
        raise InboxError("Only an interview that has been arranged can be moved.")
    if interview_at.tzinfo is None:
        raise ValueError("interview_at must be timezone-aware")
    if interview_at <= now:
        raise InboxError("The interview must be in the future")
    application.interview_at = interview_at.astimezone(dt.UTC)
    announce(InterviewRescheduled(application_id=application.id))
    return application


@dataclass
class BulkResult:
    """What a bulk change did: the applications that moved, and those that could not with the reason."""

    moved: list[Application] = field(default_factory=list)
    refused: list[tuple[Application, str]] = field(default_factory=list)
    not_found: int = 0


def bulk_change_status(
    staff: User,
    application_ids: Iterable[int],
    action: ApplicationAction,
    *,
    interview_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> BulkResult:
    """Apply one action to several applications; each moves or is refused on its own merits.

    Schools select a batch to shortlist or turn down after sifting: one application that has since been
    withdrawn must not stop the rest, so the result says exactly which moved and why others did not.
    """
    now = now or utcnow()
    result = BulkResult()
    for application_id in dict.fromkeys(application_ids):
        application = queries.received_application(staff, application_id)
        if application is None:
            result.not_found += 1
            continue
        try:
            change_status(staff, application, action, interview_at=interview_at, now=now)
        except InboxError as error:
            result.refused.append((application, str(error)))
        else:
            result.moved.append(application)
    return result


def add_note(
    staff: User, application: Application, body: str, *, now: dt.datetime | None = None
) -> ApplicationNote:
    """A private note on an application, signed and dated, seen only by the organisation's staff."""
    now = now or utcnow()
    _check(staff, application, now)
    body = body.strip()
    if not body:
        raise InboxError("Enter a note")
    if len(body) > MAX_NOTE_LENGTH:
        raise InboxError(f"A note must be {MAX_NOTE_LENGTH:,} characters or fewer")
    note = ApplicationNote(application=application, author=staff, body=body, created_at=now)
    db.session.add(note)
    return note


def set_anonymised(staff: User, vacancy: Vacancy, anonymise: bool) -> Vacancy:
    """Switch anonymised shortlisting on or off for one listing.

    While it is on, names and contact details of applications not yet shortlisted are hidden from the
    school; shortlisting reveals them. Switching it off reveals every application of the listing.
    """
    if vacancy.organisation_id not in organisation_ids_for(staff):
        raise InboxError("This listing does not belong to your organisation.")
    vacancy.anonymise_applications = anonymise
    return vacancy


CSV_COLUMNS = (
    "Reference",
    "Job",
    "Name",
    "Email",
    "Status",
    "Submitted",
    "Interview",
    "Supporting statement",
    "Answers to your questions",
)


def _safe_cell(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ (or a tab or carriage return before them) as formulas."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _uk(value: dt.datetime | None) -> str:
    return "" if value is None else value.astimezone(UK).strftime("%Y-%m-%d %H:%M")


def applications_csv(applications: Iterable[Application]) -> str:
    """The applications as CSV for a spreadsheet, times in UK time, hidden details kept hidden."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for application in applications:
        hidden = application.identity_hidden
        writer.writerow(
            [
                application.id,
                _safe_cell(application.vacancy.title),
                _safe_cell(application.display_name),
                HIDDEN if hidden else _safe_cell(application.email),
                application.status.label,
                _uk(application.submitted_at),
                _uk(application.interview_at),
                _safe_cell(application.supporting_statement),
                _safe_cell(_question_answers(application)),
            ]
        )
    return buffer.getvalue()


def _question_answers(application: Application) -> str:
    """The school's own questions with the person's answers, each as it was asked, one after another."""
    items = ((application.answers or {}).get("questions") or {}).get("data", {}).get("items") or []
    return "\n\n".join(
        f"{number}. {item.get('question', '')}\n{item.get('answer') or 'Not answered'}"
        for number, item in enumerate(items, start=1)
    )
