"""Use-cases for managing a listing once it exists: extend, end early, copy, relist.

They span domains: extending or ending a listing emails the people with an application to it started
and not sent, and a relisted listing is submitted through moderation like any new one.

Each takes the person asking and plain values, checks that they belong to the listing's school or
trust, adds its changes to the session and leaves the commit to the caller. Every status change goes
through services.transition, so the audit trail, the search replica's change log and the events stay
right.

Product decisions, so they are not rediscovered:
- Extending works on a live or scheduled listing, and on an expired one, which goes live again at
  once (REOPEN): nothing it says changed since a moderator or the policy passed it, and a school whose
  closing date slipped by should not wait for a second review. A listing the school ended early stays
  closed: that was a decision, so advertising the job again is a relist.
- Relisting makes a new listing (a copy with new dates) and sends it through moderation like any new
  one. The old listing keeps its applications, statistics and address; search engines see a new
  posting with its own date, rather than an old one changing under them.
- People with an application started and not sent are emailed when the listing ends early (their draft
  can no longer be sent) and when its closing date moves later (they have longer to finish). People
  who sent theirs hear from the school through the inbox instead.
- A copy keeps the title as it was (the school may change it on the copy form): jobseekers read the
  title, and "Copy of …" would leak into adverts. The copy is a draft and its dates start blank.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from marketplace import audit
from marketplace.accounts.models import User
from marketplace.audit import AuditAction, AuditSubject
from marketplace.db import utcnow
from marketplace.events import announce
from marketplace.extensions import db
from marketplace.organisations.queries import organisation_ids_for
from marketplace.publishing.submission import submit_for_review
from marketplace.vacancies import documents, services
from marketplace.vacancies.details import MAX_LISTING_DAYS, VacancyDetails, problems
from marketplace.vacancies.events import ClosingDateExtended, ListingEndedEarly
from marketplace.vacancies.lifecycle import VacancyAction, VacancyStatus
from marketplace.vacancies.models import ClosingDateExtension, Vacancy, VacancyEnding
from marketplace.vacancies.services import InvalidDetails, VacancyError

S = VacancyStatus

EXTENDABLE = frozenset({S.PUBLISHED, S.SCHEDULED, S.EXPIRED})
ENDABLE = frozenset({S.PUBLISHED, S.SCHEDULED})
RELISTABLE = frozenset({S.CLOSED, S.EXPIRED})
# A removed listing was taken down by a moderator: copying it would bring it straight back.
COPYABLE = frozenset(set(S) - {S.REMOVED})

MAX_REASON_LENGTH = 1000

# Columns a copy never takes from its original: identity, lifecycle and bookkeeping.
_NOT_COPIED = frozenset(
    {
        "id",
        "organisation_id",
        "created_by_id",
        "status",
        "status_changed_at",
        "submitted_at",
        "published_at",
        "created_at",
        "updated_at",
    }
)


@dataclass(frozen=True)
class NewDates:
    """The dates a copied or relisted job is advertised with (the closing time as "HH:MM", UK time)."""

    publish_on: dt.date
    closing_date: dt.date
    closing_time: str
    starts_on: dt.date | None = None


def _check_member(user: User, vacancy: Vacancy) -> None:
    if vacancy.organisation_id not in organisation_ids_for(user):
        raise VacancyError("You can only manage listings of a school or trust you belong to.")


def extend_closing_date(
    user: User,
    vacancy: Vacancy,
    *,
    closing_date: dt.date,
    closing_time: str,
    reason: str,
    now: dt.datetime | None = None,
) -> ClosingDateExtension:
    """Move the closing date later, keeping the reason. An expired listing goes live again."""
    now = now or utcnow()
    _check_member(user, vacancy)
    if vacancy.status is S.CLOSED:
        raise VacancyError("This listing was ended early, so it cannot be extended. Relist it instead.")
    if vacancy.status not in EXTENDABLE:
        raise VacancyError("Only live, scheduled or expired listings can have their closing date extended.")
    details = VacancyDetails.from_vacancy(vacancy)
    details.closing_date, details.closing_time = closing_date, closing_time
    found: dict[str, str] = {}
    reason = reason.strip()
    if not reason:
        found["reason"] = "Enter why you are extending the closing date"
    elif len(reason) > MAX_REASON_LENGTH:
        found["reason"] = f"The reason must be {MAX_REASON_LENGTH} characters or fewer"
    if details.closes_at <= vacancy.closes_at:
        found["closing_date"] = "The new closing date and time must be later than the current one"
    elif details.closes_at <= now:
        found["closing_date"] = "The new closing date and time must be in the future"
    elif closing_date > vacancy.publish_on + dt.timedelta(days=MAX_LISTING_DAYS):
        found["closing_date"] = "The closing date must be within 6 months of the date the listing went live"
    elif vacancy.starts_on is not None and vacancy.starts_on < closing_date:
        found["closing_date"] = "The new closing date must be before the job's start date"
    if found:
        raise InvalidDetails(found)
    extension = ClosingDateExtension(
        vacancy_id=vacancy.id,
        extended_by_id=user.id,
        extended_at=now,
        previous_closes_at=vacancy.closes_at,
        closes_at=details.closes_at,
        reason=reason,
    )
    db.session.add(extension)
    vacancy.closes_at = details.closes_at
    audit.record(
        AuditAction.VACANCY_EXTEND,
        subject_type=AuditSubject.VACANCY,
        subject_id=vacancy.id,
        actor=user,
        reason=reason,
        previous_closes_at=extension.previous_closes_at.isoformat(),
        closes_at=extension.closes_at.isoformat(),
    )
    if vacancy.status is S.EXPIRED:
        services.transition(vacancy, VacancyAction.REOPEN, actor=user, reason=reason, now=now)
    announce(ClosingDateExtended(vacancy_id=vacancy.id))
    return extension


def end_early(
    user: User,
    vacancy: Vacancy,
    *,
    filled: bool | None,
    through_marketplace: bool | None = None,
    now: dt.datetime | None = None,
) -> VacancyEnding:
    """Close a live or scheduled listing now, keeping whether the post was filled and how.

    `filled` None means the school does not know yet; `through_marketplace` counts only when filled.
    """
    now = now or utcnow()
    _check_member(user, vacancy)
    if vacancy.status not in ENDABLE:
        raise VacancyError("Only live or scheduled listings can be ended early.")
    if filled and through_marketplace is None:
        raise InvalidDetails(
            {"through_marketplace": "Select whether you filled the post through the marketplace"}
        )
    services.transition(vacancy, VacancyAction.CLOSE, actor=user, reason="Ended early by the school", now=now)
    ending = VacancyEnding(
        vacancy_id=vacancy.id,
        ended_by_id=user.id,
        ended_at=now,
        filled=filled,
        through_marketplace=through_marketplace if filled else None,
    )
    db.session.add(ending)
    announce(ListingEndedEarly(vacancy_id=vacancy.id))
    return ending


def _copy(user: User, vacancy: Vacancy, title: str, dates: NewDates, now: dt.datetime) -> Vacancy:
    details = VacancyDetails.from_vacancy(vacancy)
    details.title = title.strip()
    details.publish_on, details.closing_date = dates.publish_on, dates.closing_date
    details.closing_time, details.starts_on = dates.closing_time, dates.starts_on
    found = problems(details, now)
    if not details.title:
        found["title"] = "Enter a job title"
    if found:
        raise InvalidDetails(found)
    copy = services.create_draft(user, vacancy.organisation_id, details, now=now)
    # Whatever else a listing holds beyond the core details (added by later features) comes along too.
    handled = set(details.model_fields()) | _NOT_COPIED
    for column in Vacancy.__table__.columns:
        if column.key not in handled:
            setattr(copy, column.key, getattr(vacancy, column.key))
    copy.additional_schools = list(vacancy.additional_schools)  # the job is at the same schools
    db.session.flush()
    _copy_documents(user, vacancy, copy)
    return copy


def _copy_documents(user: User, vacancy: Vacancy, copy: Vacancy) -> None:
    """Each supporting document gets its own stored bytes: deleting it from one listing leaves the other's."""
    store = documents.store()
    for document in documents.for_vacancy(vacancy.id):
        stored = store.open(document.id)
        if stored is None:  # bytes lost from the store are not worth failing the copy over
            continue
        upload = documents.Upload(
            filename=document.filename,
            content_type=document.content_type,
            data=stored.read(),
            text=document.text,  # read when the original was uploaded
        )
        documents.attach(user, copy, upload)


def copy_listing(
    user: User,
    vacancy: Vacancy,
    *,
    title: str,
    dates: NewDates,
    now: dt.datetime | None = None,
) -> Vacancy:
    """A new draft saying what `vacancy` says, with the title and dates given, and copies of its
    supporting documents."""
    now = now or utcnow()
    _check_member(user, vacancy)
    if vacancy.status not in COPYABLE:
        raise VacancyError("This listing was removed by a moderator, so it cannot be copied.")
    copy = _copy(user, vacancy, title, dates, now)
    audit.record(
        AuditAction.VACANCY_COPY,
        subject_type=AuditSubject.VACANCY,
        subject_id=copy.id,
        actor=user,
        copied_from=vacancy.id,
    )
    return copy


def relist(
    user: User,
    vacancy: Vacancy,
    *,
    dates: NewDates,
    now: dt.datetime | None = None,
) -> Vacancy:
    """Advertise a closed or expired job again: a new listing with new dates, sent through moderation.

    Raises ListingBlocked (a VacancyError) when the policy refuses it, with the new listing as its
    `draft`: the draft and the refusal are then in the session, for the caller to commit so the school
    can fix the draft.
    """
    now = now or utcnow()
    _check_member(user, vacancy)
    if vacancy.status not in RELISTABLE:
        raise VacancyError("Only closed or expired listings can be relisted.")
    copy = _copy(user, vacancy, vacancy.title, dates, now)
    audit.record(
        AuditAction.VACANCY_RELIST,
        subject_type=AuditSubject.VACANCY,
        subject_id=copy.id,
        actor=user,
        relisted_from=vacancy.id,
    )
    try:
        submit_for_review(user, copy, now=now)
    except VacancyError as error:
        error.draft = copy  # type: ignore[attr-defined]  # the caller shows the school the draft to fix
        raise
    return copy
