"""Signed, expiring, single-use links for invitations to join an organisation's team.

Made like the account links in marketplace/accounts/tokens.py: signed with the app's SECRET_KEY and a salt of
their own (an invitation link can never confirm an address or reset a password), carrying the invitation's
id and a fingerprint of its state. Accepting or withdrawing the invitation changes that state, so a link
works once, and never after it is withdrawn; it also stops working when the invitation expires.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from marketplace.accounts.tokens import TokenError, TokenExpired, TokenInvalid
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.organisations.models import Invitation

LIFETIME = dt.timedelta(days=7)
SALT = "marketplace.invitation"


class InvitationUsed(TokenError):
    """Genuine, but already accepted or withdrawn."""

    def __init__(self, invitation: Invitation) -> None:
        super().__init__("This invitation has already been used or withdrawn")
        self.invitation = invitation


def fingerprint(invitation: Invitation) -> str:
    """A digest of what a link may change: which address it is for, and whether it is still open."""
    state = f"{invitation.id}\0{invitation.email}\0{'open' if invitation.open else 'closed'}"
    return hashlib.sha256(f"{SALT}\0{state}".encode()).hexdigest()[:32]


def make_invitation_token(invitation: Invitation) -> str:
    """A URL-safe token for the invitation's link (the invitation must have been flushed: it needs its id)."""
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)
    return serializer.dumps({"invitation": invitation.id, "state": fingerprint(invitation)})


def read_invitation_token(token: str, *, now: dt.datetime | None = None) -> Invitation:
    """The open invitation a token was made for; raises TokenInvalid, TokenExpired or InvitationUsed."""
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)
    try:
        payload = serializer.loads(token)
    except BadData as error:
        raise TokenInvalid("This link is not valid") from error
    if (
        not isinstance(payload, dict)
        or type(payload.get("invitation")) is not int
        or not isinstance(payload.get("state"), str)
    ):
        raise TokenInvalid("This link is not valid")
    invitation = db.session.get(Invitation, payload["invitation"])
    if invitation is None:
        raise TokenInvalid("This link is not valid")
    if not hmac.compare_digest(payload["state"], fingerprint(invitation)):
        raise InvitationUsed(invitation)
    if (now or utcnow()) >= invitation.expires_at:
        raise TokenExpired("This invitation has expired")
    return invitation
