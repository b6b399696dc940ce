from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

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
    # The application form's sections as the jobseeker answered them ({section: {"data", "saved_at",
    # "source"}}): a snapshot, so the school's copy never changes when the profile does.
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict, server_default=sa.text("'{}'"))
    submitted_at: Mapped[dt.datetime | None]
    status_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Set when the school shortlists: from then on an anonymised application shows who made it.
    shortlisted_at: Mapped[dt.datetime | None]
    # The interview the school invited the candidate to (UTC; shown in UK time).
    interview_at: Mapped[dt.datetime | None]

    vacancy: Mapped[Vacancy] = relationship()
    jobseeker: Mapped[User | None] = relationship()
    notes: Mapped[list[ApplicationNote]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationNote.created_at"
    )

    @property
    def identity_hidden(self) -> bool:
        """Anonymised shortlisting: who applied stays hidden from the school until it shortlists."""
        return self.vacancy.anonymise_applications and self.shortlisted_at is None

    @property
    def display_name(self) -> str:
        """The name the school sees: a neutral reference while the application is anonymised."""
        return f"Candidate {self.id:05d}" if self.identity_hidden else self.full_name


class ApplicationNote(Base):
    """A private note on an application, visible only to the receiving organisation's staff."""

    __tablename__ = "application_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()
