"""Organisation use-cases: finding a school, joining it, its team, invitations and verification.

Every function takes plain arguments, works in the current session and never commits: the view or
command that called it commits, and the emails queued here are sent only after that commit.

Who may do what:
* membership is earned, never taken: a member of school or trust staff joins through an invitation from
  an administrator, at once from a confirmed address on a domain the organisation owns (its website's,
  or one a moderator recorded), or by a claim that its administrators (or, when it has none, a moderator)
  approve; a pending claim gives no access; the first person to earn membership becomes administrator;
* administrators (of the organisation, or of the trust it belongs to) manage the team: invite colleagues,
  decide join requests, change roles and remove members; editors post listings but cannot manage the team;
* a moderator verifies an organisation; joining from an address on the school's website domain verifies
  it automatically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import cast

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from marketplace import audit
from marketplace.accounts.models import User
from marketplace.audit import AuditAction, AuditSubject
from marketplace.db import utcnow
from marketplace.errors import DomainError
from marketplace.events import announce
from marketplace.extensions import db
from marketplace.numbers import is_ascii_digits
from marketplace.organisations.domains import (
    DomainCheck,
    DomainRefused,
    check_email_domain,
    email_domain,
    email_matches_website,
    normalise_domain,
)
from marketplace.organisations.events import ClaimDecided, ColleagueInvited, JoinRequestDecided, JoinRequested
from marketplace.organisations.invitations import LIFETIME, make_invitation_token, read_invitation_token
from marketplace.organisations.models import (
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationEmailDomain,
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
    if is_ascii_digits(query):
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


def administrators_of(organisation: Organisation) -> list[User]:
    """The organisation's own administrators whose accounts are active."""
    return _administrators(organisation)


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


def _add_member(
    user: User,
    organisation: Organisation,
    role: MembershipRole,
    *,
    route: str,
    actor: User | None,
    reason: str = "",
    **data,
) -> Membership:
    """Make the user a member, with an audit event saying by which route (invitation, domain, approval)."""
    membership = Membership(user=user, organisation=organisation, role=role)
    db.session.add(membership)
    db.session.flush()
    audit.record(
        AuditAction.ORGANISATION_MEMBER_JOINED,
        subject_type=AuditSubject.ORGANISATION,
        subject_id=organisation.id,
        actor=actor,
        reason=reason,
        user_id=user.id,
        email=user.email,
        role=role.value,
        route=route,
        **data,
    )
    verify_by_email_domain(user, organisation)
    return membership


def _role_for_newcomer(organisation: Organisation) -> MembershipRole:
    """Someone must administer the team: the first to earn membership does; later ones edit."""
    return MembershipRole.EDITOR if _administrators(organisation) else MembershipRole.ADMINISTRATOR


def change_role(manager: User, membership: Membership, role: MembershipRole) -> Membership:
    """Make a member an administrator or an editor; the last administrator cannot step down."""
    _require_manager(manager, membership.organisation)
    role = MembershipRole(role)
    if membership.role is MembershipRole.ADMINISTRATOR and role is not MembershipRole.ADMINISTRATOR:
        _keep_an_administrator(membership)
    if membership.role is not role:
        audit.record(
            AuditAction.ORGANISATION_MEMBER_ROLE_CHANGED,
            subject_type=AuditSubject.ORGANISATION,
            subject_id=membership.organisation_id,
            actor=manager,
            user_id=membership.user_id,
            previous_role=membership.role.value,
            role=role.value,
        )
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
        reason="Left the team" if manager.id == membership.user_id else "Removed by an administrator",
        user_id=membership.user_id,
        role=membership.role.value,
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


# Joining: membership is earned by an invitation, a confirmed address on a domain the organisation owns,
# or a claim that its administrators or a moderator approve. A claim gives no access until then.

STATEMENT_LENGTH = 1000
REASON_LENGTH = 2000


class StatementMissing(OrganisationError):
    """A claim that needs the person to say what their role is (a field error on the claim form)."""


class AlreadyAsked(OrganisationError):
    """The person already has a claim to this organisation waiting for an answer."""


class ReasonMissing(OrganisationError):
    """A decline without the reason the person is to be told (a field error on the decision form)."""


class AlreadyDecided(OrganisationError):
    """Someone else answered the claim first; str(error) says who and how."""


@dataclass(frozen=True)
class JoinOutcome:
    """What joining did: made the person a member at once, or left a claim waiting for an answer."""

    membership: Membership | None = None
    request: JoinRequest | None = None


def known_email_domains(organisation: Organisation) -> list[OrganisationEmailDomain]:
    """The email domains moderators have recorded for the organisation, by domain."""
    return list(
        db.session.scalars(
            sa.select(OrganisationEmailDomain)
            .where(OrganisationEmailDomain.organisation_id == organisation.id)
            .order_by(OrganisationEmailDomain.domain)
        )
    )


def email_domain_check(email: str, organisation: Organisation) -> DomainCheck:
    """Is the address on a domain the organisation owns (its website's, or one a moderator recorded)?"""
    recorded = [row.domain for row in known_email_domains(organisation)]
    return check_email_domain(email, organisation.website, recorded)


def _clean_text(value: str | None, limit: int, what: str) -> str:
    text = (value or "").replace("\x00", "").strip()
    if len(text) > limit:
        raise OrganisationError(f"{what} must be {limit:,} characters or fewer")
    return text


def _request_of(user: User, organisation: Organisation) -> JoinRequest | None:
    return db.session.scalar(
        sa.select(JoinRequest).where(
            JoinRequest.user_id == user.id, JoinRequest.organisation_id == organisation.id
        )
    )


def join_organisation(
    user: User, organisation: Organisation, statement: str = "", *, at_registration: bool = False
) -> JoinOutcome:
    """Join an organisation at once from a confirmed address on its domain; otherwise claim it.

    The first person to earn membership becomes its administrator, later ones editors. A claim waits for
    the organisation's administrators (who are emailed) or, when it has none, for a moderator; a claim on
    the organisation's domain from an unconfirmed address is approved when the address is confirmed.
    A claim needs `statement` (what the person says their role is) unless it is on the organisation's
    domain or made by giving the school's URN when registering. Raises OrganisationError (StatementMissing,
    AlreadyAsked) for a request we refuse. Every claim and join is audited.
    """
    if user.role is not Role.HIRING_STAFF:
        raise OrganisationError("Only school and trust staff can join a school or trust")
    if organisation.suspended_at is not None:
        raise OrganisationError("This school or trust cannot take new members at the moment")
    if membership_of(user, organisation) is not None:
        raise OrganisationError(f"You are already a member of {organisation.name}")
    request = _request_of(user, organisation)
    if request is not None and request.status is JoinRequestStatus.PENDING:
        raise AlreadyAsked(
            f"You already asked to join {organisation.name} on {request.created_at:%-d %B %Y}. "
            + claim_status(request)
        )
    check = email_domain_check(user.email, organisation)
    if check.owned and user.email_verified:
        membership = _add_member(
            user,
            organisation,
            _role_for_newcomer(organisation),
            route="email_domain",
            actor=user,
            reason=f"Confirmed email address {check.outcome}",
        )
        return JoinOutcome(membership=membership)
    statement = _clean_text(statement, STATEMENT_LENGTH, "What you do at the school")
    if not statement and not check.owned and not at_registration:
        raise StatementMissing(f"Tell us what your role is at {organisation.name}")
    return JoinOutcome(request=_claim(user, organisation, statement, check))


def _claim(user: User, organisation: Organisation, statement: str, check: DomainCheck) -> JoinRequest:
    request = _request_of(user, organisation)
    if request is None:
        request = JoinRequest(user=user, organisation=organisation)
        db.session.add(request)
    request.status = JoinRequestStatus.PENDING
    request.created_at = utcnow()
    request.decided_at = request.decided_by_id = request.decision_reason = None
    request.statement = statement
    db.session.flush()
    administrators = _administrators(organisation)
    audit.record(
        AuditAction.ORGANISATION_CLAIM_MADE,
        subject_type=AuditSubject.ORGANISATION,
        subject_id=organisation.id,
        actor=user,
        reason=statement,
        user_id=user.id,
        email=user.email,
        request_id=request.id,
        domain_check=check.outcome,
        email_confirmed=user.email_verified,
        decided_by="administrators" if administrators else "moderators",
    )
    if check.owned:
        return request  # it is approved when the address is confirmed: nobody needs asking
    announce(JoinRequested(request_id=request.id))  # its administrators decide
    return request


def waits_for_confirmation(request: JoinRequest) -> bool:
    """A pending claim that is on the organisation's domain: it needs only the address confirmed."""
    return (
        request.status is JoinRequestStatus.PENDING
        and not request.user.email_verified
        and email_domain_check(request.user.email, request.organisation).owned
    )


def claim_status(request: JoinRequest) -> str:
    """What a pending claim waits for, in the claimant's words."""
    name = request.organisation.name
    if waits_for_confirmation(request):
        return (
            f"Your claim to {name} is waiting for you to confirm your email address: "
            "you join as soon as you do."
        )
    if _administrators(request.organisation):
        return f"Your request to join {name} is waiting for its administrators."
    return f"Your claim to {name} is waiting for a moderator."


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


def pending_claims() -> list[JoinRequest]:
    """Every claim and join request waiting for an answer, oldest first (the moderators' claims queue)."""
    return list(
        db.session.scalars(
            sa.select(JoinRequest)
            .join(User, User.id == JoinRequest.user_id)
            .where(JoinRequest.status == JoinRequestStatus.PENDING, User.disabled.is_(False))
            .order_by(JoinRequest.created_at, JoinRequest.id)
        )
    )


def _settle(request: JoinRequest, *, approve: bool, decider: User | None, reason: str) -> bool:
    """Answer a pending request exactly once: a compare-and-set on its status; False if already answered.

    Two people answering at once both run this UPDATE; the database lets only one of them change a row
    that is still pending, so the other sees no row changed and is told who answered first.
    """
    result = db.session.execute(
        sa.update(JoinRequest)
        .where(JoinRequest.id == request.id, JoinRequest.status == JoinRequestStatus.PENDING)
        .values(
            status=JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED,
            decided_at=utcnow(),
            decided_by_id=decider.id if decider else None,
            decision_reason=reason or None,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(request)
    return cast(sa.CursorResult, result).rowcount == 1  # an UPDATE's result counts its rows


def _already_decided(request: JoinRequest) -> AlreadyDecided:
    who = request.decided_by.full_name if request.decided_by else "the marketplace"
    when = f" on {request.decided_at:%-d %B %Y at %H:%M}" if request.decided_at else ""
    return AlreadyDecided(f"This request has already been answered: {who} {request.status.value} it{when}")


def _record_decision(request: JoinRequest, decider: User | None, *, reason: str, decided_as: str) -> None:
    audit.record(
        AuditAction(f"organisation.claim_{request.status.value}"),
        subject_type=AuditSubject.ORGANISATION,
        subject_id=request.organisation_id,
        actor=decider,
        reason=reason,
        user_id=request.user_id,
        email=request.user.email,
        request_id=request.id,
        decided_as=decided_as,
    )


def decide_join_request(
    manager: User,
    request: JoinRequest,
    *,
    approve: bool,
    role: MembershipRole = MembershipRole.EDITOR,
    reason: str = "",
) -> JoinRequest:
    """An administrator approves (adding the requester with `role`) or declines a pending request.

    The requester is emailed. Raises AlreadyDecided when someone answered it first.
    """
    organisation = request.organisation
    _require_manager(manager, organisation)
    reason = _clean_text(reason, REASON_LENGTH, "The reason")
    if not _settle(request, approve=approve, decider=manager, reason=reason):
        raise _already_decided(request)
    _record_decision(request, manager, reason=reason, decided_as="administrator")
    requester = request.user
    if approve and membership_of(requester, organisation) is None:
        _add_member(
            requester,
            organisation,
            MembershipRole(role),
            route="join_request_approved",
            actor=manager,
            reason=reason,
            request_id=request.id,
        )
    announce(JoinRequestDecided(request_id=request.id))
    return request


def decide_claim(moderator: User, request: JoinRequest, *, approve: bool, reason: str = "") -> JoinRequest:
    """A moderator approves or declines a claim (or steps in on a join request); the claimant is emailed.

    Approving makes the claimant a member: its administrator if the organisation has none, otherwise an
    editor. Declining needs a reason, which the claimant is told. Raises NotAllowed without the
    permission, ReasonMissing, and AlreadyDecided when someone answered first (one decision, never two).
    """
    if not moderator.can(Permission.MODERATION_CLAIM_DECIDE):
        raise NotAllowed("Only a moderator can decide a claim")
    reason = _clean_text(reason, REASON_LENGTH, "The reason")
    if not approve and not reason:
        raise ReasonMissing("Enter the reason for declining: we email it to the person")
    requester, organisation = request.user, request.organisation
    if approve and request.status is JoinRequestStatus.PENDING and requester.role is not Role.HIRING_STAFF:
        raise OrganisationError(f"{requester.email} is no longer a school or trust staff account")
    if not _settle(request, approve=approve, decider=moderator, reason=reason):
        raise _already_decided(request)
    _record_decision(request, moderator, reason=reason, decided_as="moderator")
    if approve and membership_of(requester, organisation) is None:
        _add_member(
            requester,
            organisation,
            _role_for_newcomer(organisation),
            route="claim_approved",
            actor=moderator,
            reason=reason or "Claim approved by a moderator",
            request_id=request.id,
        )
    announce(ClaimDecided(request_id=request.id, reason=reason))
    return request


def join_by_confirmed_email(user: User) -> list[Membership]:
    """After a person confirms their address: approve their pending claims on domains the organisations own.

    Called wherever an address becomes confirmed. Each join is audited and the person emailed.
    """
    if not user.email_verified or user.role is not Role.HIRING_STAFF:
        return []
    joined = []
    for request in pending_requests_by(user):
        membership = _join_on_owned_domain(request)
        if membership is not None:
            joined.append(membership)
    return joined


def _join_on_owned_domain(request: JoinRequest) -> Membership | None:
    user, organisation = request.user, request.organisation
    if organisation.suspended_at is not None or membership_of(user, organisation) is not None:
        return None
    check = email_domain_check(user.email, organisation)
    if not check.owned:
        return None
    reason = f"Confirmed email address {check.outcome}"
    if not _settle(request, approve=True, decider=None, reason=reason):
        return None
    _record_decision(request, None, reason=reason, decided_as="email_domain")
    membership = _add_member(
        user,
        organisation,
        _role_for_newcomer(organisation),
        route="email_domain",
        actor=user,
        reason=reason,
        request_id=request.id,
    )
    announce(ClaimDecided(request_id=request.id, reason=""))
    return membership


# Email domains an organisation owns, as moderators record them


def add_email_domain(
    moderator: User, organisation: Organisation, domain: str, reason: str = ""
) -> tuple[OrganisationEmailDomain, list[Membership]]:
    """Record a domain the organisation owns; confirmed addresses on it join at once from now on.

    Pending claims from confirmed addresses on it are approved now: returns the record and the memberships
    that made.
    Raises NotAllowed without the permission and OrganisationError for a domain we refuse or have.
    """
    if not moderator.can(Permission.MODERATION_CLAIM_DECIDE):
        raise NotAllowed("Only a moderator can record an organisation's email domains")
    try:
        domain = normalise_domain(domain)
    except DomainRefused as error:
        raise OrganisationError(str(error)) from error
    reason = _clean_text(reason, REASON_LENGTH, "How you checked")
    if any(row.domain == domain for row in known_email_domains(organisation)):
        raise OrganisationError(f"{domain} is already recorded for {organisation.name}")
    record = OrganisationEmailDomain(organisation=organisation, domain=domain, created_by_id=moderator.id)
    db.session.add(record)
    db.session.flush()
    audit.record(
        AuditAction.ORGANISATION_EMAIL_DOMAIN_ADDED,
        subject_type=AuditSubject.ORGANISATION,
        subject_id=organisation.id,
        actor=moderator,
        reason=reason,
        domain=domain,
    )
    pending = db.session.scalars(
        sa.select(JoinRequest).where(
            JoinRequest.organisation_id == organisation.id, JoinRequest.status == JoinRequestStatus.PENDING
        )
    )
    joined = []
    for request in list(pending):
        if request.user.email_verified and request.user.role is Role.HIRING_STAFF:
            membership = _join_on_owned_domain(request)
            if membership is not None:
                joined.append(membership)
    return record, joined


def remove_email_domain(moderator: User, record: OrganisationEmailDomain, reason: str = "") -> None:
    """Stop treating a domain as the organisation's; members who joined from it stay members."""
    if not moderator.can(Permission.MODERATION_CLAIM_DECIDE):
        raise NotAllowed("Only a moderator can record an organisation's email domains")
    audit.record(
        AuditAction.ORGANISATION_EMAIL_DOMAIN_REMOVED,
        subject_type=AuditSubject.ORGANISATION,
        subject_id=record.organisation_id,
        actor=moderator,
        reason=_clean_text(reason, REASON_LENGTH, "The reason"),
        domain=record.domain,
    )
    db.session.delete(record)


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
    announce(ColleagueInvited(invitation_id=invitation.id, token=make_invitation_token(invitation)))
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
    organisation = invitation.organisation
    membership = membership_of(user, organisation)
    if membership is None:
        membership = _add_member(
            user,
            organisation,
            invitation.role,
            route="invitation",
            actor=user,
            reason="Accepted an invitation",
            invited_by_id=invitation.invited_by_id,
            invitation_id=invitation.id,
        )
    request = _request_of(user, organisation)
    if request is not None and _settle(request, approve=True, decider=None, reason="Accepted an invitation"):
        _record_decision(request, None, reason="Accepted an invitation", decided_as="invitation")
    join_by_confirmed_email(user)
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
