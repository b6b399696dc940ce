"""Saved jobs: a jobseeker's shortlist of listings, and the reminder before a saved job closes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.applications.events import JobSaved, SavedJobClosingSoon
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application, SavedJob
from marketplace.db import utcnow
from marketplace.errors import DomainError
from marketplace.events import announce
from marketplace.extensions import db
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.queries import live_condition


class NotSaveable(DomainError):
    """Only a live listing can be saved."""


def saved_job(user: User, vacancy_id: int) -> SavedJob | None:
    return db.session.scalar(
        sa.select(SavedJob).where(SavedJob.user_id == user.id, SavedJob.vacancy_id == vacancy_id)
    )


def saved_vacancy_ids(user: User) -> set[int]:
    """The ids of every listing the person saved (to show "Saved" beside search results)."""
    return set(db.session.scalars(sa.select(SavedJob.vacancy_id).where(SavedJob.user_id == user.id)))


def save_job(user: User, vacancy_id: int, *, now: dt.datetime | None = None) -> SavedJob:
    """Save a live listing for the person (again: no change). Records VACANCY_SAVED the first time.

    Raises NotSaveable when the listing is not live. The caller commits.
    """
    now = now or utcnow()
    vacancy = db.session.scalar(sa.select(Vacancy).where(Vacancy.id == vacancy_id, live_condition(now)))
    if vacancy is None:
        raise NotSaveable("This job is no longer listed.")
    existing = saved_job(user, vacancy_id)
    if existing is not None:
        return existing
    saved = SavedJob(user_id=user.id, vacancy_id=vacancy.id, saved_at=now)
    db.session.add(saved)
    announce(JobSaved(vacancy_id=vacancy.id, user_id=user.id))
    return saved


def unsave_job(user: User, vacancy_id: int) -> bool:
    """Forget a saved listing; False when it was not saved. The caller commits."""
    result = db.session.execute(
        sa.delete(SavedJob).where(SavedJob.user_id == user.id, SavedJob.vacancy_id == vacancy_id)
    )
    return bool(result.rowcount)


@dataclass(frozen=True)
class SavedJobRow:
    saved: SavedJob
    live: bool
    applied: bool


def saved_jobs_of(user: User, *, now: dt.datetime | None = None) -> list[SavedJobRow]:
    """The person's saved jobs: live ones first (closing soonest first), then closed ones, newest first."""
    now = now or utcnow()
    saved = db.session.scalars(
        sa.select(SavedJob)
        .where(SavedJob.user_id == user.id)
        .options(selectinload(SavedJob.vacancy).selectinload(Vacancy.organisation))
    ).all()
    applied = applied_vacancy_ids(user.id, [s.vacancy_id for s in saved])
    rows = [SavedJobRow(s, s.vacancy.is_live(now), s.vacancy_id in applied) for s in saved]
    live = sorted((r for r in rows if r.live), key=lambda r: r.saved.vacancy.closes_at)
    closed = sorted((r for r in rows if not r.live), key=lambda r: r.saved.vacancy.closes_at, reverse=True)
    return live + closed


def applied_vacancy_ids(user_id: int, vacancy_ids: list[int]) -> set[int]:
    """Which of these listings the person has applied for (a draft is not an application yet)."""
    if not vacancy_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Application.vacancy_id).where(
                Application.jobseeker_id == user_id,
                Application.vacancy_id.in_(vacancy_ids),
                Application.status != ApplicationStatus.DRAFT,
            )
        )
    )


def send_closing_reminders(*, days: int, now: dt.datetime | None = None) -> int:
    """Queue one reminder per saved job closing within `days`, unless the person has applied.

    Each saved job is reminded at most once (reminder_sent_at is set in the same transaction as the
    email is queued). Returns how many were queued; the caller commits.
    """
    now = now or utcnow()
    has_applied = (
        sa.select(Application.id)
        .where(
            Application.jobseeker_id == SavedJob.user_id,
            Application.vacancy_id == SavedJob.vacancy_id,
            Application.status != ApplicationStatus.DRAFT,
        )
        .exists()
    )
    due = db.session.scalars(
        sa.select(SavedJob)
        .join(Vacancy, Vacancy.id == SavedJob.vacancy_id)
        .join(User, User.id == SavedJob.user_id)
        .where(
            SavedJob.reminder_sent_at.is_(None),
            User.disabled.is_(False),
            live_condition(now),
            Vacancy.closes_at <= now + dt.timedelta(days=days),
            ~has_applied,
        )
        .options(
            selectinload(SavedJob.user), selectinload(SavedJob.vacancy).selectinload(Vacancy.organisation)
        )
        .order_by(SavedJob.id)
    ).all()
    for saved in due:
        announce(SavedJobClosingSoon(saved_job_id=saved.id))
        saved.reminder_sent_at = now
    return len(due)
