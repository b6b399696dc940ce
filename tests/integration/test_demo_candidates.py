"""The demo world shows candidate search: the demo jobseeker lets schools find them, and the demo school
has invited them to apply (once, however often the demo is loaded)."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.applications.candidates import CandidateInvitation, CandidatePreferences, InvitationStatus
from marketplace.applications.profiles import profile_of, profile_section
from marketplace.extensions import db
from marketplace.organisations.models import Membership
from marketplace.search.api import CandidateSearch, search_candidates


def test_the_demo_school_finds_the_demo_jobseeker_who_has_an_invitation(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0
    assert "1 invitation" in first.output
    assert "/school/find-candidates: find candidates" in first.output  # the command says where to look
    assert runner.invoke(args=["demo"]).exit_code == 0  # loading again adds nothing

    jobseeker = db.session.scalar(sa.select(User).filter_by(email="jobseeker@demo.example.org"))
    school_user = db.session.scalar(sa.select(User).filter_by(email="school@demo.example.org"))
    preferences = db.session.scalar(sa.select(CandidatePreferences).filter_by(user_id=jobseeker.id))
    assert preferences.visible
    # What schools find them by is their profile's own job preferences.
    wanted = profile_section(profile_of(jobseeker), "preferences")
    assert wanted["subjects"] == preferences.subjects
    assert wanted["location"] == preferences.location
    [invitation] = db.session.scalars(sa.select(CandidateInvitation)).all()
    assert invitation.jobseeker_id == jobseeker.id
    assert invitation.status is InvitationStatus.SENT
    assert invitation.vacancy.is_live()
    assert "Geography" in invitation.vacancy.title  # a job in the subject the candidate teaches
    school_ids = set(
        db.session.scalars(sa.select(Membership.organisation_id).filter_by(user_id=school_user.id))
    )
    assert invitation.organisation_id in school_ids

    page = search_candidates(CandidateSearch(subjects=("Geography",)), school_ids)
    assert [candidate.id for candidate in page.candidates] == [preferences.id]
