"""Starting and ending a signed-in session: the Flask-Login cookie plus its record on the server."""

from __future__ import annotations

from flask import Flask, g, session
from flask_login import current_user, login_user, logout_user

from marketplace.accounts import sessions
from marketplace.accounts.models import User
from marketplace.extensions import login_manager
from marketplace.unit_of_work import unit_of_work

# The key in the Flask session that holds the random id of the server-side session record.
SESSION_ID_KEY = "sid"


def start_session(user: User) -> None:
    """Sign `user` in on a fresh session (nothing planted in the anonymous one carries over) with a new
    record on the server. Commits, since the record must exist before the next request."""
    session.clear()
    g.pop("csrf_token", None)  # cached for this request from the old session: the next form gets a new one
    login_user(user)
    with unit_of_work():
        session_id = sessions.start(user)
    session[SESSION_ID_KEY] = session_id
    g.session_started = True


def current_session_id() -> str | None:
    value = session.get(SESSION_ID_KEY)
    return value if isinstance(value, str) else None


def end_session() -> None:
    """Sign out: delete the record, so that a copy of this cookie stops working too. Commits."""
    session_id = current_session_id()
    if session_id:
        with unit_of_work():
            sessions.end(session_id)
    session.clear()
    logout_user()


def init_app(app: Flask) -> None:
    @app.after_request
    def forget_visitor_pages(response):
        # Pages for visitors who are not signed in may be kept by the browser for a minute (see
        # web/page_cache.py) and do not vary by cookie: drop them when the person signs in, so the same
        # address then shows their own page, not the visitor's copy.
        if g.pop("session_started", False):
            response.headers["Clear-Site-Data"] = '"cache"'
        return response

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        # A request is signed in only while its session record exists and has not expired. A remember-me
        # cookie (never set here) restores no record, so it signs nobody in either.
        session_id = current_session_id()
        if session_id is None:
            return None
        found = sessions.user_for(session_id)
        if found is None:
            return None
        user, touched = found
        if user.get_id() != user_id:  # the password changed since this session signed in
            return None
        g.session_seen = touched
        return user

    @app.before_request
    def check_session() -> None:
        # Load the person before any view runs, so that the occasional last_seen_at write is committed
        # on its own, never mixed with a view's changes.
        if current_session_id() is None:
            return
        current_user._get_current_object()
        if g.pop("session_seen", False):
            with unit_of_work():
                pass  # the loader's write, committed by itself
