"""The declarative base, shared column types and mixins, and how pooled connections are kept usable."""

from __future__ import annotations

import datetime as dt
import enum
import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

# Stable constraint names, so migrations can be written and reversed on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Schools, closing times and publish dates all run on UK time; storage runs on UTC.
UK = ZoneInfo("Europe/London")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def uk_today(now: dt.datetime | None = None) -> dt.date:
    """The date in England at `now`: a listing 'published today' goes live at midnight UK time."""
    return (now or utcnow()).astimezone(UK).date()


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored as naive UTC and always returned timezone-aware.

    SQLite keeps no time zone, so every value is normalised to UTC on the way in and marked
    as UTC on the way out; comparing an aware and a naive datetime is then impossible by design.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=dt.UTC)


class StringList(sa.types.TypeDecorator):
    """A list of short identifiers (job roles, phases, subjects), stored as JSON."""

    impl = sa.JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return list(value or [])

    def process_result_value(self, value, dialect):
        return list(value or [])


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={dt.datetime: UTCDateTime(), list[str]: StringList()},
    )


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def str_enum(cls: type[enum.Enum], length: int = 20) -> sa.Enum:
    """An enum stored as its string value in a VARCHAR, identical on SQLite and PostgreSQL."""
    return sa.Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


# --- Pooled connections ----------------------------------------------------------------------------

# A connection is replaced after this many seconds, before a server or firewall that drops long-lived
# connections does it unannounced; a connection is tested with a round trip only when it has sat idle
# in the pool for longer than CHECK_AFTER_IDLE_SECONDS. A busy process reuses its connections within
# milliseconds, so it pays no round trip per request, as `pool_pre_ping` would charge; one that waited
# (a quiet night, a database restart or failover) checks each connection once before using it.
RECYCLE_SECONDS = 1800
CHECK_AFTER_IDLE_SECONDS = 10.0
ENGINE_OPTIONS = {"pool_recycle": RECYCLE_SECONDS}


def check_idle_connections(engine: sa.Engine) -> None:
    """Test a pooled connection that sat idle before handing it out; a dead one is replaced by a new
    connection (the pool retries the checkout), so a request never meets a connection the database
    dropped while nobody used it. A connection dropped mid-request fails that request, and SQLAlchemy
    then replaces every connection of the pool that is older than the failure."""

    @sa.event.listens_for(engine, "checkin")
    def _returned(dbapi_connection, record) -> None:
        record.info["returned_at"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _handed_out(dbapi_connection, record, proxy) -> None:
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned < CHECK_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # whatever the driver raises, this connection is not usable
            raise sa.exc.DisconnectionError(f"an idle pooled connection was lost: {error}") from error


# A web worker's cycle collector thresholds (Python's defaults: 700, 10, 10). See tune_cycle_collector.
SERVER_THRESHOLDS = (5_000, 50, 100)


def tune_cycle_collector() -> None:
    """Set the cycle collector up for a long-running web worker, before its first request.

    What the process holds now (its modules, the application, the place tables) lives as long as the
    process, and is set aside for good: a full collection walks every object the collector tracks,
    and a worker holds about a million references from start-up alone, which took 40 to 90 ms of the
    request that happened to set the collection off. Start-up's own garbage is collected first, as
    frozen it would never be.

    Then the thresholds: a search allocates more than the default 700 container objects, so the
    youngest generation was collected about once a search and the oldest every half second while the
    index changed (26 full collections in 12 s, up to 59 ms each, with a write a second). With these, a
    collection comes every few searches and a full one every few minutes; cycles wait longer to be
    freed, which workers recycled every few thousand requests (deploy/gunicorn.conf.py) bound.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*SERVER_THRESHOLDS)


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while a block reads or builds a great many objects at once (the
    state before is restored, and cycles made meanwhile are collected afterwards).

    Every few hundred new objects that outlive a moment set off a collection, and each collection of
    the oldest generation walks every object the process holds: reading 130,000 alerts, or indexing
    50,000 listings beside a postings pool of millions of objects, spends a sixth of its CPU time there.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
