"""A job alert (a saved search with a frequency) and the listings each alert has already sent."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, TimestampMixin, str_enum, utcnow

if TYPE_CHECKING:
    from marketplace.accounts.models import User


class AlertFrequency(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"

    @property
    def label(self) -> str:
        return "Daily" if self is AlertFrequency.DAILY else "Weekly"


class JobAlert(TimestampMixin, Base):
    """A search someone wants to hear about, daily or weekly, by account or by a confirmed address.

    `criteria` holds the search's parameters as the search page names them; `criteria_key` is a digest
    of them, so alerts with identical criteria are matched once. `covered_until` is the watermark: the
    listings that went live up to then have been considered for this alert.
    """

    __tablename__ = "job_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Only for alerts without an account; an account's alerts go to the account's current address.
    email: Mapped[str | None] = mapped_column(sa.String(320), index=True)
    criteria: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    criteria_key: Mapped[str] = mapped_column(sa.String(64), index=True)
    frequency: Mapped[AlertFrequency] = mapped_column(str_enum(AlertFrequency), index=True)
    confirmed_at: Mapped[dt.datetime | None]
    covered_until: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_digest_at: Mapped[dt.datetime | None]
    # A random value signed into this alert's links, so a link never works for a later alert.
    nonce: Mapped[str] = mapped_column(sa.String(32))

    user: Mapped[User | None] = relationship()

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    def __repr__(self) -> str:
        return f"<JobAlert {self.id} {self.frequency}>"


class AlertDelivery(Base):
    """One listing sent in one alert's digest: a listing is never sent to the same alert twice."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (sa.UniqueConstraint("alert_id", "vacancy_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(sa.ForeignKey("job_alerts.id", ondelete="CASCADE"))
    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
