"""Jobseekers' use-cases on an application once made (withdrawing), and what the form shares (the
application form itself, from the first section to sending it, is application_form.py)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.applications.events import ApplicationWithdrawn
from marketplace.applications.lifecycle import ApplicationAction, next_status
from marketplace.applications.models import Application
from marketplace.db import utcnow
from marketplace.errors import DomainError
from marketplace.events import announce
from marketplace.extensions import db

# A few sentences: the school reads it beside the application.
MAX_WITHDRAWAL_REASON_CHARS = 1000
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


def withdraw(
    jobseeker: User, application: Application, *, reason: str = "", now: dt.datetime | None = None
) -> Application:
    """Withdraw one of the jobseeker's own applications, with their reason if they give one; the school
    sees it as withdrawn, and the reason beside it. Raises IllegalTransition once it is settled."""
    if application.jobseeker_id != jobseeker.id:
        raise ApplicationError("You can only withdraw your own applications.")
    reason = reason.replace("\x00", "").strip()
    if len(reason) > MAX_WITHDRAWAL_REASON_CHARS:
        too_long = f"Your reason must be {MAX_WITHDRAWAL_REASON_CHARS:,} characters or fewer"
        raise ApplicationError(field_errors={"reason": too_long})
    previous = application.status
    application.status = next_status(application.status, ApplicationAction.WITHDRAW)
    application.status_changed_at = now or utcnow()
    application.withdrawal_reason = reason or None
    announce(
        ApplicationWithdrawn(
            application_id=application.id, status=str(application.status), previous_status=str(previous)
        )
    )
    return application
