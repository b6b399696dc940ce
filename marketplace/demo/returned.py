"""A demo listing that a moderator returned for changes and the school sent back with a reply.

It waits in the review queue, so a demonstration can show the conversation: the moderator's request,
the school's answer and what changed since the request (the role description, reworded).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.db import UK
from marketplace.extensions import db
from marketplace.moderation.changes import snapshot
from marketplace.moderation.models import DecisionOutcome, ListingMessage, ModerationDecision
from marketplace.organisations.models import Organisation
from marketplace.vacancies.details import VacancyDetails
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy

REFERENCE = "DEMO-RETURNED"

ROLE = (
    "You will teach English across key stages 3 and 4, sharing schemes of work planned together by the "
    "department, and help run our reading club and the Year 7 library lessons. We timetable a shared "
    "planning hour each week and every new colleague has a mentor for their first year."
)
FIRST_WORDING = (
    "We are looking for a young, energetic teacher of English to join our lively department.\n\n" + ROLE
)
REWORDED = (
    "We are looking for an enthusiastic teacher of English who plans engaging lessons, knows how to help "
    "every pupil read widely and wants to grow with a lively department.\n\n" + ROLE
)
REQUEST = (
    "Please describe the skills and experience you need rather than the candidate's age: 'young' could "
    "put off older applicants and breaks the Equality Act 2010."
)
REPLY = "Thank you, we have reworded the role description to say what the job needs instead."


def load_returned_listing(
    school: Organisation | None, school_user: User, moderator: User, now: dt.datetime
) -> Vacancy | None:
    """Add the demo school's returned-and-resubmitted listing unless it is there already (the caller
    commits); returns it when added."""
    if school is None or school.id is None:
        return None
    if db.session.scalar(
        sa.select(Vacancy.id).filter_by(organisation_id=school.id, external_reference=REFERENCE)
    ):
        return None
    today = now.astimezone(UK).date()
    submitted_at = now - dt.timedelta(days=2)
    requested_at = submitted_at + dt.timedelta(hours=3)
    replied_at = now - dt.timedelta(hours=5)
    vacancy = Vacancy(
        organisation=school,
        created_by=school_user,
        title="Teacher of English",
        job_roles=["teacher"],
        phases=["secondary"],
        key_stages=["ks3", "ks4"],
        subjects=["English"],
        working_patterns=["full_time"],
        contract_type="permanent",
        salary="Main pay range (MPR)",
        salary_minimum=32916,
        salary_maximum=45352,
        publish_on=today,
        closes_at=dt.datetime.combine(today + dt.timedelta(days=28), dt.time(12), tzinfo=UK).astimezone(
            dt.UTC
        ),
        about_role=REWORDED,
        what_school_offers="A supportive department, a generous training budget and a calm, orderly school.",
        how_to_apply="marketplace",
        contact_email=school_user.email,
        external_reference=REFERENCE,
        status=VacancyStatus.PENDING_REVIEW,
        created_at=submitted_at - dt.timedelta(hours=20),
        submitted_at=replied_at,
        status_changed_at=replied_at,
        review_reasons=[
            "A moderator asked for changes: the school's reply and what changed go back to a moderator."
        ],
    )
    db.session.add(vacancy)
    db.session.flush()
    as_first_sent = dataclasses.replace(VacancyDetails.from_vacancy(vacancy), about_role=FIRST_WORDING)
    db.session.add_all(
        [
            ModerationDecision(
                vacancy_id=vacancy.id,
                moderator_id=moderator.id,
                outcome=DecisionOutcome.CHANGES_REQUESTED,
                reason=REQUEST,
                created_at=requested_at,
                snapshot=snapshot(as_first_sent),
            ),
            ListingMessage(
                vacancy_id=vacancy.id,
                author_id=moderator.id,
                from_moderator=True,
                body=REQUEST,
                created_at=requested_at,
            ),
            ListingMessage(
                vacancy_id=vacancy.id,
                author_id=school_user.id,
                from_moderator=False,
                body=REPLY,
                created_at=replied_at,
            ),
        ]
    )
    return vacancy
