"""The declarative base, shared column types and mixins."""

from __future__ import annotations

import datetime as dt
import enum
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
