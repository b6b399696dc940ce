"""`marketplace alerts send`: one digest per alert of the listings that went live since its last one.

The rules, each with its own test:

* only listings that went live since the alert's last digest (its `covered_until` watermark);
* matched with the search page's semantics (see matching.py);
* never a listing the person has applied for (by account, or by address for an alert without one);
* never a listing this alert has already sent (`alert_deliveries`, unique per alert and listing);
* a re-run, or a run that crashed halfway, never sends anything twice: for each alert, the digest
  is queued in the outbox in the same transaction that records its deliveries and moves its
  watermark, and the watermark only moves from the value this run read (a concurrent run loses);
* unconfirmed alerts never send.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.alerts.matching import ListingMatcher, query_args
from marketplace.alerts.models import AlertDelivery, AlertFrequency, JobAlert
from marketplace.alerts.services import click_token, describe, links_for, recipient_of
from marketplace.analytics.events import EventName, record
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application
from marketplace.db import UK, utcnow, without_cycle_collection
from marketplace.extensions import db
from marketplace.notifications.messages import alerts as alert_messages
from marketplace.organisations.models import Organisation
from marketplace.search.geo import resolve
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.queries import live_condition

# A listing's publication can commit a little after the moment it records: look back this far past
# each watermark. Deliveries already sent are excluded, so the overlap never sends anything twice.
OVERLAP = dt.timedelta(hours=1)
# More than this in one digest and the email links to the search for the rest (not counted as sent).
MOST_LISTINGS_SHOWN = 50


@dataclass
class DigestReport:
    alerts: int = 0  # confirmed alerts of this frequency considered
    digests: int = 0  # emails queued
    listings: int = 0  # listings sent, over all digests
    new_listings: int = 0  # listings that went live in the window of the oldest watermark
    skipped: int = 0  # alerts another run had already moved on


def went_live_at(vacancy: Vacancy) -> dt.datetime:
    """When the listing appeared in search: its publication, or the start of its publish date (UK)."""
    start_of_day = dt.datetime.combine(vacancy.publish_on, dt.time(), tzinfo=UK).astimezone(dt.UTC)
    published = vacancy.published_at or start_of_day
    return max(published, start_of_day)


def new_listings(since: dt.datetime, now: dt.datetime) -> list[Vacancy]:
    """Listings live at `now` that went live after `since`, with what the index document needs."""
    since_day = since.astimezone(UK).date()
    return list(
        db.session.scalars(
            sa.select(Vacancy)
            .where(
                live_condition(now),
                sa.or_(Vacancy.published_at > since, Vacancy.publish_on >= since_day),
            )
            .options(selectinload(Vacancy.organisation).selectinload(Organisation.trust))
            .order_by(Vacancy.id)
        )
    )


class DueAlert(NamedTuple):
    """What matching needs of an alert, read as plain values: the loop commits once per alert, which
    would expire ORM objects, and building 130,000 of them costs more than matching them."""

    id: int
    covered_until: dt.datetime
    criteria: dict[str, Any]
    criteria_key: str


def due_alerts(frequency: AlertFrequency) -> list[DueAlert]:
    """Confirmed alerts of this frequency whose account (if any) is active with a confirmed address."""
    statement = (
        sa.select(JobAlert.id, JobAlert.covered_until, JobAlert.criteria, JobAlert.criteria_key)
        .outerjoin(User, User.id == JobAlert.user_id)
        .where(
            JobAlert.frequency == frequency,
            JobAlert.confirmed_at.is_not(None),
            sa.or_(
                JobAlert.user_id.is_(None),
                sa.and_(User.disabled.is_(False), User.email_verified_at.is_not(None)),
            ),
        )
        .order_by(JobAlert.id)
    )
    with without_cycle_collection():  # 130,000 criteria: most of the time went on collections
        return [DueAlert(*row) for row in db.session.execute(statement)]


def _applications(vacancy_ids: Sequence[int]) -> tuple[dict[int, set[int]], dict[str, set[int]]]:
    """Who has applied for these listings: by account, and by the address on the application."""
    by_user: dict[int, set[int]] = defaultdict(set)
    by_email: dict[str, set[int]] = defaultdict(set)
    if not vacancy_ids:
        return by_user, by_email
    rows = db.session.execute(
        sa.select(Application.vacancy_id, Application.jobseeker_id, Application.email, User.email)
        .outerjoin(User, User.id == Application.jobseeker_id)
        .where(Application.vacancy_id.in_(vacancy_ids), Application.status != ApplicationStatus.DRAFT)
    )
    for vacancy_id, user_id, application_email, account_email in rows:
        if user_id is not None:
            by_user[user_id].add(vacancy_id)
        for address in (application_email, account_email):
            if address:
                by_email[address.lower()].add(vacancy_id)
    return by_user, by_email


def send_digests(
    frequency: AlertFrequency,
    *,
    now: dt.datetime | None = None,
    progress: Callable[[JobAlert], None] | None = None,
) -> DigestReport:
    """Queue this frequency's digests, committing once per alert. Returns what was sent.

    `progress` is called after each alert's transaction commits (the CLI prints from it).
    """
    now = now or utcnow()
    report = DigestReport()
    plans = due_alerts(frequency)
    report.alerts = len(plans)
    if not plans:
        return report
    oldest = min(plan.covered_until for plan in plans)
    listings = new_listings(oldest - OVERLAP, now)
    report.new_listings = len(listings)
    live_since = {vacancy.id: went_live_at(vacancy) for vacancy in listings}
    by_id = {vacancy.id: vacancy for vacancy in listings}
    applied_by_user, applied_by_email = _applications(list(by_id))
    session = db.session
    with ListingMatcher(listings, now=now, resolve_location=lambda typed: resolve(typed, session)) as matcher:
        matches = matcher.match_all({key: criteria for _, _, criteria, key in plans})
    db.session.commit()  # end the reading transaction: each alert gets its own below
    for alert_id, covered_until, _, key in plans:
        alert = db.session.get(JobAlert, alert_id)
        if alert is None:  # unsubscribed meanwhile
            continue
        start = covered_until - OVERLAP
        matched = {vacancy_id for vacancy_id in matches[key] if live_since[vacancy_id] > start}
        if alert.user_id is not None:
            matched -= applied_by_user.get(alert.user_id, set())
        recipient = recipient_of(alert)
        if recipient:
            matched -= applied_by_email.get(recipient.lower(), set())
        # Best first, as the search ranks them (matches[key] is in that order).
        ranked = [by_id[i] for i in matches[key] if i in matched]
        sent = _send_one(alert, covered_until, ranked, recipient, now)
        if sent is None:
            report.skipped += 1
        elif sent:
            report.digests += 1
            report.listings += sent
        if progress is not None:
            progress(alert)
    return report


def _send_one(
    alert: JobAlert,
    covered_until: dt.datetime,
    matched: list[Vacancy],
    recipient: str | None,
    now: dt.datetime,
) -> int | None:
    """One alert's transaction: deliveries, digest and watermark together. None when another run
    moved this alert on first; otherwise how many listings were sent (0: no email)."""
    already = set()
    if matched:
        already = set(
            db.session.scalars(
                sa.select(AlertDelivery.vacancy_id).where(
                    AlertDelivery.alert_id == alert.id,
                    AlertDelivery.vacancy_id.in_([vacancy.id for vacancy in matched]),
                )
            )
        )
    fresh = [vacancy for vacancy in matched if vacancy.id not in already]  # in the order given
    more = max(len(fresh) - MOST_LISTINGS_SHOWN, 0)
    fresh = fresh[:MOST_LISTINGS_SHOWN]  # only what the email shows counts as sent
    moved = db.session.execute(
        sa.update(JobAlert)
        .where(JobAlert.id == alert.id, JobAlert.covered_until == covered_until)
        .values(covered_until=now, **({"last_digest_at": now} if fresh and recipient else {}))
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        db.session.rollback()
        return None
    if fresh and recipient:
        for vacancy in fresh:
            db.session.add(AlertDelivery(alert_id=alert.id, vacancy_id=vacancy.id, sent_at=now))
        _queue_digest(alert, recipient, fresh, more)
        record(EventName.ALERT_SENT, frequency=str(alert.frequency), listings=len(fresh))
    db.session.commit()
    return len(fresh) if recipient else 0


def _queue_digest(alert: JobAlert, recipient: str, vacancies: list[Vacancy], more: int) -> None:
    alert_messages.job_alert_digest(
        recipient,
        description=describe(alert.criteria),
        frequency=alert.frequency,
        click_tokens=[(vacancy.id, click_token(vacancy.id, str(alert.frequency))) for vacancy in vacancies],
        more=more,
        search_args=query_args(alert.criteria),
        links=links_for(alert),
    )
