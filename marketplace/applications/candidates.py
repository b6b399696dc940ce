"""Letting schools find you: a jobseeker's opt-in and preferences, and schools' invitations to apply.

Nobody is findable without opting in. A jobseeker who does says what they are looking for (roles,
phases, subjects, working patterns, a place and how far they would travel) and which organisations must
never see them (their current employer). Schools see a candidate number and headline facts, never a
name or contact details. A verified school may invite a candidate to apply to one of its own live
listings; the candidate is emailed a link and can decline, or apply through the usual form.

The search index of candidates is a replica fed by the search layer's change log, which notices every
change to these rows (and to the profile they summarise) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.applications import conversations
from marketplace.applications.events import (
    CandidateInvitationDeclined,
    CandidateInvited,
    InvitationMessageSent,
)
from marketplace.applications.models import Application, JobseekerProfile
from marketplace.applications.profiles import parse_month, profile_of, profile_section, save_profile_section
from marketplace.db import Base, str_enum, utcnow
from marketplace.errors import DomainError
from marketplace.events import announce
from marketplace.extensions import db
from marketplace.organisations.models import Organisation
from marketplace.organisations.queries import organisation_ids_for
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.queries import live_condition

MAX_INVITATION_MESSAGE = 1000
MAX_EXCLUDED_ORGANISATIONS = 10

candidate_excluded_organisations = sa.Table(
    "candidate_excluded_organisations",
    Base.metadata,
    sa.Column(
        "preferences_id",
        sa.ForeignKey("candidate_preferences.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
)


class CandidatePreferences(Base):
    """What one jobseeker who lets schools find them is looking for. `visible` can be turned off at any
    time; the row (and the preferences) stay, so turning it on again needs no retyping."""

    __tablename__ = "candidate_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    visible: Mapped[bool] = mapped_column(default=False)
    job_roles: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    phases: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    subjects: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    working_patterns: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    location: Mapped[str] = mapped_column(sa.String(100), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    radius: Mapped[int] = mapped_column(default=15)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(
        backref=backref("candidate_preferences", uselist=False, cascade="all, delete-orphan")
    )
    excluded_organisations: Mapped[list[Organisation]] = relationship(
        secondary=candidate_excluded_organisations, order_by=Organisation.name
    )

    @property
    def number(self) -> str:
        """How schools refer to the candidate: never their name."""
        return f"C{self.id:06d}"


class InvitationStatus(enum.StrEnum):
    SENT = "sent"
    DECLINED = "declined"
    APPLIED = "applied"

    @property
    def label(self) -> str:
        return {"sent": "Invited", "declined": "Declined", "applied": "Applied"}[self.value]


class CandidateInvitation(Base):
    """A school's invitation to one candidate to apply to one of its live listings."""

    __tablename__ = "candidate_invitations"
    __table_args__ = (sa.UniqueConstraint("vacancy_id", "jobseeker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="CASCADE"))
    jobseeker_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[InvitationStatus] = mapped_column(
        str_enum(InvitationStatus), default=InvitationStatus.SENT
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[dt.datetime | None]

    organisation: Mapped[Organisation] = relationship()
    # Deleted with the listing through the ORM too (retention deletes old listings).
    vacancy: Mapped[Vacancy] = relationship(
        backref=backref("candidate_invitations", cascade="all, delete-orphan")
    )
    jobseeker: Mapped[User] = relationship(
        foreign_keys=[jobseeker_id],
        # Erased with the account through the ORM too (SQLite does not enforce foreign keys).
        backref=backref("candidate_invitations", cascade="all, delete-orphan"),
    )
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])


class InvitationMessage(Base):
    """One message between the inviting school and the invited candidate, before any application (after
    it, they talk in the application's own conversation)."""

    __tablename__ = "candidate_invitation_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("candidate_invitations.id", ondelete="CASCADE"), index=True
    )
    sender_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    from_school: Mapped[bool]
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    invitation: Mapped[CandidateInvitation] = relationship(
        backref=backref("messages", cascade="all, delete-orphan", order_by="InvitationMessage.id")
    )
    sender: Mapped[User | None] = relationship()


conversations.count_towards_rate(InvitationMessage)


class CandidateError(DomainError):
    """A change to candidate preferences or an invitation was refused."""


# --- The jobseeker's side ----------------------------------------------------------------------------


def preferences_of(user: User) -> CandidatePreferences | None:
    return db.session.scalar(sa.select(CandidatePreferences).where(CandidatePreferences.user_id == user.id))


@dataclass(frozen=True)
class PreferencesInput:
    """What the jobseeker chose; the place is already resolved to a point by the caller (the gazetteer
    lives in the search layer), or None when no place was given."""

    visible: bool
    job_roles: list[str]
    phases: list[str]
    subjects: list[str]
    working_patterns: list[str]
    location: str = ""
    point: tuple[float, float] | None = None
    radius: int = 15
    excluded_organisation_ids: tuple[int, ...] = ()


def save_preferences(user: User, chosen: PreferencesInput, *, now: dt.datetime | None = None):
    """Store the jobseeker's choice; with `visible`, schools can find them from the moment it commits,
    and without it they disappear from every search at once."""
    now = now or utcnow()
    if chosen.visible and not (chosen.job_roles or chosen.phases or chosen.subjects):
        message = "Select at least one job role, education phase or subject, so schools can find you"
        raise CandidateError(message, field_errors={"job_roles": message})
    if chosen.location and chosen.point is None:
        message = "Enter a town, city or postcode in England"
        raise CandidateError(message, field_errors={"location": message})
    if len(set(chosen.excluded_organisation_ids)) > MAX_EXCLUDED_ORGANISATIONS:
        message = f"You can hide your profile from up to {MAX_EXCLUDED_ORGANISATIONS} schools or trusts"
        raise CandidateError(message, field_errors={"exclude": message})
    preferences = preferences_of(user)
    if preferences is None:
        preferences = CandidatePreferences(user_id=user.id)
        db.session.add(preferences)
    preferences.visible = chosen.visible
    preferences.job_roles = list(chosen.job_roles)
    preferences.phases = list(chosen.phases)
    preferences.subjects = list(chosen.subjects)
    preferences.working_patterns = list(chosen.working_patterns)
    preferences.location = chosen.location if chosen.point else ""
    preferences.latitude, preferences.longitude = chosen.point or (None, None)
    preferences.radius = chosen.radius
    ids = set(chosen.excluded_organisation_ids)
    preferences.excluded_organisations = list(
        db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(ids))) if ids else []
    )
    preferences.updated_at = now
    # What they are looking for is their profile's job preferences too (typed once: the jobs that match
    # their profile follow it), and the profile's own flag tells the same story (download my data shows it).
    profile = save_profile_section(
        user,
        "preferences",
        {
            "job_roles": preferences.job_roles,
            "phases": preferences.phases,
            "subjects": preferences.subjects,
            "working_patterns": preferences.working_patterns,
            "location": preferences.location,
            "radius": preferences.radius,
        },
        now=now,
    )
    profile.discoverable = chosen.visible
    db.session.flush()
    return preferences


def job_preferences_in_profile(user: User) -> dict[str, Any]:
    """The job preferences the person's profile holds, to start the form with before they opt in."""
    return profile_section(profile_of(user), "preferences")


def follow_profile_preferences(
    user: User, point: tuple[float, float] | None, *, now: dt.datetime | None = None
) -> None:
    """The profile's job preferences were saved: schools search on them from now on (the place only when
    it is a point, since a candidate is found by distance)."""
    preferences = preferences_of(user)
    if preferences is None:
        return
    wanted = job_preferences_in_profile(user)
    for name in ("job_roles", "phases", "subjects", "working_patterns"):
        setattr(preferences, name, list(wanted.get(name) or []))
    if point is not None or not wanted.get("location"):
        preferences.location = wanted.get("location", "") if point else ""
        preferences.latitude, preferences.longitude = point or (None, None)
        preferences.radius = int(wanted.get("radius") or preferences.radius)
    preferences.updated_at = now or utcnow()
    db.session.flush()


def stop_being_findable(user: User, *, now: dt.datetime | None = None) -> None:
    """Turn visibility off (the preferences are kept for next time)."""
    preferences = preferences_of(user)
    if preferences is not None and preferences.visible:
        preferences.visible = False
        preferences.updated_at = now or utcnow()
    profile = profile_of(user)
    if profile is not None:
        profile.discoverable = False
    db.session.flush()


_REFERENCE = re.compile(r"\b(?:URN|UID)\s*:?\s*(\d{4,8})\b|^\s*(\d{4,8})\s*$", re.IGNORECASE)


def describe_organisation(organisation: Organisation) -> str:
    """How an excluded organisation is written back into the box, so saving again keeps it."""
    if organisation.urn:
        return f"{organisation.name} (URN {organisation.urn})"
    if organisation.uid:
        return f"{organisation.name} (UID {organisation.uid})"
    return organisation.name


def organisations_named(text: str) -> tuple[int, ...]:
    """The organisations named one per line, by URN, trust UID or exact name; CandidateError naming
    any line that matches none, or a name shared by several."""
    ids: list[int] = []
    for line in filter(None, (line.strip() for line in (text or "").splitlines())):
        found = _REFERENCE.search(line)
        if found:
            number = found.group(1) or found.group(2)
            matches = list(
                db.session.scalars(
                    sa.select(Organisation.id).where(
                        sa.or_(Organisation.urn == number, Organisation.uid == number)
                    )
                )
            )
        else:
            matches = list(
                db.session.scalars(
                    sa.select(Organisation.id)
                    .where(sa.func.lower(Organisation.name) == line.lower())
                    .limit(2)
                )
            )
        if len(matches) != 1:
            named = f"\u2018{line[:100]}\u2019"
            if matches:
                problem = f"More than one school is called {named}: add its URN, like (URN 123456)"
            else:
                problem = f"We could not find {named}: enter a school\u2019s exact name or its URN"
            raise CandidateError(problem, field_errors={"exclude": problem})
        ids.append(matches[0])
    return tuple(dict.fromkeys(ids))


def preferences_by_user(user_ids: list[int]) -> list[CandidatePreferences]:
    if not user_ids:
        return []
    return list(
        db.session.scalars(sa.select(CandidatePreferences).where(CandidatePreferences.user_id.in_(user_ids)))
    )


def findable_condition():
    """SQL for 'a school may see this candidate' (preferences go with the account, so only opting in)."""
    return CandidatePreferences.visible.is_(True)


# --- What a school sees ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateSummary:
    """The headline a school sees: no name, no contact details."""

    preferences: CandidatePreferences
    qts: str
    years_of_experience: int | None
    qualifications: list[str]
    recent_roles: list[str]

    @property
    def number(self) -> str:
        return self.preferences.number


QTS_LABELS = {"awarded": "Has QTS", "on_track": "Working towards QTS", "none": "No QTS"}


def years_of_experience(jobs: list[dict], today: dt.date) -> int | None:
    """Whole years covered by the jobs listed (overlaps counted once); None without any dated job."""
    months: set[int] = set()
    for job in jobs:
        start = parse_month(job.get("start", ""))
        if start is None:
            continue
        end = parse_month(job.get("end", "")) or parse_month(f"{today.month}/{today.year}")
        months.update(range(start.index, (end.index if end else start.index) + 1))
    return len(months) // 12 if months else None


def summarise(preferences: CandidatePreferences, today: dt.date) -> CandidateSummary:
    profile = profile_of(preferences.user)
    professional = profile_section(profile, "professional")
    qualifications = profile_section(profile, "qualifications").get("items") or []
    jobs = profile_section(profile, "employment").get("items") or []
    return CandidateSummary(
        preferences=preferences,
        qts=QTS_LABELS.get(professional.get("qts_status", ""), ""),
        years_of_experience=years_of_experience(jobs, today),
        # Subjects and levels only: institutions and years could identify the person.
        qualifications=[
            " in ".join(part for part in (item.get("name", ""), item.get("subject", "")) if part)
            for item in qualifications
        ][:6],
        recent_roles=[job.get("job_title", "") for job in jobs if job.get("job_title")][:3],
    )


def searchable_text(profile: JobseekerProfile | None) -> str:
    """The words of a profile a school's keywords are matched against: qualifications and job titles,
    never the personal statement, names or employers (which would identify the person)."""
    qualifications = profile_section(profile, "qualifications").get("items") or []
    jobs = profile_section(profile, "employment").get("items") or []
    words = [item.get("name", "") + " " + item.get("subject", "") for item in qualifications]
    words += [job.get("job_title", "") for job in jobs]
    return " ".join(word for word in words if word.strip())


def viewer_organisation_ids(staff: User) -> set[int]:
    """The organisations a candidate's exclusions are checked against for `staff`: theirs, the trusts
    over them and the schools under them. A trust employs its schools' staff, so hiding from a school
    hides from its trust too, and hiding from a trust hides from its schools."""
    own = organisation_ids_for(staff)
    if not own:
        return set()
    related = db.session.execute(
        sa.select(Organisation.id, Organisation.trust_id).where(
            sa.or_(Organisation.id.in_(own), Organisation.trust_id.in_(own))
        )
    ).all()
    return own | {row.id for row in related} | {row.trust_id for row in related if row.trust_id}


def findable_candidate(candidate_id: int, staff: User) -> CandidatePreferences | None:
    """An opted-in candidate whom `staff`'s organisations may see; None otherwise (so a 404)."""
    preferences = db.session.get(CandidatePreferences, candidate_id)
    if preferences is None or not preferences.visible:
        return None
    excluded = {organisation.id for organisation in preferences.excluded_organisations}
    if excluded & viewer_organisation_ids(staff):
        return None
    return preferences


def visible_candidates(
    candidate_ids: list[int], organisation_ids: set[int]
) -> dict[int, CandidatePreferences]:
    """The database's last word on search results: only those still opted in and not excluding any of
    `organisation_ids` (the index may lag a moment behind a change)."""
    if not candidate_ids:
        return {}
    query = sa.select(CandidatePreferences).where(
        CandidatePreferences.id.in_(candidate_ids), findable_condition()
    )
    if organisation_ids:
        excluding = sa.select(candidate_excluded_organisations.c.preferences_id).where(
            candidate_excluded_organisations.c.organisation_id.in_(organisation_ids)
        )
        query = query.where(CandidatePreferences.id.not_in(excluding))
    return {preferences.id: preferences for preferences in db.session.scalars(query)}


# --- Invitations --------------------------------------------------------------------------------------


def clean_message(text: str) -> str:
    """Plain text only, without control characters; refused when too long."""
    text = conversations.plain_text(text)
    if len(text) > MAX_INVITATION_MESSAGE:
        message = f"Your message must be {MAX_INVITATION_MESSAGE:,} characters or fewer"
        raise CandidateError(message, field_errors={"message": message})
    return text


def invitable_listings(staff: User, now: dt.datetime | None = None) -> list[Vacancy]:
    """The live listings of the verified organisations `staff` belongs to."""
    verified = _verified_organisation_ids(staff)
    if not verified:
        return []
    return list(
        db.session.scalars(
            sa.select(Vacancy)
            .where(Vacancy.organisation_id.in_(verified), live_condition(now or utcnow()))
            .order_by(Vacancy.closes_at, Vacancy.id)
        )
    )


def _verified_organisation_ids(staff: User) -> set[int]:
    ids = organisation_ids_for(staff)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Organisation.id).where(Organisation.id.in_(ids), Organisation.verified_at.is_not(None))
        )
    )


def can_search_candidates(staff: User) -> bool:
    """Only members of a verified school or trust may look for candidates."""
    return bool(_verified_organisation_ids(staff))


def invite(
    staff: User,
    candidate: CandidatePreferences,
    vacancy_id: int | None,
    message: str,
    *,
    now: dt.datetime | None = None,
) -> CandidateInvitation:
    """Invite a findable candidate to apply to one of the school's own live listings.

    Limited to CANDIDATE_INVITATIONS_PER_DAY per organisation, counted in the database so every process
    shares the count. The candidate is emailed a link (the school's and the job's name, nothing else).
    """
    now = now or utcnow()
    listings = {vacancy.id: vacancy for vacancy in invitable_listings(staff, now)}
    vacancy = listings.get(vacancy_id or 0)
    if vacancy is None:
        message_text = "Select one of your live listings"
        raise CandidateError(message_text, field_errors={"vacancy_id": message_text})
    text = clean_message(message)
    if not candidate.visible:
        raise CandidateError("This candidate is no longer looking.")
    allowed = current_app.config["CANDIDATE_INVITATIONS_PER_DAY"]
    sent_today = db.session.scalar(
        sa.select(sa.func.count(CandidateInvitation.id)).where(
            CandidateInvitation.organisation_id == vacancy.organisation_id,
            CandidateInvitation.created_at > now - dt.timedelta(days=1),
        )
    )
    if sent_today >= allowed:
        raise CandidateError(
            f"Your organisation has sent {allowed} invitation{'' if allowed == 1 else 's'} "
            "in the last 24 hours. Try again tomorrow."
        )
    already = db.session.scalar(
        sa.select(CandidateInvitation).where(
            CandidateInvitation.vacancy_id == vacancy.id,
            CandidateInvitation.jobseeker_id == candidate.user_id,
        )
    )
    if already is not None:
        text_ = "You have already invited this candidate to apply for this job"
        raise CandidateError(text_, field_errors={"vacancy_id": text_})
    applied = db.session.scalar(
        sa.select(Application.id).where(
            Application.vacancy_id == vacancy.id, Application.jobseeker_id == candidate.user_id
        )
    )
    if applied is not None:
        text_ = "This candidate has already started an application for this job"
        raise CandidateError(text_, field_errors={"vacancy_id": text_})
    invitation = CandidateInvitation(
        organisation_id=vacancy.organisation_id,
        vacancy_id=vacancy.id,
        jobseeker_id=candidate.user_id,
        invited_by_id=staff.id,
        message=text,
        created_at=now,
    )
    db.session.add(invitation)
    db.session.flush()
    announce(CandidateInvited(invitation_id=invitation.id))
    return invitation


def invitations_sent(staff: User, candidate: CandidatePreferences) -> list[CandidateInvitation]:
    """The invitations `staff`'s organisations sent this candidate (never another school's)."""
    return list(
        db.session.scalars(
            sa.select(CandidateInvitation)
            .where(
                CandidateInvitation.jobseeker_id == candidate.user_id,
                CandidateInvitation.organisation_id.in_(organisation_ids_for(staff)),
            )
            .order_by(CandidateInvitation.created_at.desc())
        )
    )


def organisation_invitations(staff: User) -> list[CandidateInvitation]:
    """Every invitation sent by `staff`'s organisations, newest first."""
    return list(
        db.session.scalars(
            sa.select(CandidateInvitation)
            .where(CandidateInvitation.organisation_id.in_(organisation_ids_for(staff)))
            .order_by(CandidateInvitation.created_at.desc())
        )
    )


def invitations_for(user: User) -> list[CandidateInvitation]:
    """The invitations a jobseeker received, newest first."""
    return list(
        db.session.scalars(
            sa.select(CandidateInvitation)
            .where(CandidateInvitation.jobseeker_id == user.id)
            .order_by(CandidateInvitation.created_at.desc())
        )
    )


def own_invitation(user: User, invitation_id: int) -> CandidateInvitation | None:
    invitation = db.session.get(CandidateInvitation, invitation_id)
    return invitation if invitation is not None and invitation.jobseeker_id == user.id else None


def decline(user: User, invitation: CandidateInvitation, *, now: dt.datetime | None = None) -> None:
    """The jobseeker says no thanks; the school sees "Declined"."""
    if invitation.jobseeker_id != user.id:
        raise CandidateError("This invitation is not yours.")
    if invitation.status is not InvitationStatus.SENT:
        raise CandidateError(
            f"You have already answered this invitation ({invitation.status.label.lower()})."
        )
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_at = now or utcnow()
    db.session.flush()
    announce(CandidateInvitationDeclined(invitation_id=invitation.id))


def mark_applied(user_id: int, vacancy_id: int, *, now: dt.datetime | None = None) -> None:
    """An application for an invited job was started: the invitation is answered."""
    invitation = db.session.scalar(
        sa.select(CandidateInvitation).where(
            CandidateInvitation.jobseeker_id == user_id,
            CandidateInvitation.vacancy_id == vacancy_id,
            CandidateInvitation.status == InvitationStatus.SENT,
        )
    )
    if invitation is not None:
        invitation.status = InvitationStatus.APPLIED
        invitation.responded_at = now or utcnow()


# --- Talking about an invitation ----------------------------------------------------------------------


def conversation_closed_reason(invitation: CandidateInvitation, now: dt.datetime | None = None) -> str | None:
    """Why no new message can be sent about this invitation; None while it is open."""
    if invitation.status is InvitationStatus.DECLINED:
        return "The candidate declined this invitation, so no new messages can be sent."
    if invitation.status is InvitationStatus.APPLIED:
        return "The candidate applied: carry on in the messages about their application."
    if not invitation.vacancy.is_live(now or utcnow()):
        return "The job has closed, so no new messages can be sent."
    return None


def send_invitation_message(
    sender: User,
    invitation: CandidateInvitation,
    body: str,
    *,
    from_school: bool,
    now: dt.datetime | None = None,
) -> InvitationMessage:
    """A message from the school (any member of the inviting organisation) or the candidate. Plain text,
    length-limited, and rate-limited with the application messages' MESSAGES_PER_HOUR."""
    now = now or utcnow()
    if from_school and invitation.organisation_id not in organisation_ids_for(sender):
        raise CandidateError("This invitation is not your organisation\u2019s.")
    if not from_school and invitation.jobseeker_id != sender.id:
        raise CandidateError("This invitation is not yours.")
    reason = conversation_closed_reason(invitation, now)
    if reason:
        raise CandidateError(reason, field_errors={"body": reason})
    text = conversations.clean_body(body or "")
    conversations.check_rate(sender, now)
    message_row = InvitationMessage(
        invitation=invitation, sender=sender, from_school=from_school, body=text, created_at=now
    )
    db.session.add(message_row)
    db.session.flush()
    announce(InvitationMessageSent(message_id=message_row.id))
    return message_row
