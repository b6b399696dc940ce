"""What a school tells us when it manages a live listing: closing dates extended, and listings ended early."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, utcnow


class ClosingDateExtension(Base):
    """A closing date moved later, with the school's reason kept on record."""

    __tablename__ = "closing_date_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="CASCADE"), index=True)
    extended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    extended_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    previous_closes_at: Mapped[dt.datetime]
    closes_at: Mapped[dt.datetime]
    reason: Mapped[str] = mapped_column(sa.Text)


class VacancyEnding(Base):
    """A listing closed early by its school, with the answers the funnel's time to fill is built from.

    `filled` is None when the school did not know yet; `through_marketplace` is only asked when filled.
    """

    __tablename__ = "vacancy_endings"

    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="CASCADE"), unique=True)
    ended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    ended_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    filled: Mapped[bool | None]
    through_marketplace: Mapped[bool | None]
