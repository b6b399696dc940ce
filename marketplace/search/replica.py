"""The search index as a replica of the database, fed by the durable change log (`SearchChange`).

Writing side, in the business transaction: every insert, update or delete of a vacancy (and every change
to an organisation field its documents copy) appends a `SearchChange` row on the same connection, so the
log commits or rolls back with the change itself.

Applying side, after the transaction: the committing process catches its local index up with the log
(`sync`), under the index's write lock. A failure there (lock held, disk full, corrupt index) is logged
and left for the next sync; the commit has already succeeded and stays that way. The index records
the last change it applied in a bookmark document committed together with the documents, so any
replica, on any node, after any crash, knows exactly where to resume.

Change ids come from a sequence, and on PostgreSQL a transaction can commit a lower id after another
committed a higher one. The bookmark therefore only moves past a gap in the ids once the change after
the gap is older than IN_FLIGHT_GRACE; until then the changes after the gap are applied again on each
sync, which is harmless because applying a change means copying the vacancy's current state.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session
from whoosh.index import LockError
from whoosh.writing import IndexWriter

from marketplace.db import utcnow
from marketplace.organisations.models import Organisation
from marketplace.search.build import (
    LOAD_BATCH,
    add_published,
    all_published_vacancies,
    build_index,
    published_query,
)
from marketplace.search.index import IndexOutdated, SearchIndex, is_current, read_bookmark
from marketplace.search.models import SearchChange
from marketplace.search.schema import (
    INDEXED_ORGANISATION_ATTRIBUTES,
    SCHEMA_VERSION,
    VACANCY_KIND,
    Bookmark,
    vacancy_document,
)
from marketplace.vacancies.models import Vacancy, vacancy_schools

logger = logging.getLogger(__name__)

EXTENSION = "marketplace.search"
_PENDING = "marketplace.search.pending"  # Session.info key: this transaction logged changes

# How long a transaction may sit between taking a change id and committing before we stop waiting for it.
IN_FLIGHT_GRACE = dt.timedelta(minutes=5)
# An unlocked rebuild staging folder at least this old was left by a rebuild that died.
STAGING_MIN_AGE = dt.timedelta(minutes=1)


def init_app(app: Flask) -> None:
    """Apply this app's committed vacancy changes to its local index (SEARCH_INDEX_PATH) after each commit.

    The session hooks are registered once per process and serve every app: each commit finds its app's
    settings through the app captured (via flask.current_app) when the change was logged.
    """
    app.extensions[EXTENSION] = True
    for name, hook in _SESSION_HOOKS.items():
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


# --- Writing the change log, inside the business transaction ---------------------------------------


def _log_flushed_changes(session: Session, flush_context: object) -> None:
    """after_flush hook: log the vacancies this flush inserted, updated or deleted, in its transaction."""
    vacancy_ids = _flushed_vacancy_ids(session)
    if vacancy_ids:
        _append_changes(session, vacancy_ids)


def _flushed_vacancy_ids(session: Session) -> set[int]:
    # after_flush still sees the flush's new, dirty and deleted objects and their attribute history.
    ids = {obj.id for obj in (*session.new, *session.deleted) if isinstance(obj, Vacancy)}
    changed_organisations = set()
    for obj in session.dirty:
        if isinstance(obj, Vacancy) and session.is_modified(obj):
            ids.add(obj.id)
        elif isinstance(obj, Organisation) and any(
            sa.inspect(obj).attrs[name].history.has_changes() for name in INDEXED_ORGANISATION_ATTRIBUTES
        ):
            changed_organisations.add(obj.id)
    if changed_organisations:
        their_vacancies = sa.select(Vacancy.id).where(Vacancy.organisation_id.in_(changed_organisations))
        ids.update(session.connection().scalars(their_vacancies))
        # Listings of a trust that cover one of these schools show its name and place too.
        covering = sa.select(vacancy_schools.c.vacancy_id).where(
            vacancy_schools.c.organisation_id.in_(changed_organisations)
        )
        ids.update(session.connection().scalars(covering))
    return ids


def _log_bulk_statement(state: ORMExecuteState) -> None:
    """do_orm_execute hook: an UPDATE or DELETE of vacancies run through the session skips the flush,
    so log the rows it is about to touch before it runs."""
    if not (state.is_update or state.is_delete):
        return
    if getattr(state.statement.table, "name", None) != Vacancy.__tablename__:
        return
    connection = state.session.connection(bind_arguments=state.bind_arguments)
    if isinstance(state.parameters, list):  # ORM bulk UPDATE by primary key
        vacancy_ids = {row["id"] for row in state.parameters if "id" in row}
    else:
        touched = sa.select(Vacancy.id)
        if state.statement.whereclause is not None:
            touched = touched.where(state.statement.whereclause)
        vacancy_ids = set(connection.scalars(touched))
    if vacancy_ids:
        _append_changes(state.session, vacancy_ids)


def _append_changes(session: Session, vacancy_ids: Iterable[int]) -> None:
    # A core INSERT on the transaction's own connection: Session.add is not allowed during a flush.
    connection = session.connection()
    rows = [{"vacancy_id": vacancy_id} for vacancy_id in sorted(vacancy_ids)]
    connection.execute(sa.insert(SearchChange), rows)
    if has_app_context() and EXTENSION in current_app.extensions:
        session.info[_PENDING] = (current_app._get_current_object(), connection.engine)


# --- Applying the log after commit ------------------------------------------------------------------


def _apply_after_commit(session: Session) -> None:
    """after_commit hook: catch the committing app's local index up with the log, never raising.

    SQLAlchemy also calls it when a savepoint is released: the outer transaction has not committed
    yet, so the changes wait for it.
    """
    if session.in_nested_transaction():
        return
    pending = session.info.pop(_PENDING, None)
    if pending is not None:
        app, engine = pending
        apply_pending_changes(SearchIndex.from_config(app.config), engine)


def _forget_pending(session: Session) -> None:
    """after_rollback hook: the logged changes were rolled back with everything else.

    A savepoint rolled back may leave earlier changes of the transaction standing: keep the flag (an
    extra sync finds nothing to do at worst).
    """
    if not session.in_nested_transaction():
        session.info.pop(_PENDING, None)


_SESSION_HOOKS = {
    "after_flush": _log_flushed_changes,
    "do_orm_execute": _log_bulk_statement,
    "after_commit": _apply_after_commit,
    "after_rollback": _forget_pending,
}


def apply_pending_changes(index: SearchIndex, engine: sa.Engine) -> SyncReport | None:
    """Sync `index` using a session of its own (the committing one can no longer run SQL).

    Returns None, after logging a warning, when the index cannot be updated now: the changes stay in
    the log and the next sync (after the next commit, or `marketplace search sync`) applies them.
    """
    try:
        with Session(engine) as session:
            return sync(index, session)
    except LockError:
        logger.warning(
            "Search index %s is locked by another writer; the changes wait for the next sync.", index.path
        )
    except Exception:
        logger.warning(
            "Search index %s could not be updated; the changes wait for the next sync.",
            index.path,
            exc_info=True,
        )
    return None


@dataclass(frozen=True)
class SyncReport:
    """What a sync did: log entries applied, vacancy documents written or removed, where the bookmark is."""

    applied: int
    vacancies: int
    last_change_id: int
    reloaded: bool = False  # the index had no bookmark, so it was loaded whole from the database


def sync(index: SearchIndex, session: Session, *, now: dt.datetime | None = None) -> SyncReport:
    """Apply the logged changes the index has not applied yet, under its write lock.

    An index without a bookmark (new, or emptied) cannot know what it missed and is loaded whole.
    Raises LockError when another writer keeps the lock beyond the write timeout, IndexOutdated when
    the index was built for another schema version.
    """
    now = now or utcnow()
    bookmark = index.bookmark()
    if bookmark and not pending_change_count(session, bookmark):  # up to date: no need for the lock
        return SyncReport(applied=0, vacancies=0, last_change_id=bookmark.last_change_id)

    writer = index.writer()
    try:
        # Read again under the lock: another process may have synced while we waited for it.
        bookmark = read_bookmark(writer.searcher())
        if not is_current(writer.schema, bookmark):
            raise IndexOutdated(index.path)
        if bookmark is None:
            report = _reload(writer, session, now)
        else:
            report = _apply_changes(writer, session, bookmark.last_change_id, now)
    except BaseException:
        writer.cancel()
        raise
    if report.applied or report.reloaded:
        writer.commit()
    else:
        writer.cancel()
    return report


def _apply_changes(
    writer: IndexWriter, session: Session, last_change_id: int, now: dt.datetime
) -> SyncReport:
    changes = session.execute(
        sa.select(SearchChange.id, SearchChange.vacancy_id, SearchChange.created_at)
        .where(SearchChange.id > last_change_id)
        .order_by(SearchChange.id)
    ).all()
    if not changes:
        return SyncReport(applied=0, vacancies=0, last_change_id=last_change_id)
    vacancy_ids = list(dict.fromkeys(change.vacancy_id for change in changes))
    published = {vacancy.id: vacancy for vacancy in _published_vacancies(session, vacancy_ids)}
    for vacancy_id in vacancy_ids:
        if vacancy_id in published:
            writer.update_document(**vacancy_document(published[vacancy_id]))
        else:
            writer.delete_by_term("id", str(vacancy_id))
    logged_at = [(change.id, change.created_at) for change in changes]
    bookmark = advance_bookmark(last_change_id, logged_at, now - IN_FLIGHT_GRACE)
    writer.update_document(**Bookmark(bookmark, SCHEMA_VERSION).document())
    return SyncReport(applied=len(changes), vacancies=len(vacancy_ids), last_change_id=bookmark)


def _reload(writer: IndexWriter, session: Session, now: dt.datetime) -> SyncReport:
    # The bookmark is read before the vacancies: changes committed meanwhile are applied (again) next time.
    bookmark = settled_change_id(session, now)
    writer.delete_by_term("kind", VACANCY_KIND)
    count = add_published(writer, session)
    writer.update_document(**Bookmark(bookmark, SCHEMA_VERSION).document())
    return SyncReport(applied=0, vacancies=count, last_change_id=bookmark, reloaded=True)


def advance_bookmark(
    last_change_id: int, changes: Sequence[tuple[int, dt.datetime]], horizon: dt.datetime
) -> int:
    """How far the bookmark may move over `changes` (ascending ids with their creation times).

    It stops before a gap in the ids while the change after the gap is more recent than `horizon`: the
    missing id may belong to a transaction that has not committed yet. Older gaps were rolled back.
    """
    bookmark = last_change_id
    for change_id, created_at in changes:
        if change_id != bookmark + 1 and created_at > horizon:
            break
        bookmark = change_id
    return bookmark


def settled_change_id(session: Session, now: dt.datetime) -> int:
    """The latest change id that no transaction still in flight can precede (0 for an empty log)."""
    horizon = now - IN_FLIGHT_GRACE
    settled = (
        session.scalar(sa.select(sa.func.max(SearchChange.id)).where(SearchChange.created_at <= horizon)) or 0
    )
    recent = session.execute(
        sa.select(SearchChange.id, SearchChange.created_at)
        .where(SearchChange.id > settled)
        .order_by(SearchChange.id)
    ).all()
    return advance_bookmark(settled, [(change.id, change.created_at) for change in recent], horizon)


def pending_change_count(session: Session, bookmark: Bookmark | None) -> int:
    """How many logged changes come after the bookmark."""
    after = bookmark.last_change_id if bookmark else 0
    return session.scalar(sa.select(sa.func.count()).where(SearchChange.id > after)) or 0


def _published_vacancies(session: Session, vacancy_ids: Sequence[int]) -> list[Vacancy]:
    vacancies: list[Vacancy] = []
    for start in range(0, len(vacancy_ids), LOAD_BATCH):
        batch = vacancy_ids[start : start + LOAD_BATCH]
        vacancies.extend(session.scalars(published_query().where(Vacancy.id.in_(batch))))
    return vacancies


# --- Rebuilding and verifying -----------------------------------------------------------------------


@dataclass(frozen=True)
class RebuildReport:
    vacancies: int
    last_change_id: int


def rebuild(
    index: SearchIndex, session: Session, *, now: dt.datetime | None = None, processes: int = 1
) -> RebuildReport:
    """Recreate the index from the database in a new folder, then swap it in whole.

    Searches keep using the old index until the swap, which is atomic; changes committed during the
    build are applied straight after it. Also the cure for a corrupt index or a new schema version.
    A large index is built by up to `processes` processes at once (see build.py).
    """
    now = now or utcnow()
    bookmark = settled_change_id(session, now)
    index.path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(index.path)
    staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(index.path), dir=index.path.parent))
    # Held until this function returns, and released by the system should the process die: a locked
    # staging folder belongs to a rebuild still running.
    staging_lock = _lock_folder(staging)
    try:
        parts, count = build_index(
            staging,
            session,
            extra_documents=[Bookmark(bookmark, SCHEMA_VERSION).document()],
            processes=processes,
        )
        index.swap_in(*parts)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        os.close(staging_lock)
    # The rebuilt index is live; should another writer hold it, later changes wait for the next sync.
    with contextlib.suppress(LockError):
        bookmark = sync(index, session, now=now).last_change_id
    return RebuildReport(vacancies=count, last_change_id=bookmark)


def _staging_prefix(index_path: Path) -> str:
    return f".{index_path.name}-rebuild-"


def _lock_folder(folder: Path, *, wait: bool = True) -> int | None:
    """An exclusive lock on the folder itself, as an open descriptor to close to release it; None when
    another process (or another rebuild in this one) holds it and `wait` is false."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def remove_stale_staging(index_path: Path, *, now: float | None = None) -> list[Path]:
    """Delete the staging folders of rebuilds that died (a kill -9 runs no cleanup); returns them.

    A running rebuild holds its folder's lock, and the system releases it when the process dies, so an
    unlocked folder is stale. A folder younger than STAGING_MIN_AGE is spared even unlocked: its rebuild
    may have created it and not yet taken the lock.
    """
    now = time.time() if now is None else now
    removed = []
    for folder in index_path.parent.glob(_staging_prefix(index_path) + "*"):
        try:
            if not folder.is_dir() or now - folder.stat().st_mtime < STAGING_MIN_AGE.total_seconds():
                continue
            descriptor = _lock_folder(folder, wait=False)
        except OSError:  # gone meanwhile (another rebuild cleaned it up) or unreadable: not ours to judge
            continue
        if descriptor is None:
            continue
        try:
            shutil.rmtree(folder, ignore_errors=True)
        finally:
            os.close(descriptor)
        logger.info("Removed %s, left behind by an interrupted rebuild", folder)
        removed.append(folder)
    return removed


@dataclass(frozen=True)
class VerifyReport:
    """How the index compares with the database; ids are vacancy ids."""

    expected: int  # published vacancies in the database
    indexed: int  # vacancy documents in the index
    missing: list[int]  # published, but not in the index
    extra: list[int]  # in the index, but not published (or gone)
    stale: list[int]  # in the index, but indexed from an older state of the vacancy
    pending_changes: int  # log entries after the index's bookmark
    last_change_id: int | None
    outdated: bool = False  # built for another schema version

    @property
    def in_sync(self) -> bool:
        return not (self.missing or self.extra or self.stale or self.outdated)


def verify(index: SearchIndex, session: Session) -> VerifyReport:
    """Compare every document in the index with the vacancy it was made from."""
    with index.searcher() as searcher:
        bookmark = read_bookmark(searcher)
        if not is_current(searcher.schema, bookmark):  # its documents cannot even be compared
            return VerifyReport(
                expected=0,
                indexed=searcher.doc_count(),
                missing=[],
                extra=[],
                stale=[],
                pending_changes=0,
                last_change_id=None,
                outdated=True,
            )
        indexed = {int(doc["id"]): doc.get("fingerprint") for doc in searcher.documents(kind=VACANCY_KIND)}
    expected = {
        vacancy.id: vacancy_document(vacancy)["fingerprint"] for vacancy in all_published_vacancies(session)
    }
    return VerifyReport(
        expected=len(expected),
        indexed=len(indexed),
        missing=sorted(expected.keys() - indexed.keys()),
        extra=sorted(indexed.keys() - expected.keys()),
        stale=sorted(i for i in expected.keys() & indexed.keys() if expected[i] != indexed[i]),
        pending_changes=pending_change_count(session, bookmark),
        last_change_id=bookmark.last_change_id if bookmark else None,
    )
