"""Use-cases that change vacancies. Each adds its changes to the session; the caller commits once."""

from __future__ import annotations

import datetime as dt
from typing import cast

import sqlalchemy as sa

from marketplace import audit
from marketplace.accounts.models import User
from marketplace.audit import AuditAction, AuditSubject
from marketplace.db import uk_today, utcnow
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.organisations.queries import organisation_ids_for
from marketplace.vacancies.details import VacancyDetails, problems
from marketplace.vacancies.lifecycle import IllegalTransition, VacancyAction, VacancyStatus, next_status
from marketplace.vacancies.models import Vacancy

# Statuses in which the school may still change what the listing says.
EDITABLE = frozenset({VacancyStatus.DRAFT, VacancyStatus.REJECTED})


class VacancyError(DomainError):
    """A use-case refused: the message is written for the person who asked."""


class ChangedElsewhere(VacancyError):
    """The listing's status changed after it was read (another person, or the worker): nothing was done."""


class InvalidDetails(VacancyError):
    """The details break the listing's rules; each problem is named by its field."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(field_errors=problems)

    @property
    def problems(self) -> dict[str, str]:
        return self.field_errors


def transition(
    vacancy: Vacancy,
    action: VacancyAction,
    *,
    actor: User | None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Vacancy:
    """Move a vacancy through its lifecycle table and write the audit event that explains it.

    Compare-and-set: the status changes only if the row still holds the status this vacancy was read
    with, so two people (or a person and the worker) acting at once cannot both move it from the same
    state; the one who comes second gets ChangedElsewhere and the caller rolls back.
    """
    now = now or utcnow()
    previous = vacancy.status
    try:
        target = next_status(previous, action, publish_date_reached=vacancy.publish_on <= uk_today(now))
    except IllegalTransition as error:
        raise VacancyError(str(error)) from error
    if vacancy.id is None:
        db.session.flush()
    # An UPDATE's result is a CursorResult, which counts the rows it matched.
    changed = cast(
        sa.CursorResult,
        db.session.execute(
            sa.update(Vacancy)
            .where(Vacancy.id == vacancy.id, Vacancy.status == previous)
            .values(status=target, status_changed_at=now)
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    if changed != 1:
        raise ChangedElsewhere(
            "This listing was changed a moment ago by someone else, so nothing was changed. "
            "Check the listing as it is now before doing anything else."
        )
    # The object follows the row (the statement above bypassed the session).
    vacancy.status = target
    vacancy.status_changed_at = now
    if vacancy.status is VacancyStatus.PUBLISHED and vacancy.published_at is None:
        vacancy.published_at = now
    audit.record(
        AuditAction.of_vacancy(action),
        subject_type=AuditSubject.VACANCY,
        subject_id=vacancy.id,
        actor=actor,
        reason=reason,
        previous_status=str(previous),
        status=str(vacancy.status),
    )
    return vacancy


def check_member(user: User, organisation_id: int) -> None:
    """Refuse (VacancyError) a person acting on listings of an organisation they do not belong to."""
    if organisation_id not in organisation_ids_for(user):
        raise VacancyError("You can only post vacancies for a school or trust you belong to.")


def create_draft(
    user: User, organisation_id: int, details: VacancyDetails, *, now: dt.datetime | None = None
) -> Vacancy:
    """Save a new vacancy as a draft for one of the user's organisations."""
    check_member(user, organisation_id)
    found = problems(details, now or utcnow())
    if found:
        raise InvalidDetails(found)
    vacancy = Vacancy(
        organisation_id=organisation_id,
        created_by_id=user.id,
        status=VacancyStatus.DRAFT,
        **details.model_fields(),
    )
    db.session.add(vacancy)
    db.session.flush()
    audit.record(
        AuditAction.VACANCY_CREATE, subject_type=AuditSubject.VACANCY, subject_id=vacancy.id, actor=user
    )
    return vacancy


def update_draft(
    user: User, vacancy: Vacancy, details: VacancyDetails, *, now: dt.datetime | None = None
) -> Vacancy:
    """Change what a draft (or a rejected listing being revised) says; a rejected one becomes a draft."""
    check_member(user, vacancy.organisation_id)
    if vacancy.status not in EDITABLE:
        raise VacancyError("This listing can no longer be edited.")
    found = problems(details, now or utcnow())
    if found:
        raise InvalidDetails(found)
    for name, value in details.model_fields().items():
        setattr(vacancy, name, value)
    if vacancy.status is VacancyStatus.REJECTED:
        transition(vacancy, VacancyAction.REVISE, actor=user, now=now)
    audit.record(
        AuditAction.VACANCY_EDIT, subject_type=AuditSubject.VACANCY, subject_id=vacancy.id, actor=user
    )
    return vacancy


def delete_draft(user: User, vacancy: Vacancy) -> None:
    """Drafts were never public, so they are deleted outright rather than kept as removed."""
    check_member(user, vacancy.organisation_id)
    if vacancy.status is not VacancyStatus.DRAFT:
        raise VacancyError("Only drafts can be deleted.")
    audit.record(
        AuditAction.VACANCY_DELETE,
        subject_type=AuditSubject.VACANCY,
        subject_id=vacancy.id,
        actor=user,
        title=vacancy.title,
    )
    db.session.delete(vacancy)


def publish_due(now: dt.datetime | None = None) -> int:
    """Publish scheduled listings whose publish date has come. Run by the worker; returns how many."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Vacancy).where(
            Vacancy.status == VacancyStatus.SCHEDULED, Vacancy.publish_on <= uk_today(now)
        )
    ).all()
    for vacancy in due:
        transition(vacancy, VacancyAction.PUBLISH_SCHEDULED, actor=None, now=now)
    return len(due)


def expire_closed(now: dt.datetime | None = None) -> int:
    """Mark published listings past their closing time as expired (search hides them already)."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Vacancy).where(Vacancy.status == VacancyStatus.PUBLISHED, Vacancy.closes_at <= now)
    ).all()
    for vacancy in due:
        transition(vacancy, VacancyAction.EXPIRE, actor=None, now=now)
    return len(due)
