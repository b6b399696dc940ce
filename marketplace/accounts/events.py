"""What happens to accounts, announced for the layers above (emails, counts) to act on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from marketplace.events import DomainEvent


@dataclass(frozen=True)
class EmailConfirmationRequested(DomainEvent):
    """A new or unconfirmed account needs its address confirmed with the signed `token`; the link then
    leads to `next_path` (what the person was doing), if any."""

    user_id: int
    token: str
    next_path: str = ""


@dataclass(frozen=True)
class RegistrationForExistingAccount(DomainEvent):
    """Someone registered again with the address of an existing account (its owner hears, nobody else)."""

    user_id: int


@dataclass(frozen=True)
class PasswordResetRequested(DomainEvent):
    """An active account asked for a password reset; `token` is the signed single-use link's token."""

    user_id: int
    token: str


@dataclass(frozen=True)
class AccountDeleted(DomainEvent):
    """The owner deleted the account: its row is gone, so the event carries the address and name."""

    email: str
    full_name: str


@dataclass(frozen=True)
class InactiveAccountWarned(DomainEvent):
    """An unused account will be deleted on `deletion_date` unless its owner signs in."""

    user_id: int
    deletion_date: dt.datetime
