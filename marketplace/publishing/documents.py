"""Attaching a supporting document to a listing, screening the listing again when it is on sale.

A new document on a listing on sale is screened with the listing, as an edit is (publishing/editing.py):
what needs a moderator takes the listing down until approved; what the policy refuses raises
ListingBlocked, and the caller rolls the document back.
"""

from __future__ import annotations

from marketplace.accounts.models import User
from marketplace.db import utcnow
from marketplace.moderation.policy import Outcome
from marketplace.moderation.screening import ListingBlocked, record_verdict, verdict_for
from marketplace.vacancies import documents
from marketplace.vacancies.details import VacancyDetails
from marketplace.vacancies.lifecycle import VacancyAction, VacancyStatus
from marketplace.vacancies.models import Vacancy, VacancyDocument
from marketplace.vacancies.services import transition


def attach(user: User, vacancy: Vacancy, upload: documents.Upload) -> VacancyDocument:
    """Store a checked file and record it against the listing (the caller commits); a listing on sale is
    screened again with it. Raises DocumentRejected, VacancyError, or ListingBlocked (roll back)."""
    document = documents.attach(user, vacancy, upload)
    if vacancy.status in (VacancyStatus.PUBLISHED, VacancyStatus.SCHEDULED):
        _screen_again(user, vacancy)
    return document


def _screen_again(user: User, vacancy: Vacancy) -> None:
    """A new document on a listing on sale is screened with the listing, as an edit is (editing.save_step):
    what needs a moderator takes the listing down until approved; what the policy refuses raises
    ListingBlocked, and the caller rolls the document back."""
    now = utcnow()
    details = VacancyDetails.from_vacancy(vacancy)
    verdict = verdict_for(
        details, vacancy.organisation, now=now, vacancy_id=vacancy.id, submitter=user, editing=vacancy
    )
    if verdict.outcome is Outcome.BLOCK:
        raise ListingBlocked(verdict)
    if verdict.outcome is Outcome.REVIEW:
        transition(
            vacancy,
            VacancyAction.HOLD,
            actor=user,
            reason="Document added by the school: needs review",
            now=now,
        )
        vacancy.submitted_at = now
    record_verdict(vacancy, verdict)
