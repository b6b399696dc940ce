"""Recording funnel events: searches, views, saves, applications and their outcomes, alerts."""

from __future__ import annotations

import enum

from marketplace.analytics.models import Event
from marketplace.extensions import db


class EventName(enum.StrEnum):
    SEARCH_PERFORMED = "search_performed"
    VACANCY_VIEWED = "vacancy_viewed"
    APPLICATION_STARTED = "application_started"
    APPLICATION_SUBMITTED = "application_submitted"
    VACANCY_PUBLISHED = "vacancy_published"
    VACANCY_SAVED = "vacancy_saved"
    APPLICATION_STATUS_CHANGED = "application_status_changed"
    ALERT_SENT = "alert_sent"
    ALERT_CLICKED = "alert_clicked"


def record(
    name: EventName,
    *,
    vacancy_id: int | None = None,
    organisation_id: int | None = None,
    **properties: str | int | bool | None,
) -> None:
    """Add an event to the current transaction; it is kept only if the use-case commits."""
    db.session.add(
        Event(name=str(name), vacancy_id=vacancy_id, organisation_id=organisation_id, properties=properties)
    )
