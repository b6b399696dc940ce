from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import UK, Base, TimestampMixin, str_enum, uk_today, utcnow
from marketplace.vacancies import fingerprints, pay, vocabulary
from marketplace.vacancies.lifecycle import PUBLIC_STATUSES, VacancyStatus

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.organisations.models import Organisation

# The schools of a trust that one listing covers besides its own organisation (a trust listing names
# the schools the job is at; see vacancies/listing_schools.py).
vacancy_schools = sa.Table(
    "vacancy_schools",
    Base.metadata,
    sa.Column("vacancy_id", sa.ForeignKey("vacancies.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "organisation_id", sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)

# A listing's MinHash band keys (vacancies/fingerprints.py), kept by the save hooks at the end of this
# module: the near-duplicate check looks up an organisation's listings sharing a key instead of reading
# them all. The organisation is copied here so the lookup stays within one organisation's rows.
vacancy_bands = sa.Table(
    "vacancy_bands",
    Base.metadata,
    sa.Column("vacancy_id", sa.ForeignKey("vacancies.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("band", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("key", sa.BigInteger, nullable=False),
    sa.Column("organisation_id", sa.Integer, nullable=False),
    sa.Index("ix_vacancy_bands_organisation_id_key", "organisation_id", "key"),
)


class Vacancy(TimestampMixin, Base):
    """A job advertised by a school or trust."""

    __tablename__ = "vacancies"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    title: Mapped[str] = mapped_column(sa.String(200))
    job_roles: Mapped[list[str]] = mapped_column(default=list)
    phases: Mapped[list[str]] = mapped_column(default=list)
    key_stages: Mapped[list[str]] = mapped_column(default=list)
    subjects: Mapped[list[str]] = mapped_column(default=list)
    working_patterns: Mapped[list[str]] = mapped_column(default=list)
    job_share: Mapped[bool] = mapped_column(default=False)
    contract_type: Mapped[str] = mapped_column(sa.String(20), default="permanent")
    fixed_term_length: Mapped[str | None] = mapped_column(sa.String(100))
    parental_leave_cover: Mapped[bool] = mapped_column(default=False)
    salary: Mapped[str] = mapped_column(sa.String(200))
    salary_minimum: Mapped[int | None]  # whole pounds a year, when the school gives a range
    salary_maximum: Mapped[int | None]
    # Hours and pay beyond the range (see vacancies/pay.py for what is worked out from them).
    hours_per_week: Mapped[float | None] = mapped_column(sa.Numeric(4, 1, asdecimal=False))
    fte: Mapped[float | None] = mapped_column(sa.Numeric(3, 2, asdecimal=False))  # 0.1 to 1.0
    term_time_only: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    actual_salary: Mapped[int | None]  # whole pounds a year, a part-time post's actual pay
    hourly_rate_pence: Mapped[int | None]
    starts_on: Mapped[dt.date | None]
    publish_on: Mapped[dt.date]
    closes_at: Mapped[dt.datetime]
    ect_status: Mapped[str] = mapped_column(sa.String(20), default="ect_suitable")
    visa_sponsorship: Mapped[bool] = mapped_column(default=False)
    about_role: Mapped[str] = mapped_column(sa.Text)
    what_school_offers: Mapped[str] = mapped_column(sa.Text, default="")
    how_to_apply: Mapped[str] = mapped_column(sa.String(20), default="marketplace")
    application_url: Mapped[str | None] = mapped_column(sa.String(500))
    application_email: Mapped[str | None] = mapped_column(sa.String(320))
    contact_email: Mapped[str] = mapped_column(sa.String(320))
    external_reference: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    # What the school asks of applicants through this service (vacancies/questions.py): guidance shown
    # above the supporting statement, and its own questions as [{"text": …, "required": bool}].
    statement_instructions: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    application_questions: Mapped[list[dict]] = mapped_column(sa.JSON, default=list, server_default="[]")
    # Digest of the title and description's words (vacancies/fingerprints.py), kept by the save hooks
    # below: an exact copy of another listing is one indexed lookup.
    content_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    # Anonymised shortlisting: the school sees no names or contact details until it shortlists.
    anonymise_applications: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    status: Mapped[VacancyStatus] = mapped_column(
        str_enum(VacancyStatus), default=VacancyStatus.DRAFT, index=True
    )
    status_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[dt.datetime | None]
    published_at: Mapped[dt.datetime | None]
    # The listing wizard's sections not answered yet (empty once every section is: see vacancies/steps.py).
    unanswered_steps: Mapped[list[str]] = mapped_column(default=list, server_default="[]")
    # Why the moderation policy sent it to a moderator, in words (the queue shows them); empty otherwise.
    review_reasons: Mapped[list[str]] = mapped_column(default=list, server_default="[]")

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()
    documents: Mapped[list[VacancyDocument]] = relationship(
        order_by="VacancyDocument.id", cascade="all, delete-orphan", passive_deletes=True
    )
    additional_schools: Mapped[list[Organisation]] = relationship(
        secondary=vacancy_schools, order_by="Organisation.name"
    )

    def is_live(self, now: dt.datetime | None = None) -> bool:
        """Listed for jobseekers: published, publish date reached, closing time still ahead."""
        now = now or utcnow()
        return self.status in PUBLIC_STATUSES and self.publish_on <= uk_today(now) and self.closes_at > now

    @property
    def posted_at(self) -> dt.datetime:
        """When the listing was posted, as jobseekers are told: on its publish date, at the moment it went
        live when that was on the same day, otherwise at the start of the day (UK time). An imported
        listing keeps the date its school published it, not the day the import ran."""
        if self.published_at is not None and self.published_at.astimezone(UK).date() == self.publish_on:
            return self.published_at
        return dt.datetime.combine(self.publish_on, dt.time(), tzinfo=UK).astimezone(dt.UTC)

    @property
    def places(self) -> list[Organisation]:
        """Every school the job is at: the posting organisation when it is a school, then the schools of
        the trust the listing covers. A trust listing without schools has only the trust to show."""
        is_school = self.organisation.kind == "school"
        found = [self.organisation] if is_school or not self.additional_schools else []
        found += [school for school in self.additional_schools if school.id != self.organisation_id]
        return found

    @property
    def applies_through_marketplace(self) -> bool:
        return self.how_to_apply == "marketplace"

    @property
    def job_role_labels(self) -> list[str]:
        return vocabulary.labels(vocabulary.JOB_ROLES, self.job_roles)

    @property
    def phase_labels(self) -> list[str]:
        return vocabulary.labels(vocabulary.PHASES, self.phases)

    @property
    def key_stage_labels(self) -> list[str]:
        return vocabulary.labels(vocabulary.KEY_STAGES, self.key_stages)

    @property
    def working_pattern_labels(self) -> list[str]:
        patterns = vocabulary.labels(vocabulary.WORKING_PATTERNS, self.working_patterns)
        return [*patterns, *(["Job share"] if self.job_share else [])] + (
            ["Term time only"] if self.term_time_only else []
        )

    # Pay in words for jobseekers (vacancies/pay.py); None when the school gave no such figure.
    @property
    def salary_range_label(self) -> str | None:
        return pay.salary_range_label(self)

    @property
    def actual_pay_label(self) -> str | None:
        return pay.actual_pay_label(self)

    @property
    def hourly_rate_label(self) -> str | None:
        return pay.hourly_rate_label(self)

    @property
    def hours_label(self) -> str | None:
        return pay.hours_label(self)

    @property
    def pay_summary(self) -> str | None:
        return pay.pay_summary(self)

    @property
    def contract_label(self) -> str:
        label = vocabulary.CONTRACT_TYPES.get(self.contract_type, self.contract_type)
        if self.contract_type == "fixed_term" and self.fixed_term_length:
            label = f"{label} ({self.fixed_term_length})"
        return f"{label}, covering parental leave" if self.parental_leave_cover else label

    def __repr__(self) -> str:
        return f"<Vacancy {self.id} {self.status} {self.title!r}>"

    # Set by the save hooks when the words or the organisation changed, so the band keys are rewritten
    # once the row has its id (not a column).
    _bands_stale = False


# What each accepted content type is called on the page (see vacancies/documents/checks.py).
DOCUMENT_KINDS = {
    "application/pdf": "PDF",
    "application/msword": "DOC",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
}


class VacancyDocument(Base):
    """A file a school attached to a listing; its bytes are in the DocumentStore under the document's id
    (vacancies/documents/store.py), never in this row, so pages listing documents never load them."""

    __tablename__ = "vacancy_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(120))
    # A random name, never the school's: the file's name when the bytes were kept on disk, still given to
    # each document so a downgrade (or a store keyed by name) can write it out without a clash.
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Its words, read at upload so moderation checks them (see document_text); None when not readable.
    text: Mapped[str | None] = mapped_column(sa.Text, deferred=True)

    @property
    def kind(self) -> str:
        return DOCUMENT_KINDS.get(self.content_type, "")

    @property
    def size_label(self) -> str:
        if self.size < 1024 * 1024:
            return f"{max(1, round(self.size / 1024))} KB"
        return f"{self.size / (1024 * 1024):.1f} MB"

    def __repr__(self) -> str:
        return f"<VacancyDocument {self.id} {self.filename!r}>"


class DocumentBlob(Base):
    """The bytes of one VacancyDocument (the DatabaseStore): a table of its own, so the document rows that
    pages list stay small, and every web node serves the same files. Deleted with its document."""

    __tablename__ = "document_blobs"

    document_id: Mapped[int] = mapped_column(
        sa.ForeignKey("vacancy_documents.id", ondelete="CASCADE"), primary_key=True
    )
    # Never loaded with the row: the store reads it in chunks (see documents/store.py).
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)


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


# Fingerprints follow the words on every save through the ORM (rows written with Core inserts, as some
# benchmarks and search tests do, have none and are simply not found by the duplicate checks).
@sa.event.listens_for(Vacancy, "before_insert")
@sa.event.listens_for(Vacancy, "before_update")
def _refresh_content_hash(mapper, connection, vacancy: Vacancy) -> None:
    state = sa.inspect(vacancy)
    if state.persistent and vacancy.content_hash is not None:
        changed = state.attrs.title.history.has_changes() or state.attrs.about_role.history.has_changes()
        if not changed and not state.attrs.organisation_id.history.has_changes():
            return
    digest = fingerprints.content_hash(vacancy.title, vacancy.about_role)
    if digest != vacancy.content_hash or state.attrs.organisation_id.history.has_changes():
        vacancy.content_hash = digest
        vacancy._bands_stale = True


# One statement writes a listing's band keys, sent as it is: a round trip per row, or SQLAlchemy
# compiling a many-row INSERT for every listing, was most of an import's time.
_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


@functools.cache
def _insert_bands_sql(paramstyle: str) -> str:
    mark = _PLACEHOLDERS[paramstyle]
    rows = ", ".join(f"({mark}, {band}, {mark}, {mark})" for band in range(fingerprints.BANDS))
    return f"INSERT INTO vacancy_bands (vacancy_id, band, key, organisation_id) VALUES {rows}"  # noqa: S608 (placeholders only)


@sa.event.listens_for(Vacancy, "after_insert")
@sa.event.listens_for(Vacancy, "after_update")
def _store_band_keys(mapper, connection, vacancy: Vacancy) -> None:
    if not vacancy._bands_stale:
        return
    vacancy._bands_stale = False
    # A new row on PostgreSQL has no bands (ids are never reused and deletes cascade); SQLite may reuse the
    # id of a deleted listing, whose rows its foreign keys (not enforced) left behind.
    if sa.inspect(vacancy).persistent or connection.dialect.name == "sqlite":
        connection.execute(sa.delete(vacancy_bands).where(vacancy_bands.c.vacancy_id == vacancy.id))
    keys = fingerprints.band_keys(vacancy.title, vacancy.about_role)
    if not keys:
        return
    if connection.dialect.paramstyle in _PLACEHOLDERS:
        values = tuple(value for key in keys for value in (vacancy.id, key, vacancy.organisation_id))
        connection.exec_driver_sql(_insert_bands_sql(connection.dialect.paramstyle), values)
    else:
        connection.execute(
            sa.insert(vacancy_bands),
            [
                {
                    "vacancy_id": vacancy.id,
                    "band": band,
                    "key": key,
                    "organisation_id": vacancy.organisation_id,
                }
                for band, key in enumerate(keys)
            ],
        )
