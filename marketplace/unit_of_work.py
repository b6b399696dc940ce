"""One transaction per use-case, committed at the boundary (a view, a command, the worker).

    with unit_of_work():
        services.publish(user, vacancy)

commits when the block finishes, so the after-commit effects (index changes, emails) run; rolls back
and re-raises on a `DomainError`, which the caller shows to the person; rolls back and re-raises
anything else too, so a fault reaches the error handler (500 page, logged with the request id) with
a clean session. Services never commit themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask_sqlalchemy.session import Session
from sqlalchemy.orm import scoped_session

from marketplace.extensions import db


@contextmanager
def unit_of_work() -> Iterator[scoped_session[Session]]:
    """Commit what the block did, or nothing at all."""
    session = db.session
    try:
        yield session
        # Inside the try: a commit that fails (a unique constraint met at the final flush) rolls back too,
        # so the session is usable again by whoever handles the error.
        session.commit()
    except BaseException:
        session.rollback()
        raise


def discard_failed_work() -> None:
    """Forget what a request that failed had left in the session, so its error page reads afresh.

    For the error handlers: a fault raised outside a unit of work (a read on a lost connection) can
    leave the session's transaction unusable."""
    db.session.rollback()
