"""Emails about a person's account: confirming the address, resetting the password, deletion."""

from __future__ import annotations

import datetime as dt

from flask import current_app

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.links import external_url
from marketplace.notifications.outbox import queue_email


def _hours(hours: int) -> str:
    return "1 hour" if hours == 1 else f"{hours} hours"


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def verify_email(user_id: int, token: str, *, next_path: str = "") -> None:
    """Ask the person to confirm their address with a link carrying the signed `token` (and where to go
    once it has signed them in, `next_path`, when they were on their way somewhere)."""
    user = _user(user_id)
    queue_email(
        user.email,
        "verify_email",
        "Confirm your email address",
        full_name=user.full_name,
        link=external_url("auth.confirm_email", token=token, **({"next": next_path} if next_path else {})),
        expires_in=_hours(current_app.config["TOKEN_MAX_AGE_HOURS"]),
    )


def reset_password(user_id: int, token: str) -> None:
    """Send the password reset link carrying the signed `token`."""
    user = _user(user_id)
    queue_email(
        user.email,
        "reset_password",
        "Reset your password",
        full_name=user.full_name,
        link=external_url("auth.reset_password", token=token),
        expires_in=_hours(current_app.config["TOKEN_MAX_AGE_HOURS"]),
        sign_in_link=external_url("auth.sign_in"),
    )


def account_exists(user_id: int) -> None:
    """Tell the owner of an address that registered again that they already have an account."""
    user = _user(user_id)
    queue_email(
        user.email,
        "account_exists",
        "You already have an account",
        full_name=user.full_name,
        sign_in_link=external_url("auth.sign_in"),
        reset_link=external_url("auth.request_password_reset"),
    )


def account_deleted(email: str, full_name: str) -> None:
    """Confirm a deletion to the address it belonged to (the account itself is gone)."""
    queue_email(email, "account_deleted", "Your account has been deleted", full_name=full_name)


def inactive_account_warning(user_id: int, deletion_date: dt.datetime) -> None:
    """Warn an unused account that it will be deleted on `deletion_date` unless its owner signs in."""
    user = _user(user_id)
    queue_email(
        user.email,
        "inactive_account_warning",
        "Your account will be deleted unless you sign in",
        user=user,
        deletion_date=deletion_date,
        sign_in_link=external_url("auth.sign_in"),
    )
