"""Candidate search in the demo world: the demo jobseeker lets schools find them, with preferences and a
profile summary a school can read, and the demo school has invited them to apply to one of its jobs.

Signing in as the school shows "Find candidates" with someone to find; signing in as the jobseeker shows
the invitation on their account, to decline or apply from.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.applications.candidates import CandidateInvitation, CandidatePreferences, InvitationStatus
from marketplace.applications.models import Application, JobseekerProfile
from marketplace.db import UK
from marketplace.extensions import db
from marketplace.organisations.models import Organisation
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy

MESSAGE = (
    "We liked what you are looking for: our geography department is growing and we would be glad to "
    "hear from you. Visits are welcome before you apply."
)
# What the demo jobseeker's profile says, where they have not filled it in themselves.
PROFILE_SECTIONS = {
    "professional": {"qts_status": "awarded", "qts_year": "2017", "trn": "1234567"},
    "qualifications": {
        "items": [
            {
                "name": "BSc",
                "subject": "Geography",
                "institution": "University of Leeds",
                "grade": "2:1",
                "year": "2015",
            },
            {
                "name": "PGCE",
                "subject": "Secondary geography",
                "institution": "Leeds Trinity University",
                "grade": "",
                "year": "2016",
            },
        ]
    },
    # What they are looking for: the same preferences schools find them by (see below).
    "preferences": {
        "job_roles": ["teacher"],
        "phases": ["secondary"],
        "subjects": ["Geography", "Humanities"],
        "working_patterns": ["full_time", "part_time"],
        "location": "",  # the demo school's town, filled in when loading
        "radius": 15,
    },
    "employment": {
        "items": [
            {
                "job_title": "Teacher of Geography",
                "employer": "Demo High School",
                "start": "09/2016",
                "end": "",
                "duties": "",
            },
        ]
    },
}


def load_demo_candidate(
    school: Organisation | None, school_user: User, jobseeker: User, now: dt.datetime
) -> int:
    """Opt the demo jobseeker in and add the demo school's invitation, unless already there (the caller
    commits); returns how many invitations were added."""
    if school is None or school.id is None or jobseeker.id is None:
        return 0
    if db.session.scalar(sa.select(CandidatePreferences.id).filter_by(user_id=jobseeker.id)):
        return 0
    profile = db.session.scalar(sa.select(JobseekerProfile).filter_by(user_id=jobseeker.id))
    if profile is None:
        profile = JobseekerProfile(user_id=jobseeker.id, sections={})
        db.session.add(profile)
    stamp = {"updated_at": now.isoformat()}
    town = school.town or "Leeds"
    wanted = {**PROFILE_SECTIONS["preferences"], "location": town}
    profile.sections = {
        **{
            name: {"data": data, **stamp}
            for name, data in {**PROFILE_SECTIONS, "preferences": wanted}.items()
        },
        **(profile.sections or {}),
    }
    profile.discoverable = True
    db.session.add(
        CandidatePreferences(
            user_id=jobseeker.id,
            visible=True,
            job_roles=wanted["job_roles"],
            phases=wanted["phases"],
            subjects=wanted["subjects"],
            working_patterns=wanted["working_patterns"],
            location=town,
            latitude=school.latitude,
            longitude=school.longitude,
            radius=wanted["radius"],
            updated_at=now,
        )
    )
    applied = sa.select(Application.vacancy_id).where(Application.jobseeker_id == jobseeker.id)
    listing = db.session.scalar(
        sa.select(Vacancy)
        .where(
            Vacancy.organisation_id == school.id,
            Vacancy.status == VacancyStatus.PUBLISHED,
            Vacancy.publish_on <= now.astimezone(UK).date(),
            Vacancy.closes_at > now + dt.timedelta(days=3),
            Vacancy.id.not_in(applied),
        )
        # A job in the candidate's own subject, as a school using the search would choose.
        .order_by(Vacancy.title.ilike("%geograph%").desc(), Vacancy.closes_at.desc(), Vacancy.id)
        .limit(1)
    )
    if listing is None:
        return 0
    db.session.add(
        CandidateInvitation(
            organisation_id=school.id,
            vacancy_id=listing.id,
            jobseeker_id=jobseeker.id,
            invited_by_id=school_user.id,
            message=MESSAGE,
            status=InvitationStatus.SENT,
            created_at=now - dt.timedelta(hours=2),
        )
    )
    return 1
