"""Delivering the outbox: claim due messages, send them, record each outcome.

A message moves pending → sending → sent, or back to pending with a later `next_attempt_at` when an attempt
fails, or to dead after `MAIL_MAX_ATTEMPTS` attempts (or at once when the server refuses it for good).

Claims are what make several workers (and the in-process delivery after a commit) safe together:

* a claim sets status `sending` and a lease (`claimed_until`) and is committed *before* anything is sent;
* it is a compare-and-set: `UPDATE … WHERE id = :id AND status = :seen AND attempts = :seen …`, so of two
  workers that saw the same due row only the one whose update matched a row (rowcount 1) sends it; on
  PostgreSQL the candidates are also read with `FOR UPDATE SKIP LOCKED`, so workers skip each other's rows
  instead of queueing behind them;
* each outcome is recorded in its own transaction, again only while the lease is still ours, so a crash
  loses at most the one message in flight;
* a message whose lease ran out (its worker died mid-send) is due again; the interrupted try counts as a
  failed attempt, so a message that kills its worker every time is dead-lettered rather than retried forever.

A worker never starts a send its lease could not outlast. What remains possible is the unavoidable edge of
any mail system: a worker that dies after the server accepted a message but before recording it. The message
is then sent again with the same Message-ID, which receivers use to drop the duplicate.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.notifications.models import OutboxMessage, OutboxStatus
from marketplace.notifications.senders import (
    DeliveryFailed,
    MessageRejected,
    OutgoingEmail,
    Sender,
    build_message,
    sender_for,
)

logger = logging.getLogger(__name__)

outbox = OutboxMessage.__table__

#: How long a claim is held. Well above one send (4 x SMTP_TIMEOUT by default), so a healthy worker keeps it.
DEFAULT_LEASE = dt.timedelta(minutes=5)

Backoff = Callable[[int], dt.timedelta]

_ERROR_LENGTH = 2000
_CLAIM_ROUNDS = 5


def exponential_backoff(attempts: int) -> dt.timedelta:
    """Wait 2, 4, 8 … minutes after each failed attempt, at most 6 hours.

    With the default 8 attempts a message survives a mail server outage of about four hours.
    """
    return min(dt.timedelta(minutes=2) * 2 ** max(attempts - 1, 0), dt.timedelta(hours=6))


@dataclass
class DeliveryReport:
    """What one delivery run did. True when it did anything, so a caller knows whether to run again."""

    sent: int = 0
    retried: int = 0
    dead: int = 0
    #: Claimed but handed back unsent because the lease was running out; due again straight away.
    released: int = 0

    def __bool__(self) -> bool:
        return bool(self.sent or self.retried or self.dead or self.released)

    def __add__(self, other: DeliveryReport) -> DeliveryReport:
        return DeliveryReport(
            self.sent + other.sent,
            self.retried + other.retried,
            self.dead + other.dead,
            self.released + other.released,
        )

    def __str__(self) -> str:
        text = f"sent {self.sent}, retried {self.retried}, dead {self.dead}"
        return text + (f", released {self.released}" if self.released else "")


@dataclass(frozen=True)
class DueMessage:
    """A row as a worker saw it when looking for due messages; the claim checks it has not changed since."""

    email: OutgoingEmail
    status: OutboxStatus
    attempts: int
    claimed_until: dt.datetime | None


@dataclass(frozen=True)
class Claim:
    """A message this worker may send until `claimed_until`, a value that also proves the claim is ours."""

    email: OutgoingEmail
    attempts_before: int
    claimed_until: dt.datetime


class _Clock:
    """The injected `now`, moving on with real time, so tests can jump ahead without sleeping."""

    def __init__(self, start: dt.datetime | None) -> None:
        self._start = start or utcnow()
        self._started = time.monotonic()

    def __call__(self) -> dt.datetime:
        return self._start + dt.timedelta(seconds=time.monotonic() - self._started)


def find_due(
    connection: sa.Connection, now: dt.datetime, limit: int, *, ids: Collection[int] | None = None
) -> list[DueMessage]:
    """Messages due now: pending and past `next_attempt_at`, or left `sending` with an expired lease.

    With `ids`, only those pending messages (the ones a transaction has just queued). On PostgreSQL the rows
    stay locked (FOR UPDATE SKIP LOCKED) until the connection's transaction ends, and other workers skip them.
    """
    pending_and_due = sa.and_(outbox.c.status == OutboxStatus.PENDING, outbox.c.next_attempt_at <= now)
    if ids is None:
        due = sa.or_(
            pending_and_due,
            sa.and_(outbox.c.status == OutboxStatus.SENDING, outbox.c.claimed_until <= now),
        )
    else:
        due = sa.and_(pending_and_due, outbox.c.id.in_(list(ids)))
    rows = connection.execute(
        sa.select(outbox)
        .where(due)
        .order_by(outbox.c.next_attempt_at, outbox.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [
        DueMessage(
            email=OutgoingEmail(
                id=row.id,
                recipient=row.recipient,
                subject=row.subject,
                text_body=row.text_body,
                html_body=row.html_body,
                created_at=row.created_at,
                headers=dict(row.headers or {}),
            ),
            status=row.status,
            attempts=row.attempts,
            claimed_until=row.claimed_until,
        )
        for row in rows
    ]


def _unchanged_since_seen(message: DueMessage, now: dt.datetime) -> sa.ColumnElement[bool]:
    same = [
        outbox.c.id == message.email.id,
        outbox.c.status == message.status,
        outbox.c.attempts == message.attempts,
    ]
    if message.status is OutboxStatus.PENDING:
        same.append(outbox.c.next_attempt_at <= now)
    else:
        same.append(outbox.c.claimed_until == message.claimed_until)
    return sa.and_(*same)


def claim(
    connection: sa.Connection,
    due: Sequence[DueMessage],
    now: dt.datetime,
    *,
    lease: dt.timedelta,
    max_attempts: int,
    report: DeliveryReport | None = None,
) -> list[Claim]:
    """Claim what `find_due` saw, one compare-and-set each, and commit the claims before anything is sent.

    A row another worker changed in the meantime matches nothing and is simply not ours. A row whose earlier
    claim expired counts that interrupted try as an attempt, and is dead-lettered when it was the last one.
    """
    report = DeliveryReport() if report is None else report
    claims = []
    claimed_until = now + lease
    for message in due:
        attempts = message.attempts
        changes: dict = {"status": OutboxStatus.SENDING, "claimed_until": claimed_until}
        if message.status is OutboxStatus.SENDING:
            attempts += 1
            changes.update(
                attempts=attempts,
                last_error=f"interrupted: the worker sending it stopped (its claim expired at "
                f"{message.claimed_until:%Y-%m-%d %H:%M:%S} UTC)",
            )
            if attempts >= max_attempts:
                changes.update(status=OutboxStatus.DEAD, claimed_until=None)
        won = (
            connection.execute(
                sa.update(outbox).where(_unchanged_since_seen(message, now)).values(**changes)
            ).rowcount
            == 1
        )
        if not won:
            continue
        if changes["status"] is OutboxStatus.DEAD:
            report.dead += 1
            logger.error(
                "Email %s to %s is dead: %s", message.email.id, message.email.recipient, changes["last_error"]
            )
        else:
            claims.append(Claim(message.email, attempts, claimed_until))
    connection.commit()
    return claims


def _still_ours(claimed: Claim) -> sa.ColumnElement[bool]:
    return sa.and_(
        outbox.c.id == claimed.email.id,
        outbox.c.status == OutboxStatus.SENDING,
        outbox.c.claimed_until == claimed.claimed_until,
    )


def _record(claimed: Claim, changes: dict) -> bool:
    """Store an outcome in its own transaction, only if the claim was not taken over meanwhile."""
    with db.engine.begin() as connection:
        updated = connection.execute(sa.update(outbox).where(_still_ours(claimed)).values(**changes)).rowcount
    if updated != 1:
        logger.warning("Email %s: the claim expired before its outcome was recorded", claimed.email.id)
    return updated == 1


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:_ERROR_LENGTH]


def _attempt(sender: Sender, email: OutgoingEmail, config: Mapping) -> tuple[Exception | None, bool]:
    """Send one message: (None, False) when it went, otherwise the error and whether retrying is pointless."""
    try:
        sender.send(build_message(email, config))
    except DeliveryFailed as error:
        return error, isinstance(error, MessageRejected)
    except Exception as error:
        # A bug or an unexpected library error: keep the message, and let its retries and last_error show it.
        logger.exception("Email %s: unexpected error while sending", email.id)
        return error, False
    return None, False


def _settle(
    claimed: Claim,
    failure: Exception | None,
    permanent: bool,
    *,
    now: dt.datetime,
    max_attempts: int,
    backoff: Backoff,
    report: DeliveryReport,
) -> None:
    """Record a sent message, a retry after the backoff, or a dead letter."""
    email, attempts = claimed.email, claimed.attempts_before + 1
    done = {"attempts": attempts, "claimed_until": None}
    if failure is None:
        if _record(claimed, {**done, "status": OutboxStatus.SENT, "sent_at": now, "last_error": None}):
            report.sent += 1
            logger.info("Email %s sent to %s", email.id, email.recipient)
    elif permanent or attempts >= max_attempts:
        if _record(claimed, {**done, "status": OutboxStatus.DEAD, "last_error": _describe(failure)}):
            report.dead += 1
            logger.error(
                "Email %s to %s is dead after %s attempt(s): %s",
                *(email.id, email.recipient, attempts, _describe(failure)),
            )
    else:
        retry_at = now + backoff(attempts)
        changes = {**done, "status": OutboxStatus.PENDING, "next_attempt_at": retry_at}
        if _record(claimed, {**changes, "last_error": _describe(failure)}):
            report.retried += 1
            logger.warning(
                "Email %s to %s not sent (attempt %s), next try at %s: %s",
                *(email.id, email.recipient, attempts, f"{retry_at:%Y-%m-%d %H:%M:%S}", _describe(failure)),
            )


def _deliver(
    *,
    now: dt.datetime | None,
    limit: int,
    ids: Collection[int] | None,
    lease: dt.timedelta,
    backoff: Backoff,
) -> DeliveryReport:
    config = current_app.config
    max_attempts = max(int(config["MAIL_MAX_ATTEMPTS"]), 1)
    clock = _Clock(now)
    report = DeliveryReport()
    # Built before claiming, so a misconfigured backend fails without leaving claimed messages behind.
    sender = sender_for(config)
    with db.engine.connect() as connection:
        for _ in range(_CLAIM_ROUNDS):
            due = find_due(connection, clock(), limit, ids=ids)
            claims = claim(connection, due, clock(), lease=lease, max_attempts=max_attempts, report=report)
            # Losing every race to another worker is not "nothing due": look again past what it took.
            if claims or not due:
                break

    with sender:
        for position, claimed in enumerate(claims):
            if clock() + sender.time_limit >= claimed.claimed_until:
                # Sending now could outlive the claim and race a worker that takes the message over.
                for unsent in claims[position:]:
                    if _record(unsent, {"status": OutboxStatus.PENDING, "claimed_until": None}):
                        report.released += 1
                break
            failure, permanent = _attempt(sender, claimed.email, config)
            _settle(
                claimed,
                failure,
                permanent,
                now=clock(),
                max_attempts=max_attempts,
                backoff=backoff,
                report=report,
            )
    return report


def deliver_due(
    now: dt.datetime | None = None,
    batch_size: int = 50,
    *,
    lease: dt.timedelta = DEFAULT_LEASE,
    backoff: Backoff = exponential_backoff,
) -> DeliveryReport:
    """Claim up to `batch_size` due messages, send them through `MAIL_BACKEND` and record each outcome.

    `now` moves the clock (tests jump past a backoff or a lease instead of sleeping); `lease` is how long a
    claim is held; `backoff(attempts)` is the wait after a failed attempt. Run it again while it reports
    work done. Needs an app context; uses its own connections and never touches `db.session`.
    """
    return _deliver(now=now, limit=batch_size, ids=None, lease=lease, backoff=backoff)


def deliver_messages(
    ids: Collection[int],
    *,
    now: dt.datetime | None = None,
    lease: dt.timedelta = DEFAULT_LEASE,
    backoff: Backoff = exponential_backoff,
) -> DeliveryReport:
    """Deliver these pending messages now, through the same claims as the worker (so never twice)."""
    if not ids:
        return DeliveryReport()
    return _deliver(now=now, limit=len(ids), ids=ids, lease=lease, backoff=backoff)
