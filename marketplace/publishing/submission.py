"""Submitting a listing: check it again, then let the moderation policy decide what happens to it.

The vacancy's lifecycle (vacancies/) and the policy's verdict (moderation/) meet here. The JSON Lines
import (importer.py) and the ATS API (ats.py) screen what they bring in through the same verdicts.
"""

from __future__ import annotations

import datetime as dt

from marketplace.accounts.models import User
from marketplace.analytics.events import EventName
from marketplace.analytics.events import record as record_event
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.moderation.models import DecisionOutcome, ModerationDecision
from marketplace.moderation.policy import Outcome, Verdict
from marketplace.moderation.screening import (
    ListingBlocked,
    record_verdict,
    returned_for_changes,
    school_replied_since,
    verdict_for,
)
from marketplace.vacancies.details import VacancyDetails, problems
from marketplace.vacancies.lifecycle import VacancyAction, VacancyStatus
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.services import InvalidDetails, VacancyError, check_member, transition


def submit_for_review(user: User, vacancy: Vacancy, *, now: dt.datetime | None = None) -> Vacancy:
    """Submit a draft, checking its details again (time may have passed since it was saved), then let the
    moderation policy decide: publish now, queue for a moderator, or refuse until fixed (ListingBlocked,
    a VacancyError carrying the findings; its audit event is in the session for the caller to commit)."""
    now = now or utcnow()
    check_member(user, vacancy.organisation_id)
    if vacancy.unanswered_steps:
        raise VacancyError("Finish every section of the listing before you submit it.")
    found = problems(VacancyDetails.from_vacancy(vacancy), now)
    if found:
        raise InvalidDetails(found)
    if vacancy.status is not VacancyStatus.DRAFT:
        transition(vacancy, VacancyAction.SUBMIT, actor=user, now=now)  # raises the lifecycle's own error
    screen_submission(user, vacancy, now=now)
    return vacancy


def screen_submission(user: User | None, vacancy: Vacancy, *, now: dt.datetime) -> Verdict:
    """Run the policy on a draft being submitted and act on it, in the caller's transaction.

    block: the listing stays a draft, the refusal is audited and ListingBlocked is raised (the caller
    commits the audit event and shows the findings). review: the listing waits in the queue.
    publish: it goes live at once (or is scheduled), with a decision that has no moderator.
    A listing a moderator returned for changes always waits for a moderator, and a person (not an ATS
    client) sending it back must have answered them.
    """
    request = returned_for_changes(vacancy.id)
    if request is not None and user is not None and not school_replied_since(request):
        raise VacancyError(
            "Reply to the moderator before you send the listing back: say what you changed, "
            "or why nothing needed to change."
        )
    verdict = verdict_for(
        VacancyDetails.from_vacancy(vacancy),
        vacancy.organisation,
        now=now,
        vacancy_id=vacancy.id,
        submitter=user,
    )
    if verdict.outcome is Outcome.BLOCK:
        record_verdict(vacancy, verdict)
        raise ListingBlocked(verdict)
    transition(vacancy, VacancyAction.SUBMIT, actor=user, now=now)
    vacancy.submitted_at = now
    record_verdict(vacancy, verdict)
    if verdict.outcome is Outcome.PUBLISH:
        reason = "Published at once by the moderation policy: " + " ".join(verdict.reasons)
        transition(vacancy, VacancyAction.APPROVE, actor=None, reason=reason, now=now)
        db.session.add(
            ModerationDecision(
                vacancy_id=vacancy.id, moderator_id=None, outcome=DecisionOutcome.APPROVED, reason=reason
            )
        )
        if vacancy.status is VacancyStatus.PUBLISHED:
            record_event(
                EventName.VACANCY_PUBLISHED, vacancy_id=vacancy.id, organisation_id=vacancy.organisation_id
            )
    return verdict
