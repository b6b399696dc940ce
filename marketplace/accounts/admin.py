"""The service team's account management: find people, change their role, disable or restore access."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace import audit
from marketplace.accounts import sessions
from marketplace.accounts.models import User
from marketplace.audit import AuditAction, AuditSubject
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.permissions import Role

PAGE_SIZE = 50


class AdminError(DomainError):
    """Refused: the message is written for the administrator."""


def find_users(query: str = "", role: str | None = None) -> list[User]:
    """Up to a page of accounts whose email or name contains `query`, newest first."""
    statement = sa.select(User).order_by(User.created_at.desc(), User.id.desc()).limit(PAGE_SIZE)
    query = query.strip().lower()
    if query:
        statement = statement.where(
            sa.or_(
                sa.func.lower(User.email).contains(query, autoescape=True),
                sa.func.lower(User.full_name).contains(query, autoescape=True),
            )
        )
    if role in {r.value for r in Role}:
        statement = statement.where(User.role == role)
    return list(db.session.scalars(statement))


def change_role(admin: User, user: User, role: Role) -> User:
    """Give someone a different role, with an audit event; nobody changes their own."""
    if user.id == admin.id:
        raise AdminError("You cannot change your own role: ask another administrator.")
    if user.role is role:
        return user
    audit.record(
        AuditAction.ACCOUNT_CHANGE_ROLE,
        subject_type=AuditSubject.USER,
        subject_id=user.id,
        actor=admin,
        previous_role=str(user.role),
        role=str(role),
    )
    user.role = role
    return user


def set_disabled(admin: User, user: User, *, disabled: bool, reason: str) -> User:
    """Disable an account (every session of it ends at once) or restore it, saying why."""
    if user.id == admin.id:
        raise AdminError("You cannot disable your own account.")
    if not reason.strip():
        raise AdminError("Enter the reason: it is kept in the audit log.")
    if user.disabled is not disabled:
        user.disabled = disabled
        if disabled:
            sessions.end_all_for(user.id)
        audit.record(
            AuditAction.ACCOUNT_DISABLE if disabled else AuditAction.ACCOUNT_RESTORE,
            subject_type=AuditSubject.USER,
            subject_id=user.id,
            actor=admin,
            reason=reason.strip(),
        )
    return user
