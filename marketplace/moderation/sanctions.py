"""Sanctions: suspending and reinstating organisations and user accounts.

Suspending an organisation removes its live, scheduled and waiting listings in the same transaction, so
the search change log drops them from every index replica when it commits. Reinstating puts back the
listings that the suspension removed and that have not closed since.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from marketplace import audit
from marketplace.accounts import sessions
from marketplace.accounts.models import User
from marketplace.audit import AuditAction, AuditSubject
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.moderation.models import DecisionOutcome, SuspendedListing, Suspension
from marketplace.moderation.services import decide
from marketplace.notifications.messages import moderation as messages
from marketplace.organisations.models import Organisation
from marketplace.permissions import Role
from marketplace.vacancies.lifecycle import VacancyAction, VacancyStatus
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.services import VacancyError

UNPUBLISHED_BY_SUSPENSION = (VacancyStatus.PUBLISHED, VacancyStatus.SCHEDULED, VacancyStatus.PENDING_REVIEW)


def suspend_organisation(
    moderator: User, organisation: Organisation, *, reason: str, now: dt.datetime | None = None
) -> list[Vacancy]:
    """Suspend an organisation: it cannot publish, and its listings come down now. Returns those listings."""
    now = now or utcnow()
    reason = reason.strip()
    if not reason:
        raise VacancyError("Enter the reason for suspending the organisation.")
    if organisation.suspended_at is not None:
        raise VacancyError(f"{organisation.name} is already suspended.")
    organisation.suspended_at = now
    suspension = Suspension(
        organisation_id=organisation.id, reason=reason, suspended_at=now, suspended_by_id=moderator.id
    )
    db.session.add(suspension)
    removed = []
    listings = db.session.scalars(
        sa.select(Vacancy).where(
            Vacancy.organisation_id == organisation.id, Vacancy.status.in_(UNPUBLISHED_BY_SUSPENSION)
        )
    ).all()
    for vacancy in listings:
        decide(
            vacancy,
            VacancyAction.REMOVE,
            DecisionOutcome.REMOVED,
            moderator=moderator,
            reason=f"Organisation suspended: {reason}",
            now=now,
        )
        removed.append(vacancy)
        suspension.removed_listings.append(SuspendedListing(vacancy_id=vacancy.id))
    audit.record(
        AuditAction.ORGANISATION_SUSPEND,
        subject_type=AuditSubject.ORGANISATION,
        subject_id=organisation.id,
        actor=moderator,
        reason=reason,
        removed_vacancy_ids=[v.id for v in removed],
    )
    messages.organisation_suspended(organisation.id, reason, [vacancy.id for vacancy in removed])
    return removed


def reinstate_organisation(
    moderator: User, organisation: Organisation, *, reason: str, now: dt.datetime | None = None
) -> list[Vacancy]:
    """Lift a suspension and put back the listings it removed that are still open. Returns them."""
    now = now or utcnow()
    if organisation.suspended_at is None:
        raise VacancyError(f"{organisation.name} is not suspended.")
    organisation.suspended_at = None
    suspension = db.session.scalar(
        sa.select(Suspension)
        .where(Suspension.organisation_id == organisation.id, Suspension.lifted_at.is_(None))
        .order_by(Suspension.id.desc())
        .limit(1)
    )
    ids = []
    if suspension is not None:
        suspension.lifted_at, suspension.lifted_by_id = now, moderator.id
        suspension.lift_reason = reason.strip()
        ids = [listing.vacancy_id for listing in suspension.removed_listings]
    restored = []
    for vacancy in db.session.scalars(sa.select(Vacancy).where(Vacancy.id.in_(ids))).all():
        if vacancy.status is VacancyStatus.REMOVED and vacancy.closes_at > now:
            decide(
                vacancy,
                VacancyAction.REINSTATE,
                DecisionOutcome.REINSTATED,
                moderator=moderator,
                reason=f"Organisation reinstated: {reason}",
                now=now,
            )
            restored.append(vacancy)
    audit.record(
        AuditAction.ORGANISATION_REINSTATE,
        subject_type=AuditSubject.ORGANISATION,
        subject_id=organisation.id,
        actor=moderator,
        reason=reason.strip(),
        restored_vacancy_ids=[v.id for v in restored],
    )
    messages.organisation_reinstated(organisation.id, reason.strip(), [vacancy.id for vacancy in restored])
    return restored


def _check_can_sanction(moderator: User, user: User) -> None:
    if user.id == moderator.id:
        raise VacancyError("You cannot suspend or reinstate your own account.")
    if user.role in (Role.MODERATOR, Role.ADMIN):
        raise VacancyError("Moderators' and administrators' accounts are managed by an administrator.")


def suspend_user(moderator: User, user: User, *, reason: str) -> User:
    """Disable an account: it can no longer sign in, and every session it has open ends at once."""
    _check_can_sanction(moderator, user)
    if not reason.strip():
        raise VacancyError("Enter the reason for suspending the account.")
    if user.disabled:
        raise VacancyError("This account is already suspended.")
    user.disabled = True
    sessions.end_all_for(user.id)
    audit.record(
        AuditAction.USER_SUSPEND,
        subject_type=AuditSubject.USER,
        subject_id=user.id,
        actor=moderator,
        reason=reason.strip(),
    )
    return user


def reinstate_user(moderator: User, user: User, *, reason: str) -> User:
    _check_can_sanction(moderator, user)
    if not user.disabled:
        raise VacancyError("This account is not suspended.")
    user.disabled = False
    audit.record(
        AuditAction.USER_REINSTATE,
        subject_type=AuditSubject.USER,
        subject_id=user.id,
        actor=moderator,
        reason=reason.strip(),
    )
    return user


def find_organisations(text: str, limit: int = 20) -> list[Organisation]:
    text = text.strip()
    if not text:
        return []
    like = f"%{text.lower()}%"
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(
                sa.or_(
                    sa.func.lower(Organisation.name).like(like),
                    Organisation.urn == text,
                    Organisation.uid == text,
                )
            )
            .order_by(Organisation.name)
            .limit(limit)
        )
    )


def find_users(text: str, limit: int = 20) -> list[User]:
    text = text.strip().lower()
    if not text:
        return []
    return list(
        db.session.scalars(
            sa.select(User)
            .where(sa.func.lower(User.email).like(f"%{text}%"))
            .order_by(User.email)
            .limit(limit)
        )
    )
