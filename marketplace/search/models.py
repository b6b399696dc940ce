from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, utcnow


class SearchChange(Base):
    """One entry of the durable change log that feeds every search index replica.

    Written in the same transaction as the change to the vacancy, so the index can always catch up:
    a replica records the last id it applied and applies everything after it.
    """

    __tablename__ = "search_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: the log outlives a deleted vacancy, whose removal it records.
    vacancy_id: Mapped[int] = mapped_column(index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CandidateChange(Base):
    """One entry of the durable change log that feeds the candidate index: a jobseeker whose opt-in,
    preferences or profile changed, written in the same transaction as the change."""

    __tablename__ = "candidate_search_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: the log outlives a deleted account, whose removal it records.
    user_id: Mapped[int] = mapped_column(index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
