from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, utcnow


class Event(Base):
    """Something a person did on the way to a job. Deliberately holds no personal data."""

    __tablename__ = "events"
    __table_args__ = (sa.Index("ix_events_name_occurred_at", "name", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40))
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    vacancy_id: Mapped[int | None] = mapped_column(index=True)
    organisation_id: Mapped[int | None]
    properties: Mapped[dict] = mapped_column(sa.JSON, default=dict)
