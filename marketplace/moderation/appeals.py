"""Appeals: a school may appeal a rejection or a removal once, and a different moderator decides it."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace import audit
from marketplace.accounts.models import User
from marketplace.audit import AuditAction, AuditSubject
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.moderation.models import Appeal, AppealStatus, DecisionOutcome, ModerationDecision
from marketplace.moderation.services import decide, latest_decision
from marketplace.notifications.messages import moderation as messages
from marketplace.organisations.queries import organisation_ids_for
from marketplace.vacancies.lifecycle import VacancyAction, VacancyStatus
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.services import VacancyError

APPEALABLE = {
    VacancyStatus.REJECTED: DecisionOutcome.REJECTED,
    VacancyStatus.REMOVED: DecisionOutcome.REMOVED,
}


def appeal_for(vacancy_id: int) -> Appeal | None:
    return db.session.scalar(sa.select(Appeal).where(Appeal.vacancy_id == vacancy_id))


def appealable_decision(vacancy: Vacancy) -> ModerationDecision | None:
    """The moderator's rejection or removal this listing may still be appealed against, if any."""
    if vacancy.status not in APPEALABLE or appeal_for(vacancy.id) is not None:
        return None
    decision = latest_decision(vacancy.id)
    if decision is None or decision.outcome != APPEALABLE[vacancy.status] or decision.moderator_id is None:
        return None
    return decision


def appeal(user: User, vacancy: Vacancy, *, statement: str, now: dt.datetime | None = None) -> Appeal:
    """Lodge the school's one appeal against the latest rejection or removal of its listing."""
    if vacancy.organisation_id not in organisation_ids_for(user):
        raise VacancyError("You can only appeal for a school or trust you belong to.")
    statement = statement.strip()
    if not statement:
        raise VacancyError("Enter your statement: say why the decision should change.")
    if appeal_for(vacancy.id) is not None:
        raise VacancyError("You have already appealed about this listing: each listing can be appealed once.")
    decision = appealable_decision(vacancy)
    if decision is None:
        raise VacancyError("Only a listing a moderator has rejected or removed can be appealed.")
    lodged = Appeal(
        vacancy_id=vacancy.id,
        decision_id=decision.id,
        appellant_id=user.id,
        statement=statement[:5000],
        created_at=now or utcnow(),
    )
    db.session.add(lodged)
    db.session.flush()
    audit.record(
        AuditAction.APPEAL_CREATE,
        subject_type=AuditSubject.VACANCY,
        subject_id=vacancy.id,
        actor=user,
        reason=statement[:5000],
    )
    return lodged


def pending_appeals() -> list[Appeal]:
    return list(
        db.session.scalars(
            sa.select(Appeal)
            .options(selectinload(Appeal.decision))
            .where(Appeal.status == AppealStatus.PENDING)
            .order_by(Appeal.created_at, Appeal.id)
        )
    )


def decide_appeal(
    moderator: User, appeal: Appeal, *, overturn: bool, reason: str, now: dt.datetime | None = None
) -> Appeal:
    """Overturn (the listing comes back) or uphold the original decision; never by its own moderator."""
    now = now or utcnow()
    reason = reason.strip()
    if not reason:
        raise VacancyError("Enter the reason for your decision: the school will see it.")
    if appeal.decision is not None and appeal.decision.moderator_id == moderator.id:
        raise VacancyError(
            "You made the decision under appeal, so a different moderator must decide the appeal."
        )
    changed = db.session.execute(
        sa.update(Appeal)
        .where(Appeal.id == appeal.id, Appeal.status == AppealStatus.PENDING)
        .values(
            status=AppealStatus.OVERTURNED if overturn else AppealStatus.UPHELD,
            decided_by_id=moderator.id,
            decided_at=now,
            reason=reason,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise VacancyError("Another moderator decided this appeal a moment ago: nothing was changed.")
    db.session.refresh(appeal)
    vacancy = db.session.get(Vacancy, appeal.vacancy_id)
    if overturn:
        decide(
            vacancy,
            VacancyAction.REINSTATE,
            DecisionOutcome.REINSTATED,
            moderator=moderator,
            reason=f"Overturned on appeal: {reason}",
            now=now,
        )
    audit.record(
        AuditAction.APPEAL_OVERTURN if overturn else AuditAction.APPEAL_UPHOLD,
        subject_type=AuditSubject.VACANCY,
        subject_id=vacancy.id,
        actor=moderator,
        reason=reason,
        appeal_id=appeal.id,
    )
    messages.appeal_decided(vacancy.id, reason, overturned=overturn)
    return appeal
