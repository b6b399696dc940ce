"""Saved jobs and job alerts in "download my data", and gone with the account.

Registered with the privacy module's hooks (imported with every model by marketplace.models). The
foreign keys cascade on PostgreSQL; the deletion hook does the same where cascades are not enforced
(SQLite).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.accounts.privacy import before_account_deletion, data_section
from marketplace.alerts.models import JobAlert
from marketplace.alerts.services import describe
from marketplace.applications import personal_data as _applications  # noqa: F401  (their sections come first)
from marketplace.applications.models import SavedJob
from marketplace.extensions import db


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


@data_section("saved_jobs")
def saved_jobs_section(user: User) -> list[dict[str, Any]]:
    saved = db.session.scalars(sa.select(SavedJob).where(SavedJob.user_id == user.id).order_by(SavedJob.id))
    return [
        {
            "vacancy_id": row.vacancy_id,
            "title": row.vacancy.title,
            "organisation": row.vacancy.organisation.name,
            "saved_at": _iso(row.saved_at),
            "reminder_sent_at": _iso(row.reminder_sent_at),
        }
        for row in saved
    ]


@data_section("job_alerts")
def job_alerts_section(user: User) -> list[dict[str, Any]]:
    alerts = db.session.scalars(sa.select(JobAlert).where(JobAlert.user_id == user.id).order_by(JobAlert.id))
    return [
        {
            "search": describe(alert.criteria),
            "criteria": alert.criteria,
            "frequency": str(alert.frequency),
            "created_at": _iso(alert.created_at),
            "last_digest_at": _iso(alert.last_digest_at),
        }
        for alert in alerts
    ]


@before_account_deletion
def erase_saved_jobs_and_alerts(user: User) -> None:
    db.session.execute(sa.delete(SavedJob).where(SavedJob.user_id == user.id))
    db.session.execute(sa.delete(JobAlert).where(JobAlert.user_id == user.id))
