"""One-time keys that make a form's submission happen once, however many times it is sent.

A form that creates something (a listing, a copy, an application, a report) carries a random key in a
hidden field. The view records the key with what the submission made (where it redirected, and what it
said) in the same transaction as the thing itself. The same form sent again (a double click, a browser
retrying, Back and Submit) finds its key and gets that first answer instead of making a second thing.
Two copies sent at the same moment both miss the lookup, but only one can commit the key (a unique
constraint): the other's whole transaction rolls back, and it then answers with the first's result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, utcnow
from marketplace.extensions import db

# A double click, a retry or Back and Submit again all come within a day; older keys are forgotten.
KEPT_FOR = dt.timedelta(days=1)
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")


class FormSubmission(Base):
    """A form's one-time key and the answer its first submission gave."""

    __tablename__ = "form_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A digest of the form's key with its purpose and person (see `_digest`): the key itself is not kept.
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # What the form was for ("vacancy.copy").
    purpose: Mapped[str] = mapped_column(sa.String(40))
    # Whose it was (None: an anonymous report); their keys go when their account does.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    result_path: Mapped[str] = mapped_column(sa.String(500))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    message_category: Mapped[str] = mapped_column(sa.String(16), default="success")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


def new_key() -> str:
    """A fresh key for a form about to be shown."""
    return secrets.token_urlsafe(24)


def usable(key: object) -> str | None:
    """The key if it looks like one we made, else None (the submission is then not deduplicated)."""
    return key if isinstance(key, str) and KEY_PATTERN.fullmatch(key) else None


def _digest(key: str, purpose: str, user_id: int | None) -> str:
    """One row per key, form and person: a key sent to another form, or by another person, is another
    submission, and it neither replays nor collides with this one."""
    return hashlib.sha256(f"{purpose}\n{user_id or ''}\n{key}".encode()).hexdigest()


def earlier(key: str | None, purpose: str, user_id: int | None) -> FormSubmission | None:
    """The first submission with this key, for this purpose and person, if there was one."""
    if usable(key) is None:
        return None
    digest = _digest(key, purpose, user_id)
    return db.session.scalar(sa.select(FormSubmission).where(FormSubmission.key == digest))


def remember(
    key: str | None,
    purpose: str,
    user_id: int | None,
    result_path: str,
    message: str = "",
    message_category: str = "success",
) -> None:
    """Record the answer to this key's first submission, in the caller's transaction (flushed now, so a
    submission that raced this one fails here rather than at commit). Nothing is kept for no key."""
    if usable(key) is None:
        return
    db.session.add(
        FormSubmission(
            key=_digest(key, purpose, user_id),
            purpose=purpose,
            user_id=user_id,
            result_path=result_path,
            message=message,
            message_category=message_category,
        )
    )
    db.session.flush()


def forget_old(now: dt.datetime) -> int:
    """Delete keys older than KEPT_FOR; returns how many. The caller commits."""
    result = db.session.execute(sa.delete(FormSubmission).where(FormSubmission.created_at < now - KEPT_FOR))
    return result.rowcount or 0
