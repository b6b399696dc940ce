from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.db import Base, TimestampMixin, str_enum, utcnow

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.vacancies.models import Vacancy


class Application(TimestampMixin, Base):
    """A jobseeker's application for one vacancy; at most one per person and vacancy."""

    __tablename__ = "applications"
    __table_args__ = (sa.UniqueConstraint("vacancy_id", "jobseeker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="CASCADE"), index=True)
    jobseeker_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[ApplicationStatus] = mapped_column(
        str_enum(ApplicationStatus), default=ApplicationStatus.DRAFT
    )
    # Copied from the account at submission, so the school's record stands on its own.
    full_name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(320))
    supporting_statement: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[dt.datetime | None]
    status_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    vacancy: Mapped[Vacancy] = relationship()
    jobseeker: Mapped[User | None] = relationship()
