"""Organisation use-cases: finding a school, joining it, its team, invitations and verification.

Every function takes plain arguments, works in the current session and never commits: the view or
command that called it commits, and the emails queued here are sent only after that commit.

Who may do what:
* any member of school or trust staff may find an organisation and join it: the first person becomes its
  administrator; after that, joining is a request that its administrators approve or decline;
* administrators (of the organisation, or of the trust it belongs to) manage the team: invite colleagues,
  decide join requests, change roles and remove members; editors post listings but cannot manage the team;
* a moderator verifies an organisation; joining from an address on the school's website domain verifies
  it automatically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app

from marketplace import audit
from marketplace.accounts.models import User
from marketplace.audit import AuditAction, AuditSubject
from marketplace.db import utcnow
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.notifications.outbox import queue_email
from marketplace.organisations.domains import email_domain, email_matches_website
from marketplace.organisations.invitations import LIFETIME, make_invitation_token, read_invitation_token
from marketplace.organisations.models import (
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)
from marketplace.organisations.register import normalise_postcode
from marketplace.permissions import Permission, Role

SEARCH_LIMIT = 25
_URN = re.compile(r"^\d{6}$")
_POSTCODE_DISTRICT = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")


class OrganisationError(DomainError):
    """A request the organisation rules refuse; str(error) is a message to show the person."""


class NotAllowed(OrganisationError):
    """The person may not do this to this organisation (views answer 404 or 403)."""


# Finding an organisation


def search_organisations(query: str, limit: int = SEARCH_LIMIT) -> list[Organisation]:
    """Schools and trusts matching a name, a URN, a trust's UID or a postcode (or its district).

    Every word of a name must appear in it, in any case and order; an exact name or one that starts with
    the words comes first. An empty or unusable query finds nothing.
    """
    query = " ".join((query or "").replace("\x00", "").split())[:100]
    if not query:
        return []
    conditions = []
    if _URN.match(query):
        conditions.append(Organisation.urn == query)
    if query.isdigit():
        conditions.append(Organisation.uid == query)
    postcode = normalise_postcode(query)
    if postcode:
        conditions.append(Organisation.postcode == postcode)
    elif _POSTCODE_DISTRICT.match(query.upper()):
        conditions.append(Organisation.postcode.startswith(f"{query.upper()} ", autoescape=True))
    words = [word for word in re.split(r"[\s,]+", query.lower()) if word]
    if words:
        conditions.append(
            sa.and_(*(sa.func.lower(Organisation.name).contains(word, autoescape=True) for word in words))
        )
    lowered = sa.func.lower(Organisation.name)
    ranking = sa.case(
        (lowered == query.lower(), 0),
        (lowered.startswith(query.lower(), autoescape=True), 1),
        else_=2,
    )
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(sa.or_(*conditions), Organisation.suspended_at.is_(None))
            .order_by(ranking, Organisation.name, Organisation.id)
            .limit(limit)
        )
    )


def organisation_by_id(organisation_id: int) -> Organisation | None:
    """The organisation with this id, or None (also for ids no database could hold)."""
    if not 0 < organisation_id < 2**31:
        return None
    return db.session.get(Organisation, organisation_id)


# Membership and team management


def membership_of(user: User, organisation: Organisation) -> Membership | None:
    """The user's own membership of exactly this organisation, if any."""
    return db.session.scalar(
        sa.select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id
        )
    )


def can_manage_team(user: User, organisation: Organisation) -> bool:
    """True for an administrator of the organisation, or of the trust the school belongs to."""
    if not user.can(Permission.VACANCY_MANAGE):
        return False
    ids = [organisation.id] + ([organisation.trust_id] if organisation.trust_id else [])
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    Membership.user_id == user.id,
                    Membership.organisation_id.in_(ids),
                    Membership.role == MembershipRole.ADMINISTRATOR,
                )
            )
        )
    )


def teams_managed_by(user: User) -> list[Organisation]:
    """Organisations whose team the user manages: where they administer, and the schools of trusts they do."""
    direct = list(
        db.session.scalars(
            sa.select(Membership.organisation_id).where(
                Membership.user_id == user.id, Membership.role == MembershipRole.ADMINISTRATOR
            )
        )
    )
    if not direct:
        return []
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(sa.or_(Organisation.id.in_(direct), Organisation.trust_id.in_(direct)))
            .order_by(Organisation.kind.desc(), Organisation.name)
        )
    )


def _require_manager(user: User, organisation: Organisation) -> None:
    if not can_manage_team(user, organisation):
        raise NotAllowed("Only an administrator can manage this team")


def members_of(organisation: Organisation) -> list[Membership]:
    """The organisation's members, administrators first."""
    return list(
        db.session.scalars(
            sa.select(Membership)
            .join(User)
            .where(Membership.organisation_id == organisation.id)
            .order_by(Membership.role, User.full_name, User.id)
        )
    )


def _administrators(organisation: Organisation) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership)
            .where(
                Membership.organisation_id == organisation.id,
                Membership.role == MembershipRole.ADMINISTRATOR,
                User.disabled.is_(False),
            )
            .order_by(User.id)
        )
    )


def _add_member(user: User, organisation: Organisation, role: MembershipRole) -> Membership:
    membership = Membership(user=user, organisation=organisation, role=role)
    db.session.add(membership)
    db.session.flush()
    verify_by_email_domain(user, organisation)
    return membership


def change_role(manager: User, membership: Membership, role: MembershipRole) -> Membership:
    """Make a member an administrator or an editor; the last administrator cannot step down."""
    _require_manager(manager, membership.organisation)
    role = MembershipRole(role)
    if membership.role is MembershipRole.ADMINISTRATOR and role is not MembershipRole.ADMINISTRATOR:
        _keep_an_administrator(membership)
    membership.role = role
    return membership


def remove_member(manager: User, membership: Membership) -> None:
    """Take a member off the team (they keep their account); the last administrator cannot be removed."""
    _require_manager(manager, membership.organisation)
    if membership.role is MembershipRole.ADMINISTRATOR:
        _keep_an_administrator(membership)
    audit.record(
        AuditAction.ORGANISATION_MEMBER_REMOVED,
        subject_type=AuditSubject.ORGANISATION,
        subject_id=membership.organisation_id,
        actor=manager,
        user_id=membership.user_id,
    )
    db.session.delete(membership)


def _keep_an_administrator(membership: Membership) -> None:
    others = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Membership)
        .where(
            Membership.organisation_id == membership.organisation_id,
            Membership.role == MembershipRole.ADMINISTRATOR,
            Membership.id != membership.id,
        )
    )
    if not others:
        raise OrganisationError("Make someone else an administrator first: a team needs at least one")


# Joining


@dataclass(frozen=True)
class JoinOutcome:
    """What joining did: made the person a member (the first, so its administrator) or asked to join."""

    membership: Membership | None = None
    request: JoinRequest | None = None


def join_organisation(user: User, organisation: Organisation) -> JoinOutcome:
    """The first member of staff to join an organisation becomes its administrator; later ones ask to join.

    A request is emailed to the organisation's administrators, who approve or decline it. Raises
    OrganisationError for someone who is already a member or who is not school or trust staff.
    """
    if user.role is not Role.HIRING_STAFF:
        raise OrganisationError("Only school and trust staff can join a school or trust")
    if organisation.suspended_at is not None:
        raise OrganisationError("This school or trust cannot take new members at the moment")
    if membership_of(user, organisation) is not None:
        raise OrganisationError(f"You are already a member of {organisation.name}")
    has_members = db.session.scalar(
        sa.select(sa.exists().where(Membership.organisation_id == organisation.id))
    )
    if not has_members:
        return JoinOutcome(membership=_add_member(user, organisation, MembershipRole.ADMINISTRATOR))
    return JoinOutcome(request=_ask_to_join(user, organisation))


def _ask_to_join(user: User, organisation: Organisation) -> JoinRequest:
    request = db.session.scalar(
        sa.select(JoinRequest).where(
            JoinRequest.user_id == user.id, JoinRequest.organisation_id == organisation.id
        )
    )
    if request is not None and request.status is JoinRequestStatus.PENDING:
        return request  # asking twice is one request, and one email to the administrators
    if request is None:
        request = JoinRequest(user=user, organisation=organisation)
        db.session.add(request)
    request.status = JoinRequestStatus.PENDING
    request.created_at = utcnow()
    request.decided_at = request.decided_by_id = None
    db.session.flush()
    for administrator in _administrators(organisation):
        queue_email(
            administrator.email,
            "join_request_received",
            f"{user.full_name} asked to join {organisation.name}",
            full_name=administrator.full_name,
            requester_name=user.full_name,
            requester_email=user.email,
            organisation_name=organisation.name,
            link=_external_url("organisations.team", organisation_id=organisation.id),
        )
    return request


def pending_requests_by(user: User) -> list[JoinRequest]:
    """The user's own requests still waiting for an answer."""
    return list(
        db.session.scalars(
            sa.select(JoinRequest)
            .where(JoinRequest.user_id == user.id, JoinRequest.status == JoinRequestStatus.PENDING)
            .order_by(JoinRequest.created_at)
        )
    )


def pending_requests_for(organisation: Organisation) -> list[JoinRequest]:
    """Requests to join the organisation that wait for its administrators, oldest first."""
    return list(
        db.session.scalars(
            sa.select(JoinRequest)
            .where(
                JoinRequest.organisation_id == organisation.id,
                JoinRequest.status == JoinRequestStatus.PENDING,
            )
            .order_by(JoinRequest.created_at, JoinRequest.id)
        )
    )


def decide_join_request(
    manager: User, request: JoinRequest, *, approve: bool, role: MembershipRole = MembershipRole.EDITOR
) -> JoinRequest:
    """Approve (adding the requester with `role`) or decline a pending request, and email the requester."""
    organisation = request.organisation
    _require_manager(manager, organisation)
    if request.status is not JoinRequestStatus.PENDING:
        raise OrganisationError("This request has already been answered")
    request.status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED
    request.decided_at = utcnow()
    request.decided_by_id = manager.id
    requester = request.user
    if approve and membership_of(requester, organisation) is None:
        _add_member(requester, organisation, MembershipRole(role))
    queue_email(
        requester.email,
        "join_request_approved" if approve else "join_request_declined",
        f"You can now post jobs for {organisation.name}"
        if approve
        else f"Your request to join {organisation.name} was declined",
        full_name=requester.full_name,
        organisation_name=organisation.name,
        link=_external_url("schools.dashboard" if approve else "organisations.find"),
    )
    return request


# Invitations


def invite(manager: User, organisation: Organisation, email: str, role: MembershipRole) -> Invitation:
    """Email a colleague a link to join the team with `role`, withdrawing any earlier open invitation to them.

    Raises OrganisationError when the address already belongs to a member.
    """
    from marketplace.accounts.services import find_user_by_email, normalise_email

    _require_manager(manager, organisation)
    email = normalise_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise OrganisationError(
            "Enter an email address in the correct format, like name@example.com"
        ) from error
    colleague = find_user_by_email(email)
    if colleague is not None and membership_of(colleague, organisation) is not None:
        raise OrganisationError(f"{email} is already a member of {organisation.name}")
    now = utcnow()
    for earlier in open_invitations(organisation):
        if earlier.email == email:
            earlier.withdrawn_at = now
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=MembershipRole(role),
        invited_by_id=manager.id,
        created_at=now,
        expires_at=now + LIFETIME,
    )
    db.session.add(invitation)
    db.session.flush()
    queue_email(
        email,
        "team_invitation",
        f"{manager.full_name} invited you to post jobs for {organisation.name}",
        inviter_name=manager.full_name,
        organisation_name=organisation.name,
        role=invitation.role.value,
        link=_external_url("organisations.invitation", token=make_invitation_token(invitation)),
        expires_in=f"{LIFETIME.days} days",
    )
    return invitation


def open_invitations(organisation: Organisation) -> list[Invitation]:
    """Invitations to the organisation not yet accepted or withdrawn (expired ones included)."""
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(
                Invitation.organisation_id == organisation.id,
                Invitation.accepted_at.is_(None),
                Invitation.withdrawn_at.is_(None),
            )
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


def withdraw_invitation(manager: User, invitation: Invitation) -> Invitation:
    """Stop an invitation's link from working."""
    _require_manager(manager, invitation.organisation)
    if not invitation.open:
        raise OrganisationError("This invitation has already been used or withdrawn")
    invitation.withdrawn_at = utcnow()
    return invitation


def invitation_for(token: str) -> Invitation:
    """The open, unexpired invitation behind a link; raises a TokenError (see invitations.py) otherwise."""
    return read_invitation_token(token)


def accept_invitation(token: str, user: User) -> Membership:
    """Join the invitation's organisation as the signed-in `user`, whose address the invitation was sent to.

    Following the emailed link proves the person reads that mailbox, so an unconfirmed address becomes
    confirmed. Raises a TokenError for a link that cannot be used and OrganisationError for someone else.
    """
    invitation = read_invitation_token(token)
    if user.email != invitation.email:
        raise OrganisationError(f"This invitation was sent to {invitation.email}: sign in with that address")
    if user.role is not Role.HIRING_STAFF:
        raise OrganisationError("This address has a jobseeker account, which cannot join a school's team")
    if not user.email_verified:
        user.email_verified_at = utcnow()
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    membership = membership_of(user, invitation.organisation)
    if membership is None:
        membership = _add_member(user, invitation.organisation, invitation.role)
    return membership


def register_from_invitation(token: str, full_name: str, password: str) -> Membership:
    """Create a confirmed school staff account for the invited address and join the team with it.

    Raises a TokenError for a link that cannot be used, and AccountError (from accounts.services) for a
    name or password we refuse or an address that already has an account.
    """
    from marketplace.accounts.services import create_confirmed_user

    invitation = read_invitation_token(token)
    user = create_confirmed_user(invitation.email, password, Role.HIRING_STAFF, full_name)
    return accept_invitation(token, user)


# Verification


def verify_by_email_domain(user: User, organisation: Organisation) -> bool:
    """Verify the organisation if the user's confirmed address is on its website's domain; True if it did.

    Called whenever someone joins, and when a member confirms their address. Writes an audit event.
    """
    if organisation.verified_at is not None or not user.email_verified:
        return False
    if not email_matches_website(user.email, organisation.website):
        return False
    organisation.verified_at = utcnow()
    audit.record(
        AuditAction.ORGANISATION_VERIFIED,
        subject_type=AuditSubject.ORGANISATION,
        subject_id=organisation.id,
        actor=user,
        reason="The member's confirmed email address is on the school's website domain",
        method="email_domain",
        domain=email_domain(user.email),
        website=organisation.website,
    )
    return True


def verify_memberships_by_email_domain(user: User) -> list[Organisation]:
    """After a member confirms their address: verify each of their organisations it vouches for."""
    return [m.organisation for m in user.memberships if verify_by_email_domain(user, m.organisation)]


def verify_organisation(moderator: User, organisation: Organisation, reason: str = "") -> Organisation:
    """A moderator vouches for an organisation: its listings stop going to review only for being unverified.

    Raises NotAllowed for someone who is not a moderator, OrganisationError if it is already verified.
    """
    if not moderator.can(Permission.MODERATION_VACANCY_DECIDE):
        raise NotAllowed("Only a moderator can verify a school or trust")
    if organisation.verified_at is not None:
        raise OrganisationError(f"{organisation.name} is already verified")
    organisation.verified_at = utcnow()
    audit.record(
        AuditAction.ORGANISATION_VERIFIED,
        subject_type=AuditSubject.ORGANISATION,
        subject_id=organisation.id,
        actor=moderator,
        reason=reason or "Checked by a moderator",
        method="moderator",
    )
    return organisation


def schools_of(trust: Organisation) -> list[Organisation]:
    """The schools of a trust, by name."""
    if trust.kind is not OrganisationKind.TRUST:
        return []
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.trust_id == trust.id, Organisation.kind == OrganisationKind.SCHOOL)
            .order_by(Organisation.name)
        )
    )


def _external_url(endpoint: str, **values) -> str:
    """An absolute link for an email, always on BASE_URL: never derived from a request's Host header."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
