"""Files follow their records: a document's file is deleted once the deletion of its record commits.

Collected in after_flush, acted on in after_commit, forgotten in after_rollback (and when a transaction
ends without a commit), so a rolled-back deletion never loses a file.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction

from marketplace.vacancies.documents.store import delete_file
from marketplace.vacancies.models import Vacancy, VacancyDocument

logger = logging.getLogger(__name__)

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
