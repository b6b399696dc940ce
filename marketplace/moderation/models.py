from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, str_enum, utcnow

if TYPE_CHECKING:
    from marketplace.accounts.models import User


class DecisionOutcome(enum.StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    CHANGES_REQUESTED = "changes_requested"
    REMOVED = "removed"
    REINSTATED = "reinstated"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ModerationDecision(Base):
    """A moderator's (or the policy's, when moderator is empty) decision on a listing under review."""

    __tablename__ = "moderation_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="CASCADE"), index=True)
    moderator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[DecisionOutcome] = mapped_column(str_enum(DecisionOutcome))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # For changes requested: what the listing said then (moderation/changes.py), to show what changed.
    snapshot: Mapped[dict | None] = mapped_column(sa.JSON)

    moderator: Mapped[User | None] = relationship()


class Suspension(Base):
    """An organisation's suspension: why, by whom, and which listings it took down.

    Reinstating lifts the open suspension and puts back exactly the listings recorded here that are
    still open; the audit log tells the story, this table is the state.
    """

    __tablename__ = "suspensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(sa.Text)
    suspended_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    suspended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    lifted_at: Mapped[dt.datetime | None]
    lifted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    lift_reason: Mapped[str] = mapped_column(sa.Text, default="")

    removed_listings: Mapped[list[SuspendedListing]] = relationship(
        back_populates="suspension", cascade="all, delete-orphan"
    )


class SuspendedListing(Base):
    """A listing a suspension took down: the ones reinstating may put back."""

    __tablename__ = "suspended_listings"

    suspension_id: Mapped[int] = mapped_column(
        sa.ForeignKey("suspensions.id", ondelete="CASCADE"), primary_key=True
    )
    vacancy_id: Mapped[int] = mapped_column(
        sa.ForeignKey("vacancies.id", ondelete="CASCADE"), primary_key=True
    )

    suspension: Mapped[Suspension] = relationship(back_populates="removed_listings")


class ReviewClaim(Base):
    """A moderator's claim on a listing in the queue, so two people do not review the same one."""

    __tablename__ = "review_claims"

    vacancy_id: Mapped[int] = mapped_column(
        sa.ForeignKey("vacancies.id", ondelete="CASCADE"), primary_key=True
    )
    moderator_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    claimed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    moderator: Mapped[User] = relationship()


class ListingMessage(Base):
    """One message in the conversation between moderators and the school about a listing."""

    __tablename__ = "listing_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    from_moderator: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()


class ReportStatus(enum.StrEnum):
    OPEN = "open"
    DISMISSED = "dismissed"
    UPHELD = "upheld"


class ReportCategory(enum.StrEnum):
    SCAM = "scam"
    DISCRIMINATION = "discrimination"
    AGENCY = "agency"
    MISLEADING = "misleading"
    FILLED_OR_CLOSED = "filled_or_closed"
    OFFENSIVE = "offensive"
    OTHER = "other"

    @property
    def label(self) -> str:
        return REPORT_CATEGORY_LABELS[self]


REPORT_CATEGORY_LABELS = {
    ReportCategory.SCAM: "It looks like a scam (fees, bank details, no interview)",
    ReportCategory.DISCRIMINATION: (
        "It discriminates (age, sex, race, disability, religion or another reason)"
    ),
    ReportCategory.AGENCY: "It was posted by a recruitment agency",
    ReportCategory.MISLEADING: "The pay, school or job details are wrong or misleading",
    ReportCategory.FILLED_OR_CLOSED: "The job has been filled or no longer exists",
    ReportCategory.OFFENSIVE: "It is offensive or inappropriate",
    ReportCategory.OTHER: "Something else",
}


class ListingReport(Base):
    """A member of the public's report that a live listing breaks the rules; no account needed."""

    __tablename__ = "listing_reports"
    __table_args__ = (sa.UniqueConstraint("vacancy_id", "reporter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="CASCADE"), index=True)
    category: Mapped[ReportCategory] = mapped_column(str_enum(ReportCategory, length=30))
    details: Mapped[str] = mapped_column(sa.Text, default="")
    reporter_email: Mapped[str | None] = mapped_column(sa.String(320))
    reporter_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # A one-way fingerprint of who reported (account, email or network address): one report each.
    reporter_key: Mapped[str] = mapped_column(sa.String(64))
    # The network the report came from, as an HMAC keyed with SECRET_KEY (never the address itself):
    # reports from one network count once towards hiding. Null on reports made before it was kept.
    network_key: Mapped[str | None] = mapped_column(sa.String(64))
    # When the reporter was verified: at once for a signed-in account with a confirmed address, or when
    # the emailed link was followed. Only verified reports count towards hiding a listing.
    confirmed_at: Mapped[dt.datetime | None]
    status: Mapped[ReportStatus] = mapped_column(
        str_enum(ReportStatus), default=ReportStatus.OPEN, index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    outcome_note: Mapped[str] = mapped_column(sa.Text, default="")

    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_user_id])


class AppealStatus(enum.StrEnum):
    PENDING = "pending"
    UPHELD = "upheld"  # the original decision stands
    OVERTURNED = "overturned"

    @property
    def label(self) -> str:
        """How the school reads the appeal's status."""
        return APPEAL_STATUS_LABELS[self]


APPEAL_STATUS_LABELS = {
    AppealStatus.PENDING: "Waiting for a decision",
    AppealStatus.UPHELD: "Not successful: the decision stands",
    AppealStatus.OVERTURNED: "Successful: the decision was overturned",
}


class Appeal(Base):
    """A school's one appeal against a rejection or removal, decided by a different moderator."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="CASCADE"), unique=True)
    decision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("moderation_decisions.id", ondelete="SET NULL")
    )
    appellant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    statement: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[AppealStatus] = mapped_column(
        str_enum(AppealStatus), default=AppealStatus.PENDING, index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None]
    reason: Mapped[str] = mapped_column(sa.Text, default="")

    decision: Mapped[ModerationDecision | None] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class AtsClient(Base):
    """An applicant tracking system allowed to post listings for one organisation through the API.

    Only a SHA-256 digest of the token is kept: the token itself is shown once, when the client is created.
    """

    __tablename__ = "ats_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
