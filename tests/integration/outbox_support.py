"""Shared by the outbox and worker tests: a real SMTP server (aiosmtpd) and a test-only email template."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from jinja2 import ChoiceLoader, FileSystemLoader

from marketplace.extensions import db
from marketplace.notifications.models import OutboxMessage
from marketplace.notifications.outbox import queue_email

TEMPLATES = Path(__file__).parent / "email_templates"


def free_port() -> int:
    # aiosmtpd cannot be given port 0, so ask the kernel for a free port and hand over its number.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Received:
    mail_from: str
    recipients: list[str]
    message: EmailMessage


class RecordingHandler:
    """Keeps every accepted message; can refuse recipients, defer messages, or shut down mid-batch."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refused_recipients: set[str] = set()
        self.defer_every_message = False
        self.stop_after: int | None = None
        self.shutdown: threading.Thread | None = None
        self._lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self._lock:
            if self.stop_after is not None and len(self.received) >= self.stop_after:
                if self.shutdown is not None and self.shutdown.ident is None:
                    self.shutdown.start()  # from another thread: stopping joins this server's own thread
                return "421 4.3.2 Service shutting down"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused_recipients:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.defer_every_message:
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self._lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted"


class SmtpServer:
    """A real SMTP server in this process, on a fixed port so it can be stopped and started again."""

    def __init__(self, **controller_options) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.handler = RecordingHandler()
        # Naming the server spares aiosmtpd a reverse DNS lookup of this machine.
        self.controller_options = {"server_hostname": "mail.test", **controller_options}
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(
            self.handler, hostname=self.host, port=self.port, **self.controller_options
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def stop_after(self, count: int) -> None:
        """Accept `count` messages, then answer 421 and shut down, as a server going away mid-batch does."""
        self.handler.stop_after = count
        self.handler.shutdown = threading.Thread(target=self.stop)

    def close(self) -> None:
        shutdown, self.handler.shutdown, self.handler.stop_after = self.handler.shutdown, None, None
        if shutdown is not None and shutdown.ident is not None:
            shutdown.join()
        self.stop()

    def restart(self) -> None:
        self.close()
        self.start()

    @property
    def received(self) -> list[Received]:
        return list(self.handler.received)

    def message_ids(self) -> list[str]:
        return [str(item.message["Message-ID"]) for item in self.received]

    def config(self) -> dict:
        return {
            "MAIL_BACKEND": "smtp",
            "SMTP_HOST": self.host,
            "SMTP_PORT": self.port,
            "SMTP_SECURITY": "none",
            "SMTP_TIMEOUT": 5,
        }


def accept_one_login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    # handled=False: aiosmtpd then answers a failed login with 535 itself.
    return AuthResult(success=auth_data.login == b"mailer" and auth_data.password == b"s3cret", handled=False)


def running_smtp_server() -> Iterator[SmtpServer]:
    """Body of each test module's `smtp_server` fixture: a started server, stopped afterwards."""
    server = SmtpServer()
    server.start()
    yield server
    server.close()


def use_test_templates(app) -> None:
    """Make tests/integration/email_templates visible to this app only (the example_notice email)."""
    app.jinja_loader = ChoiceLoader([FileSystemLoader(TEMPLATES), app.jinja_loader])


def queue_notice(recipient: str = "head@school.example", **context) -> OutboxMessage:
    values = {"full_name": "Ada Lovelace", "title": "Maths teacher", "salary": "£38,000", "job_id": 7}
    values.update(context)
    return queue_email(recipient, "example_notice", "Your listing is live", **values)


def queue_committed(count: int) -> list[int]:
    """Queue `count` notices in one committed transaction and return their ids."""
    messages = [queue_notice(f"person{number}@example.org") for number in range(count)]
    db.session.commit()
    return [message.id for message in messages]


def outbox_rows() -> list[sa.Row]:
    """The committed outbox, read on a connection of its own (as another process would see it)."""
    with db.engine.connect() as connection:
        table = OutboxMessage.__table__
        return list(connection.execute(sa.select(table).order_by(table.c.id)))


def later(**delta) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(**delta)
