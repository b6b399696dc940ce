"""Use-cases for a listing's supporting documents: list, attach and remove them (the caller commits).

A document's bytes are written in the same transaction as its record and go with it (with the document
or its whole listing: see cleanup.py). A document added to a listing on sale is screened again with
the listing: that use-case is publishing/documents.py, which calls `attach` here.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

import sqlalchemy as sa

from marketplace import audit
from marketplace.audit import AuditAction, AuditSubject
from marketplace.extensions import db
from marketplace.organisations.queries import organisation_ids_for
from marketplace.vacancies.documents.checks import MAX_PER_LISTING, DocumentRejected, Upload
from marketplace.vacancies.documents.store import store
from marketplace.vacancies.models import Vacancy, VacancyDocument
from marketplace.vacancies.services import VacancyError

if TYPE_CHECKING:
    from marketplace.accounts.models import User


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


def attach(user: User, vacancy: Vacancy, upload: Upload) -> VacancyDocument:
    """Record a checked file against the listing and store its bytes, in the caller's transaction (the
    caller commits; a rollback leaves neither).

    Not screened: a listing on sale takes documents through publishing.documents.attach."""
    _check_member(user, vacancy)
    if len(for_vacancy(vacancy.id)) >= MAX_PER_LISTING:
        raise DocumentRejected(f"A listing can have up to {MAX_PER_LISTING} documents: delete one first")
    document = VacancyDocument(
        vacancy_id=vacancy.id,
        filename=upload.filename,
        stored_name=secrets.token_hex(16),
        content_type=upload.content_type,
        size=len(upload.data),
        sha256=upload.sha256,
        uploaded_by_id=user.id,
        text=upload.text,
    )
    db.session.add(document)
    db.session.flush()  # its id keys the bytes
    store().put(document.id, upload.data)
    audit.record(
        AuditAction.VACANCY_DOCUMENT_ADDED,
        subject_type=AuditSubject.VACANCY,
        subject_id=vacancy.id,
        actor=user,
        filename=document.filename,
        sha256=document.sha256,
    )
    return document


def remove(user: User, vacancy: Vacancy, document: VacancyDocument) -> str:
    """Delete a document's record, and with it its bytes (the caller commits); returns its name."""
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
