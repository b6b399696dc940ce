"""Saving a listing one wizard section at a time, with every change to a listing on sale screened again.

The sections and their rules are the vacancies package's (vacancies/steps.py); the verdict on a change
is moderation's. Changes to a listing on sale that pass the policy stay live; changes that need a
moderator take the listing down (held for review) until approved, so the previous version does not stay
live meanwhile; blocked changes are not saved and the live listing is unchanged. The ATS API
(publishing/ats.py) screens its updates the same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum

from marketplace import audit
from marketplace.accounts.models import User
from marketplace.audit import AuditAction, AuditSubject
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.moderation.policy import Outcome
from marketplace.moderation.screening import ListingBlocked, record_verdict, verdict_for
from marketplace.organisations.models import Organisation
from marketplace.vacancies import listing_schools
from marketplace.vacancies.details import VacancyDetails
from marketplace.vacancies.lifecycle import VacancyAction, VacancyStatus
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.services import InvalidDetails, VacancyError, check_member, transition
from marketplace.vacancies.steps import (
    ON_SALE,
    WIZARD_EDITABLE,
    Step,
    fitted,
    problems_of,
    schools_for,
    step_fields,
)


class Saved(enum.StrEnum):
    """What saving a section did to the listing, so the school can be told exactly."""

    DRAFT = "draft"  # a draft (or a returned listing, now a draft again) was saved
    STILL_LIVE = "still_live"  # a listing on sale changed in place and stays on sale
    HELD = "held"  # a listing on sale changed and was taken down until a moderator approves it
    UNCHANGED = "unchanged"  # a listing on sale saved without any change: nothing to check again


def save_step(
    user: User,
    vacancy: Vacancy,
    step: Step,
    values: dict,
    *,
    organisation_id: int | None = None,
    school_ids: list[int] | None = None,
    now: dt.datetime | None = None,
) -> Saved:
    """Save one section's answers (the caller commits). Raises InvalidDetails for answers that break the
    rules, VacancyError when the listing cannot be changed, and ListingBlocked (nothing changed) when a
    listing on sale would become one the policy refuses. `school_ids` (job details) are the schools of
    the trust the job is at; left out, the listing keeps those that still fit its organisation."""
    now = now or utcnow()
    check_member(user, vacancy.organisation_id)
    if vacancy.status not in WIZARD_EDITABLE:
        raise VacancyError(
            f"This listing is {vacancy.status.label.lower()}, so it cannot be changed at the moment."
        )
    if organisation_id is not None and organisation_id != vacancy.organisation_id:
        if vacancy.status is not VacancyStatus.DRAFT:
            raise VacancyError("Only a draft can be moved to another school or trust.")
        check_member(user, organisation_id)
        vacancy.organisation_id = organisation_id
        vacancy.organisation = db.session.get_one(Organisation, organisation_id)
    fields = step_fields(step, vacancy)
    values = {name: value for name, value in values.items() if name in fields}
    details = fitted(dataclasses.replace(VacancyDetails.from_vacancy(vacancy), **values))
    found = problems_of(details, fields, now)
    schools = None
    if step.slug == "job-details":
        try:
            schools = schools_for(vacancy.organisation_id, school_ids)
        except InvalidDetails as error:
            found.update(error.problems)
        if schools is None:
            schools = listing_schools.still_fitting(vacancy, vacancy.organisation)
    if found:
        raise InvalidDetails(found)
    # Applied only once the policy has let the change through (a blocked change leaves all as it was).
    schools_changed = schools is not None and {school.id for school in schools} != {
        school.id for school in vacancy.additional_schools
    }

    if vacancy.status in ON_SALE and not schools_changed and details == VacancyDetails.from_vacancy(vacancy):
        vacancy.unanswered_steps = [slug for slug in vacancy.unanswered_steps if slug != step.slug]
        return Saved.UNCHANGED

    outcome = Saved.DRAFT
    if vacancy.status in ON_SALE:
        verdict = verdict_for(
            details, vacancy.organisation, now=now, vacancy_id=vacancy.id, submitter=user, editing=vacancy
        )
        if verdict.outcome is Outcome.BLOCK:
            record_verdict(vacancy, verdict)
            raise ListingBlocked(verdict)
        outcome = Saved.HELD if verdict.outcome is Outcome.REVIEW else Saved.STILL_LIVE

    for name, value in details.model_fields().items():
        setattr(vacancy, name, value)
    if schools is not None and schools_changed:
        listing_schools.set_schools(vacancy, schools)
    vacancy.unanswered_steps = [slug for slug in vacancy.unanswered_steps if slug != step.slug]
    audit.record(
        AuditAction.VACANCY_EDIT,
        subject_type=AuditSubject.VACANCY,
        subject_id=vacancy.id,
        actor=user,
        section=step.slug,
    )
    if vacancy.status is VacancyStatus.REJECTED:
        transition(vacancy, VacancyAction.REVISE, actor=user, now=now)
    elif outcome is not Saved.DRAFT:  # on sale: the policy's verdict on the change, acted on
        if outcome is Saved.HELD:
            transition(
                vacancy, VacancyAction.HOLD, actor=user, reason="Changed by the school: needs review", now=now
            )
            vacancy.submitted_at = now
        record_verdict(vacancy, verdict)
    return outcome
