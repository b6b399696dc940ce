"""A jobseeker's profile: what they type once to fill every later application."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from marketplace.db import Base, TimestampMixin

if TYPE_CHECKING:
    from marketplace.accounts.models import User


class JobseekerProfile(TimestampMixin, Base):
    """One per jobseeker. Each section is kept as `{"data": {...}, "updated_at": iso}` under its name,
    so prefilling an application can compare a section's age with the same section of the person's
    last application (see marketplace.applications.profiles)."""

    __tablename__ = "jobseeker_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    sections: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # Off until the person switches it on: schools may only find profiles whose owners asked for it.
    discoverable: Mapped[bool] = mapped_column(default=False)

    # Deleting the user deletes the profile through the ORM too, whoever deletes the account (the person,
    # or the retention policy) and whether or not the database enforces foreign keys (SQLite does not).
    user: Mapped[User] = relationship(backref=backref("profile", uselist=False, cascade="all, delete-orphan"))
