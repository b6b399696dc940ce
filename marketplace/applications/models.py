"""Applications (with the school's notes on them), jobseeker profiles and saved jobs."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

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
    # Why the candidate withdrew, in their words, when they chose to say (the school sees it).
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Only whether the optional equal opportunities questions were answered: the answers are stored
    # apart, unlinked (applications/equal_opportunities.py).
    equal_opportunities_answered: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    vacancy: Mapped[Vacancy] = relationship()
    jobseeker: Mapped[User | None] = relationship()
    notes: Mapped[list[ApplicationNote]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationNote.created_at"
    )
    messages: Mapped[list[ApplicationMessage]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="(ApplicationMessage.created_at, ApplicationMessage.id)",
    )

    @property
    def identity_hidden(self) -> bool:
        """Anonymised shortlisting: who applied stays hidden from the school until it shortlists."""
        return self.vacancy.anonymise_applications and self.shortlisted_at is None

    @property
    def display_name(self) -> str:
        """The name the school sees: a neutral reference while the application is anonymised."""
        return f"Candidate {self.id:05d}" if self.identity_hidden else self.full_name


class ApplicationMessage(Base):
    """One message of the conversation between the school's staff and the candidate about an application."""

    __tablename__ = "application_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    sender_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Which side wrote it: the school (any of its staff) or the candidate.
    from_school: Mapped[bool]
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # When the other side first opened the conversation after it arrived (the read receipt).
    read_at: Mapped[dt.datetime | None]

    application: Mapped[Application] = relationship(back_populates="messages")
    sender: Mapped[User | None] = relationship()


class MessageTemplate(Base):
    """A message an organisation's staff send often (an interview invitation in their own words, say)."""

    __tablename__ = "message_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


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


class SavedJob(Base):
    """One listing one person saved; saving it again changes nothing."""

    __tablename__ = "saved_jobs"
    __table_args__ = (sa.UniqueConstraint("user_id", "vacancy_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="CASCADE"), index=True)
    saved_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Set when the closing reminder was queued, so it is sent once per saved job.
    reminder_sent_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()
    vacancy: Mapped[Vacancy] = relationship()
