"""Statistics for one listing, shown to its school: views, saves, applications, and where views came from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.analytics import sources
from marketplace.analytics.events import EventName
from marketplace.analytics.models import Event
from marketplace.applications.models import Application
from marketplace.extensions import db


@dataclass(frozen=True)
class ListingStatistics:
    views: int
    saves: int
    applications_started: int
    applications_submitted: int
    # (label, count) for every bucket with at least one view, most views first.
    sources: list[tuple[str, int]]


def for_vacancy(vacancy_id: int) -> ListingStatistics:
    """The listing's figures since it was created. The caller has checked the person may see them."""
    counts = dict(
        db.session.execute(
            sa.select(Event.name, sa.func.count(Event.id))
            .where(Event.vacancy_id == vacancy_id)
            .group_by(Event.name)
        ).all()
    )
    by_source: dict[str, int] = {}
    # Through a subquery: PostgreSQL does not see two renderings of a JSON lookup as the same expression.
    views = (
        sa.select(Event.properties["source"].as_string().label("source"))
        .where(Event.vacancy_id == vacancy_id, Event.name == EventName.VACANCY_VIEWED)
        .subquery()
    )
    rows = db.session.execute(sa.select(views.c.source, sa.func.count()).group_by(views.c.source)).all()
    for stored, count in rows:
        key = sources.bucket(stored)
        by_source[key] = by_source.get(key, 0) + count
    order = list(sources.SOURCE_LABELS)
    ranked = sorted(by_source.items(), key=lambda item: (-item[1], order.index(item[0])))
    return ListingStatistics(
        views=counts.get(EventName.VACANCY_VIEWED, 0),
        saves=counts.get(EventName.VACANCY_SAVED, 0),
        applications_started=counts.get(EventName.APPLICATION_STARTED, 0),
        applications_submitted=submitted_counts([vacancy_id]).get(vacancy_id, 0),
        sources=[(sources.SOURCE_LABELS[key], count) for key, count in ranked],
    )


def submitted_counts(vacancy_ids: Iterable[int]) -> dict[int, int]:
    """Submitted applications per listing (drafts not counted), for the dashboard's rows."""
    ids = list(vacancy_ids)
    if not ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(Application.vacancy_id, sa.func.count(Application.id))
            .where(Application.vacancy_id.in_(ids), Application.submitted_at.is_not(None))
            .group_by(Application.vacancy_id)
        ).all()
    )
