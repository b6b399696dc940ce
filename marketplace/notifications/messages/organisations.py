"""Emails about joining a school's or trust's team: requests, claims and invitations."""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.links import external_url
from marketplace.notifications.outbox import queue_email
from marketplace.organisations.invitations import LIFETIME
from marketplace.organisations.models import Invitation, JoinRequest, JoinRequestStatus
from marketplace.organisations.services import administrators_of


def join_request_received(request_id: int) -> None:
    """Ask each of the organisation's administrators to answer a request to join its team."""
    request = db.session.get(JoinRequest, request_id)
    requester, organisation = request.user, request.organisation
    for administrator in administrators_of(organisation):
        queue_email(
            administrator.email,
            "join_request_received",
            f"{requester.full_name} asked to join {organisation.name}",
            full_name=administrator.full_name,
            requester_name=requester.full_name,
            requester_email=requester.email,
            organisation_name=organisation.name,
            link=external_url("organisations.team", organisation_id=organisation.id),
        )


def join_request_decided(request_id: int) -> None:
    """Tell the requester whether the administrators approved (join_request_approved) or declined."""
    request = db.session.get(JoinRequest, request_id)
    requester, organisation = request.user, request.organisation
    approved = request.status is JoinRequestStatus.APPROVED
    queue_email(
        requester.email,
        "join_request_approved" if approved else "join_request_declined",
        f"You can now post jobs for {organisation.name}"
        if approved
        else f"Your request to join {organisation.name} was declined",
        full_name=requester.full_name,
        organisation_name=organisation.name,
        link=external_url("schools.dashboard" if approved else "organisations.find"),
    )


def claim_decided(request_id: int, reason: str) -> None:
    """Tell the claimant whether their claim was approved (claim_approved) or declined, and why."""
    request = db.session.get(JoinRequest, request_id)
    requester, organisation = request.user, request.organisation
    approved = request.status is JoinRequestStatus.APPROVED
    queue_email(
        requester.email,
        "claim_approved" if approved else "claim_declined",
        f"You can now post jobs for {organisation.name}"
        if approved
        else f"Your claim to {organisation.name} was declined",
        full_name=requester.full_name,
        organisation_name=organisation.name,
        reason=reason,
        link=external_url("schools.dashboard" if approved else "organisations.find"),
    )


def team_invitation(invitation_id: int, token: str) -> None:
    """Invite a colleague's address to the team with the signed invitation `token`."""
    invitation = db.session.get(Invitation, invitation_id)
    organisation = invitation.organisation
    inviter_name = invitation.invited_by.full_name if invitation.invited_by else organisation.name
    queue_email(
        invitation.email,
        "team_invitation",
        f"{inviter_name} invited you to post jobs for {organisation.name}",
        inviter_name=inviter_name,
        organisation_name=organisation.name,
        role=invitation.role.value,
        link=external_url("organisations.invitation", token=token),
        expires_in=f"{LIFETIME.days} days",
    )
