"""Signed, expiring, single-use tokens for the links we email: confirm an address, reset a password.

A token is signed with the app's SECRET_KEY and a salt per purpose, so a confirmation link can never be
used as a reset link. It carries the user's id and a fingerprint of the state the link is meant to change:

* email confirmation: the address and the fact that it is not confirmed yet;
* password reset: the address and the current password hash.

Once the change is made the fingerprint no longer matches, so every token is single-use without storing
anything: a used link, a link superseded by a newer password, or a link sent to an old address all fail.

`encode` and `decode` are pure (the key, lifetime and clock are arguments); `make_token` and
`read_token` supply them from the app and load the user.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from marketplace.accounts.models import User
from marketplace.extensions import db


class Purpose(enum.StrEnum):
    CONFIRM_EMAIL = "confirm-email"
    RESET_PASSWORD = "reset-password"  # noqa: S105 - the name of a salt, not a password


class TokenError(Exception):
    """A link that cannot be used; the subclass says why, so the page can explain it."""


class TokenExpired(TokenError):
    """Correctly signed, but older than its lifetime."""


class TokenInvalid(TokenError):
    """Not a token we signed for this purpose: mistyped, truncated or tampered with."""


class TokenUsed(TokenError):
    """Genuine and in time, but the state it was made to change has already changed."""

    def __init__(self, user: User) -> None:
        super().__init__("This link has already been used")
        self.user = user


@dataclass(frozen=True)
class Claim:
    """What a genuine, unexpired token says: which user, and the state it may change."""

    purpose: Purpose
    user_id: int
    state: str

    def matches(self, user: User) -> bool:
        """True while `user` is still in the state the token was made for."""
        return user.id == self.user_id and hmac.compare_digest(self.state, fingerprint(self.purpose, user))


def make_token(purpose: Purpose, user: User, *, now: dt.datetime | None = None) -> str:
    """A URL-safe token for `user`, signed with the app's key, that works only for `purpose`."""
    return encode(purpose, user, secret_key=current_app.config["SECRET_KEY"], now=now)


def read_token(purpose: Purpose, token: str, *, now: dt.datetime | None = None) -> User:
    """The user a token was made for, while it can be used (TOKEN_MAX_AGE_HOURS, and single use).

    Raises TokenInvalid, TokenExpired or TokenUsed otherwise.
    """
    claim = decode(
        purpose,
        token,
        secret_key=current_app.config["SECRET_KEY"],
        max_age=dt.timedelta(hours=current_app.config["TOKEN_MAX_AGE_HOURS"]),
        now=now,
    )
    user = db.session.get(User, claim.user_id)
    if user is None:
        raise TokenInvalid("This link is not valid")
    if not claim.matches(user):
        raise TokenUsed(user)
    return user


def encode(purpose: Purpose, user: User, *, secret_key: str, now: dt.datetime | None = None) -> str:
    """Sign a claim on `user`'s current state, timestamped `now` (the real clock by default)."""
    payload = {"user": user.id, "state": fingerprint(purpose, user)}
    return _serializer(purpose, secret_key, now).dumps(payload)


def decode(
    purpose: Purpose, token: str, *, secret_key: str, max_age: dt.timedelta, now: dt.datetime | None = None
) -> Claim:
    """The claim in a token signed for `purpose` no longer than `max_age` before `now`.

    Raises TokenExpired or TokenInvalid; whether the claim still matches its user is for the caller.
    """
    try:
        payload = _serializer(purpose, secret_key, now).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as error:
        raise TokenExpired("This link has expired") from error
    except BadData as error:
        raise TokenInvalid("This link is not valid") from error
    if (
        not isinstance(payload, dict)
        or type(payload.get("user")) is not int
        or not isinstance(payload.get("state"), str)
    ):
        raise TokenInvalid("This link is not valid")
    return Claim(purpose=purpose, user_id=payload["user"], state=payload["state"])


def fingerprint(purpose: Purpose, user: User) -> str:
    """A digest of the part of the user's state that a token for `purpose` changes."""
    if purpose is Purpose.CONFIRM_EMAIL:
        state = f"{user.email}\0{'confirmed' if user.email_verified else 'unconfirmed'}"
    else:
        state = f"{user.email}\0{user.password_hash}"
    # Hashed, because a signed token can still be read by anyone who has it.
    return hashlib.sha256(f"{purpose}\0{state}".encode()).hexdigest()[:32]


def _serializer(purpose: Purpose, secret_key: str, now: dt.datetime | None) -> URLSafeTimedSerializer:
    signer = TimestampSigner if now is None else _signer_at(now)
    return URLSafeTimedSerializer(secret_key, salt=f"marketplace.{purpose}", signer=signer)


def _signer_at(now: dt.datetime) -> type[TimestampSigner]:
    """A signer whose clock reads `now`, so tokens can be made and checked at chosen times."""
    timestamp = int(now.timestamp())

    class FixedClockSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return timestamp

    return FixedClockSigner
