"""The funnel the service is steered by: how many people reach each step, and where they drop out.

Views, saves and starts come from events (which hold no personal data); later steps come from the
applications themselves. The selection steps count applications that have reached at least that
step, judged from their current status, so an offer that was later declined still counts as offered.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.analytics.events import EventName
from marketplace.analytics.models import Event
from marketplace.applications.lifecycle import ApplicationStatus as S
from marketplace.applications.models import Application
from marketplace.extensions import db
from marketplace.vacancies.management_models import VacancyEnding
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
    # Saves are a side step: both saves and starts are shares of the views.
    carried_over: float | None

    @property
    def dropped_out(self) -> float | None:
        return None if self.carried_over is None else 1 - self.carried_over


@dataclass(frozen=True)
class TimeToFill:
    """Days from a listing going live to its post being filled, over the posts filled in the period."""

    posts_filled: int
    median_days: float | None
    shortest_days: float | None
    longest_days: float | None


@dataclass(frozen=True)
class Funnel:
    since: dt.datetime
    steps: list[Step]
    listings_published: int
    typical_agency_fee: int
    time_to_fill: TimeToFill

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
        ("saves", "Saved by jobseekers", events(EventName.VACANCY_SAVED)),
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
        # Saving is optional on the way to applying: starts are compared with views, not with saves.
        if key != "saves":
            previous = count
    published = db.session.scalar(
        _scoped(
            sa.select(sa.func.count(Vacancy.id)).where(Vacancy.published_at >= since),
            Vacancy.organisation_id,
            organisation_ids,
        )
    )
    return Funnel(
        since=since,
        steps=steps,
        listings_published=published or 0,
        typical_agency_fee=typical_agency_fee,
        time_to_fill=time_to_fill(since=since, organisation_ids=organisation_ids),
    )


def time_to_fill(*, since: dt.datetime, organisation_ids: set[int] | None = None) -> TimeToFill:
    """Median days from publication to the post being filled, for posts filled since `since`.

    A post counts as filled when its school ended the listing early saying so, or when a candidate
    accepted an offer (the moment the application became accepted). A listing with both counts once,
    at the earlier moment.
    """
    filled_at: dict[int, tuple[dt.datetime, dt.datetime]] = {}
    ended = sa.select(VacancyEnding.vacancy_id, Vacancy.published_at, VacancyEnding.ended_at).join(
        Vacancy, Vacancy.id == VacancyEnding.vacancy_id
    )
    ended = ended.where(VacancyEnding.filled.is_(True))
    accepted = (
        sa.select(Application.vacancy_id, Vacancy.published_at, Application.status_changed_at)
        .join(Application.vacancy)
        .where(Application.status == S.ACCEPTED)
    )
    for query in (ended, accepted):
        rows = db.session.execute(
            _scoped(query.where(Vacancy.published_at.is_not(None)), Vacancy.organisation_id, organisation_ids)
        ).all()
        for vacancy_id, published_at, moment in rows:
            if vacancy_id not in filled_at or moment < filled_at[vacancy_id][1]:
                filled_at[vacancy_id] = (published_at, moment)
    days = sorted(
        max((moment - published_at).total_seconds(), 0) / 86400
        for published_at, moment in filled_at.values()
        if moment >= since
    )
    if not days:
        return TimeToFill(posts_filled=0, median_days=None, shortest_days=None, longest_days=None)
    return TimeToFill(
        posts_filled=len(days),
        median_days=statistics.median(days),
        shortest_days=days[0],
        longest_days=days[-1],
    )
