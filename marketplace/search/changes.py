"""The durable change log (`SearchChange`) that feeds every search backend, whatever the engine.

Writing side, in the business transaction: every insert, update or delete of a vacancy (and every change
to an organisation field its documents copy) appends a `SearchChange` row on the same connection, so the
log commits or rolls back with the change itself.

Applying side, after the transaction: the committing process asks its app's backend to apply the
entries its index has not applied yet. A failure there (lock held, disk full, corrupt index) is logged
and left for the next sync; the commit has already succeeded and stays that way. Every other node hears
of the entries within seconds (on PostgreSQL the transaction also sends a NOTIFY on CHANNEL, delivered
on commit) and applies them to its own replica (see follow.py). Each index records the last entry it
applied, so any replica, on any node, after any crash, knows where to resume.

Change ids come from a sequence, and on PostgreSQL a transaction can commit a lower id after another
committed a higher one. A backend's position therefore only moves past a gap in the ids once the change
after the gap is older than IN_FLIGHT_GRACE (`advance_bookmark`); until then the changes after the gap
are applied again on each sync, which is harmless because applying a change means copying the
vacancy's current state.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from marketplace.applications.candidates import CandidatePreferences
from marketplace.applications.models import JobseekerProfile
from marketplace.organisations.models import Organisation
from marketplace.search.models import CandidateChange, SearchChange
from marketplace.vacancies.models import Vacancy, vacancy_schools

if TYPE_CHECKING:
    from marketplace.search.api import SearchBackend, SyncReport

logger = logging.getLogger(__name__)

# app.extensions key: the app's search backend factory (see api.init_app).
EXTENSION = "marketplace.search"
_PENDING = "marketplace.search.pending"  # Session.info key: this transaction logged changes
_PENDING_CANDIDATES = "marketplace.search.pending_candidates"  # ... and changes to findable candidates
# The PostgreSQL notification channel on which a committed change is announced to every node (follow.py).
CHANNEL = "search_changes"

# How long a transaction may sit between taking a change id and committing before we stop waiting for it.
IN_FLIGHT_GRACE = dt.timedelta(minutes=5)

# Organisation attributes copied into each of its vacancies' documents: changing one re-indexes them.
INDEXED_ORGANISATION_ATTRIBUTES = (
    "name",
    "slug",
    "type_group",
    "type_name",
    "religious_character",
    "latitude",
    "longitude",
    "trust_id",
)


def init_app(app: Flask) -> None:
    """Apply this app's committed vacancy changes to its backend after each commit.

    The session hooks are registered once per process and serve every app: each commit finds its app's
    backend through the app captured (via flask.current_app) when the change was logged.
    """
    for name, hook in _SESSION_HOOKS.items():
        if not event.contains(Session, name, hook):  # type: ignore[arg-type]
            event.listen(Session, name, hook)  # type: ignore[arg-type]


# --- Writing the change log, inside the business transaction ---------------------------------------


def _log_flushed_changes(session: Session, flush_context: object) -> None:
    """after_flush hook: log the vacancies this flush inserted, updated or deleted, in its transaction."""
    vacancy_ids = _flushed_vacancy_ids(session)
    if vacancy_ids:
        _append_changes(session, vacancy_ids)
    candidate_user_ids = _flushed_candidate_user_ids(session)
    if candidate_user_ids:
        _append_candidate_changes(session, candidate_user_ids)


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


def _flushed_candidate_user_ids(session: Session) -> set[int]:
    """Jobseekers whose opt-in or preferences changed, or whose profile (which their candidate document
    summarises) changed while they have preferences stored."""
    ids: set[int] = set()
    profile_owners: set[int] = set()
    for obj in (*session.new, *session.deleted, *session.dirty):
        if isinstance(obj, CandidatePreferences):
            if obj in session.dirty and not session.is_modified(obj):
                continue
            ids.add(obj.user_id)
        elif isinstance(obj, JobseekerProfile) and (obj not in session.dirty or session.is_modified(obj)):
            profile_owners.add(obj.user_id)
    profile_owners -= ids
    if profile_owners:
        ids.update(
            session.connection().scalars(
                sa.select(CandidatePreferences.user_id).where(
                    CandidatePreferences.user_id.in_(profile_owners)
                )
            )
        )
    return ids


def _append_candidate_changes(session: Session, user_ids: Iterable[int]) -> None:
    connection = session.connection()
    connection.execute(sa.insert(CandidateChange), [{"user_id": user_id} for user_id in sorted(user_ids)])
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text(f"NOTIFY {CHANNEL}"))
    if has_app_context() and EXTENSION in current_app.extensions:
        session.info[_PENDING_CANDIDATES] = (current_app._get_current_object(), connection.engine)  # type: ignore[attr-defined]


def _log_bulk_statement(state: ORMExecuteState) -> None:
    """do_orm_execute hook: an UPDATE or DELETE of vacancies run through the session skips the flush,
    so log the rows it is about to touch before it runs."""
    if not (state.is_update or state.is_delete):
        return
    statement: Any = state.statement  # an UPDATE or DELETE, which the generic type does not say
    if getattr(statement.table, "name", None) != Vacancy.__tablename__:
        return
    connection = state.session.connection(bind_arguments=state.bind_arguments)
    if isinstance(state.parameters, list):  # ORM bulk UPDATE by primary key
        vacancy_ids = {row["id"] for row in state.parameters if "id" in row}
    else:
        touched = sa.select(Vacancy.id)
        if statement.whereclause is not None:
            touched = touched.where(statement.whereclause)
        vacancy_ids = set(connection.scalars(touched))
    if vacancy_ids:
        _append_changes(state.session, vacancy_ids)


def log_written_changes(session: Session, vacancy_ids: Iterable[int]) -> None:
    """Log vacancies written with Core statements on the session's connection (a bulk import), which no
    flush sees: in the same transaction, applied after its commit like any other change."""
    if vacancy_ids:
        _append_changes(session, vacancy_ids)


def _append_changes(session: Session, vacancy_ids: Iterable[int]) -> None:
    # A core INSERT on the transaction's own connection: Session.add is not allowed during a flush.
    connection = session.connection()
    rows = [{"vacancy_id": vacancy_id} for vacancy_id in sorted(vacancy_ids)]
    connection.execute(sa.insert(SearchChange), rows)
    if connection.dialect.name == "postgresql":
        # Delivered to every listening node when the transaction commits, and never if it rolls back;
        # the notifications of one transaction fold into one.
        connection.execute(sa.text(f"NOTIFY {CHANNEL}"))
    if has_app_context() and EXTENSION in current_app.extensions:
        session.info[_PENDING] = (current_app._get_current_object(), connection.engine)  # type: ignore[attr-defined]


# --- Applying the log after commit ------------------------------------------------------------------


def _apply_after_commit(session: Session) -> None:
    """after_commit hook: catch the committing app's backend up with the log, never raising.

    SQLAlchemy also calls it when a savepoint is released: the outer transaction has not committed
    yet, so the changes wait for it.
    """
    if session.in_nested_transaction():
        return
    pending = session.info.pop(_PENDING, None)
    if pending is not None:
        app, engine = pending
        apply_pending_changes(app.extensions[EXTENSION](app.config), engine)
    pending = session.info.pop(_PENDING_CANDIDATES, None)
    if pending is not None:
        app, engine = pending
        apply_pending_candidate_changes(app, engine)


def _forget_pending(session: Session) -> None:
    """after_rollback hook: the logged changes were rolled back with everything else.

    A savepoint rolled back may leave earlier changes of the transaction standing: keep the flag (an
    extra sync finds nothing to do at worst).
    """
    if not session.in_nested_transaction():
        session.info.pop(_PENDING, None)
        session.info.pop(_PENDING_CANDIDATES, None)


_SESSION_HOOKS = {
    "after_flush": _log_flushed_changes,
    "do_orm_execute": _log_bulk_statement,
    "after_commit": _apply_after_commit,
    "after_rollback": _forget_pending,
}


def apply_pending_changes(backend: SearchBackend, engine: sa.Engine) -> SyncReport | None:
    """Sync `backend` using a session of its own (the committing one can no longer run SQL).

    Returns None, after logging a warning, when the index cannot be updated now: the changes stay in
    the log and the next sync (the follower's next look, the next commit, or `marketplace search sync`)
    applies them.
    """
    from marketplace.search.api import SearchBusy

    try:
        with Session(engine) as session:
            return backend.apply_pending_changes(session)
    except SearchBusy:
        logger.warning(
            "Search index %s is locked by another writer; the changes wait for the next sync.", backend.where
        )
    except Exception:
        logger.warning(
            "Search index %s could not be updated; the changes wait for the next sync.",
            backend.where,
            exc_info=True,
        )
    return None


def apply_pending_candidate_changes(app: Flask, engine: sa.Engine) -> SyncReport | None:
    """Catch the app's candidate index up with the candidate log, never raising (as above)."""
    from marketplace.search.api import candidate_index_for

    index = candidate_index_for(app)
    try:
        with Session(engine) as session:
            return index.sync(session)
    except Exception:
        logger.warning(
            "Candidate index %s could not be updated; the changes wait for the next sync.",
            index.where,
            exc_info=True,
        )
    return None


# --- Where a replica may resume ---------------------------------------------------------------------


def advance_bookmark(
    last_change_id: int, changes: Sequence[tuple[int, dt.datetime]], horizon: dt.datetime
) -> int:
    """How far a replica's position may move over `changes` (ascending ids with their creation times).

    It stops before a gap in the ids while the change after the gap is more recent than `horizon`: the
    missing id may belong to a transaction that has not committed yet. Older gaps were rolled back.
    """
    bookmark = last_change_id
    for change_id, created_at in changes:
        if change_id != bookmark + 1 and created_at > horizon:
            break
        bookmark = change_id
    return bookmark


def settled_change_id(
    session: Session, now: dt.datetime, *, log: type[SearchChange] | type[CandidateChange] = SearchChange
) -> int:
    """The latest change id of `log` (the listings' by default) that no transaction still in flight can
    precede (0 for an empty log)."""
    horizon = now - IN_FLIGHT_GRACE
    settled = session.scalar(sa.select(sa.func.max(log.id)).where(log.created_at <= horizon)) or 0
    recent = session.execute(sa.select(log.id, log.created_at).where(log.id > settled).order_by(log.id)).all()
    return advance_bookmark(settled, [(change.id, change.created_at) for change in recent], horizon)


def pending_change_count(session: Session, last_change_id: int | None) -> int:
    """How many logged changes come after `last_change_id` (every one, for None)."""
    return session.scalar(sa.select(sa.func.count()).where(SearchChange.id > (last_change_id or 0))) or 0
