"""A person's rights over their data: download it, and delete the account.

The download is built from a list of sections, one per kind of personal data. A part of the
marketplace that keeps personal data of its own (saved jobs, job alerts) adds its section with
`@data_section("name")` on a function of the user returning JSON-safe data, in a module imported
when the app starts (the section is then in every download), and makes its rows go with the user:
a foreign key to users.id with ondelete="CASCADE" plus a `@before_account_deletion` hook that deletes
them, since SQLite does not enforce cascades. (applications/personal_data.py and
alerts/personal_data.py do so; marketplace.models imports them.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from marketplace import audit
from marketplace.accounts import sessions
from marketplace.accounts.events import AccountDeleted
from marketplace.accounts.models import User
from marketplace.accounts.passwords import verify_password
from marketplace.audit import AuditAction, AuditSubject
from marketplace.db import utcnow
from marketplace.errors import DomainError
from marketplace.events import announce
from marketplace.extensions import db
from marketplace.permissions import Role

DataCollector = Callable[[User], Any]
DATA_SECTIONS: dict[str, DataCollector] = {}
BEFORE_DELETION: list[Callable[[User], None]] = []
# Staff who moderate or administer leave an audit trail that must keep its actors: an administrator
# removes those accounts, the owner cannot.
ROLES_THAT_MAY_DELETE_THEMSELVES = (Role.JOBSEEKER, Role.HIRING_STAFF)


class PrivacyError(DomainError):
    """A request refused; the message is written for the person."""


def data_section(name: str) -> Callable[[DataCollector], DataCollector]:
    """Register a section of the personal data download."""

    def register(collect: DataCollector) -> DataCollector:
        DATA_SECTIONS[name] = collect
        return collect

    return register


def before_account_deletion(hook: Callable[[User], None]) -> Callable[[User], None]:
    """Register a function that erases one kind of personal data when an account is deleted."""
    BEFORE_DELETION.append(hook)
    return hook


def erase_personal_data(user: User) -> None:
    """Run every `@before_account_deletion` hook, just before the user row is deleted (by its owner, an
    administrator or the retention policy: each deletion erases the same data). The caller commits."""
    for hook in BEFORE_DELETION:
        hook(user)


@before_account_deletion
def _end_sessions(user: User) -> None:
    sessions.end_all_for(user.id)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


@data_section("account")
def _account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "role": str(user.role),
        "created_at": _iso(user.created_at),
        "email_verified_at": _iso(user.email_verified_at),
        "last_signed_in_at": _iso(user.last_signed_in_at),
    }


def export_personal_data(user: User, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything the marketplace keeps about the person, section by section, as JSON-safe data."""
    return {
        "exported_at": (now or utcnow()).isoformat(),
        **{name: collect(user) for name, collect in DATA_SECTIONS.items()},
    }


def delete_account(user: User, password: str) -> None:
    """Delete the person's own account once they confirm with their password.

    Personal data is erased (every `@before_account_deletion` hook: submitted applications are
    anonymised as the retention policy does), and a
    confirmation is emailed to the address before it is forgotten. The caller commits and signs out.
    """
    if user.role not in ROLES_THAT_MAY_DELETE_THEMSELVES:
        raise PrivacyError("Ask an administrator to close a moderator's or administrator's account.")
    if not verify_password(user.password_hash, password):
        raise PrivacyError("The password is not right")
    announce(AccountDeleted(email=user.email, full_name=user.full_name))
    erase_personal_data(user)
    audit.record(
        AuditAction.ACCOUNT_DELETE_BY_OWNER,
        subject_type=AuditSubject.USER,
        subject_id=user.id,
        role=str(user.role),
    )
    db.session.delete(user)
    db.session.flush()
