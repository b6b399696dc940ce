"""Signed-in sessions kept on the server, so that signing out really ends them.

The Flask session cookie is only signed, not secret from its holder: on its own, a copy of it would keep
working after sign-out. So the cookie also carries a random session id, and a request counts as signed in
only while a row for that id exists and has not expired. Deleting rows ends sessions everywhere at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app

from marketplace.accounts.models import User, UserSession
from marketplace.db import utcnow
from marketplace.extensions import db

# last_seen_at is written at most this often, so a busy person costs one write every few minutes, not
# one per request.
SEEN_EVERY = dt.timedelta(minutes=5)


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _limits(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """(idle since, started before): a session last seen before the first or started before the second
    has expired."""
    idle = dt.timedelta(hours=current_app.config["SESSION_IDLE_HOURS"])
    longest = dt.timedelta(days=current_app.config["SESSION_MAX_DAYS"])
    return now - idle, now - longest


def start(user: User, *, now: dt.datetime | None = None) -> str:
    """Record a new signed-in session for `user` and return its id, for the session cookie only."""
    now = now or utcnow()
    session_id = secrets.token_urlsafe(32)
    db.session.add(UserSession(id=_key(session_id), user_id=user.id, created_at=now, last_seen_at=now))
    return session_id


def user_for(session_id: str, *, now: dt.datetime | None = None) -> tuple[User, bool] | None:
    """The person signed in on this session, and whether last_seen_at was just brought up to date (the
    caller then commits); None when the session was ended or has expired. One primary-key lookup."""
    now = now or utcnow()
    row = db.session.execute(
        sa.select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.id == _key(session_id))
    ).first()
    if row is None:
        return None
    record, user = row
    idle_since, started_before = _limits(now)
    if record.last_seen_at < idle_since or record.created_at < started_before:
        return None
    touched = now - record.last_seen_at >= SEEN_EVERY
    if touched:
        record.last_seen_at = now
    return user, touched


def end(session_id: str) -> None:
    """Sign this one session out: a copy of its cookie stops working with the commit."""
    db.session.execute(sa.delete(UserSession).where(UserSession.id == _key(session_id)))


def end_all_for(user_id: int, *, keep: str | None = None) -> int:
    """End every session of this person (except `keep`, the one they are using, when given)."""
    statement = sa.delete(UserSession).where(UserSession.user_id == user_id)
    if keep:
        statement = statement.where(UserSession.id != _key(keep))
    return db.session.execute(statement).rowcount


def open_sessions(user_id: int, *, now: dt.datetime | None = None) -> int:
    """How many sessions of this person are still valid."""
    idle_since, started_before = _limits(now or utcnow())
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(UserSession)
        .where(
            UserSession.user_id == user_id,
            UserSession.last_seen_at >= idle_since,
            UserSession.created_at >= started_before,
        )
    )


def delete_expired(now: dt.datetime | None = None) -> int:
    """Delete the records of sessions that have expired; they can never sign anybody in again."""
    idle_since, started_before = _limits(now or utcnow())
    return db.session.execute(
        sa.delete(UserSession).where(
            sa.or_(UserSession.last_seen_at < idle_since, UserSession.created_at < started_before)
        )
    ).rowcount
