"""Read side for applications, scoped to the jobseeker who made them or the school that received them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application
from marketplace.extensions import db
from marketplace.organisations.queries import organisation_ids_for
from marketplace.vacancies.models import Vacancy

# Drafts are the jobseeker's own business until they press submit.
_VISIBLE_TO_SCHOOLS = Application.status != ApplicationStatus.DRAFT


def applications_of(jobseeker: User) -> list[Application]:
    return list(
        db.session.scalars(
            sa.select(Application)
            .options(selectinload(Application.vacancy).selectinload(Vacancy.organisation))
            .where(Application.jobseeker_id == jobseeker.id)
            .order_by(Application.updated_at.desc())
        )
    )


def application_of(jobseeker: User, application_id: int) -> Application | None:
    return db.session.scalar(
        sa.select(Application).where(
            Application.id == application_id, Application.jobseeker_id == jobseeker.id
        )
    )


def received_by(staff: User, vacancy_id: int | None = None) -> list[Application]:
    """Applications to the staff member's organisations (optionally one vacancy), newest first."""
    ids = organisation_ids_for(staff)
    if not ids:
        return []
    query = (
        sa.select(Application)
        .join(Application.vacancy)
        .options(selectinload(Application.vacancy))
        .where(Vacancy.organisation_id.in_(ids), _VISIBLE_TO_SCHOOLS)
        .order_by(Application.submitted_at.desc())
    )
    if vacancy_id is not None:
        query = query.where(Application.vacancy_id == vacancy_id)
    return list(db.session.scalars(query))


def received_application(staff: User, application_id: int) -> Application | None:
    """One application, only if it was made to one of the staff member's organisations."""
    ids = organisation_ids_for(staff)
    if not ids:
        return None
    return db.session.scalar(
        sa.select(Application)
        .join(Application.vacancy)
        .where(Application.id == application_id, Vacancy.organisation_id.in_(ids), _VISIBLE_TO_SCHOOLS)
    )
