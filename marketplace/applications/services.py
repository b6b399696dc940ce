"""Jobseekers' use-cases: applying through the marketplace and withdrawing."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.applications.events import ApplicationSubmitted, ApplicationWithdrawn
from marketplace.applications.lifecycle import ApplicationAction, ApplicationStatus, next_status
from marketplace.applications.models import Application
from marketplace.db import utcnow
from marketplace.errors import DomainError
from marketplace.events import announce
from marketplace.extensions import db
from marketplace.vacancies.models import Vacancy

# Long enough for a thorough statement, short enough that a school reads it (roughly two sides of A4).
MAX_STATEMENT_WORDS = 1500


class ApplicationError(DomainError):
    """A use-case refused: the message is written for the jobseeker."""


class AlreadyApplied(ApplicationError):
    def __init__(self, application: Application):
        self.application = application
        super().__init__("You have already applied for this job.")


def word_count(text: str) -> int:
    return len(text.split())


def existing_application(jobseeker: User, vacancy_id: int) -> Application | None:
    return db.session.scalar(
        sa.select(Application).where(
            Application.jobseeker_id == jobseeker.id, Application.vacancy_id == vacancy_id
        )
    )


def submit_application(
    jobseeker: User, vacancy: Vacancy, *, supporting_statement: str, now: dt.datetime | None = None
) -> Application:
    """Apply for a live listing that takes applications through the marketplace.

    Submitting twice never creates two applications: a second attempt raises AlreadyApplied, and the
    unique constraint on (vacancy, jobseeker) backs this up against two requests racing each other.
    """
    now = now or utcnow()
    if not vacancy.is_live(now):
        raise ApplicationError("This job is no longer accepting applications.")
    if not vacancy.applies_through_marketplace:
        raise ApplicationError("This school takes applications on its own website or by email.")
    statement = supporting_statement.strip()
    if not statement:
        raise ApplicationError("Enter your supporting statement")
    if word_count(statement) > MAX_STATEMENT_WORDS:
        raise ApplicationError(f"Your supporting statement must be {MAX_STATEMENT_WORDS:,} words or fewer")

    application = existing_application(jobseeker, vacancy.id)
    if application is not None and application.status is not ApplicationStatus.DRAFT:
        raise AlreadyApplied(application)
    if application is None:
        application = Application(
            vacancy_id=vacancy.id,
            jobseeker_id=jobseeker.id,
            status=ApplicationStatus.DRAFT,
            full_name=jobseeker.full_name,
            email=jobseeker.email,
        )
        db.session.add(application)
    application.supporting_statement = statement
    if application.id is not None:
        # Compare-and-set: of two requests sending the same draft at once, only one moves it.
        db.session.flush()
        moved = db.session.execute(
            sa.update(Application)
            .where(Application.id == application.id, Application.status == ApplicationStatus.DRAFT)
            .values(
                status=next_status(ApplicationStatus.DRAFT, ApplicationAction.SUBMIT),
                status_changed_at=now,
                submitted_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:
            db.session.refresh(application)
            raise AlreadyApplied(application)
        db.session.refresh(application)
    else:
        application.status = next_status(application.status, ApplicationAction.SUBMIT)
        application.status_changed_at = now
        application.submitted_at = now
        db.session.flush()

    announce(ApplicationSubmitted(application_id=application.id))
    return application


def withdraw(jobseeker: User, application: Application, *, now: dt.datetime | None = None) -> Application:
    """Withdraw one of the jobseeker's own applications; the school sees it as withdrawn."""
    if application.jobseeker_id != jobseeker.id:
        raise ApplicationError("You can only withdraw your own applications.")
    application.status = next_status(application.status, ApplicationAction.WITHDRAW)
    application.status_changed_at = now or utcnow()
    announce(ApplicationWithdrawn(application_id=application.id, status=str(application.status)))
    return application
