"""Keeping personal data only as long as it is needed (`marketplace retention run`).

Every step is idempotent and works on whatever is due at the moment it runs, so cron may run it
every few minutes or once a night with the same result. Periods are settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

import click
import sqlalchemy as sa
from flask import current_app

from marketplace import audit, submissions
from marketplace.accounts import privacy, sessions
from marketplace.accounts.events import InactiveAccountWarned
from marketplace.accounts.models import User
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application
from marketplace.applications.personal_data import ANONYMISED_NAME, anonymise
from marketplace.audit import AuditAction, AuditSubject
from marketplace.db import utcnow
from marketplace.events import announce
from marketplace.extensions import db
from marketplace.permissions import Role
from marketplace.vacancies import services as vacancy_services
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy

# Staff accounts are managed by people, not by a clock.
ROLES_DELETED_WHEN_INACTIVE = (Role.JOBSEEKER, Role.HIRING_STAFF)


@dataclass
class RetentionReport:
    expired_listings: int = 0
    deleted_drafts: int = 0
    anonymised_applications: int = 0
    warned_accounts: int = 0
    deleted_accounts: int = 0
    deleted_sessions: int = 0
    forgotten_form_keys: int = 0

    def __str__(self) -> str:
        return (
            f"expired {self.expired_listings} listings, deleted {self.deleted_drafts} stale drafts, "
            f"anonymised {self.anonymised_applications} applications, warned {self.warned_accounts} and "
            f"deleted {self.deleted_accounts} inactive accounts, "
            f"removed {self.deleted_sessions} expired sessions and {self.forgotten_form_keys} used form keys"
        )


def _days(setting: str) -> dt.timedelta:
    return dt.timedelta(days=current_app.config[setting])


def delete_stale_drafts(now: dt.datetime) -> int:
    """Drafts nobody has touched for the configured period were abandoned: they were never public."""
    stale = db.session.scalars(
        sa.select(Vacancy).where(
            Vacancy.status == VacancyStatus.DRAFT, Vacancy.updated_at < now - _days("RETENTION_DRAFT_DAYS")
        )
    ).all()
    for vacancy in stale:
        audit.record(
            AuditAction.VACANCY_DELETE_STALE_DRAFT,
            subject_type=AuditSubject.VACANCY,
            subject_id=vacancy.id,
            title=vacancy.title,
        )
        db.session.delete(vacancy)
    return len(stale)


def anonymise_old_applications(now: dt.datetime) -> int:
    """Applications to listings that closed longer ago than the configured period."""
    due = db.session.scalars(
        sa.select(Application)
        .join(Application.vacancy)
        .where(
            Vacancy.closes_at < now - _days("RETENTION_APPLICATION_DAYS"),
            Application.full_name != ANONYMISED_NAME,
            Application.status != ApplicationStatus.DRAFT,
        )
    ).all()
    for application in due:
        anonymise(application)
    drafts = db.session.execute(
        sa.delete(Application)
        .where(
            Application.status == ApplicationStatus.DRAFT,
            Application.vacancy_id.in_(
                sa.select(Vacancy.id).where(Vacancy.closes_at < now - _days("RETENTION_APPLICATION_DAYS"))
            ),
        )
        .execution_options(synchronize_session=False)
    )
    return len(due) + cast(sa.CursorResult, drafts).rowcount  # a DELETE's result counts its rows


def warn_and_delete_inactive_accounts(now: dt.datetime) -> tuple[int, int]:
    """Warn accounts unused for the configured period; delete those still unused a notice period later."""
    inactive_since = now - _days("RETENTION_INACTIVE_ACCOUNT_DAYS")
    notice = _days("RETENTION_WARNING_DAYS")
    last_active = sa.func.coalesce(User.last_signed_in_at, User.created_at)
    candidates = db.session.scalars(
        sa.select(User).where(User.role.in_(ROLES_DELETED_WHEN_INACTIVE), last_active < inactive_since)
    ).all()
    warned = deleted = 0
    for user in candidates:
        if user.inactivity_warned_at is None:
            user.inactivity_warned_at = now
            announce(InactiveAccountWarned(user_id=user.id, deletion_date=now + notice))
            warned += 1
        elif user.inactivity_warned_at <= now - notice:
            # The same erasure as when people delete their own account: drafts go, sent applications are
            # anonymised, saved jobs and alerts go (SQLite does not enforce the cascades).
            privacy.erase_personal_data(user)
            audit.record(
                AuditAction.ACCOUNT_DELETE_INACTIVE,
                subject_type=AuditSubject.USER,
                subject_id=user.id,
                role=str(user.role),
            )
            db.session.delete(user)
            deleted += 1
    return warned, deleted


def run(now: dt.datetime | None = None) -> RetentionReport:
    """Apply every retention rule that is due. The caller commits once."""
    now = now or utcnow()
    report = RetentionReport(expired_listings=vacancy_services.expire_closed(now))
    report.deleted_drafts = delete_stale_drafts(now)
    report.anonymised_applications = anonymise_old_applications(now)
    report.warned_accounts, report.deleted_accounts = warn_and_delete_inactive_accounts(now)
    report.deleted_sessions = sessions.delete_expired(now)
    report.forgotten_form_keys = submissions.forget_old(now)
    return report


@click.group()
def retention() -> None:
    """Keep personal data only as long as it is needed."""


@retention.command("run")
def run_command() -> None:
    """Apply every retention rule that is due; safe to run from cron at any frequency."""
    report = run()
    db.session.commit()
    click.echo(f"Retention: {report}.")
