"""Moderation metrics: queue length, time to decision, outcomes by rule, appeals and reports."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import statistics
from collections import Counter, defaultdict

import sqlalchemy as sa

from marketplace.audit import AuditAction, AuditEvent, AuditSubject
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.moderation.models import Appeal, AppealStatus, ListingReport, ModerationDecision
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy


@dataclasses.dataclass
class Period:
    days: int
    decisions: int
    median_hours: float | None
    p95_hours: float | None
    outcomes_by_rule: dict[str, Counter]
    reports: int
    listings: int

    @property
    def reports_per_thousand(self) -> float | None:
        return round(1000 * self.reports / self.listings, 1) if self.listings else None


@dataclasses.dataclass
class Metrics:
    queue_length: int
    periods: list[Period]
    appeals_decided: int
    appeals_overturned: int

    @property
    def overturn_rate(self) -> float | None:
        return (
            round(100 * self.appeals_overturned / self.appeals_decided, 1) if self.appeals_decided else None
        )


def percentile(values: list[float], fraction: float) -> float | None:
    """The nearest-rank percentile (0 < fraction <= 1)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def _time_to_decision(
    decision: ModerationDecision, events_before: list[AuditEvent], other_decisions: list[dt.datetime]
) -> dt.timedelta | None:
    """From the listing's submission to this decision on it; None when the decision answered no
    submission (a live listing taken down, or one the policy had already published)."""
    submissions = [e.occurred_at for e in events_before if e.action == AuditAction.VACANCY_SUBMIT]
    if not submissions:
        return None
    submitted = submissions[-1]
    published = [e.occurred_at for e in events_before if e.action == AuditAction.POLICY_PUBLISH]
    if any(submitted <= moment < decision.created_at for moment in [*published, *other_decisions]):
        return None
    return decision.created_at - submitted


def _period(days: int, now: dt.datetime) -> Period:
    since = now - dt.timedelta(days=days)
    decisions = db.session.scalars(
        sa.select(ModerationDecision).where(
            ModerationDecision.created_at >= since, ModerationDecision.moderator_id.is_not(None)
        )
    ).all()
    vacancy_ids = {d.vacancy_id for d in decisions}
    events = defaultdict(list)
    for event in db.session.scalars(
        sa.select(AuditEvent)
        .where(
            AuditEvent.subject_type == AuditSubject.VACANCY,
            AuditEvent.subject_id.in_(vacancy_ids),
            AuditEvent.action.in_(
                [AuditAction.VACANCY_SUBMIT, AuditAction.POLICY_REVIEW, AuditAction.POLICY_PUBLISH]
            ),
        )
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ):
        events[event.subject_id].append(event)
    # Every moderator decision on these listings, including those before the period: a submission
    # already answered by an earlier decision is not what a later one (a removal, say) answers.
    answered = defaultdict(list)
    for vacancy_id, decided_at in db.session.execute(
        sa.select(ModerationDecision.vacancy_id, ModerationDecision.created_at).where(
            ModerationDecision.vacancy_id.in_(vacancy_ids), ModerationDecision.moderator_id.is_not(None)
        )
    ):
        answered[vacancy_id].append(decided_at)
    waits = []
    by_rule: dict[str, Counter] = defaultdict(Counter)
    for decision in decisions:
        before = [e for e in events[decision.vacancy_id] if e.occurred_at <= decision.created_at]
        wait = _time_to_decision(decision, before, answered[decision.vacancy_id])
        if wait is not None:
            waits.append(wait.total_seconds() / 3600)
        screened = [e for e in before if e.action == AuditAction.POLICY_REVIEW]
        rules = {f["rule"] for f in (screened[-1].data or {}).get("findings", [])} if screened else set()
        for rule in rules or {"(no finding)"}:
            by_rule[rule][str(decision.outcome)] += 1
    reports = db.session.scalar(
        sa.select(sa.func.count(ListingReport.id)).where(ListingReport.created_at >= since)
    )
    listings = db.session.scalar(
        sa.select(sa.func.count(Vacancy.id)).where(
            Vacancy.published_at.is_not(None), Vacancy.published_at <= now, Vacancy.closes_at >= since
        )
    )
    return Period(
        days=days,
        decisions=len(decisions),
        median_hours=round(statistics.median(waits), 1) if waits else None,
        p95_hours=round(percentile(waits, 0.95), 1) if waits else None,
        outcomes_by_rule=dict(sorted(by_rule.items())),
        reports=reports or 0,
        listings=listings or 0,
    )


def compute(now: dt.datetime | None = None) -> Metrics:
    now = now or utcnow()
    queue = db.session.scalar(
        sa.select(sa.func.count(Vacancy.id)).where(Vacancy.status == VacancyStatus.PENDING_REVIEW)
    )
    decided = db.session.execute(
        sa.select(Appeal.status, sa.func.count())
        .where(Appeal.status != AppealStatus.PENDING)
        .group_by(Appeal.status)
    ).all()
    counts = {status: count for status, count in decided}
    return Metrics(
        queue_length=queue or 0,
        periods=[_period(7, now), _period(30, now)],
        appeals_decided=sum(counts.values()),
        appeals_overturned=counts.get(AppealStatus.OVERTURNED, 0),
    )
