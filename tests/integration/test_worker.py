"""The outbox worker and a real SMTP server: outages, concurrent workers, dead letters, crashed workers."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.notifications.models import OutboxMessage, OutboxStatus
from marketplace.notifications.worker import DeliveryReport, claim, deliver_due, find_due
from marketplace.worker import TaskRegistry, tasks
from tests.integration.outbox_support import (
    later,
    outbox_rows,
    queue_committed,
    queue_notice,
    running_smtp_server,
    use_test_templates,
)

ONE_SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def smtp_server():
    yield from running_smtp_server()


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, **smtp_server.config(), "MAIL_DELIVER_ON_COMMIT": False, "MAIL_MAX_ATTEMPTS": 3}


@pytest.fixture
def app(app):
    use_test_templates(app)
    return app


def assert_each_delivered_once(smtp_server, ids: list[int]) -> None:
    counts = Counter(smtp_server.message_ids())
    assert all(count == 1 for count in counts.values()), counts
    assert len(counts) == len(ids)
    rows = outbox_rows()
    assert {row.id for row in rows if row.status is OutboxStatus.SENT} == set(ids)


def test_queued_email_waits_for_the_worker_and_is_sent_once(app, smtp_server):
    ids = queue_committed(3)
    assert smtp_server.received == []

    report = deliver_due()

    assert report == DeliveryReport(sent=3)
    assert_each_delivered_once(smtp_server, ids)
    assert not deliver_due(now=later(days=30))


def test_smtp_outage_in_the_middle_of_a_batch_loses_and_repeats_nothing(app, smtp_server):
    ids = queue_committed(6)
    smtp_server.stop_after(2)  # the server takes two messages, then goes away

    first = deliver_due()

    assert (first.sent, first.retried, first.dead) == (2, 4, 0)
    assert len(smtp_server.received) == 2
    waiting = [row for row in outbox_rows() if row.status is OutboxStatus.PENDING]
    assert len(waiting) == 4
    assert all(row.attempts == 1 and row.last_error for row in waiting)
    assert not deliver_due()  # backing off: nothing is due yet

    smtp_server.restart()
    second = deliver_due(now=later(hours=1))

    assert (second.sent, second.retried, second.dead) == (4, 0, 0)
    assert_each_delivered_once(smtp_server, ids)


def test_two_workers_draining_the_same_outbox_send_each_message_once(app, smtp_server):
    ids = queue_committed(40)
    reports: dict[str, DeliveryReport] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work(name: str) -> None:
        try:
            with app.app_context():
                start.wait()
                total = DeliveryReport()
                while report := deliver_due(batch_size=3):
                    total += report
                reports[name] = total
        except BaseException as error:
            errors.append(error)

    workers = [threading.Thread(target=work, args=(name,)) for name in ("a", "b")]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=60)

    assert errors == []
    assert reports["a"].sent + reports["b"].sent == 40
    assert reports["a"].retried + reports["b"].retried == 0
    assert_each_delivered_once(smtp_server, ids)


def test_a_message_two_workers_saw_is_claimed_by_only_one(app):
    ids = queue_committed(2)
    now = later()
    with db.engine.connect() as first, db.engine.connect() as second:
        seen_by_first = find_due(first, now, 10)
        # On PostgreSQL the first worker's rows are locked and skipped; on SQLite both see them.
        seen_by_second = find_due(second, now, 10)
        claimed_by_first = claim(first, seen_by_first, now, lease=dt.timedelta(minutes=5), max_attempts=3)
        claimed_by_second = claim(second, seen_by_second, now, lease=dt.timedelta(minutes=5), max_attempts=3)

    if db.engine.dialect.name == "postgresql":
        assert seen_by_second == []  # FOR UPDATE SKIP LOCKED
    else:
        assert [item.email.id for item in seen_by_second] == ids
    assert [item.email.id for item in claimed_by_first] == ids
    assert claimed_by_second == []  # compare-and-set: nothing the second worker saw is still as it saw it
    assert {row.status for row in outbox_rows()} == {OutboxStatus.SENDING}


def test_message_is_dead_lettered_after_max_attempts(app, smtp_server):
    [message_id] = queue_committed(1)
    smtp_server.handler.defer_every_message = True  # "451 try again later", every time
    now = later()

    reports = [
        deliver_due(now=now + attempt * dt.timedelta(minutes=1), backoff=lambda attempts: ONE_SECOND)
        for attempt in range(3)
    ]

    assert [(r.sent, r.retried, r.dead) for r in reports] == [(0, 1, 0), (0, 1, 0), (0, 0, 1)]
    [row] = outbox_rows()
    assert (row.id, row.status, row.attempts) == (message_id, OutboxStatus.DEAD, 3)
    assert "451" in row.last_error
    smtp_server.handler.defer_every_message = False
    assert not deliver_due(now=later(days=30))  # dead is final
    assert smtp_server.received == []


def test_backoff_grows_between_attempts(app, smtp_server):
    queue_committed(1)
    smtp_server.stop()
    now = later()

    deliver_due(now=now)
    first_retry = outbox_rows()[0].next_attempt_at
    deliver_due(now=first_retry)
    second_retry = outbox_rows()[0].next_attempt_at

    assert first_retry - now >= dt.timedelta(minutes=2)
    assert second_retry - first_retry >= dt.timedelta(minutes=4)


def test_recipient_refused_for_good_is_dead_at_once(app, smtp_server):
    smtp_server.handler.refused_recipients.add("nobody@example.org")
    queue_notice("nobody@example.org")
    queue_notice("somebody@example.org")
    db.session.commit()

    report = deliver_due()

    assert (report.sent, report.retried, report.dead) == (1, 0, 1)
    dead, sent = outbox_rows()
    assert (dead.status, dead.attempts) == (OutboxStatus.DEAD, 1)
    assert "550" in dead.last_error
    assert sent.status is OutboxStatus.SENT


def crash_while_sending(now: dt.datetime, lease: dt.timedelta) -> None:
    """Claim every due message and stop there, as a worker killed in the middle of its batch does."""
    with db.engine.connect() as connection:
        claim(connection, find_due(connection, now, 50), now, lease=lease, max_attempts=3)


def test_message_left_sending_by_a_crashed_worker_is_sent_after_its_lease_expires(app, smtp_server):
    [message_id] = queue_committed(1)
    now = later()
    crash_while_sending(now, lease=dt.timedelta(minutes=5))

    assert not deliver_due(now=now + dt.timedelta(minutes=4))  # the lease still holds
    assert smtp_server.received == []

    report = deliver_due(now=now + dt.timedelta(minutes=6))

    assert report.sent == 1
    assert_each_delivered_once(smtp_server, [message_id])
    [row] = outbox_rows()
    assert row.attempts == 2  # the interrupted try counts


def test_message_that_keeps_killing_its_worker_is_dead_lettered(app, smtp_server):
    queue_committed(1)
    lease = dt.timedelta(minutes=5)
    now = later()
    for crash in range(3):
        crash_while_sending(now + crash * 2 * lease, lease)

    report = deliver_due(now=now + 6 * lease)

    assert report == DeliveryReport(dead=1)
    [row] = outbox_rows()
    assert (row.status, row.attempts) == (OutboxStatus.DEAD, 3)
    assert "interrupted" in row.last_error
    assert smtp_server.received == []


def test_worker_never_starts_a_send_its_lease_cannot_outlast(app, smtp_server):
    ids = queue_committed(2)

    # SMTP_TIMEOUT is 5 s, so a send may take 20 s: a 10 s lease is too short to start one.
    report = deliver_due(lease=dt.timedelta(seconds=10))

    assert report == DeliveryReport(released=2)
    assert smtp_server.received == []
    assert {(row.status, row.attempts) for row in outbox_rows()} == {(OutboxStatus.PENDING, 0)}
    assert deliver_due() == DeliveryReport(sent=2)
    assert_each_delivered_once(smtp_server, ids)


def test_worker_once_sends_everything_due_and_reports_it(app, smtp_server):
    ids = queue_committed(3)
    runner = app.test_cli_runner()

    result = runner.invoke(args=["worker", "--once"])

    assert result.exit_code == 0, result.output
    assert "deliver email: sent 3, retried 0, dead 0" in result.output
    assert_each_delivered_once(smtp_server, ids)

    again = runner.invoke(args=["worker", "--once"])
    assert again.exit_code == 0
    assert "Nothing was due." in again.output


def test_worker_once_drains_more_than_one_batch(app, smtp_server):
    ids = queue_committed(55)

    result = app.test_cli_runner().invoke(args=["worker", "--once"])

    assert result.exit_code == 0, result.output
    assert "deliver email: sent 50, retried 0, dead 0" in result.output
    assert "deliver email: sent 5, retried 0, dead 0" in result.output
    assert_each_delivered_once(smtp_server, ids)


def test_one_failing_task_does_not_stop_the_others(app, smtp_server, monkeypatch):
    registry = TaskRegistry()
    registry.register("deliver email", deliver_due)
    ran = []

    @registry.register("broken report")
    def broken() -> int:
        db.session.add(OutboxMessage(recipient="x@example.org"))  # left half-done by the failure
        raise RuntimeError("report database unavailable")

    @registry.register("count")
    def count() -> int:
        ran.append(db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)))
        return 0

    monkeypatch.setattr("marketplace.worker.tasks", registry)
    ids = queue_committed(2)

    result = app.test_cli_runner().invoke(args=["worker", "--once"])

    assert result.exit_code == 1
    assert "broken report: failed: RuntimeError: report database unavailable" in result.output
    assert "deliver email: sent 2" in result.output
    assert ran[0] == 2  # ran after the failure, on a clean session
    assert_each_delivered_once(smtp_server, ids)


def test_deliver_email_is_the_first_periodic_task():
    assert tasks.names()[0] == "deliver email"


def test_worker_runs_until_sigterm_then_exits_cleanly(app, app_config, smtp_server):
    ids = queue_committed(2)
    environment = {
        **os.environ,
        "MARKETPLACE_ENV": "testing",
        "MARKETPLACE_INSTANCE_PATH": app_config["INSTANCE_PATH"],
        "MARKETPLACE_DATABASE_URL": app_config["DATABASE_URL"],
        "MARKETPLACE_SECRET_KEY": "test secret key",
        "MARKETPLACE_MAIL_BACKEND": "smtp",
        "MARKETPLACE_SMTP_HOST": smtp_server.host,
        "MARKETPLACE_SMTP_PORT": str(smtp_server.port),
        "MARKETPLACE_MAIL_DELIVER_ON_COMMIT": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", "from marketplace.cli import main; main()", "worker", "--interval", "0.2"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while len(smtp_server.received) < 2 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        # Queued while the worker is already waiting: picked up by a later iteration.
        ids += queue_committed(1)
        while len(smtp_server.received) < 3 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    assert process.returncode == 0, stderr
    assert "Worker stopped." in stdout
    assert_each_delivered_once(smtp_server, ids)
