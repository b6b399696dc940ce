"""Sending new email straight after the transaction that queued it commits (`MAIL_DELIVER_ON_COMMIT`).

Development and tests need no worker running: the outbox rows a transaction adds are collected after each
flush, delivered after the commit through the same claims the worker uses (so the worker can never send them
a second time), and forgotten after a rollback. Production leaves MAIL_DELIVER_ON_COMMIT off and lets
`marketplace worker` send everything, keeping SMTP latency out of web requests.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction

from marketplace.notifications.models import OutboxMessage
from marketplace.notifications.senders import check_config
from marketplace.notifications.worker import deliver_messages

logger = logging.getLogger(__name__)

_QUEUED_IDS = "marketplace.notifications.queued_ids"


def init_app(app: Flask) -> None:
    """Check the mail settings and listen to session transactions (process-wide listeners, added once)."""
    check_config(app.config)
    for event, listener in (
        ("after_flush", collect_queued_ids),
        ("after_commit", deliver_after_commit),
        ("after_rollback", forget_queued_ids),
        ("after_transaction_end", forget_at_transaction_end),
    ):
        if not sa.event.contains(Session, event, listener):
            sa.event.listen(Session, event, listener)


def collect_queued_ids(session: Session, flush_context: UOWTransaction) -> None:
    """After a flush: remember the ids of outbox messages this transaction has just inserted."""
    ids = {item.id for item in session.new if isinstance(item, OutboxMessage)}
    if ids:
        session.info.setdefault(_QUEUED_IDS, set()).update(ids)


def forget_queued_ids(session: Session) -> None:
    """After a rollback: the messages are gone with the transaction, so there is nothing to send."""
    session.info.pop(_QUEUED_IDS, None)


def forget_at_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    """When the outermost transaction ends, whatever it queued has been delivered or is gone.

    Needed besides `forget_queued_ids` because closing a session mid-transaction fires no after_rollback.
    After a commit this runs after `deliver_after_commit`, which has already taken the ids.
    """
    if transaction.parent is None:
        session.info.pop(_QUEUED_IDS, None)


def deliver_after_commit(session: Session) -> None:
    """After a commit: send the messages the transaction queued, when the app is set to do so.

    Runs inside `session.commit()`, where the session can no longer emit SQL: delivery uses its own
    connections. Any failure is logged and leaves the messages to the worker; the commit has happened and
    the request that made it must not fail because of email.
    """
    ids = session.info.pop(_QUEUED_IDS, None)
    if not ids or not has_app_context() or not current_app.config.get("MAIL_DELIVER_ON_COMMIT"):
        return
    try:
        report = deliver_messages(sorted(ids))
    except Exception:
        logger.exception(
            "Email %s could not be delivered after commit; the worker will send it",
            ", ".join(map(str, sorted(ids))),
        )
    else:
        if report.retried:
            logger.warning("After commit: %s; the worker will retry", report)
