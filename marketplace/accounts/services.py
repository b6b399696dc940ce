"""Account use-cases: registration, sign-in, email confirmation and password reset.

Every function takes plain arguments, works in the current session and never commits: the view or
command that called it commits, and the emails queued here are sent only after that commit.

No answer here reveals whether an address has an account: registering an address that is taken
emails its owner instead, and a reset request for an unknown address quietly does nothing.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app

from marketplace.accounts import passwords, sessions
from marketplace.accounts.models import User
from marketplace.accounts.tokens import Purpose, TokenInvalid, make_token, read_token
from marketplace.db import utcnow
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.links import external_url
from marketplace.notifications.models import OutboxMessage
from marketplace.notifications.outbox import queue_email
from marketplace.organisations.models import Organisation, OrganisationKind
from marketplace.organisations.services import (
    OrganisationError,
    join_by_confirmed_email,
    join_organisation,
    verify_memberships_by_email_domain,
)
from marketplace.permissions import Role

URN_PATTERN = re.compile(r"^\d{6}$")
SELF_SERVICE_ROLES = (Role.JOBSEEKER, Role.HIRING_STAFF)


class AccountError(DomainError):
    """A request the account rules refuse; str(error) is a message to show the person."""


class InvalidEmail(AccountError):
    pass


class WeakPassword(AccountError):
    pass


class SchoolNotFound(AccountError):
    pass


def normalise_email(email: str) -> str:
    """The form of an address we store and look up: trimmed and lower-cased."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The account registered with `email` (in any case or spacing), if there is one."""
    email = normalise_email(email)
    if _has_control_characters(email):
        return None  # no stored address has one, and PostgreSQL refuses a NUL in a query parameter
    return db.session.scalar(sa.select(User).where(User.email == email))


def register_user(
    email: str, password: str, full_name: str, role: Role, school_urn: str | None = None
) -> User | None:
    """Register a jobseeker, or a member of school staff joining the school with `school_urn` if given.

    Giving the URN claims the school (organisations.services.join_organisation): the claim gives no access
    until it is approved by the school's administrators or a moderator, or, when the address is on a
    domain the school owns, until the address is confirmed.

    Queues an email asking the person to confirm their address and returns the new, unconfirmed user.
    If the address already has an account, nothing is created: its owner is emailed a reminder to sign in
    or reset their password, and None is returned, so the caller can answer exactly as it would for a new
    registration. Raises AccountError (InvalidEmail, WeakPassword, SchoolNotFound) for input it refuses.
    """
    email = _valid_email(email)
    full_name = _valid_name(full_name)
    role = Role(role)
    if role not in SELF_SERVICE_ROLES:
        raise AccountError("Choose whether you are looking for a job or work at a school or trust")
    _check_password(password, email)
    # Staff who do not know their URN leave it out and find their school by name or postcode later.
    wants_school = role is Role.HIRING_STAFF and bool((school_urn or "").strip())
    organisation = _school_for(school_urn) if wants_school else None

    existing = find_user_by_email(email)
    if existing is not None:
        # Hash anyway, so that a taken address answers in the same time as a new one.
        passwords.hash_password(password)
        _queue_account_exists(existing)
        return None

    user = User(email=email, password_hash=passwords.hash_password(password), full_name=full_name, role=role)
    try:
        # All that registering writes, in one savepoint, so a race on the address undoes only this. Nothing
        # follows it: on SQLite, releasing a savepoint that opened the transaction commits it.
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()  # the confirmation token and the membership need the user's id
            if organisation is not None:
                # A claim, never membership: knowing a school's public URN proves nothing.
                try:
                    join_organisation(user, organisation, at_registration=True)
                except OrganisationError as error:
                    raise SchoolNotFound(str(error)) from error
            send_email_confirmation(user)
    except sa.exc.IntegrityError:
        # Someone registered the same address a moment ago: answer as for any address already taken.
        existing = find_user_by_email(email)
        if existing is None:
            raise
        _queue_account_exists(existing)
        return None
    return user


def create_confirmed_user(email: str, password: str, role: Role, full_name: str) -> User:
    """Create an account whose address is already confirmed, with any role (for example a moderator).

    For administrators at the command line; raises AccountError if the address is taken or refused.
    """
    email = _valid_email(email)
    full_name = _valid_name(full_name)
    _check_password(password, email)
    if find_user_by_email(email) is not None:
        raise AccountError(f"An account already exists for {email}")
    user = User(
        email=email,
        password_hash=passwords.hash_password(password),
        full_name=full_name,
        role=Role(role),
        email_verified_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user with this email and password, signed in now; None for a wrong pair or a disabled account.

    An unknown address costs the same argon2 verification as a wrong password, so response times do not
    reveal which addresses have accounts. A hash made with older argon2 parameters is upgraded here,
    the only moment the plain password is known.
    """
    user = find_user_by_email(email)
    if not passwords.verify_password(user.password_hash if user else None, password):
        return None
    if user.disabled:
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_signed_in_at = utcnow()
    user.inactivity_warned_at = None  # signing in is what the inactivity warning asked for
    return user


def send_email_confirmation(user: User) -> OutboxMessage | None:
    """Queue an email with a link that confirms the user's address; None if it is already confirmed."""
    if user.email_verified:
        return None
    hours = current_app.config["TOKEN_MAX_AGE_HOURS"]
    return queue_email(
        user.email,
        "verify_email",
        "Confirm your email address",
        full_name=user.full_name,
        link=external_url("auth.confirm_email", token=make_token(Purpose.CONFIRM_EMAIL, user)),
        expires_in=_hours(hours),
    )


def confirm_email(token: str) -> User:
    """Mark the address the token was sent to as confirmed and return its user.

    Raises TokenInvalid, TokenExpired, or TokenUsed when the address is already confirmed (or has changed).
    """
    user = read_token(Purpose.CONFIRM_EMAIL, token)
    user.email_verified_at = utcnow()
    join_by_confirmed_email(user)  # claims on a domain the school owns waited only for this
    verify_memberships_by_email_domain(user)
    return user


def request_password_reset(email: str) -> OutboxMessage | None:
    """Email a password reset link if `email` belongs to an active account; otherwise do nothing.

    The caller shows the same confirmation either way, so the answer reveals nothing about the address.
    """
    user = find_user_by_email(email)
    if user is None or user.disabled:
        return None
    return queue_email(
        user.email,
        "reset_password",
        "Reset your password",
        full_name=user.full_name,
        link=external_url("auth.reset_password", token=make_token(Purpose.RESET_PASSWORD, user)),
        expires_in=_hours(current_app.config["TOKEN_MAX_AGE_HOURS"]),
        sign_in_link=external_url("auth.sign_in"),
    )


def user_for_password_reset(token: str) -> User:
    """The user a reset link belongs to, if it can still be used; raises a TokenError otherwise."""
    user = read_token(Purpose.RESET_PASSWORD, token)
    if user.disabled:
        raise TokenInvalid("This link is not valid")
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password for the user the reset link was sent to, which also ends that link's use.

    Every signed-in session of the account ends, this one included: the person signs in again.
    Following the link proves the person reads that mailbox, so an unconfirmed address becomes confirmed.
    Raises a TokenError for a link that cannot be used and WeakPassword for a password we refuse.
    """
    user = user_for_password_reset(token)
    _check_password(new_password, user.email)
    user.password_hash = passwords.hash_password(new_password)
    # Whoever knew the old password may be signed in somewhere: every session of the account ends.
    sessions.end_all_for(user.id)
    if not user.email_verified:
        user.email_verified_at = utcnow()
        join_by_confirmed_email(user)
        verify_memberships_by_email_domain(user)
    return user


def _valid_email(email: str) -> str:
    email = normalise_email(email)
    if not email:
        raise InvalidEmail("Enter your email address")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidEmail("Enter an email address in the correct format, like name@example.com") from error
    return email


def _valid_name(full_name: str) -> str:
    full_name = " ".join(full_name.split())
    if not full_name:
        raise AccountError("Enter your full name")
    if _has_control_characters(full_name):
        raise AccountError("Enter your full name without special characters")
    if len(full_name) > 200:
        raise AccountError("Full name must be 200 characters or fewer")
    return full_name


def _has_control_characters(text: str) -> bool:
    return any(ord(char) < 32 or ord(char) == 127 for char in text)


def _check_password(password: str, email: str) -> None:
    problem = passwords.password_problem(password, email)
    if problem:
        raise WeakPassword(problem)


def _school_for(school_urn: str | None) -> Organisation:
    urn = (school_urn or "").strip()
    if not urn:
        raise SchoolNotFound("Enter your school's URN")
    if not URN_PATTERN.match(urn):
        raise SchoolNotFound("Enter a URN of 6 digits, like 100000")
    organisation = db.session.scalar(
        sa.select(Organisation).where(Organisation.urn == urn, Organisation.kind == OrganisationKind.SCHOOL)
    )
    if organisation is None:
        raise SchoolNotFound(
            "We cannot find a school with that URN. Check it on Get Information about Schools"
        )
    return organisation


def _queue_account_exists(user: User) -> OutboxMessage:
    return queue_email(
        user.email,
        "account_exists",
        "You already have an account",
        full_name=user.full_name,
        sign_in_link=external_url("auth.sign_in"),
        reset_link=external_url("auth.request_password_reset"),
    )


def _hours(hours: int) -> str:
    return "1 hour" if hours == 1 else f"{hours} hours"
