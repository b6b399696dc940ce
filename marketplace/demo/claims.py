"""A claim in the demo world: someone with a webmail address asking to act for a school nobody uses yet.

It shows the moderators' claims queue with something to decide, and what a claimant sees meanwhile.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from marketplace import audit
from marketplace.accounts.models import User
from marketplace.audit import AuditAction, AuditSubject
from marketplace.extensions import db
from marketplace.organisations.models import JoinRequest, JoinRequestStatus, Membership, Organisation
from marketplace.permissions import Role

# A webmail address, so the domain check finds nothing: only a moderator can approve the claim. The
# demo never runs in production, where the worker would deliver the decision's email.
CLAIMANT_EMAIL = "amira.haddad.demo@gmail.com"
CLAIMANT_NAME = "Amira Haddad"
CLAIMED_URN = "141207"
STATEMENT = (
    "I am the school business manager at Meanwood Beck, and I will be posting our support staff vacancies. "
    "The school office (0113 496 0000) can confirm this."
)


def load_pending_claim(
    organisations: dict[str, Organisation], password_hash: str, now: dt.datetime, counts
) -> None:
    """Add the demo claimant and their pending claim if missing (never to a school that has members)."""
    school = organisations.get(CLAIMED_URN)
    if school is None:
        return
    db.session.flush()
    if db.session.scalar(sa.select(sa.exists().where(Membership.organisation_id == school.id))):
        return
    user = db.session.scalar(sa.select(User).where(User.email == CLAIMANT_EMAIL))
    if user is None:
        user = User(
            email=CLAIMANT_EMAIL,
            full_name=CLAIMANT_NAME,
            role=Role.HIRING_STAFF,
            password_hash=password_hash,
            email_verified_at=now,
        )
        db.session.add(user)
        db.session.flush()
        counts["accounts"] += 1
    if db.session.scalar(
        sa.select(sa.exists().where(JoinRequest.user_id == user.id, JoinRequest.organisation_id == school.id))
    ):
        return
    claim = JoinRequest(
        user=user,
        organisation=school,
        status=JoinRequestStatus.PENDING,
        statement=STATEMENT,
        created_at=now - dt.timedelta(hours=3),
    )
    db.session.add(claim)
    db.session.flush()
    audit.record(
        AuditAction.ORGANISATION_CLAIM_MADE,
        subject_type=AuditSubject.ORGANISATION,
        subject_id=school.id,
        actor=user,
        reason=STATEMENT,
        user_id=user.id,
        email=user.email,
        request_id=claim.id,
        domain_check="webmail address: gmail.com",
        email_confirmed=True,
        decided_by="moderators",
    )
    counts["claims"] += 1
