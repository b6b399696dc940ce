from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, TimestampMixin, str_enum, utcnow

if TYPE_CHECKING:
    from marketplace.accounts.models import User


class OrganisationKind(enum.StrEnum):
    SCHOOL = "school"
    TRUST = "trust"


class MembershipRole(enum.StrEnum):
    ADMINISTRATOR = "administrator"
    EDITOR = "editor"


class Organisation(TimestampMixin, Base):
    """A school (identified by its URN) or a trust (identified by its group UID) from the school register."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrganisationKind] = mapped_column(str_enum(OrganisationKind))
    urn: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    uid: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    # Set when first saved (organisations/slugs.py): public addresses and the API's `organisation` filter.
    slug: Mapped[str] = mapped_column(sa.String(130), unique=True)
    phase: Mapped[str | None] = mapped_column(sa.String(40))
    statutory_low_age: Mapped[int | None]
    statutory_high_age: Mapped[int | None]
    type_name: Mapped[str | None] = mapped_column(sa.String(120))
    type_group: Mapped[str | None] = mapped_column(sa.String(120))
    religious_character: Mapped[str | None] = mapped_column(sa.String(120))
    street: Mapped[str | None] = mapped_column(sa.String(200))
    locality: Mapped[str | None] = mapped_column(sa.String(200))
    town: Mapped[str | None] = mapped_column(sa.String(120))
    county: Mapped[str | None] = mapped_column(sa.String(120))
    postcode: Mapped[str | None] = mapped_column(sa.String(10), index=True)
    local_authority: Mapped[str | None] = mapped_column(sa.String(120))
    region: Mapped[str | None] = mapped_column(sa.String(120))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    website: Mapped[str | None] = mapped_column(sa.String(300))
    verified_at: Mapped[dt.datetime | None]
    # A suspended organisation's listings are unpublished and it cannot post until reinstated.
    suspended_at: Mapped[dt.datetime | None]
    trust_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )

    trust: Mapped[Organisation | None] = relationship(remote_side=[id], back_populates="schools")
    schools: Mapped[list[Organisation]] = relationship(back_populates="trust")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    @property
    def address(self) -> str:
        return ", ".join(
            part for part in (self.street, self.locality, self.town, self.county, self.postcode) if part
        )

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


class Membership(Base):
    """A member of staff's place in an organisation; it decides which listings and applications they see."""

    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[MembershipRole] = mapped_column(str_enum(MembershipRole), default=MembershipRole.EDITOR)
    created_at: Mapped[dt.datetime] = mapped_column(default=lambda: dt.datetime.now(dt.UTC))

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")


class JoinRequestStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class JoinRequest(Base):
    """Someone asking to join an organisation (a claim): its administrators or a moderator decide.

    One row per person and organisation: asking again after an answer reopens it. A claim on a domain
    the organisation owns waits only for the person to confirm their address, then approves itself.
    """

    __tablename__ = "join_requests"
    __table_args__ = (sa.UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[JoinRequestStatus] = mapped_column(
        str_enum(JoinRequestStatus), default=JoinRequestStatus.PENDING
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # What the person says their role is; empty only for a claim made by giving a URN when registering.
    statement: Mapped[str] = mapped_column(sa.String(1000), default="", server_default="")
    # Why it was declined (or a note on an approval), as the person is told it.
    decision_reason: Mapped[str | None] = mapped_column(sa.String(2000))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organisation: Mapped[Organisation] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class OrganisationEmailDomain(Base):
    """An email domain a moderator has found the organisation owns: confirmed addresses on it join at once."""

    __tablename__ = "organisation_email_domains"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "domain"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    domain: Mapped[str] = mapped_column(sa.String(253))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class Invitation(Base):
    """An administrator's invitation to a colleague's email address to join the organisation with a role.

    The emailed link is a signed token (organisations/invitations.py) that stops working once the
    invitation is accepted or withdrawn, or when it expires.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(sa.String(320), index=True)
    role: Mapped[MembershipRole] = mapped_column(str_enum(MembershipRole))
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    accepted_at: Mapped[dt.datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[dt.datetime | None]

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def open(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None
