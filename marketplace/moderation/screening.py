"""Screening a listing: the rules, the duplicate checks, the organisation's and the person's standing,
through the policy.

This is where the pure parts meet the database. Submitting a listing (publishing/submission.py) and
re-screening it on an edit or an upload ask `verdict_for` and act on it; the school's form calls
`findings_for` to "check your listing"; the moderators' queue calls it to show and filter findings.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app

from marketplace import audit
from marketplace.accounts.models import User
from marketplace.audit import AuditAction, AuditSubject
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.moderation.changes import apply_and_contact_changes
from marketplace.moderation.duplicates import duplicate_findings
from marketplace.moderation.models import (
    DecisionOutcome,
    ListingMessage,
    ListingReport,
    ModerationDecision,
    ReportStatus,
)
from marketplace.moderation.policy import (
    Outcome,
    PersonStanding,
    Standing,
    Submission,
    Thresholds,
    Verdict,
    decide,
)
from marketplace.moderation.rules import (
    Finding,
    ListingContext,
    check,
    document_findings,
    sort_findings,
    unread_document_finding,
)
from marketplace.organisations.models import Membership, Organisation
from marketplace.vacancies.details import VacancyDetails
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy, VacancyDocument
from marketplace.vacancies.services import VacancyError

RECENT = dt.timedelta(days=90)


class ListingBlocked(VacancyError):
    """The policy refuses the listing until the school fixes what the findings say."""

    def __init__(self, verdict: Verdict):
        self.verdict = verdict
        count = len(verdict.blocking)
        if count:
            message = (
                f"Your listing cannot be published until you fix {count} "
                f"problem{'' if count == 1 else 's'} shown under 'Check your listing'."
            )
        else:
            message = "Your organisation is suspended, so it cannot publish listings. Contact the moderators."
        super().__init__(message)


def context_for(organisation: Organisation, now: dt.datetime) -> ListingContext:
    websites = [organisation.website]
    if organisation.trust is not None:
        websites.append(organisation.trust.website)
    return ListingContext(
        now=now,
        websites=tuple(w for w in websites if w),
        religious_character=organisation.religious_character,
    )


def findings_for(
    details: VacancyDetails,
    organisation: Organisation,
    *,
    now: dt.datetime | None = None,
    vacancy_id: int | None = None,
) -> list[Finding]:
    """Every finding for a listing: the pure text rules, the duplicate checks against the database and,
    for a saved listing, the wording rules on its supporting documents."""
    now = now or utcnow()
    findings = check(details, context_for(organisation, now))
    findings += duplicate_findings(
        details,
        organisation,
        threshold=current_app.config["MODERATION_DUPLICATE_SIMILARITY"],
        exclude_vacancy_id=vacancy_id,
    )
    if vacancy_id is not None:
        findings += documents_findings(vacancy_id)
    return sort_findings(findings)


def documents_findings(vacancy_id: int) -> list[Finding]:
    """What the rules find in a listing's supporting documents (their text was read at upload)."""
    found: list[Finding] = []
    rows = db.session.execute(
        sa.select(VacancyDocument.filename, VacancyDocument.text)
        .where(VacancyDocument.vacancy_id == vacancy_id)
        .order_by(VacancyDocument.id)
    )
    for filename, text in rows:
        found += _document_findings(filename, text) if text else [unread_document_finding(filename)]
    return found


# The form checks a listing as the school types: a document's text is judged once, not at every keystroke.
_document_findings = functools.lru_cache(maxsize=256)(document_findings)


def findings_for_vacancy(vacancy: Vacancy, *, now: dt.datetime | None = None) -> list[Finding]:
    """Findings for a saved listing, judged as at its submission (so a queue item does not go stale)."""
    now = now or vacancy.submitted_at or utcnow()
    return findings_for(
        VacancyDetails.from_vacancy(vacancy), vacancy.organisation, now=now, vacancy_id=vacancy.id
    )


def standing_of(organisation: Organisation, now: dt.datetime | None = None) -> Standing:
    """The organisation's record, as the policy sees it."""
    return standings_of([organisation], now)[organisation.id]


def standings_of(
    organisations: Iterable[Organisation], now: dt.datetime | None = None
) -> dict[int, Standing]:
    """The records of several organisations by id, in three queries whatever their number (a bulk import
    screens a batch's listings at once)."""
    now = now or utcnow()
    by_id = {organisation.id: organisation for organisation in organisations}
    ids = list(by_id)
    approved = dict(
        db.session.execute(
            sa.select(Vacancy.organisation_id, sa.func.count(Vacancy.id))
            .where(
                Vacancy.organisation_id.in_(ids),
                sa.or_(Vacancy.published_at.is_not(None), Vacancy.status == VacancyStatus.SCHEDULED),
            )
            .group_by(Vacancy.organisation_id)
        ).all()
    )
    rejections = dict(
        db.session.execute(
            sa.select(Vacancy.organisation_id, sa.func.count(ModerationDecision.id))
            .join(Vacancy, Vacancy.id == ModerationDecision.vacancy_id)
            .where(
                Vacancy.organisation_id.in_(ids),
                ModerationDecision.outcome.in_([DecisionOutcome.REJECTED, DecisionOutcome.REMOVED]),
                ModerationDecision.created_at >= now - RECENT,
            )
            .group_by(Vacancy.organisation_id)
        ).all()
    )
    upheld = dict(
        db.session.execute(
            sa.select(Vacancy.organisation_id, sa.func.count(ListingReport.id))
            .join(Vacancy, Vacancy.id == ListingReport.vacancy_id)
            .where(Vacancy.organisation_id.in_(ids), ListingReport.status == ReportStatus.UPHELD)
            .group_by(Vacancy.organisation_id)
        ).all()
    )
    return {
        organisation_id: Standing(
            verified=organisation.verified,
            suspended=organisation.suspended_at is not None,
            approved_listings=approved.get(organisation_id, 0),
            recent_rejections=rejections.get(organisation_id, 0),
            upheld_reports=upheld.get(organisation_id, 0),
        )
        for organisation_id, organisation in by_id.items()
    }


def person_standing_of(user: User, organisation: Organisation, now: dt.datetime) -> PersonStanding:
    """The person's record with the organisation, as the policy sees it: their listings for it that a
    moderator approved or that went live, and how long ago they joined it (or the trust it belongs to,
    which is how a trust's staff post for its schools; the older membership counts)."""
    approved_by_moderator = (
        sa.select(ModerationDecision.id)
        .where(
            ModerationDecision.vacancy_id == Vacancy.id,
            ModerationDecision.outcome == DecisionOutcome.APPROVED,
            ModerationDecision.moderator_id.is_not(None),
        )
        .exists()
    )
    reviewed = db.session.scalar(
        sa.select(sa.func.count(Vacancy.id)).where(
            Vacancy.organisation_id == organisation.id,
            Vacancy.created_by_id == user.id,
            sa.or_(Vacancy.published_at.is_not(None), approved_by_moderator),
        )
    )
    organisation_ids = [organisation.id] + ([organisation.trust_id] if organisation.trust_id else [])
    membership = db.session.scalars(
        sa.select(Membership)
        .where(Membership.user_id == user.id, Membership.organisation_id.in_(organisation_ids))
        .order_by(Membership.created_at)
        .limit(1)
    ).first()
    return PersonStanding(
        name=user.full_name,
        organisation_name=organisation.name,
        reviewed_listings=reviewed or 0,
        member_for_days=None if membership is None else max((now - membership.created_at).days, 0),
        joined_name=membership.organisation.name if membership is not None else "",
    )


def returned_for_changes(vacancy_id: int | None) -> ModerationDecision | None:
    """The moderator's request for changes that the listing has not been decided on since, if any:
    its next submission goes back to a moderator."""
    if vacancy_id is None:
        return None
    latest = db.session.scalar(
        sa.select(ModerationDecision)
        .where(ModerationDecision.vacancy_id == vacancy_id)
        .order_by(ModerationDecision.created_at.desc(), ModerationDecision.id.desc())
        .limit(1)
    )
    return latest if latest is not None and latest.outcome is DecisionOutcome.CHANGES_REQUESTED else None


def school_replied_since(request: ModerationDecision) -> bool:
    """Whether someone at the school has answered the moderator since they asked for changes."""
    return bool(
        db.session.scalar(
            sa.select(sa.func.count(ListingMessage.id)).where(
                ListingMessage.vacancy_id == request.vacancy_id,
                ListingMessage.from_moderator.is_(False),
                ListingMessage.created_at >= request.created_at,
            )
        )
    )


def verdict_for(
    details: VacancyDetails,
    organisation: Organisation,
    *,
    now: dt.datetime,
    vacancy_id: int | None = None,
    submitter: User | None = None,
    editing: Vacancy | None = None,
) -> Verdict:
    """The policy's verdict on a listing as `details` say it.

    `submitter`: the person submitting or changing it; None for an ATS client or an import, which act
    for the organisation with no person behind them and so keep the organisation-level policy.
    `editing`: the listing on sale that these details would change (its saved values are compared, so
    a change to where candidates apply or whom they contact goes to a moderator).
    """
    findings = findings_for(details, organisation, now=now, vacancy_id=vacancy_id)
    submission = Submission(
        person=person_standing_of(submitter, organisation, now) if submitter is not None else None,
        live_edit=editing is not None,
        changed_fields=(
            apply_and_contact_changes(VacancyDetails.from_vacancy(editing), details) if editing else ()
        ),
        returned_for_changes=editing is None and returned_for_changes(vacancy_id) is not None,
    )
    return decide(
        findings, standing_of(organisation, now), Thresholds.from_config(current_app.config), submission
    )


def record_verdict(vacancy: Vacancy, verdict: Verdict) -> None:
    """The policy's verdict on a listing, with its reasons and findings, in the audit trail; the reasons
    of a verdict that sends it to a moderator are kept on the listing for the review queue."""
    if verdict.outcome is Outcome.REVIEW:
        vacancy.review_reasons = list(verdict.reasons)
    elif verdict.outcome is Outcome.PUBLISH:
        vacancy.review_reasons = []
    audit.record(
        AuditAction.of_policy(verdict.outcome),
        subject_type=AuditSubject.VACANCY,
        subject_id=vacancy.id,
        reason=" ".join(verdict.reasons),
        findings=[f.as_json() for f in verdict.findings],
    )
