"""Emails about a listing the school changed, to people with an application started and not sent."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application
from marketplace.extensions import db
from marketplace.links import external_url
from marketplace.notifications.outbox import queue_email
from marketplace.vacancies.models import Vacancy


def _unsent_drafts(vacancy_id: int) -> list[Application]:
    """Applications for the listing started and not sent, by people whose accounts are active."""
    return list(
        db.session.scalars(
            sa.select(Application)
            .join(User, User.id == Application.jobseeker_id)
            .where(
                Application.vacancy_id == vacancy_id,
                Application.status == ApplicationStatus.DRAFT,
                User.disabled.is_(False),
            )
            .options(selectinload(Application.jobseeker))
            .order_by(Application.id)
        )
    )


def draft_application_more_time(vacancy_id: int) -> None:
    """Tell everyone with an unsent draft that the closing date moved, with a link back to it."""
    vacancy = db.session.get(Vacancy, vacancy_id)
    for draft in _unsent_drafts(vacancy_id):
        jobseeker = draft.jobseeker
        queue_email(
            jobseeker.email,
            "draft_application_more_time",
            f"More time to apply: {vacancy.title}",
            full_name=jobseeker.full_name,
            vacancy=vacancy,
            link=external_url("jobseekers.apply", vacancy_id=vacancy.id),
        )


def draft_application_job_closed(vacancy_id: int) -> None:
    """Tell everyone with an unsent draft that the listing closed early, so it cannot be sent."""
    vacancy = db.session.get(Vacancy, vacancy_id)
    for draft in _unsent_drafts(vacancy_id):
        jobseeker = draft.jobseeker
        queue_email(
            jobseeker.email,
            "draft_application_job_closed",
            f"Job closed early: {vacancy.title}",
            full_name=jobseeker.full_name,
            vacancy=vacancy,
            job_link=external_url("public.vacancy", vacancy_id=vacancy.id),
            applications_link=external_url("jobseekers.applications"),
        )
