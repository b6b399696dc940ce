"""Supporting documents for a listing (job description, person specification, application pack).

A file is accepted by what it is, never by its name or the type the browser declares: a PDF starts
`%PDF-`, a Word 97-2003 document is an OLE2 compound file, and a DOCX is a real zip archive holding
`word/document.xml`. Files are stored under the instance folder with random names (never under
static/), and served through the app: to the school's staff always, to the public only while the
listing is live, and to moderators reviewing it. A file on disk goes when its record is deleted (with
its document or its whole listing), once that deletion has committed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import logging
import os
import re
import secrets
import unicodedata
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Mapped, Session, SessionTransaction, UOWTransaction, mapped_column

from marketplace import audit
from marketplace.audit import AuditAction, AuditSubject
from marketplace.db import Base, utcnow
from marketplace.extensions import db
from marketplace.organisations.queries import organisation_ids_for
from marketplace.vacancies import document_text
from marketplace.vacancies.details import VacancyDetails
from marketplace.vacancies.lifecycle import VacancyAction, VacancyStatus
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.services import VacancyError, transition

if TYPE_CHECKING:
    from marketplace.accounts.models import User

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_LISTING = 10

PDF = "application/pdf"
DOC = "application/msword"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: ".pdf", DOC: ".doc", DOCX: ".docx"}
OLE2_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")


class VacancyDocument(Base):
    """A file a school attached to a listing; the bytes live in the upload folder under `stored_name`."""

    __tablename__ = "vacancy_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(120))
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
        return EXTENSIONS.get(self.content_type, "").lstrip(".").upper()

    @property
    def size_label(self) -> str:
        if self.size < 1024 * 1024:
            return f"{max(1, round(self.size / 1024))} KB"
        return f"{self.size / (1024 * 1024):.1f} MB"

    def __repr__(self) -> str:
        return f"<VacancyDocument {self.id} {self.filename!r}>"


class DocumentRejected(VacancyError):
    """The file cannot be attached; the message says why, for the school."""


def sniff(data: bytes) -> str | None:
    """The content type of a PDF, DOC or DOCX judged by its bytes; None for anything else."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(OLE2_SIGNATURE):
        return DOC
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        # A damaged archive can also claim a compression method or feature zipfile does not have.
        except (zipfile.BadZipFile, NotImplementedError, EOFError, ValueError, OSError):
            return None
        if "word/document.xml" in names:
            return DOCX
    return None


def safe_filename(name: str, content_type: str) -> str:
    """A filename safe for headers and pages: the last path part, plain characters, the right extension."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    stem = os.path.splitext(base)[0]
    stem = re.sub(r"[^A-Za-z0-9 ._()-]+", "", stem)
    stem = re.sub(r"\s+", " ", stem).strip(" .")[:100] or "document"
    return stem + EXTENSIONS[content_type]


@dataclasses.dataclass(frozen=True)
class Upload:
    """A checked file, ready to store."""

    filename: str
    content_type: str
    data: bytes
    text: str | None = None  # its words, None when they cannot be read (see document_text)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def read_text(content_type: str, data: bytes) -> str | None:
    """A checked file's words, or None when they cannot be read (see document_text)."""
    read = {PDF: document_text.pdf_text, DOCX: document_text.docx_text}.get(content_type)
    return read(data) if read else None


def check_upload(filename: str, data: bytes) -> Upload:
    """The file as an Upload, or DocumentRejected saying what is wrong with it."""
    if not data:
        raise DocumentRejected("The selected file is empty")
    if len(data) > MAX_BYTES:
        raise DocumentRejected("The selected file must be smaller than 10 MB")
    content_type = sniff(data)
    if content_type is None:
        raise DocumentRejected("The selected file must be a PDF, DOC or DOCX")
    return Upload(
        filename=safe_filename(filename, content_type),
        content_type=content_type,
        data=data,
        text=read_text(content_type, data),
    )


def folder(upload_path: str) -> Path:
    return Path(upload_path) / "documents"


def path_of(document: VacancyDocument, upload_path: str) -> Path:
    return folder(upload_path) / document.stored_name


def for_vacancy(vacancy_id: int) -> list[VacancyDocument]:
    return list(
        db.session.scalars(
            sa.select(VacancyDocument)
            .where(VacancyDocument.vacancy_id == vacancy_id)
            .order_by(VacancyDocument.id)
        )
    )


def _check_member(user: User, vacancy: Vacancy) -> None:
    if vacancy.organisation_id not in organisation_ids_for(user):
        raise VacancyError("You can only change listings of a school or trust you belong to.")


def attach(user: User, vacancy: Vacancy, upload: Upload, *, upload_path: str) -> VacancyDocument:
    """Store a checked file under a random name and record it against the listing (the caller commits)."""
    _check_member(user, vacancy)
    if len(for_vacancy(vacancy.id)) >= MAX_PER_LISTING:
        raise DocumentRejected(f"A listing can have up to {MAX_PER_LISTING} documents: delete one first")
    target = folder(upload_path)
    target.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    # Written before the row: if the transaction fails, an unreferenced file is harmless; a row without
    # its file would not be.
    with open(target / stored_name, "xb") as handle:
        handle.write(upload.data)
    document = VacancyDocument(
        vacancy_id=vacancy.id,
        filename=upload.filename,
        stored_name=stored_name,
        content_type=upload.content_type,
        size=len(upload.data),
        sha256=upload.sha256,
        uploaded_by_id=user.id,
        text=upload.text,
    )
    db.session.add(document)
    db.session.flush()
    audit.record(
        AuditAction.VACANCY_DOCUMENT_ADDED,
        subject_type=AuditSubject.VACANCY,
        subject_id=vacancy.id,
        actor=user,
        filename=document.filename,
        sha256=document.sha256,
    )
    if vacancy.status in (VacancyStatus.PUBLISHED, VacancyStatus.SCHEDULED):
        _screen_again(user, vacancy)
    return document


def _screen_again(user: User, vacancy: Vacancy) -> None:
    """A new document on a listing on sale is screened with the listing, as an edit is (steps.save_step):
    what needs a moderator takes the listing down until approved; what the policy refuses raises
    ListingBlocked, and the caller rolls the document back."""
    from marketplace.moderation.policy import Outcome  # moderation builds on this package
    from marketplace.moderation.screening import ListingBlocked, record_verdict, verdict_for

    now = utcnow()
    details = VacancyDetails.from_vacancy(vacancy)
    verdict = verdict_for(
        details, vacancy.organisation, now=now, vacancy_id=vacancy.id, submitter=user, editing=vacancy
    )
    if verdict.outcome is Outcome.BLOCK:
        raise ListingBlocked(verdict)
    if verdict.outcome is Outcome.REVIEW:
        transition(
            vacancy,
            VacancyAction.HOLD,
            actor=user,
            reason="Document added by the school: needs review",
            now=now,
        )
        vacancy.submitted_at = now
    record_verdict(vacancy, verdict)


def remove(user: User, vacancy: Vacancy, document: VacancyDocument) -> str:
    """Delete a document's record (the caller commits; the file goes after the commit); returns its name."""
    _check_member(user, vacancy)
    if document.vacancy_id != vacancy.id:
        raise VacancyError("This document belongs to another listing.")
    audit.record(
        AuditAction.VACANCY_DOCUMENT_REMOVED,
        subject_type=AuditSubject.VACANCY,
        subject_id=vacancy.id,
        actor=user,
        filename=document.filename,
    )
    db.session.delete(document)
    return document.stored_name


def delete_file(stored_name: str, upload_path: str) -> None:
    """Remove a stored file once its record is gone (a missing file is already the wanted outcome)."""
    if re.fullmatch(r"[0-9a-f]{32}", stored_name):
        (folder(upload_path) / stored_name).unlink(missing_ok=True)


# --- Files follow their records, after commit ------------------------------------------------------

_DELETED_FILES = "marketplace.vacancies.documents.deleted_files"


def init_app(app: Flask) -> None:
    """Listen to session transactions (process-wide listeners, added once)."""
    for event, listener in (
        ("before_flush", delete_documents_with_their_listing),
        ("after_flush", collect_deleted_files),
        ("after_commit", delete_files_after_commit),
        ("after_rollback", forget_deleted_files),
        ("after_transaction_end", forget_at_transaction_end),
    ):
        if not sa.event.contains(Session, event, listener):
            sa.event.listen(Session, event, listener)


def delete_documents_with_their_listing(session: Session, flush_context: UOWTransaction, instances) -> None:
    """Before a flush: delete the document records of listings being deleted, through the session.

    The foreign key cascades on PostgreSQL, but SQLite does not enforce it, and either way the records
    must pass through the session for their files to be found (the relationship's deletes are passive).
    """
    vacancy_ids = [item.id for item in session.deleted if isinstance(item, Vacancy) and item.id is not None]
    if vacancy_ids:
        for document in session.scalars(
            sa.select(VacancyDocument).where(VacancyDocument.vacancy_id.in_(vacancy_ids))
        ):
            session.delete(document)


def collect_deleted_files(session: Session, flush_context: UOWTransaction) -> None:
    """After a flush: remember the stored names of the documents it deleted, with the folder they are in."""
    if not has_app_context():
        return
    names = {item.stored_name for item in session.deleted if isinstance(item, VacancyDocument)}
    if names:
        upload_path = current_app.config["UPLOAD_PATH"]
        session.info.setdefault(_DELETED_FILES, set()).update((upload_path, name) for name in names)


def delete_files_after_commit(session: Session) -> None:
    """After a commit: delete the files whose records are gone. A failure is logged, never raised: the
    commit has happened, and an unreferenced file is harmless."""
    for upload_path, stored_name in sorted(session.info.pop(_DELETED_FILES, ())):
        try:
            delete_file(stored_name, upload_path)
        except OSError:
            logger.exception("The document file %s could not be deleted", stored_name)


def forget_deleted_files(session: Session) -> None:
    """After a rollback: the records are back, so their files stay."""
    session.info.pop(_DELETED_FILES, None)


def forget_at_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    """When the outermost transaction ends without a commit (a session closed mid-transaction fires no
    after_rollback), its deletions never happened."""
    if transaction.parent is None:
        session.info.pop(_DELETED_FILES, None)
