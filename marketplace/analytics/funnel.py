"""The funnel the service is steered by: how many people reach each step, and where they drop out.

Views and saves come from events (which hold no personal data, so they count actions, not people). The
later steps follow one cohort: the applications started in the period, one per person and job. Each step
counts those of them that reached it (judged from the current status, so an offer that was later declined
still counts as offered), so the share carried over from one step to the next is always 0 to 100%.
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
from marketplace.vacancies.models import Vacancy, VacancyEnding

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
    # Share of the people at the previous step who got this far: always between 0 and 1, because each
    # step counts a subset of the people counted at the previous one. None where the previous step counts
    # something else (views and saves count actions, not people) or nobody.
    carried_over: float | None
    # What the bar counts, in words.
    counts: str = ""

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

    # One cohort: the applications started in the period (one per person and job). Every later step
    # counts those of them that got that far, so a step never holds more people than the one before.
    started = _scoped(
        sa.select(Application.id).join(Application.vacancy).where(Application.created_at >= since),
        Vacancy.organisation_id,
        organisation_ids,
    ).subquery()

    def applications(*conditions) -> int:
        query = sa.select(sa.func.count(Application.id)).where(Application.id.in_(sa.select(started.c.id)))
        return db.session.scalar(query.where(*conditions)) or 0

    submitted = Application.submitted_at.is_not(None)
    shortlisted = sa.and_(submitted, Application.status.in_(_REACHED["shortlisted"]))
    offered = sa.and_(shortlisted, Application.status.in_(_REACHED["offered"]))
    accepted = sa.and_(offered, Application.status.in_(_REACHED["accepted"]))
    steps = [
        Step(
            "views",
            "Listing views",
            events(EventName.VACANCY_VIEWED),
            None,
            "times a job page was opened (not people: one person may look several times)",
        ),
        Step(
            "saves",
            "Saved by jobseekers",
            events(EventName.VACANCY_SAVED),
            None,
            "times a jobseeker saved a job (saving is optional on the way to applying)",
        ),
    ]
    people = [
        ("started", "Applications started", applications(), "people who started an application"),
        ("submitted", "Applications submitted", applications(submitted), "of those, people who sent it"),
        ("shortlisted", "Shortlisted", applications(shortlisted), "of those, people shortlisted"),
        ("offered", "Offered the job", applications(offered), "of those, people offered the job"),
        ("accepted", "Accepted", applications(accepted), "of those, people who accepted"),
    ]
    previous = None
    for key, label, count, counts in people:
        carried = count / previous if previous else None
        steps.append(Step(key, label, count, carried, counts))
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
