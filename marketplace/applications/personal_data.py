"""A jobseeker's profile and applications in "download my data", and what happens to them with the account.

Registered with the privacy module's hooks (imported with every model by marketplace.models). Drafts
were never sent, so they go with the account; sent applications stay as the school's record, anonymised
(as the retention policy does once a listing closed long enough ago).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.accounts.privacy import before_account_deletion, data_section
from marketplace.applications import candidates, profiles
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application
from marketplace.extensions import db

ANONYMISED_NAME = "Anonymised applicant"


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


@data_section("profile")
def _profile(user: User) -> dict[str, Any] | None:
    profile = profiles.profile_of(user)
    if profile is None:
        return None
    return {
        "let_schools_find_my_profile": profile.discoverable,
        "sections": {name: stored.get("data") for name, stored in (profile.sections or {}).items()},
        "updated_at": _iso(profile.updated_at),
    }


@data_section("let_schools_find_you")
def _candidate_preferences(user: User) -> dict[str, Any] | None:
    preferences = candidates.preferences_of(user)
    if preferences is None:
        return None
    return {
        "schools_can_find_me": preferences.visible,
        "candidate_number": preferences.number,
        "job_roles": preferences.job_roles,
        "phases": preferences.phases,
        "subjects": preferences.subjects,
        "working_patterns": preferences.working_patterns,
        "location": preferences.location,
        "radius_miles": preferences.radius,
        "hidden_from": [organisation.name for organisation in preferences.excluded_organisations],
        "updated_at": _iso(preferences.updated_at),
    }


@data_section("invitations_to_apply")
def _invitations(user: User) -> list[dict[str, Any]]:
    return [
        {
            "school": invitation.organisation.name,
            "job": invitation.vacancy.title,
            "message": invitation.message,
            "status": str(invitation.status),
            "sent_at": _iso(invitation.created_at),
            "answered_at": _iso(invitation.responded_at),
            "messages": [
                {
                    "from": "the school" if m.from_school else "you",
                    "sent_at": _iso(m.created_at),
                    "message": m.body,
                }
                for m in invitation.messages
            ],
        }
        for invitation in candidates.invitations_for(user)
    ]


@data_section("applications")
def _applications(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        sa.select(Application).where(Application.jobseeker_id == user.id).order_by(Application.created_at)
    )
    return [
        {
            "job": application.vacancy.title,
            "school": application.vacancy.organisation.name,
            "status": str(application.status),
            "submitted_at": _iso(application.submitted_at),
            "full_name": application.full_name,
            "email": application.email,
            "answers": {name: stored.get("data") for name, stored in (application.answers or {}).items()},
            "withdrawal_reason": application.withdrawal_reason,
            # That references were asked for and came back; what referees wrote is the school's.
            "references": [
                {"referee": request.referee_name, "status": str(request.status)}
                for request in application.references
            ],
            "messages": [
                {
                    "from": "the school" if message.from_school else "you",
                    "sent_at": _iso(message.created_at),
                    "read_at": _iso(message.read_at),
                    "message": message.body,
                }
                for message in application.messages
            ],
        }
        for application in rows
    ]


def anonymise(application: Application) -> None:
    """Keep the fact of the application for the school's records; erase who made it and what they wrote."""
    application.full_name = ANONYMISED_NAME
    application.email = ""
    application.supporting_statement = ""
    application.answers = {}  # every section of the form is personal: details, history, referees
    application.withdrawal_reason = None  # in their words
    application.jobseeker_id = None
    application.notes.clear()  # staff notes are about the person: they go with the name
    application.messages.clear()  # the conversation too: both sides wrote about the person
    application.references.clear()  # and what referees wrote about them


@before_account_deletion
def _erase_applications(user: User) -> None:
    """Drafts were never sent, so they go; sent applications stay as the school's anonymised record.
    (The profile goes with the user row: see JobseekerProfile.user; so do the candidate preferences and
    the invitations received: see CandidatePreferences.user and CandidateInvitation.jobseeker.)"""
    for application in db.session.scalars(sa.select(Application).where(Application.jobseeker_id == user.id)):
        if application.status is ApplicationStatus.DRAFT:
            db.session.delete(application)
        else:
            anonymise(application)
