"""Account use-cases: registration, sign-in, email confirmation and password reset.

Every function takes plain arguments, works in the current session and never commits: the view or
command that called it commits, and the emails queued here are sent only after that commit.

No answer here reveals whether an address has an account: registering an address that is taken
emails its owner instead, and a reset request for an unknown address quietly does nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from marketplace.accounts import passwords, sessions
from marketplace.accounts.events import (
    EmailConfirmationRequested,
    PasswordResetRequested,
    RegistrationForExistingAccount,
)
from marketplace.accounts.models import User
from marketplace.accounts.tokens import Purpose, TokenInvalid, make_token, read_token
from marketplace.db import utcnow
from marketplace.errors import DomainError
from marketplace.events import announce
from marketplace.extensions import db
from marketplace.permissions import Role

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


def check_registration(email: str, password: str, full_name: str, role: Role) -> None:
    """Raise AccountError (InvalidEmail, WeakPassword) for registration answers we refuse."""
    email = _valid_email(email)
    _valid_name(full_name)
    if Role(role) not in SELF_SERVICE_ROLES:
        raise AccountError("Choose whether you are looking for a job or work at a school or trust")
    _check_password(password, email)


def register_user(
    email: str,
    password: str,
    full_name: str,
    role: Role,
    *,
    on_created: Callable[[User], None] | None = None,
    next_path: str = "",
) -> User | None:
    """Register a jobseeker or a member of school staff.

    Queues an email asking the person to confirm their address and returns the new, unconfirmed user.
    If the address already has an account, nothing is created: its owner is emailed a reminder to sign in
    or reset their password, and None is returned, so the caller can answer exactly as it would for a new
    registration. Raises AccountError (InvalidEmail, WeakPassword) for input it refuses.
    `on_created` runs on the new user (flushed, so it has an id) before the confirmation is queued: a
    registration that also claims a school (publishing/registration.py) joins it there. `next_path` is
    where the confirmation link leads once it has signed the person in (what they were doing).
    """
    check_registration(email, password, full_name, role)
    email, full_name, role = _valid_email(email), _valid_name(full_name), Role(role)

    existing = find_user_by_email(email)
    if existing is not None:
        # Hash anyway, so that a taken address answers in the same time as a new one.
        passwords.hash_password(password)
        announce(RegistrationForExistingAccount(user_id=existing.id))
        return None

    user = User(email=email, password_hash=passwords.hash_password(password), full_name=full_name, role=role)
    try:
        # All that registering writes, in one savepoint, so a race on the address undoes only this. Nothing
        # follows it: on SQLite, releasing a savepoint that opened the transaction commits it.
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()  # the confirmation token and anything joined need the user's id
            if on_created is not None:
                on_created(user)
            send_email_confirmation(user, next_path=next_path)
    except sa.exc.IntegrityError:
        # Someone registered the same address a moment ago: answer as for any address already taken.
        existing = find_user_by_email(email)
        if existing is None:
            raise
        announce(RegistrationForExistingAccount(user_id=existing.id))
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
    if not passwords.verify_password(user.password_hash if user else None, password) or user is None:
        return None
    if user.disabled:
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_signed_in_at = utcnow()
    user.inactivity_warned_at = None  # signing in is what the inactivity warning asked for
    return user


def send_email_confirmation(user: User, *, next_path: str = "") -> None:
    """Have a link that confirms the user's address emailed to it; nothing if it is already confirmed.
    `next_path` (a path on this site, checked by the web layer) is where the link leads afterwards."""
    if user.email_verified:
        return
    announce(
        EmailConfirmationRequested(
            user_id=user.id, token=make_token(Purpose.CONFIRM_EMAIL, user), next_path=next_path
        )
    )


def confirm_email(token: str) -> User:
    """Mark the address the token was sent to as confirmed and return its user. (What a confirmed address
    unlocks at a school is publishing.registration.confirm_email's.)

    Raises TokenInvalid, TokenExpired, or TokenUsed when the address is already confirmed (or has changed).
    """
    user = read_token(Purpose.CONFIRM_EMAIL, token)
    user.email_verified_at = utcnow()
    return user


def request_password_reset(email: str) -> None:
    """Have a password reset link emailed if `email` belongs to an active account; otherwise do nothing.

    The caller shows the same confirmation either way, so the answer reveals nothing about the address.
    """
    user = find_user_by_email(email)
    if user is None or user.disabled:
        return
    announce(PasswordResetRequested(user_id=user.id, token=make_token(Purpose.RESET_PASSWORD, user)))


def user_for_password_reset(token: str) -> User:
    """The user a reset link belongs to, if it can still be used; raises a TokenError otherwise."""
    user = read_token(Purpose.RESET_PASSWORD, token)
    if user.disabled:
        raise TokenInvalid("This link is not valid")
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password for the user the reset link was sent to, which also ends that link's use.

    Every signed-in session of the account ends, this one included: the person signs in again.
    Following the link proves the person reads that mailbox, so an unconfirmed address becomes confirmed
    (publishing.registration.reset_password then lets it unlock what it does at a school).
    Raises a TokenError for a link that cannot be used and WeakPassword for a password we refuse.
    """
    user = user_for_password_reset(token)
    _check_password(new_password, user.email)
    user.password_hash = passwords.hash_password(new_password)
    # Whoever knew the old password may be signed in somewhere: every session of the account ends.
    sessions.end_all_for(user.id)
    if not user.email_verified:
        user.email_verified_at = utcnow()
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
