"""Moderators' use-cases: the review queue, approving and rejecting listings with a reason."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.analytics.events import EventName, record
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.moderation.models import DecisionOutcome, ModerationDecision
from marketplace.notifications.outbox import queue_email
from marketplace.vacancies.lifecycle import VacancyAction, VacancyStatus
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.services import VacancyError, transition


def review_queue() -> list[Vacancy]:
    """Listings waiting for a decision, the longest-waiting first."""
    return list(
        db.session.scalars(
            sa.select(Vacancy)
            .options(selectinload(Vacancy.organisation))
            .where(Vacancy.status == VacancyStatus.PENDING_REVIEW)
            .order_by(Vacancy.submitted_at, Vacancy.id)
        )
    )


def vacancy_under_review(vacancy_id: int) -> Vacancy | None:
    return db.session.get(Vacancy, vacancy_id)


def _school_recipients(vacancy: Vacancy) -> list[str]:
    """Whoever wrote the listing, and its contact address, without writing twice to one person."""
    emails = [vacancy.created_by.email] if vacancy.created_by else []
    if vacancy.contact_email and vacancy.contact_email.lower() not in emails:
        emails.append(vacancy.contact_email.lower())
    return emails


def _decide(vacancy: Vacancy, moderator: User, outcome: DecisionOutcome, reason: str) -> ModerationDecision:
    decision = ModerationDecision(
        vacancy_id=vacancy.id, moderator_id=moderator.id, outcome=outcome, reason=reason
    )
    db.session.add(decision)
    return decision


def approve(moderator: User, vacancy: Vacancy, *, note: str = "", now: dt.datetime | None = None) -> Vacancy:
    """Approve a listing: it goes live now, or on its publish date if that is still ahead."""
    now = now or utcnow()
    transition(vacancy, VacancyAction.APPROVE, actor=moderator, reason=note, now=now)
    _decide(vacancy, moderator, DecisionOutcome.APPROVED, note)
    if vacancy.status is VacancyStatus.PUBLISHED:
        record(EventName.VACANCY_PUBLISHED, vacancy_id=vacancy.id, organisation_id=vacancy.organisation_id)
    for recipient in _school_recipients(vacancy):
        queue_email(
            recipient, "vacancy_approved", f"Your listing is approved: {vacancy.title}", vacancy=vacancy
        )
    return vacancy


def reject(moderator: User, vacancy: Vacancy, *, reason: str, now: dt.datetime | None = None) -> Vacancy:
    """Reject a listing with a reason the school can act on; the school may revise and resubmit it."""
    reason = reason.strip()
    if not reason:
        raise VacancyError("Enter the reason for rejecting this listing: the school will see it.")
    transition(vacancy, VacancyAction.REJECT, actor=moderator, reason=reason, now=now)
    _decide(vacancy, moderator, DecisionOutcome.REJECTED, reason)
    for recipient in _school_recipients(vacancy):
        queue_email(
            recipient,
            "vacancy_rejected",
            f"Your listing needs changes: {vacancy.title}",
            vacancy=vacancy,
            reason=reason,
        )
    return vacancy


def latest_decision(vacancy_id: int) -> ModerationDecision | None:
    return db.session.scalar(
        sa.select(ModerationDecision)
        .where(ModerationDecision.vacancy_id == vacancy_id)
        .order_by(ModerationDecision.created_at.desc(), ModerationDecision.id.desc())
        .limit(1)
    )
