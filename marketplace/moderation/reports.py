"""Reports from the public: "Report this listing", hiding a listing many people report, and the outcome.

No account is needed to report. Each reporter (account, email address or, failing both, network
address) may report a listing once; only a one-way digest of who they are is kept for that purpose.
When a listing reaches the configured number of distinct open reports it is held (taken out of search
and the public pages) until a moderator decides.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace import audit
from marketplace.accounts.models import User
from marketplace.audit import AuditAction, AuditEvent, AuditSubject
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.moderation.models import (
    DecisionOutcome,
    ListingReport,
    ReportCategory,
    ReportStatus,
)
from marketplace.moderation.services import decide, email_school, guarded_transition, remove
from marketplace.notifications.outbox import queue_email
from marketplace.vacancies.lifecycle import VacancyAction, VacancyStatus
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.services import VacancyError

REPORT_OUTCOME_TEXT = {
    "dismiss": "The moderator found that the listing does not break the marketplace's rules, so it stays up.",
    "remove": "The moderator agreed with the report and removed the listing.",
    "suspend": "The moderator agreed with the report, removed the listing and suspended the organisation.",
}


class AlreadyReported(VacancyError):
    """This reporter has already reported this listing."""


def reporter_key(*, user: User | None, email: str | None, network_address: str | None) -> str:
    """Who reported, as a digest: the account if signed in, else the email given, else the network address."""
    if user is not None and getattr(user, "is_authenticated", False):
        identity = f"user:{user.id}"
    elif email:
        identity = f"email:{email.strip().lower()}"
    else:
        identity = f"address:{network_address or 'unknown'}"
    return hashlib.sha256(identity.encode()).hexdigest()


def open_report_count(vacancy_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(ListingReport.id)).where(
                ListingReport.vacancy_id == vacancy_id, ListingReport.status == ReportStatus.OPEN
            )
        )
        or 0
    )


def report_listing(
    vacancy: Vacancy,
    *,
    category: ReportCategory,
    details: str,
    reporter_email: str | None,
    reporter: User | None,
    network_address: str | None,
    hide_after: int,
    now: dt.datetime | None = None,
) -> ListingReport:
    """Record a report; the report that reaches `hide_after` open ones holds the listing for review."""
    now = now or utcnow()
    key = reporter_key(user=reporter, email=reporter_email, network_address=network_address)
    already = db.session.scalar(
        sa.select(ListingReport.id).where(
            ListingReport.vacancy_id == vacancy.id, ListingReport.reporter_key == key
        )
    )
    if already is not None:
        raise AlreadyReported("You have already reported this listing. A moderator will look at it.")
    report = ListingReport(
        vacancy_id=vacancy.id,
        category=category,
        details=details.strip()[:5000],
        reporter_email=(reporter_email or "").strip().lower() or None,
        reporter_user_id=reporter.id
        if reporter is not None and getattr(reporter, "is_authenticated", False)
        else None,
        reporter_key=key,
        created_at=now,
    )
    db.session.add(report)
    db.session.flush()
    audit.record(
        AuditAction.REPORT_CREATE,
        subject_type=AuditSubject.VACANCY,
        subject_id=vacancy.id,
        reason=str(category),
        report_id=report.id,
    )
    if open_report_count(vacancy.id) >= hide_after and vacancy.status in (
        VacancyStatus.PUBLISHED,
        VacancyStatus.SCHEDULED,
    ):
        guarded_transition(
            vacancy,
            VacancyAction.HOLD,
            actor=None,
            reason=f"Hidden after {hide_after} reports, until a moderator decides.",
            now=now,
        )
        vacancy.submitted_at = now
    return report


def reported_listings() -> list[tuple[Vacancy, int]]:
    """Listings with open reports, the most reported first."""
    rows = db.session.execute(
        sa.select(Vacancy, sa.func.count(ListingReport.id).label("reports"))
        .join(ListingReport, ListingReport.vacancy_id == Vacancy.id)
        .options(selectinload(Vacancy.organisation))
        .where(ListingReport.status == ReportStatus.OPEN)
        .group_by(Vacancy.id)
        .order_by(sa.func.count(ListingReport.id).desc(), sa.func.min(ListingReport.created_at))
    ).all()
    return [(vacancy, count) for vacancy, count in rows]


def reports_on(vacancy_id: int) -> list[ListingReport]:
    return list(
        db.session.scalars(
            sa.select(ListingReport)
            .where(ListingReport.vacancy_id == vacancy_id)
            .order_by(ListingReport.created_at)
        )
    )


def decide_reports(
    moderator: User, vacancy: Vacancy, *, outcome: str, reason: str, now: dt.datetime | None = None
) -> list[ListingReport]:
    """Close every open report on a listing: dismiss them, remove the listing, or also suspend its
    organisation."""
    from marketplace.moderation.sanctions import suspend_organisation

    now = now or utcnow()
    reason = reason.strip()
    if outcome not in REPORT_OUTCOME_TEXT:
        raise VacancyError("Choose dismiss, remove or suspend.")
    if not reason:
        raise VacancyError("Enter the reason for your decision.")
    reports = list(
        db.session.scalars(
            sa.select(ListingReport).where(
                ListingReport.vacancy_id == vacancy.id, ListingReport.status == ReportStatus.OPEN
            )
        )
    )
    if not reports:
        raise VacancyError("This listing has no open reports: another moderator may have decided them.")
    closed = db.session.execute(
        sa.update(ListingReport)
        .where(ListingReport.id.in_([r.id for r in reports]), ListingReport.status == ReportStatus.OPEN)
        .values(
            status=ReportStatus.DISMISSED if outcome == "dismiss" else ReportStatus.UPHELD,
            closed_at=now,
            closed_by_id=moderator.id,
            outcome_note=reason,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if closed != len(reports):
        raise VacancyError("Another moderator decided these reports a moment ago: nothing was changed.")
    for report in reports:
        db.session.refresh(report)
    if outcome == "dismiss":
        if vacancy.status is VacancyStatus.PENDING_REVIEW and _held_by_reports(vacancy.id):
            decide(
                vacancy,
                VacancyAction.APPROVE,
                DecisionOutcome.APPROVED,
                moderator=moderator,
                reason=reason,
                now=now,
            )
    elif outcome == "remove":
        remove(moderator, vacancy, reason=reason, now=now)
    else:
        suspend_organisation(moderator, vacancy.organisation, reason=reason, now=now)
    audit.record(
        AuditAction.REPORT_DISMISS if outcome == "dismiss" else "report.uphold",
        subject_type=AuditSubject.VACANCY,
        subject_id=vacancy.id,
        actor=moderator,
        reason=reason,
        outcome=outcome,
        report_ids=[r.id for r in reports],
    )
    if outcome == "dismiss":
        email_school(
            vacancy,
            "listing_reports_decided",
            f"Reports about your listing: {vacancy.title}",
            reason=reason,
            outcome_text=REPORT_OUTCOME_TEXT[outcome],
        )
    for address in sorted({r.reporter_email for r in reports if r.reporter_email}):
        queue_email(
            address,
            "report_closed",
            f"Your report about {vacancy.title}",
            vacancy=vacancy,
            outcome_text=REPORT_OUTCOME_TEXT[outcome],
        )
    return reports


def _held_by_reports(vacancy_id: int) -> bool:

    last = db.session.scalar(
        sa.select(AuditEvent.action)
        .where(
            AuditEvent.subject_type == AuditSubject.VACANCY,
            AuditEvent.subject_id == vacancy_id,
            AuditEvent.action.in_([AuditAction.VACANCY_HOLD, AuditAction.VACANCY_SUBMIT]),
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return last == AuditAction.VACANCY_HOLD
