"""Moderators' use-cases on listings: the queue, claims, and decisions with reasons.

Every decision changes the listing's status with a compare-and-set (UPDATE … WHERE status = what the
moderator saw), so when two moderators decide the same listing at once exactly one wins and the other
gets DecidedElsewhere, with nothing of theirs recorded. Each use-case adds its changes (status, decision,
audit event, emails) to the session; the caller commits once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace import audit
from marketplace.accounts.models import User
from marketplace.analytics.events import EventName, record
from marketplace.audit import AuditAction, AuditSubject
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.moderation.changes import FieldChange, changes_between, snapshot
from marketplace.moderation.models import (
    DecisionOutcome,
    ListingMessage,
    ListingReport,
    ModerationDecision,
    ReportStatus,
    ReviewClaim,
)
from marketplace.moderation.rules import Finding, Severity
from marketplace.notifications.messages import moderation as messages
from marketplace.vacancies.details import VacancyDetails
from marketplace.vacancies.lifecycle import VacancyAction, VacancyStatus
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.services import ChangedElsewhere, VacancyError, transition

# A claim older than this no longer stops another moderator taking the item.
CLAIM_LIFETIME = dt.timedelta(minutes=30)

# Reasons moderators give most often; the school sees the text, plus anything the moderator adds.
CANNED_REASONS = {
    "discriminatory": "The advert uses wording that could discriminate against candidates "
    "(Equality Act 2010). "
    "Describe the job and the skills it needs instead.",
    "fees": "The advert asks candidates for money or bank details. Schools must never charge candidates.",
    "agency": "The advert appears to come from a recruitment agency. Only schools and trusts may post here.",
    "pay": "The advert does not say what the job pays, or the pay looks wrong. Give the pay range or grade.",
    "contact": "The contact details are not the school's own. Use the school's email address and website.",
    "duplicate": "This duplicates another listing. Edit the existing listing instead of posting it again.",
    "incomplete": "The advert does not describe the job clearly enough for candidates to apply.",
}


class DecidedElsewhere(VacancyError):
    """Another moderator decided the listing first: this decision was not recorded."""


class AlreadyClaimed(VacancyError):
    """Another moderator is reviewing this listing."""


@dataclasses.dataclass
class Returned:
    """A listing a moderator returned for changes and the school sent back: the request, the school's
    replies since, and what changed (None when the request predates snapshots, so it is not known)."""

    request: ModerationDecision
    replies: list[ListingMessage]
    changes: list[FieldChange] | None


@dataclasses.dataclass
class QueueItem:
    vacancy: Vacancy
    findings: list[Finding]
    waited: dt.timedelta
    claim: ReviewClaim | None
    open_reports: int
    returned: Returned | None = None

    @property
    def reasons(self) -> list[str]:
        """Why the listing waits, as the policy (or the reports that hid it) said."""
        return list(self.vacancy.review_reasons or [])

    @property
    def worst(self) -> Severity | None:
        return min((f.severity for f in self.findings), key=lambda s: s.rank, default=None)


def review_queue(
    *, rule: str | None = None, severity: str | None = None, now: dt.datetime | None = None
) -> list[QueueItem]:
    """Listings waiting for a decision, longest-waiting first, each with its findings, claim and reports."""
    from marketplace.moderation.screening import findings_for_vacancy

    now = now or utcnow()
    vacancies = db.session.scalars(
        sa.select(Vacancy)
        .options(selectinload(Vacancy.organisation))
        .where(Vacancy.status == VacancyStatus.PENDING_REVIEW)
        .order_by(Vacancy.submitted_at, Vacancy.id)
    ).all()
    ids = [v.id for v in vacancies]
    claims = {
        c.vacancy_id: c
        for c in db.session.scalars(sa.select(ReviewClaim).where(ReviewClaim.vacancy_id.in_(ids)))
    }
    reports = dict(
        db.session.execute(
            sa.select(ListingReport.vacancy_id, sa.func.count())
            .where(ListingReport.vacancy_id.in_(ids), ListingReport.status == ReportStatus.OPEN)
            .group_by(ListingReport.vacancy_id)
        ).all()
    )
    items = []
    for vacancy in vacancies:
        findings = findings_for_vacancy(vacancy)
        if rule and not any(f.rule == rule for f in findings):
            continue
        if severity and not any(str(f.severity) == severity for f in findings):
            continue
        items.append(
            QueueItem(
                vacancy=vacancy,
                findings=findings,
                waited=now - (vacancy.submitted_at or vacancy.status_changed_at),
                claim=claims.get(vacancy.id),
                open_reports=reports.get(vacancy.id, 0),
                returned=returned_listing(vacancy),
            )
        )
    return items


def listing_snapshot(vacancy: Vacancy) -> dict:
    """What the listing says now, as `changes.snapshot` keeps it."""
    return snapshot(
        VacancyDetails.from_vacancy(vacancy),
        schools=[school.name for school in vacancy.additional_schools],
        documents=[document.filename for document in vacancy.documents],
    )


def returned_listing(vacancy: Vacancy) -> Returned | None:
    """For a listing waiting for review after a moderator asked for changes: the request, the school's
    replies since it and what changed; None for any other listing."""
    if vacancy.status is not VacancyStatus.PENDING_REVIEW:
        return None
    request = latest_decision(vacancy.id)
    if request is None or request.outcome is not DecisionOutcome.CHANGES_REQUESTED:
        return None
    replies = [
        message
        for message in conversation(vacancy.id)
        if not message.from_moderator and message.created_at >= request.created_at
    ]
    changes = (
        changes_between(request.snapshot, listing_snapshot(vacancy)) if request.snapshot is not None else None
    )
    return Returned(request=request, replies=replies, changes=changes)


def vacancy_under_review(vacancy_id: int) -> Vacancy | None:
    return db.session.get(Vacancy, vacancy_id)


# --- claims -----------------------------------------------------------------------------------------------


def current_claim(vacancy_id: int, now: dt.datetime | None = None) -> ReviewClaim | None:
    claim = db.session.get(ReviewClaim, vacancy_id)
    if claim is not None and claim.claimed_at < (now or utcnow()) - CLAIM_LIFETIME:
        return None
    return claim


def claim(moderator: User, vacancy: Vacancy, *, now: dt.datetime | None = None) -> ReviewClaim:
    """Mark the listing as being reviewed by this moderator; a fresh claim by someone else refuses
    (AlreadyClaimed), as does one stored by someone else while this one was being made."""
    now = now or utcnow()
    if vacancy.status is not VacancyStatus.PENDING_REVIEW:
        raise VacancyError("Only listings waiting for review can be claimed.")
    existing = db.session.get(ReviewClaim, vacancy.id)
    if existing is not None:
        if existing.moderator_id != moderator.id and existing.claimed_at >= now - CLAIM_LIFETIME:
            raise AlreadyClaimed(f"{existing.moderator.full_name} is already reviewing this listing.")
        existing.moderator_id = moderator.id
        existing.claimed_at = now
        return existing
    new = ReviewClaim(vacancy_id=vacancy.id, moderator_id=moderator.id, claimed_at=now)
    # In a savepoint, so that losing the race undoes only this; nothing is written after it, since on
    # SQLite releasing a savepoint that opened the transaction commits it.
    with db.session.begin_nested():
        db.session.add(new)
        try:
            db.session.flush()
        except sa.exc.IntegrityError:
            # Another moderator's claim on this listing was stored between our look and our insert.
            raise AlreadyClaimed("Another moderator claimed this listing a moment ago.") from None
        audit.record(
            AuditAction.VACANCY_CLAIM,
            subject_type=AuditSubject.VACANCY,
            subject_id=vacancy.id,
            actor=moderator,
        )
    return new


def release(moderator: User, vacancy: Vacancy) -> None:
    db.session.execute(sa.delete(ReviewClaim).where(ReviewClaim.vacancy_id == vacancy.id))


# --- decisions ------------------------------------------------------------------------------------------


def guarded_transition(
    vacancy: Vacancy,
    action: VacancyAction,
    *,
    actor: User | None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Vacancy:
    """Change the status only if nobody changed it since it was read (transition's compare-and-set),
    audit it, and release any moderator's claim on it."""
    try:
        transition(vacancy, action, actor=actor, reason=reason, now=now)
    except ChangedElsewhere as error:
        raise DecidedElsewhere(
            "Another moderator decided this listing a moment ago, so your decision was not recorded. "
            "Check the listing's history before doing anything else."
        ) from error
    db.session.execute(sa.delete(ReviewClaim).where(ReviewClaim.vacancy_id == vacancy.id))
    return vacancy


def decide(
    vacancy: Vacancy,
    action: VacancyAction,
    outcome: DecisionOutcome,
    *,
    moderator: User,
    reason: str,
    now: dt.datetime | None = None,
) -> ModerationDecision:
    """A moderator's decision: move the listing (compare-and-set, audited) and record why."""
    guarded_transition(vacancy, action, actor=moderator, reason=reason, now=now)
    decision = ModerationDecision(
        vacancy_id=vacancy.id,
        moderator_id=moderator.id,
        outcome=outcome,
        reason=reason,
        created_at=now or utcnow(),
    )
    db.session.add(decision)
    return decision


def compose_reason(codes: Iterable[str] = (), text: str = "") -> str:
    """The canned reasons chosen, then the moderator's own words."""
    parts = [CANNED_REASONS[code] for code in codes if code in CANNED_REASONS]
    if text and text.strip():
        parts.append(text.strip())
    return "\n\n".join(parts)


def approve(moderator: User, vacancy: Vacancy, *, note: str = "", now: dt.datetime | None = None) -> Vacancy:
    """Approve a listing: it goes live now, or on its publish date if that is still ahead."""
    now = now or utcnow()
    decide(
        vacancy, VacancyAction.APPROVE, DecisionOutcome.APPROVED, moderator=moderator, reason=note, now=now
    )
    if vacancy.status is VacancyStatus.PUBLISHED:
        record(EventName.VACANCY_PUBLISHED, vacancy_id=vacancy.id, organisation_id=vacancy.organisation_id)
    messages.vacancy_approved(vacancy.id)
    return vacancy


def reject(moderator: User, vacancy: Vacancy, *, reason: str, now: dt.datetime | None = None) -> Vacancy:
    """Reject a listing with a reason the school can act on; the school may revise and resubmit, or appeal."""
    reason = reason.strip()
    if not reason:
        raise VacancyError("Enter the reason for rejecting this listing: the school will see it.")
    decide(
        vacancy, VacancyAction.REJECT, DecisionOutcome.REJECTED, moderator=moderator, reason=reason, now=now
    )
    messages.vacancy_rejected(vacancy.id, reason)
    return vacancy


def request_changes(
    moderator: User, vacancy: Vacancy, *, message: str, now: dt.datetime | None = None
) -> Vacancy:
    """Return the listing to the school as a draft, starting (or continuing) the conversation on it.

    What the listing says is kept with the decision; when the school sends it back it waits for a
    moderator (whatever the policy would otherwise decide) with their reply and what changed."""
    message = message.strip()
    if not message:
        raise VacancyError("Enter what the school should change: they will see your message.")
    now = now or utcnow()
    decision = decide(
        vacancy,
        VacancyAction.REQUEST_CHANGES,
        DecisionOutcome.CHANGES_REQUESTED,
        moderator=moderator,
        reason=message,
        now=now,
    )
    # What it said when returned: when it comes back, the moderator sees what changed since.
    decision.snapshot = listing_snapshot(vacancy)
    decision.created_at = now
    vacancy.review_reasons = []
    db.session.add(
        ListingMessage(
            vacancy_id=vacancy.id, author_id=moderator.id, from_moderator=True, body=message, created_at=now
        )
    )
    messages.vacancy_changes_requested(vacancy.id, message)
    return vacancy


def remove(moderator: User, vacancy: Vacancy, *, reason: str, now: dt.datetime | None = None) -> Vacancy:
    """Take a listing down (live, scheduled or waiting); it leaves the search index with the commit."""
    reason = reason.strip()
    if not reason:
        raise VacancyError("Enter the reason for removing this listing: the school will see it.")
    decide(
        vacancy, VacancyAction.REMOVE, DecisionOutcome.REMOVED, moderator=moderator, reason=reason, now=now
    )
    messages.vacancy_removed(vacancy.id, reason)
    return vacancy


@dataclasses.dataclass
class BulkResult:
    decided: list[Vacancy]
    skipped: list[tuple[int, str]]


def bulk_decide(
    moderator: User,
    vacancy_ids: Iterable[int],
    *,
    approve_them: bool,
    reason: str = "",
    now: dt.datetime | None = None,
) -> BulkResult:
    """Approve (or reject, with one reason) several listings; any decided elsewhere meanwhile are skipped."""
    if not approve_them and not reason.strip():
        raise VacancyError("Enter the reason for rejecting these listings: the schools will see it.")
    result = BulkResult([], [])
    for vacancy_id in dict.fromkeys(vacancy_ids):
        vacancy = db.session.get(Vacancy, vacancy_id)
        if vacancy is None:
            result.skipped.append((vacancy_id, "No such listing."))
            continue
        try:
            if approve_them:
                approve(moderator, vacancy, note=reason, now=now)
            else:
                reject(moderator, vacancy, reason=reason, now=now)
        except VacancyError as error:  # the compare-and-set changed nothing for this one
            result.skipped.append((vacancy_id, str(error)))
        else:
            result.decided.append(vacancy)
    return result


# --- the conversation on a listing -------------------------------------------------------------------------


def conversation(vacancy_id: int) -> list[ListingMessage]:
    return list(
        db.session.scalars(
            sa.select(ListingMessage)
            .options(selectinload(ListingMessage.author))
            .where(ListingMessage.vacancy_id == vacancy_id)
            .order_by(ListingMessage.created_at, ListingMessage.id)
        )
    )


def reply_from_school(
    user: User, vacancy: Vacancy, body: str, *, now: dt.datetime | None = None
) -> ListingMessage | None:
    """The school's answer to a moderator, kept with the listing; empty answers are ignored."""
    body = body.strip()
    if not body:
        return None
    message = ListingMessage(
        vacancy_id=vacancy.id,
        author_id=user.id,
        from_moderator=False,
        body=body[:5000],
        created_at=now or utcnow(),
    )
    db.session.add(message)
    return message


def latest_decision(vacancy_id: int) -> ModerationDecision | None:
    return db.session.scalar(
        sa.select(ModerationDecision)
        .where(ModerationDecision.vacancy_id == vacancy_id)
        .order_by(ModerationDecision.created_at.desc(), ModerationDecision.id.desc())
        .limit(1)
    )
