"""Following the change log: every web process applies other nodes' changes to its replica within seconds.

A commit applies its own changes to the committing process's replica (changes.py). Every other node
learns of them here, without waiting for a cron `marketplace search sync`:

- On PostgreSQL each transaction that logs a change also sends `NOTIFY search_changes`, which the
  server delivers only when (and if) it commits. A `Follower` thread in each web process keeps a
  connection of its own that `LISTEN`s on that channel and applies the pending changes through the
  search port as soon as a notification arrives.
- Everywhere (SQLite, and PostgreSQL while the listening connection is down) the follower also looks at
  the log's head every POLL_INTERVAL: the changes after the replica's bookmark, counted, with their
  highest id. A head it has not seen since it last applied is applied. A head that stays put (changes
  the replica cannot pass yet, waiting behind a gap in the ids) is applied again only every
  RESYNC_INTERVAL, so a quiet node does not write a new index generation every second.

Applying takes the index's write lock and copies each changed vacancy's current state; searches keep
using the generation they started on until the new one is committed. Several processes sharing one
index folder (gunicorn workers) apply the same changes harmlessly: the lock serialises them, and the
second one finds the bookmark already past the changes (applying a change twice writes the same document).

A node can give the writing to one process of its own, `marketplace search follow` (the systemd kit
does): its web processes then follow in "read" mode (SEARCH_FOLLOW=read). They leave the log to that
process, look for the generation it commits every READ_STEP and read it into their searches' snapshot
in the follower thread, so that a search neither shares the interpreter with the index writer (tens of
milliseconds a change at 100,000 listings) nor reads the new generation itself. Should the bookmark
stay put for TAKE_OVER_AFTER while changes wait (that process stopped or stuck), they apply the log
themselves, as in the default mode. (Each still applies the candidate log: small, and rarely written.)

The follower never takes its process down: every failure is logged and retried with a growing pause,
the listening connection is reopened after it drops, and `stop()` ends the thread within a second or
so. One follower runs per process (`start` returns the running one); the test app runs none unless a
test starts one (MARKETPLACE_SEARCH_FOLLOW).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from marketplace.config import FOLLOW_AND_READ
from marketplace.extensions import db
from marketplace.search import changes
from marketplace.search.api import SearchBackend, backend_for, candidate_index_for
from marketplace.search.models import CandidateChange, SearchChange

logger = logging.getLogger(__name__)

POLL_INTERVAL = 1.0  # seconds between looks at the log's head
WAIT_STEP = 0.5  # seconds the thread waits at a time, so that stop() is heard promptly
RESYNC_INTERVAL = 60.0  # seconds before pending changes the replica could not pass are tried again
RETRY_FIRST, RETRY_MOST = 1.0, 30.0  # the pause after a failure, doubling up to the most
CONNECT_TIMEOUT = 5  # seconds for the listening connection to reach PostgreSQL
READ_STEP = 0.1  # seconds between looks for a new generation, in read mode (one directory listing)
TAKE_OVER_AFTER = 5.0  # seconds a read-mode follower lets changes wait on a bookmark that does not move

_lock = threading.Lock()
_followers: dict[tuple[int, str], Follower] = {}  # (process id, index location) -> its follower


def init_app(app: Flask) -> None:
    """Keep this app's replica following the log in every process that serves it (SEARCH_FOLLOW).

    The follower starts on the process's first request: a server that forks its workers after loading
    the app (gunicorn --preload) gets one per worker, and commands that never serve (migrations, the
    worker, rebuilds) run none. The production entry point also starts it at once (marketplace.wsgi).
    """
    if not app.config.get("SEARCH_FOLLOW"):
        return

    def follow_the_log() -> None:
        if (os.getpid(), _key(app)) not in _followers:
            start(app)

    app.before_request(follow_the_log)


def start(
    app: Flask,
    *,
    poll_interval: float = POLL_INTERVAL,
    listen: bool | None = None,
    applies: bool | None = None,
) -> Follower:
    """Start following the log for `app`'s replica in this process, or return the follower already
    doing so. `listen` (default: on PostgreSQL) also waits for notifications between polls; `applies`
    (default: unless SEARCH_FOLLOW is "read") applies the log rather than leaving it to the node's
    `marketplace search follow`."""
    key = (os.getpid(), _key(app))
    with _lock:
        follower = _followers.get(key)
        if follower is not None and follower.running:
            return follower
        with app.app_context():
            engine = db.engine
        if listen is None:
            listen = engine.dialect.name == "postgresql"
        if applies is None:
            applies = app.config.get("SEARCH_FOLLOW") != FOLLOW_AND_READ
        follower = Follower(
            backend_for(app),
            engine,
            poll_interval=poll_interval,
            listen=listen,
            candidates=candidate_index_for(app),
            applies=applies,
        )
        follower.start()
        _followers[key] = follower
        return follower


def stop_all(timeout: float = 10.0) -> None:
    """Stop every follower this process started (tests, and a clean shutdown)."""
    with _lock:
        followers = [follower for (pid, _), follower in _followers.items() if pid == os.getpid()]
        _followers.clear()
    for follower in followers:
        follower.stop(timeout)


def _forget_in_child() -> None:
    """After a fork (gunicorn --preload loads the app, then forks its workers): the parent's follower
    threads did not come along, and the database connections they opened belong to the parent. The
    child lets go of both, without closing the parent's connections, and starts its own follower on
    its first request."""
    global _lock
    _lock = threading.Lock()  # another thread may have held it at the moment of the fork
    for follower in _followers.values():
        follower.engine.dispose(close=False)
    _followers.clear()


os.register_at_fork(after_in_child=_forget_in_child)


def _key(app: Flask) -> str:
    # One follower per replica: two apps on the same index folder in one process share it.
    return str(app.config["SEARCH_INDEX_PATH"])


class Follower:
    """A daemon thread that applies the change log to one backend as other processes commit to it
    (or, unless `applies`, reads what the node's writer applied and applies only what it leaves)."""

    def __init__(
        self,
        backend: SearchBackend,
        engine: sa.Engine,
        *,
        poll_interval: float = POLL_INTERVAL,
        listen: bool = False,
        candidates: Any = None,
        applies: bool = True,
    ):
        self.backend = backend
        self.applies = applies
        self._step = WAIT_STEP if applies else READ_STEP
        # The candidate index beside the listings' replica, fed by its own log (see changes.py).
        self.candidates = candidates
        self.engine = engine
        self.poll_interval = poll_interval
        self.listen = listen
        self.listening = False  # a LISTEN connection is open now
        self.connections = 0  # LISTEN connections opened so far (reopened after each drop)
        self.backend_pid: int | None = None  # the server process of the latest LISTEN connection
        self.syncs = 0  # times it applied pending changes
        self.reads = 0  # generations committed by another process that it read for this one's searches
        # In read mode: the bookmark last seen with changes waiting, and since when it has not moved.
        self._stalled_at: int | None = None
        self._stalled_since = 0.0
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"search-follower {backend.where}", daemon=True
        )
        # What the log's head looked like when it was last applied: (bookmark, pending count, highest id).
        self._applied_head: tuple[int, int, int] | None = None
        self._last_sync = -RESYNC_INTERVAL
        self._last_poll = -POLL_INTERVAL
        self._listener_trouble = _Backoff()
        self._log_trouble = _Backoff()

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._stopping.is_set()

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to finish and wait for it (it notices within WAIT_STEP seconds)."""
        self._stopping.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    # --- The thread ------------------------------------------------------------------------------

    def _run(self) -> None:
        connection = None
        try:
            while not self._stopping.is_set():
                notified = False
                if self.listen and connection is None and self._listener_trouble.due():
                    connection = self._open_listener()
                    notified = connection is not None  # what was committed unheard is looked for now
                if connection is not None:
                    try:
                        notified = self._wait_for_notification(connection) or notified
                    except Exception:
                        logger.warning(
                            "Lost the search change notifications connection; reconnecting.", exc_info=True
                        )
                        self._close(connection)
                        connection = None
                        self._listener_trouble.failed()
                else:
                    self._stopping.wait(self._step)
                if self._stopping.is_set() or not self._log_trouble.due():
                    continue
                try:
                    self._catch_up(notified)
                except Exception:
                    # Whatever went wrong (database unreachable, index unreadable), the web process
                    # carries on serving; the follower tries again after a pause.
                    self._log_trouble.failed()
                    logger.warning(
                        "Could not follow the search change log; retrying in %.0f s.",
                        self._log_trouble.pause,
                        exc_info=True,
                    )
        finally:
            self._close(connection)

    def _open_listener(self) -> Any:
        """A connection of its own (not one of the pool's) listening on the change log's channel; None,
        after logging why, when it cannot be opened now."""
        cargs, cparams = self.engine.dialect.create_connect_args(self.engine.url)
        cparams.setdefault("connect_timeout", CONNECT_TIMEOUT)
        connection = None
        try:
            connection = self.engine.dialect.connect(*cargs, **cparams)
            connection.autocommit = True  # notifications are delivered between transactions only
            connection.execute(f"LISTEN {changes.CHANNEL}")
            self.backend_pid = connection.info.backend_pid
        except Exception:
            self._close(connection)
            self._listener_trouble.failed()
            logger.warning(
                "Cannot listen for search change notifications; polling, and trying again in %.0f s.",
                self._listener_trouble.pause,
                exc_info=True,
            )
            return None
        self.connections += 1
        self.listening = True
        self._listener_trouble.succeeded()
        return connection

    def _wait_for_notification(self, connection: Any) -> bool:
        """Wait up to a step for a notification; whether one came (a second one waits for the next
        turn, which finds the changes already applied)."""
        notified = False
        for _ in connection.notifies(timeout=self._step, stop_after=1):
            notified = True
        return notified

    def _close(self, connection: Any) -> None:
        self.listening = False
        if connection is not None:
            try:
                connection.close()
            except Exception:  # already broken: nothing more to release
                logger.debug("Closing the notifications connection failed", exc_info=True)

    def _catch_up(self, notified: bool) -> None:
        """Apply pending changes when told of new ones, or when the log's head has moved since they
        were last applied (or that was long ago)."""
        now = time.monotonic()
        if not self.applies and self.backend.read_latest():
            self.reads += 1
        if not notified and now - self._last_poll < self.poll_interval:
            return
        self._last_poll = now
        self._catch_up_candidates()
        applied = self.backend.applied_change_id() or 0
        with self.engine.connect() as connection:
            pending, highest = connection.execute(
                sa.select(sa.func.count(), sa.func.max(SearchChange.id)).where(SearchChange.id > applied)
            ).one()
        self._log_trouble.succeeded()
        if not pending:
            self._applied_head = self._stalled_at = None
            return
        if not self.applies and not self._stalled(applied, now):
            return  # the node's writer applies them
        head = (applied, pending, highest)
        if not notified and head == self._applied_head and now - self._last_sync < RESYNC_INTERVAL:
            return  # nothing new since the last time: what is pending waits behind a gap in the ids
        report = changes.apply_pending_changes(self.backend, self.engine)  # logs its own failures
        self._last_sync = now
        self.syncs += 1
        if report is None:  # the index was locked or unusable: tried again after a pause
            self._log_trouble.failed()
            return
        # The head as seen before applying: a change committed meanwhile moves it, and is applied next.
        self._applied_head = head

    def _stalled(self, applied: int, now: float) -> bool:
        """Whether the bookmark has stayed at `applied`, with changes waiting, for TAKE_OVER_AFTER."""
        if applied != self._stalled_at:
            self._stalled_at, self._stalled_since = applied, now
        return now - self._stalled_since >= TAKE_OVER_AFTER

    def _catch_up_candidates(self) -> None:
        """Apply the candidate log's entries the candidate index has not applied (cheap when none)."""
        if self.candidates is None:
            return
        applied = self.candidates.bookmark()
        if applied is not None:
            with self.engine.connect() as connection:
                pending = connection.scalar(sa.select(sa.func.count()).where(CandidateChange.id > applied))
            if not pending:
                return
        with Session(self.engine) as session:
            self.candidates.sync(session)


class _Backoff:
    """A pause after each failure, doubling up to RETRY_MOST, and none again after a success."""

    def __init__(self) -> None:
        self.pause = 0.0
        self._until = 0.0

    def due(self) -> bool:
        return time.monotonic() >= self._until

    def failed(self) -> None:
        self.pause = min(max(self.pause * 2, RETRY_FIRST), RETRY_MOST)
        self._until = time.monotonic() + self.pause

    def succeeded(self) -> None:
        self.pause = 0.0
        self._until = 0.0
