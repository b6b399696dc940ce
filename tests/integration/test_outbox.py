"""Queueing email inside the business transaction, delivery right after commit, what each backend sends."""

from __future__ import annotations

import logging
import ssl
import subprocess
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.notifications.models import OutboxStatus
from marketplace.notifications.worker import deliver_due
from tests.factories import UserFactory
from tests.integration.outbox_support import (
    SmtpServer,
    accept_one_login,
    later,
    outbox_rows,
    queue_notice,
    running_smtp_server,
    use_test_templates,
)


@pytest.fixture
def smtp_server():
    yield from running_smtp_server()


@pytest.fixture
def app(app):
    use_test_templates(app)
    return app


def eml_files(app) -> list[Path]:
    folder = Path(app.config["OUTBOX_PATH"])
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def test_email_and_business_change_are_rolled_back_together(app):
    db.session.add(UserFactory.build(email="new.teacher@example.org"))
    queue_notice("new.teacher@example.org")
    db.session.flush()
    db.session.rollback()

    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    assert outbox_rows() == []
    assert eml_files(app) == []


def test_email_and_business_change_are_committed_together(app):
    db.session.add(UserFactory.build(email="new.teacher@example.org"))
    queue_notice("new.teacher@example.org")
    db.session.flush()
    assert outbox_rows() == []  # queueing commits nothing: the caller does

    db.session.commit()

    assert db.session.scalar(sa.select(User.email)) == "new.teacher@example.org"
    assert [row.recipient for row in outbox_rows()] == ["new.teacher@example.org"]


def test_file_backend_writes_a_complete_eml_with_text_and_html_parts(app):
    message = queue_notice(full_name="Ada <Lovelace> & Co", headers={"Reply-To": "hr@school.example"})
    db.session.commit()

    [path] = eml_files(app)
    assert f"outbox-{message.id}" in path.name
    parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed["From"] == app.config["MAIL_FROM"]
    assert parsed["To"] == "head@school.example"
    assert parsed["Subject"] == "Your listing is live"
    assert parsed["Reply-To"] == "hr@school.example"
    assert parsed["Date"] is not None
    assert parsed["Message-ID"].endswith(f".outbox-{message.id}@marketplace.invalid>")

    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert "Hello Ada <Lovelace> & Co," in text
    assert "Hello Ada &lt;Lovelace&gt; &amp; Co," in html
    assert "£38,000" in text
    assert "£38,000" in html
    assert "http://localhost/jobs/7" in text
    assert 'href="http://localhost/jobs/7"' in html
    assert "\n\n\n" not in text

    [row] = outbox_rows()
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 1, None)
    assert row.sent_at is not None


def test_file_backend_creates_the_outbox_folder(app, tmp_path):
    app.config["OUTBOX_PATH"] = str(tmp_path / "not" / "there" / "yet")
    queue_notice()
    db.session.commit()

    assert len(list((tmp_path / "not" / "there" / "yet").glob("*.eml"))) == 1


def test_console_backend_logs_the_whole_message(app, caplog):
    app.config["MAIL_BACKEND"] = "console"
    with caplog.at_level(logging.INFO, logger="marketplace.notifications.senders"):
        queue_notice()
        db.session.commit()

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Subject: Your listing is live" in logged
    assert "To: head@school.example" in logged
    assert outbox_rows()[0].status is OutboxStatus.SENT


def test_email_is_sent_over_smtp_as_soon_as_its_transaction_commits(app, smtp_server):
    app.config.update(smtp_server.config())
    message = queue_notice()
    db.session.flush()
    assert smtp_server.received == []

    db.session.commit()

    [received] = smtp_server.received
    assert received.recipients == ["head@school.example"]
    assert received.message["Message-ID"].endswith(f".outbox-{message.id}@marketplace.invalid>")
    assert received.message.get_body(("html",)) is not None
    assert outbox_rows()[0].status is OutboxStatus.SENT
    # Claimed and recorded like the worker's own sends, so the worker has nothing left to send.
    assert not deliver_due(now=later(days=1))
    assert len(smtp_server.received) == 1


def test_smtp_outage_at_commit_keeps_the_commit_and_leaves_the_email_to_the_worker(app, smtp_server):
    app.config.update(smtp_server.config())
    smtp_server.stop()

    db.session.add(UserFactory.build(email="new.teacher@example.org"))
    queue_notice("new.teacher@example.org")
    db.session.commit()  # does not raise

    assert db.session.scalar(sa.select(User.email)) == "new.teacher@example.org"
    [row] = outbox_rows()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert "ConnectionRefusedError" in row.last_error

    smtp_server.start()
    assert not deliver_due()  # not due yet: it waits for its backoff
    assert deliver_due(now=later(hours=1)).sent == 1
    assert [item.recipients for item in smtp_server.received] == [["new.teacher@example.org"]]


def test_email_rolled_back_after_a_flush_is_never_sent(app, smtp_server):
    app.config.update(smtp_server.config())
    queue_notice("first@example.org")
    db.session.flush()
    db.session.rollback()

    queue_notice("second@example.org")
    db.session.commit()

    assert [item.recipients for item in smtp_server.received] == [["second@example.org"]]
    assert [row.recipient for row in outbox_rows()] == ["second@example.org"]


def test_without_delivery_on_commit_the_email_waits_for_the_worker(app, smtp_server):
    app.config.update(smtp_server.config(), MAIL_DELIVER_ON_COMMIT=False)
    queue_notice()
    db.session.commit()

    assert smtp_server.received == []
    assert outbox_rows()[0].status is OutboxStatus.PENDING
    assert deliver_due().sent == 1
    assert len(smtp_server.received) == 1


def test_smtp_login_with_username_and_password(app):
    server = SmtpServer(authenticator=accept_one_login, auth_require_tls=False)
    server.start()
    try:
        app.config.update(server.config(), SMTP_USERNAME="mailer", SMTP_PASSWORD="s3cret")
        queue_notice("right@example.org")
        db.session.commit()

        app.config["SMTP_PASSWORD"] = "wrong"
        queue_notice("wrong@example.org")
        db.session.commit()
    finally:
        server.stop()

    assert [item.recipients for item in server.received] == [["right@example.org"]]
    sent, refused = outbox_rows()
    assert sent.status is OutboxStatus.SENT
    assert refused.status is OutboxStatus.PENDING
    assert "535" in refused.last_error


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_smtp_over_tls(app, certificate, monkeypatch, security):
    cert, key = certificate
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    if security == "tls":
        server = SmtpServer(ssl_context=server_context)
    else:
        server = SmtpServer(tls_context=server_context, require_starttls=True)
    # The client verifies the server's certificate, trusting this test's self-signed one.
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    server.start()
    try:
        app.config.update(server.config(), SMTP_SECURITY=security)
        queue_notice()
        db.session.commit()
    finally:
        server.stop()

    assert len(server.received) == 1
    assert outbox_rows()[0].status is OutboxStatus.SENT


def test_email_flushed_then_abandoned_with_the_session_is_never_sent(app, smtp_server):
    app.config.update(smtp_server.config())
    queue_notice("first@example.org")
    db.session.flush()
    db.session.close()

    queue_notice("second@example.org")
    db.session.commit()

    assert [item.recipients for item in smtp_server.received] == [["second@example.org"]]
    assert [row.recipient for row in outbox_rows()] == ["second@example.org"]
