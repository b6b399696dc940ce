"""The local Whoosh index as a replica of the database, fed by the durable change log (see
marketplace/search/changes.py, which writes the log and calls `sync` after each commit).

`sync` applies, under the index's write lock, the logged changes the index has not applied yet. The
index records the last change it applied in a bookmark document committed together with the
documents, so any replica, on any node, after any crash, knows exactly where to resume.
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
from collections.abc import Callable, Sequence
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session
from whoosh.index import LockError
from whoosh.writing import IndexWriter

from marketplace.db import utcnow
from marketplace.search.api import RebuildReport, SyncReport, VerifyReport
from marketplace.search.changes import (
    IN_FLIGHT_GRACE,
    advance_bookmark,
    pending_change_count,
    settled_change_id,
)
from marketplace.search.models import SearchChange
from marketplace.search.whoosh.build import (
    LOAD_BATCH,
    add_published,
    all_published_vacancies,
    build_index,
    published_query,
)
from marketplace.search.whoosh.index import IndexOutdated, SearchIndex, is_current, read_bookmark
from marketplace.search.whoosh.schema import SCHEMA_VERSION, VACANCY_KIND, Bookmark, vacancy_document
from marketplace.vacancies.models import Vacancy

logger = logging.getLogger(__name__)

# An unlocked rebuild staging folder at least this old was left by a rebuild that died.
STAGING_MIN_AGE = dt.timedelta(minutes=1)


def sync(
    index: SearchIndex,
    session: Session,
    *,
    now: dt.datetime | None = None,
    bookmark: Bookmark | None = None,
) -> SyncReport:
    """Apply the logged changes the index has not applied yet, under its write lock.

    `bookmark` is the index's as the caller has just read it (a process that searches has the latest
    generation open; opening it again to read one document took a tenth of a commit's time).
    An index without a bookmark (new, or emptied) cannot know what it missed and is loaded whole.
    Raises LockError when another writer keeps the lock beyond the write timeout, IndexOutdated when
    the index was built for another schema version.
    """
    now = now or utcnow()
    bookmark = bookmark or index.bookmark()
    if bookmark and not pending_change_count(
        session, bookmark.last_change_id
    ):  # up to date: no need for the lock
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


def _published_vacancies(session: Session, vacancy_ids: Sequence[int]) -> list[Vacancy]:
    vacancies: list[Vacancy] = []
    for start in range(0, len(vacancy_ids), LOAD_BATCH):
        batch = vacancy_ids[start : start + LOAD_BATCH]
        vacancies.extend(session.scalars(published_query().where(Vacancy.id.in_(batch))))
    return vacancies


# --- Rebuilding and verifying -----------------------------------------------------------------------


def rebuild(
    index: SearchIndex,
    session: Session,
    *,
    now: dt.datetime | None = None,
    processes: int = 1,
    progress: Callable[[int], object] | None = None,
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
    assert staging_lock is not None  # a waiting lock is always granted
    try:
        parts, count = build_index(
            staging,
            session,
            extra_documents=[Bookmark(bookmark, SCHEMA_VERSION).document()],
            processes=processes,
            progress=progress,
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
        pending_changes=pending_change_count(session, bookmark.last_change_id if bookmark else None),
        last_change_id=bookmark.last_change_id if bookmark else None,
    )
