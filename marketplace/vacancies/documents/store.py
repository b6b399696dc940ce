"""Where the bytes of supporting documents live: the DocumentStore seam, and the database store behind it.

The bytes are kept in the database (`document_blobs`, one row per document, keyed by its id), written in
the same transaction as the document's record and deleted with it. So every web node serves the same
files, a backup of the database holds them, and a rolled-back upload or deletion leaves nothing behind.

The seam is three methods on purpose (put, open and delete by document id), so another store fits behind
it later: an S3-compatible bucket would put an object under the document's id before the commit, and
delete it only after the deletion of its record has committed (collect in after_flush, act in
after_commit, as the search hooks do), since a bucket cannot join the database transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session, scoped_session

from marketplace.extensions import db
from marketplace.vacancies.models import DocumentBlob

# How much of a document is read from the database at a time while it is sent: a download holds at most
# this much of it in memory, and a typical document (a few hundred KB) takes one query.
CHUNK_BYTES = 512 * 1024

_BLOBS = cast(sa.Table, DocumentBlob.__table__)

# Where the store's statements run: the app's session, or a connection (in a flush, or a migration).
Executor = Session | scoped_session[Any] | sa.Connection


@dataclass
class StoredFile:
    """A stored document, opened: its size, and its bytes read lazily a chunk at a time."""

    size: int
    chunks: Iterator[bytes]

    def read(self) -> bytes:
        """All of it (a document is at most 10 MB: see checks.MAX_BYTES)."""
        return b"".join(self.chunks)


class DocumentStore(Protocol):
    """The bytes of documents, by document id.

    Small on purpose, so an S3-compatible store can be added behind it later (see this module's
    docstring for what such a store must do about transactions).
    """

    def put(self, document_id: int, data: bytes) -> None:
        """Keep `data` as the bytes of the (flushed) document `document_id`."""
        ...

    def open(self, document_id: int) -> StoredFile | None:
        """The document's bytes, or None when the store has none for it."""
        ...

    def delete(self, document_id: int) -> None:
        """Forget a document's bytes (already gone is the wanted outcome); only once its record goes."""
        ...


@dataclass(frozen=True)
class DatabaseStore:
    """Bytes in the `document_blobs` table, through `connection` (a session, or a connection in a flush
    or a migration), so they are written and deleted in the caller's transaction."""

    connection: Executor

    def put(self, document_id: int, data: bytes) -> None:
        self.connection.execute(sa.insert(_BLOBS).values(document_id=document_id, data=data))

    def open(self, document_id: int) -> StoredFile | None:
        row = self.connection.execute(
            sa.select(sa.func.length(_BLOBS.c.data), self._slice(0)).where(
                _BLOBS.c.document_id == document_id
            )
        ).first()
        if row is None:
            return None
        size, first = int(row[0]), bytes(row[1] or b"")
        return StoredFile(size=size, chunks=self._chunks(document_id, size, first))

    def delete(self, document_id: int) -> None:
        self.connection.execute(sa.delete(_BLOBS).where(_BLOBS.c.document_id == document_id))

    @staticmethod
    def _slice(offset: int) -> sa.ColumnElement[bytes]:
        # substr counts from 1, and reads bytes of a BLOB (SQLite) or a bytea (PostgreSQL).
        return sa.func.substr(_BLOBS.c.data, offset + 1, CHUNK_BYTES, type_=sa.LargeBinary)

    def _chunks(self, document_id: int, size: int, first: bytes) -> Iterator[bytes]:
        if first:
            yield first
        sent = len(first)
        while sent < size:
            chunk = self.connection.execute(
                sa.select(self._slice(sent)).where(_BLOBS.c.document_id == document_id)
            ).scalar()
            if not chunk:  # deleted while it was being sent: the download ends short, as a client sees
                return
            yield bytes(chunk)
            sent += len(chunk)


def store(connection: Executor | None = None) -> DocumentStore:
    """The store documents are kept in, working in `connection`'s transaction (by default the session's)."""
    return DatabaseStore(db.session if connection is None else connection)
