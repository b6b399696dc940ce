"""The daily summary: staff who ask for it get one email a day listing the new applications to their
organisations' listings, never an empty one.

A person's subscription remembers the end of the last period it summarised (`covered_until`). The worker
looks for subscriptions whose period is a day old; each gets the applications sent since then, announced as
one `DailySummaryDue` (the email is queued in the same transaction that moves `covered_until` on, so a crash
neither loses a summary nor sends one twice). A day with nothing new moves the period on and sends nothing.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.accounts.models import User
from marketplace.applications.events import DailySummaryDue
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application
from marketplace.db import Base, utcnow
from marketplace.events import announce
from marketplace.extensions import db
from marketplace.organisations.queries import organisation_ids_for
from marketplace.vacancies.models import Vacancy

PERIOD = dt.timedelta(days=1)


class DailySummary(Base):
    """A member of staff's wish for the daily summary of new applications."""

    __tablename__ = "daily_summaries"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # The end of the last period summarised: the next summary covers what was sent after it.
    covered_until: Mapped[dt.datetime]


def wants_daily_summary(user: User) -> bool:
    return db.session.get(DailySummary, user.id) is not None


def set_daily_summary(user: User, wanted: bool, *, now: dt.datetime | None = None) -> None:
    """Start or stop the summary. The first one covers the day from now on (not what came before)."""
    subscription = db.session.get(DailySummary, user.id)
    if wanted and subscription is None:
        db.session.add(DailySummary(user_id=user.id, covered_until=now or utcnow()))
    elif not wanted and subscription is not None:
        db.session.delete(subscription)


def new_applications(user: User, since: dt.datetime, until: dt.datetime) -> list[tuple[int, int]]:
    """(vacancy id, applications) for each listing of the person's organisations that received
    applications in [since, until), busiest first."""
    organisations = organisation_ids_for(user)
    if not organisations:
        return []
    count = sa.func.count(Application.id)
    rows = db.session.execute(
        sa.select(Application.vacancy_id, count)
        .join(Vacancy, Vacancy.id == Application.vacancy_id)
        .where(
            Vacancy.organisation_id.in_(organisations),
            Application.status != ApplicationStatus.DRAFT,
            Application.submitted_at >= since,
            Application.submitted_at < until,
        )
        .group_by(Application.vacancy_id)
        .order_by(count.desc(), Application.vacancy_id)
    )
    return [(vacancy_id, applications) for vacancy_id, applications in rows]


def send_due_summaries(*, now: dt.datetime | None = None) -> int:
    """Announce each summary that is due and not empty; returns how many. The caller commits."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(DailySummary)
        .join(User, User.id == DailySummary.user_id)
        .where(DailySummary.covered_until <= now - PERIOD, User.disabled.is_(False))
        .order_by(DailySummary.user_id)
        .with_for_update(skip_locked=True)  # two workers never summarise the same person twice
    ).all()
    sent = 0
    for subscription in due:
        user = db.session.get(User, subscription.user_id)
        if new_applications(user, subscription.covered_until, now):
            announce(DailySummaryDue(user_id=user.id, since=subscription.covered_until, until=now))
            sent += 1
        subscription.covered_until = now
    return sent
