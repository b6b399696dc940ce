"""Job alerts as use-cases: create (by account or by a confirmed address), confirm, change, unsubscribe.

Every link an alert's emails carry is signed with the app's SECRET_KEY, a salt per purpose and the
alert's own random nonce, so a link works for one alert and one purpose only, and never for an alert
created later under the same id. The caller commits.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from marketplace.accounts.models import User
from marketplace.alerts.matching import criteria_key, criteria_of, search_of
from marketplace.alerts.models import AlertFrequency, JobAlert
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.links import external_url
from marketplace.notifications.messages import alerts as alert_messages
from marketplace.search.api import LABELS, VacancySearch

# The paths the emailed links open (the web layer serves them; emails are built without a request).


class AlertLinkInvalid(Exception):
    """A link that is not one of ours, was tampered with, or belongs to an alert that no longer exists."""


class AlertLinkExpired(AlertLinkInvalid):
    """A confirmation link older than ALERT_CONFIRMATION_DAYS."""


class NothingToAlert(ValueError):
    """A search with no keywords, location or filter would send every new job: not an alert."""


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"marketplace.job-alert.{purpose}")


def _timed_serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"marketplace.job-alert.{purpose}")


def alert_token(alert: JobAlert, purpose: str) -> str:
    """A signed token naming this alert, for `purpose` ("unsubscribe" or "manage"); it does not expire."""
    return _serializer(purpose).dumps([alert.id, alert.nonce])


def confirmation_token(alert: JobAlert) -> str:
    return _timed_serializer("confirm").dumps([alert.id, alert.nonce])


def click_token(vacancy_id: int, frequency: str) -> str:
    """A signed link to a job from a digest: what the click records is fixed when the digest is sent."""
    return _serializer("click").dumps([vacancy_id, frequency])


def read_click_token(token: str) -> tuple[int, str]:
    try:
        vacancy_id, frequency = _serializer("click").loads(token)
    except (BadData, TypeError, ValueError) as error:
        raise AlertLinkInvalid("This link is not valid") from error
    if type(vacancy_id) is not int or frequency not in set(AlertFrequency):
        raise AlertLinkInvalid("This link is not valid")
    return vacancy_id, frequency


def _alert_for(payload: Any) -> JobAlert:
    if not (isinstance(payload, list) and len(payload) == 2 and type(payload[0]) is int):
        raise AlertLinkInvalid("This link is not valid")
    alert = db.session.get(JobAlert, payload[0])
    if alert is None or not secrets.compare_digest(str(alert.nonce), str(payload[1])):
        raise AlertLinkInvalid("This alert no longer exists")
    return alert


def alert_from_token(token: str, purpose: str) -> JobAlert:
    """The alert a link was signed for; AlertLinkInvalid when there is none (any more)."""
    try:
        payload = _serializer(purpose).loads(token)
    except BadData as error:
        raise AlertLinkInvalid("This link is not valid") from error
    return _alert_for(payload)


def links_for(alert: JobAlert) -> dict[str, str]:
    """The absolute unsubscribe and manage links of an alert's emails."""
    manage = (
        external_url("alerts.index")
        if alert.user_id is not None
        else external_url("alerts.manage", token=alert_token(alert, "manage"))
    )
    return {
        "unsubscribe": external_url("alerts.unsubscribe", token=alert_token(alert, "unsubscribe")),
        "manage": manage,
    }


def recipient_of(alert: JobAlert) -> str | None:
    if alert.user_id is not None:
        return alert.user.email if alert.user is not None else None
    return alert.email


@dataclass(frozen=True)
class CreatedAlert:
    alert: JobAlert
    needs_confirmation: bool


def create_alert(
    search: VacancySearch,
    frequency: AlertFrequency,
    *,
    user: User | None = None,
    email: str | None = None,
    now: dt.datetime | None = None,
) -> CreatedAlert:
    """Set up an alert for a search: for a signed-in jobseeker at once, for an email address once the
    address is confirmed through the link this queues. Asking again for the same search updates the
    frequency instead of creating a second alert. Raises NothingToAlert for an empty search.
    """
    now = now or utcnow()
    criteria = criteria_of(search)
    if not criteria:
        raise NothingToAlert(
            "Search with keywords, a location or a filter first, then set up an alert for it."
        )
    key = criteria_key(criteria)
    if user is not None:
        owner = JobAlert.user_id == user.id
    else:
        email = (email or "").strip()
        owner = sa.and_(JobAlert.user_id.is_(None), sa.func.lower(JobAlert.email) == email.lower())
    alert = db.session.scalar(sa.select(JobAlert).where(owner, JobAlert.criteria_key == key))
    if alert is None:
        alert = JobAlert(
            user_id=user.id if user is not None else None,
            email=None if user is not None else email,
            criteria=criteria,
            criteria_key=key,
            frequency=frequency,
            confirmed_at=now if user is not None else None,
            covered_until=now,
            nonce=secrets.token_hex(16),
        )
        db.session.add(alert)
        db.session.flush()
    else:
        alert.frequency = frequency
    # Only a signed-in person's alert has no address of its own, and it is confirmed at once.
    if alert.confirmed or alert.email is None:
        return CreatedAlert(alert, needs_confirmation=False)
    alert_messages.job_alert_confirm(
        alert.email,
        token=confirmation_token(alert),
        description=describe(alert.criteria),
        frequency=alert.frequency,
    )
    return CreatedAlert(alert, needs_confirmation=True)


def confirm_alert(token: str, *, now: dt.datetime | None = None) -> JobAlert:
    """Confirm an email-only alert from its link; digests cover the jobs that go live from now on.

    Confirming again changes nothing. Raises AlertLinkExpired or AlertLinkInvalid.
    """
    max_age = dt.timedelta(days=current_app.config["ALERT_CONFIRMATION_DAYS"])
    try:
        payload = _timed_serializer("confirm").loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as error:
        raise AlertLinkExpired("This link has expired") from error
    except BadData as error:
        raise AlertLinkInvalid("This link is not valid") from error
    alert = _alert_for(payload)
    if alert.confirmed_at is None:
        now = now or utcnow()
        alert.confirmed_at = now
        alert.covered_until = now
    return alert


def alerts_of(user: User) -> list[JobAlert]:
    return list(
        db.session.scalars(sa.select(JobAlert).where(JobAlert.user_id == user.id).order_by(JobAlert.id))
    )


def alert_of(user: User, alert_id: int) -> JobAlert | None:
    """One of the person's own alerts; never anyone else's."""
    return db.session.scalar(sa.select(JobAlert).where(JobAlert.id == alert_id, JobAlert.user_id == user.id))


def change_frequency(alert: JobAlert, frequency: AlertFrequency) -> None:
    alert.frequency = frequency


def delete_alert(alert: JobAlert) -> None:
    """Unsubscribe: the alert and the record of what it sent are deleted."""
    db.session.delete(alert)


def describe(criteria: dict[str, Any]) -> str:
    """The alert in words, e.g. 'maths' within 15 miles of Leeds: Secondary, Full time."""
    search = search_of(criteria)
    parts = []
    if search.keywords:
        parts.append(f"\u2018{search.keywords}\u2019")
    else:
        parts.append("Jobs")
    if search.location:
        parts.append(f"within {search.radius} miles of {search.location}")
    filters: list[str] = []
    for name, values in search.active_filters().items():
        if name in LABELS and isinstance(values, tuple):
            filters.extend(LABELS[name].get(value, value) for value in values)
        elif name in LABELS:
            filters.append(LABELS[name]["true"])
        elif name == "minimum_salary":
            filters.append(f"at least \u00a3{values:,}")
        elif name == "organisation":
            filters.append(f"at {values}")
    text = " ".join(parts)
    return f"{text}: {', '.join(filters)}" if filters else text
