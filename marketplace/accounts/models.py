from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, TimestampMixin, str_enum
from marketplace.permissions import Permission, Role, has_permission

if TYPE_CHECKING:
    from marketplace.organisations.models import Membership


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    full_name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    email_verified_at: Mapped[dt.datetime | None]
    last_signed_in_at: Mapped[dt.datetime | None]
    disabled: Mapped[bool] = mapped_column(default=False)
    # When the account was told it will be deleted for inactivity; cleared when the person signs in.
    inactivity_warned_at: Mapped[dt.datetime | None]

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sign-in to inactive users
        return not self.disabled

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_id(self) -> str:
        """The session's user id, bound to the current password: changing it signs out every other session."""
        fingerprint = hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]
        return f"{self.id}.{fingerprint}"

    def can(self, permission: Permission) -> bool:
        return has_permission(self.role, permission)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class UserSession(Base):
    """One signed-in browser. The cookie carries a random id; this row is what makes it valid, so
    deleting the row (signing out, a password reset, a suspension) ends the session at once."""

    __tablename__ = "user_sessions"

    # The SHA-256 of the id in the cookie: a copy of this table signs nobody in.
    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime]
    last_seen_at: Mapped[dt.datetime]
