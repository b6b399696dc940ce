"""Counting page views and searches without a database write on the request's path.

`record_soon` keeps the event in this process's memory; a background thread writes what has gathered
in one insert every `ANALYTICS_FLUSH_SECONDS` (sooner when `FLUSH_AT` events are waiting), and whatever
is left when the process exits. A process killed outright (kill -9, out of memory, power) loses at most
the last few seconds of events. When the database cannot take them they wait for the next try, up to
`MAX_WAITING` events; older ones are dropped then, and the loss is logged.

Only events that count what people looked at come here (searches, listing views). Events that belong
to a change (a save, an application, a publication) stay in that change's transaction (`events.record`).

With `ANALYTICS_FLUSH_SECONDS = 0` (the default in testing) nothing waits: each app context writes its
events as it ends, so a test sees them as soon as its request is answered.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app

from marketplace.analytics.events import EventName
from marketplace.analytics.models import Event
from marketplace.db import utcnow
from marketplace.extensions import db

logger = logging.getLogger(__name__)

EXTENSION = "marketplace.analytics.buffer"
FLUSH_AT = 500  # events waiting that wake the writer before its interval is up
MAX_WAITING = 50_000  # kept while the database is unreachable; beyond this the oldest are dropped

# While set, each event recorded is also noted here: [name, vacancy_id, organisation_id, properties].
_captured: ContextVar[list[list[Any]] | None] = ContextVar("captured_analytics_events", default=None)


class EventBuffer:
    """One app's waiting events, and the thread of this process that writes them."""

    def __init__(self, app: Flask, interval: float):
        self.app = app
        self.interval = interval
        self.rows: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.wake = threading.Event()
        # One insert at a time, whoever asks; re-entrant, as the insert's own app context ends by
        # flushing (in write-through mode) and finds nothing left to write.
        self.flush_lock = threading.RLock()
        self.writer: threading.Thread | None = None
        self.writer_pid: int | None = None

    def add(self, row: dict[str, Any]) -> None:
        with self.lock:
            self.rows.append(row)
            waiting = len(self.rows)
        if self.interval <= 0:
            return  # written when the app context ends
        self._ensure_writer()
        if waiting >= FLUSH_AT:
            self.wake.set()

    def flush(self) -> int:
        """Write every waiting event in one transaction; returns how many were written."""
        with self.flush_lock:
            with self.lock:
                rows, self.rows = self.rows, []
            if not rows:
                return 0
            try:
                with self.app.app_context(), db.engine.begin() as connection:
                    connection.execute(sa.insert(Event), rows)
            except Exception:
                self._put_back(rows)
                logger.exception("Could not write %d analytics events; they wait for the next try", len(rows))
                return 0
            return len(rows)

    def _put_back(self, rows: list[dict[str, Any]]) -> None:
        with self.lock:
            self.rows[:0] = rows
            excess = len(self.rows) - MAX_WAITING
            if excess > 0:
                del self.rows[:excess]
                logger.error("Dropped the %d oldest analytics events: the database is unreachable", excess)

    def _ensure_writer(self) -> None:
        # Started in the process that records (a gunicorn worker is forked after the app is built, and
        # a thread does not survive a fork).
        pid = os.getpid()
        if self.writer_pid == pid and self.writer is not None:
            return
        with self.lock:
            if self.writer_pid == pid and self.writer is not None:
                return
            self.writer_pid = pid
            self.writer = threading.Thread(target=self._run, name="analytics-writer", daemon=True)
            self.writer.start()
            atexit.register(self.flush)

    def _run(self) -> None:
        while True:
            self.wake.wait(self.interval)
            self.wake.clear()
            self.flush()


def init_app(app: Flask) -> None:
    buffer = EventBuffer(app, float(app.config["ANALYTICS_FLUSH_SECONDS"]))
    app.extensions[EXTENSION] = buffer
    if buffer.interval <= 0:

        @app.teardown_appcontext
        def write_events(_error: BaseException | None) -> None:
            buffer.flush()


def record_soon(
    name: EventName,
    *,
    vacancy_id: int | None = None,
    organisation_id: int | None = None,
    **properties: str | int | bool | None,
) -> None:
    """Count an event without touching the database now: it is written within a few seconds."""
    captured = _captured.get()
    if captured is not None:
        captured.append([str(name), vacancy_id, organisation_id, properties])
    buffer: EventBuffer = current_app.extensions[EXTENSION]
    buffer.add(
        {
            "name": str(name),
            "occurred_at": utcnow(),
            "vacancy_id": vacancy_id,
            "organisation_id": organisation_id,
            "properties": properties,
        }
    )


def flush_events(app: Flask | None = None) -> int:
    """Write the events waiting in this process now (tests, and commands that exit straight after)."""
    buffer: EventBuffer = (app or current_app).extensions[EXTENSION]
    return buffer.flush()


@contextmanager
def capture_events() -> Iterator[list[list[Any]]]:
    """Note the events recorded inside the block (plain JSON-able lists), to count them again later:
    a page served from a cache counts what rendering it counted."""
    events: list[list[Any]] = []
    token = _captured.set(events)
    try:
        yield events
    finally:
        _captured.reset(token)


def replay_events(events: list[list[Any]]) -> None:
    """Count again, now, events noted by `capture_events`."""
    for name, vacancy_id, organisation_id, properties in events:
        record_soon(EventName(name), vacancy_id=vacancy_id, organisation_id=organisation_id, **properties)
