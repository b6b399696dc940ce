"""document blobs: the bytes of supporting documents move from each node's disk into the database

Upgrade creates `document_blobs` and copies every document's file from the upload folder
(INSTANCE_PATH/uploads/documents/<stored_name>) into it. A file that is missing is logged as a warning
and its document kept without bytes: its download then answers 404. The files are left on disk; delete
the folder once the documents download as expected.

Downgrade writes every blob back to that folder under its stored name (where the earlier code reads
it), then drops the table. It stops, dropping nothing, if a file cannot be written.

Revision ID: fd10c0de0020
Revises: fcf0c0de0019
Create Date: 2026-12-04 23:50:00

"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

revision = "fd10c0de0020"
down_revision = "fcf0c0de0019"
branch_labels = None
depends_on = None

logger = logging.getLogger("alembic.runtime.migration")

# Only names the upload code made (32 hex digits): a stored name is never a path to somewhere else.
STORED_NAME = re.compile(r"[0-9a-f]{32}")

documents = sa.table(
    "vacancy_documents",
    sa.column("id", sa.Integer()),
    sa.column("stored_name", sa.String()),
)
blobs = sa.table(
    "document_blobs",
    sa.column("document_id", sa.Integer()),
    sa.column("data", sa.LargeBinary()),
)


def _upload_path() -> str | None:
    """The configured upload folder (UPLOAD_PATH, under INSTANCE_PATH) of the app running the migration."""
    return current_app.config.get("UPLOAD_PATH") if has_app_context() else None


def _file(upload_path: str | None, stored_name: str) -> Path | None:
    if not upload_path or not STORED_NAME.fullmatch(stored_name or ""):
        return None
    return Path(upload_path) / "documents" / stored_name


def move_files_into_table(connection: sa.Connection, upload_path: str | None) -> list[int]:
    """Copy each document's file into `document_blobs`, one file at a time; returns the ids of the
    documents whose file was missing (each logged as a warning). Documents that already have a blob are
    left alone, so running it again does no harm."""
    missing = []
    have_blob = sa.select(blobs.c.document_id).where(blobs.c.document_id == documents.c.id)
    rows = connection.execute(
        sa.select(documents.c.id, documents.c.stored_name).where(~have_blob.exists()).order_by(documents.c.id)
    ).all()
    for document_id, stored_name in rows:
        path = _file(upload_path, stored_name)
        if path is None or not path.is_file():
            logger.warning(
                "Supporting document %s has no file at %s: kept without its bytes (its download answers 404)",
                document_id,
                path or f"{upload_path}/documents/{stored_name}",
            )
            missing.append(document_id)
            continue
        connection.execute(sa.insert(blobs).values(document_id=document_id, data=path.read_bytes()))
    moved = len(rows) - len(missing)
    if moved:
        logger.info("Moved %s supporting document files into the database from %s", moved, upload_path)
    return missing


def write_blobs_to_disk(connection: sa.Connection, upload_path: str | None) -> int:
    """Write each blob to the upload folder under its document's stored name (an existing file is
    left as it is); returns how many were written. Raises, writing nothing more, when one cannot be."""
    rows = connection.execute(
        sa.select(documents.c.id, documents.c.stored_name)
        .join(blobs, blobs.c.document_id == documents.c.id)
        .order_by(documents.c.id)
    ).all()
    if rows and not upload_path:
        raise RuntimeError("No upload folder (UPLOAD_PATH) to write the documents back to: not downgrading")
    written = 0
    for document_id, stored_name in rows:
        path = _file(upload_path, stored_name)
        if path is None:
            raise RuntimeError(
                f"Supporting document {document_id} has no usable stored name: not downgrading"
            )
        if path.is_file():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        data = connection.execute(sa.select(blobs.c.data).where(blobs.c.document_id == document_id)).scalar()
        path.write_bytes(data or b"")
        written += 1
    return written


def upgrade():
    op.create_table(
        "document_blobs",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["vacancy_documents.id"],
            name=op.f("fk_document_blobs_document_id_vacancy_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_document_blobs")),
    )
    if op.get_context().as_sql:
        logger.warning("Offline (--sql): run the upgrade online to move the document files into the database")
        return
    move_files_into_table(op.get_bind(), _upload_path())


def downgrade():
    if op.get_context().as_sql:
        logger.warning("Offline (--sql): the document blobs are dropped without being written to disk")
    else:
        written = write_blobs_to_disk(op.get_bind(), _upload_path())
        if written:
            logger.info("Wrote %s supporting documents back to %s", written, _upload_path())
    op.drop_table("document_blobs")
