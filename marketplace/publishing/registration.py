"""Registering, confirming an address and resetting a password, with what each means at a school.

The account use-cases are accounts/services.py's; a person's standing at a school (a claim made at
registration, a membership that a confirmed address on the school's domain unlocks) is organisations'.
Giving a URN at registration claims the school (organisations.services.join_organisation): the claim
gives no access until it is approved by the school's administrators or a moderator, or, when the
address is on a domain the school owns, until the address is confirmed.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.accounts.services import SchoolNotFound
from marketplace.extensions import db
from marketplace.organisations.models import Organisation, OrganisationKind
from marketplace.organisations.services import (
    OrganisationError,
    join_by_confirmed_email,
    join_organisation,
    verify_memberships_by_email_domain,
)
from marketplace.permissions import Role

URN_PATTERN = re.compile(r"^\d{6}$")


def register_user(
    email: str,
    password: str,
    full_name: str,
    role: Role,
    school_urn: str | None = None,
    *,
    next_path: str = "",
) -> User | None:
    """Register a jobseeker, or a member of school staff claiming the school with `school_urn` if given.

    As accounts.services.register_user (None when the address already has an account, its owner
    emailed); raises AccountError (InvalidEmail, WeakPassword, SchoolNotFound) for input it refuses.
    """
    accounts.check_registration(email, password, full_name, role)
    # Staff who do not know their URN leave it out and find their school by name or postcode later.
    wants_school = Role(role) is Role.HIRING_STAFF and bool((school_urn or "").strip())
    if not wants_school:
        return accounts.register_user(email, password, full_name, role, next_path=next_path)
    organisation = _school_for(school_urn)

    def claim(user: User) -> None:
        # A claim, never membership: knowing a school's public URN proves nothing.
        try:
            join_organisation(user, organisation, at_registration=True)
        except OrganisationError as error:
            raise SchoolNotFound(str(error)) from error

    return accounts.register_user(email, password, full_name, role, on_created=claim, next_path=next_path)


def confirm_email(token: str) -> User:
    """Confirm the address the token was sent to (accounts.services.confirm_email, with its errors), and
    let it unlock claims and memberships on a domain the school owns, which waited only for this."""
    user = accounts.confirm_email(token)
    join_by_confirmed_email(user)
    verify_memberships_by_email_domain(user)
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password (accounts.services.reset_password, with its errors). The link proves the person
    reads that mailbox: an address confirmed by it unlocks at a school what a confirmation would."""
    was_confirmed = accounts.user_for_password_reset(token).email_verified
    user = accounts.reset_password(token, new_password)
    if not was_confirmed:
        join_by_confirmed_email(user)
        verify_memberships_by_email_domain(user)
    return user


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
