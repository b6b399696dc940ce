"""Bytes follow their records: a document's bytes are deleted in the same flush as its record.

However the record goes (a school deleting it, its listing deleted by the school or by retention, a
delete-orphan cascade), the database store's row goes in the same transaction: a rolled-back deletion
keeps both, a committed one keeps neither. PostgreSQL's ON DELETE CASCADE would do it alone; SQLite does
not enforce foreign keys, so it is done here for both.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Mapper, Session, UOWTransaction

from marketplace.vacancies.documents.store import DatabaseStore
from marketplace.vacancies.models import Vacancy, VacancyDocument


def init_app(app: Flask) -> None:
    """Listen to session flushes and document deletions (process-wide listeners, added once)."""
    if not sa.event.contains(Session, "before_flush", delete_documents_with_their_listing):
        sa.event.listen(Session, "before_flush", delete_documents_with_their_listing)
    if not sa.event.contains(VacancyDocument, "before_delete", delete_bytes_with_their_document):
        sa.event.listen(VacancyDocument, "before_delete", delete_bytes_with_their_document)


def delete_documents_with_their_listing(session: Session, flush_context: UOWTransaction, instances) -> None:
    """Before a flush: delete the document records of listings being deleted, through the session.

    The foreign key cascades on PostgreSQL, but SQLite does not enforce it, and either way the records
    must pass through the session for their bytes to go too (the relationship's deletes are passive).
    """
    vacancy_ids = [item.id for item in session.deleted if isinstance(item, Vacancy) and item.id is not None]
    if vacancy_ids:
        for document in session.scalars(
            sa.select(VacancyDocument).where(VacancyDocument.vacancy_id.in_(vacancy_ids))
        ):
            session.delete(document)


def delete_bytes_with_their_document(
    mapper: Mapper, connection: sa.Connection, target: VacancyDocument
) -> None:
    """In the flush that deletes a document's record, just before it: delete its bytes, on the flush's
    own connection (so in the same transaction)."""
    DatabaseStore(connection).delete(target.id)
