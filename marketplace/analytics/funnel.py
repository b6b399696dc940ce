"""The funnel the service is steered by: how many people reach each step, and where they drop out.

Views and starts come from events (which hold no personal data); later steps come from the
applications themselves. The selection steps count applications that have reached at least that
step, judged from their current status, so an offer that was later declined still counts as offered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.analytics.events import EventName
from marketplace.analytics.models import Event
from marketplace.applications.lifecycle import ApplicationStatus as S
from marketplace.applications.models import Application
from marketplace.extensions import db
from marketplace.vacancies.models import Vacancy

# The statuses an application can hold once it has reached each selection step.
_REACHED = {
    "shortlisted": {S.SHORTLISTED, S.INTERVIEWING, S.OFFERED, S.ACCEPTED, S.DECLINED},
    "offered": {S.OFFERED, S.ACCEPTED, S.DECLINED},
    "accepted": {S.ACCEPTED},
}


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    count: int
    # Share of the previous step's people who got this far (None for the first step, or after a zero).
    carried_over: float | None

    @property
    def dropped_out(self) -> float | None:
        return None if self.carried_over is None else 1 - self.carried_over


@dataclass(frozen=True)
class Funnel:
    since: dt.datetime
    steps: list[Step]
    listings_published: int
    typical_agency_fee: int

    @property
    def agency_fees_saved(self) -> int:
        return self.listings_published * self.typical_agency_fee


def _scoped(query, column, organisation_ids: set[int] | None):
    return query if organisation_ids is None else query.where(column.in_(organisation_ids))


def build(*, since: dt.datetime, typical_agency_fee: int, organisation_ids: set[int] | None = None) -> Funnel:
    """The funnel since `since`, for the whole service or (with organisation_ids) for one school or trust."""

    def events(name: EventName) -> int:
        query = sa.select(sa.func.count(Event.id)).where(Event.name == name, Event.occurred_at >= since)
        return db.session.scalar(_scoped(query, Event.organisation_id, organisation_ids)) or 0

    def applications(statuses: set[S] | None = None) -> int:
        query = (
            sa.select(sa.func.count(Application.id))
            .join(Application.vacancy)
            .where(Application.submitted_at >= since)
        )
        if statuses is not None:
            query = query.where(Application.status.in_(statuses))
        return db.session.scalar(_scoped(query, Vacancy.organisation_id, organisation_ids)) or 0

    counts = [
        ("views", "Listing views", events(EventName.VACANCY_VIEWED)),
        ("started", "Applications started", events(EventName.APPLICATION_STARTED)),
        ("submitted", "Applications submitted", applications()),
        ("shortlisted", "Shortlisted", applications(_REACHED["shortlisted"])),
        ("offered", "Offered the job", applications(_REACHED["offered"])),
        ("accepted", "Accepted", applications(_REACHED["accepted"])),
    ]
    steps, previous = [], None
    for key, label, count in counts:
        carried = None if not previous else count / previous
        steps.append(Step(key, label, count, carried))
        previous = count
    published = db.session.scalar(
        _scoped(
            sa.select(sa.func.count(Vacancy.id)).where(Vacancy.published_at >= since),
            Vacancy.organisation_id,
            organisation_ids,
        )
    )
    return Funnel(
        since=since, steps=steps, listings_published=published or 0, typical_agency_fee=typical_agency_fee
    )
