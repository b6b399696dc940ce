"""Queueing email: render a template pair and add the message to the caller's transaction.

    from marketplace.notifications.outbox import queue_email

    queue_email(user.email, "verify_email", "Confirm your email address", user=user, link=link)
    db.session.commit()   # the caller commits: the email exists if and only if the business change does

Only the message catalogue (`marketplace.notifications.messages`, one function per email) calls this;
the rest of the app calls a catalogue function or announces a domain event that one is subscribed to.

Nothing is sent here. After the commit the message is delivered in-process (development) or by
`marketplace worker` (production); see `marketplace.notifications.worker`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask import current_app

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.links import external_url
from marketplace.notifications.models import OutboxMessage, OutboxStatus
from marketplace.notifications.senders import RESERVED_HEADERS

_TEMPLATE_NAME = re.compile(r"[a-z0-9_]+(/[a-z0-9_]+)*")
_HEADER_NAME = re.compile(r"[A-Za-z0-9-]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_SUBJECT_LENGTH = OutboxMessage.__table__.c.subject.type.length


class InvalidEmail(ValueError):
    """The email cannot be queued as given (bad address, header or template name)."""


def _single_line(value: str, what: str) -> str:
    if "\r" in value or "\n" in value:
        raise InvalidEmail(f"{what} must be a single line: {value!r}")
    return value


def _check_recipient(recipient: str) -> str:
    recipient = _single_line(recipient.strip(), "recipient")
    if "@" not in recipient or email.utils.parseaddr(recipient)[1] != recipient or len(recipient) > 320:
        raise InvalidEmail(f"recipient must be one plain email address: {recipient!r}")
    return recipient


def _check_headers(headers: Mapping[str, str]) -> dict[str, str]:
    checked = {}
    for name, value in headers.items():
        if not _HEADER_NAME.fullmatch(name) or name.lower() in RESERVED_HEADERS:
            raise InvalidEmail(f"{name!r} cannot be set as an extra header")
        checked[name] = _single_line(str(value), f"header {name}")
    return checked


def _tidy_text(text: str) -> str:
    """Template blocks leave stray spaces and blank lines behind; plain text shows every one of them."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n") + "\n"


def render_email(template: str, **context: Any) -> tuple[str, str]:
    """Render `email/<template>.txt` and `email/<template>.html` with `base_url` and `home_link` added.

    Rendered straight from the app's Jinja environment, without request context processors, so the
    same template works in a web request, a CLI command and the worker. The HTML is autoescaped and
    the text is not.
    """
    if not _TEMPLATE_NAME.fullmatch(template):
        raise InvalidEmail(f"template names are lower_snake_case words separated by '/': {template!r}")
    environment = current_app.jinja_env
    context.setdefault("base_url", current_app.config["BASE_URL"].rstrip("/"))
    context.setdefault("home_link", external_url("public.home"))
    text = environment.get_template(f"email/{template}.txt").render(context)
    html = environment.get_template(f"email/{template}.html").render(context)
    return _tidy_text(text), html


def queue_email(
    recipient: str,
    template: str,
    subject: str,
    *,
    headers: Mapping[str, str] | None = None,
    **context: Any,
) -> OutboxMessage:
    """Render an email and add it to the current transaction's outbox, without committing.

    The templates see `context` plus `recipient`, `subject`, `base_url` and `home_link`; every other
    link is built by the caller with `external_url` and passed in. Call it from the message catalogue
    (`marketplace.notifications.messages`), which names each email. `headers` are extra headers
    sent with the message (for example `Reply-To` or `List-Unsubscribe`); the standard
    ones (From, To, Subject, Date, Message-ID, MIME) are set when the message is sent.
    """
    recipient = _check_recipient(recipient)
    subject = _single_line(subject.strip(), "subject")
    if not subject:
        raise InvalidEmail("an email needs a subject")
    if len(subject) > _SUBJECT_LENGTH:
        # A long vacancy title must not stop the business change that sends the email.
        subject = subject[: _SUBJECT_LENGTH - 1].rstrip() + "…"
    if len(template) > 100:
        raise InvalidEmail(f"template name is too long: {template!r}")
    extra_headers = _check_headers(headers or {})
    text_body, html_body = render_email(template, recipient=recipient, subject=subject, **context)
    now = utcnow()
    message = OutboxMessage(
        recipient=recipient,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        headers=extra_headers,
        template=template,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    db.session.add(message)
    return message


def dead_letters(limit: int = 200) -> list[OutboxMessage]:
    """Emails given up on after too many failed attempts, newest first."""
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.DEAD)
            .order_by(OutboxMessage.created_at.desc())
            .limit(limit)
        )
    )


def outbox_counts() -> dict[OutboxStatus, int]:
    rows = db.session.execute(sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status))
    return {status: 0 for status in OutboxStatus} | dict(rows.all())


def requeue(message_ids: list[int], *, now: dt.datetime | None = None) -> int:
    """Give dead emails a fresh set of attempts, once their cause is fixed; returns how many."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), OutboxMessage.status == OutboxStatus.DEAD)
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now or utcnow(), claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
