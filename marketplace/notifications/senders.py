"""Turning an outbox row into an RFC 5322 message, and the backends that hand it on.

`MAIL_BACKEND` chooses the backend: `file` writes one .eml per message into `OUTBOX_PATH` (development),
`console` logs the message, `smtp` relays it through `SMTP_HOST`. Every backend reports failures with the
three exceptions below, so the worker can decide between retrying later and giving up.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import logging
import os
import smtplib
import ssl
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

BACKENDS = ("file", "console", "smtp")
SMTP_SECURITY_MODES = ("none", "starttls", "tls")

# Headers the message builder owns; a stored extra header may not replace them.
RESERVED_HEADERS = frozenset(
    {
        "from",
        "to",
        "cc",
        "bcc",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
    }
)


class DeliveryFailed(Exception):
    """This message was not delivered this time; trying again later may work."""


class MessageRejected(DeliveryFailed):
    """The server refused this particular message for good (5xx): retrying cannot help."""


class ServerUnavailable(DeliveryFailed):
    """The mail server could not be reached or refused the session: no message can get through now."""


@dataclass(frozen=True)
class OutgoingEmail:
    """A snapshot of an outbox row: what a sender needs, detached from any database session."""

    id: int
    recipient: str
    subject: str
    text_body: str
    html_body: str
    created_at: dt.datetime
    headers: Mapping[str, str] = field(default_factory=dict)


def message_domain(config: Mapping) -> str:
    """The domain named on the right of our Message-IDs: the sender's own domain."""
    address = email.utils.parseaddr(config["MAIL_FROM"])[1]
    _, at, domain = address.rpartition("@")
    return (at and domain) or urlsplit(config["BASE_URL"]).hostname or "localhost"


def message_id(outgoing: OutgoingEmail, domain: str) -> str:
    """A Message-ID that is the same on every attempt, so a receiver can drop a repeated delivery.

    The creation time sits beside the outbox id because ids restart when a database is rebuilt.
    """
    return f"<{outgoing.created_at:%Y%m%d%H%M%S}.outbox-{outgoing.id}@{domain}>"


def build_message(outgoing: OutgoingEmail, config: Mapping) -> EmailMessage:
    """A complete multipart/alternative message (plain text first, then HTML) ready for any backend."""
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = outgoing.recipient
    message["Subject"] = outgoing.subject
    # The moment the message was composed, not the moment of this attempt: every attempt is identical.
    message["Date"] = email.utils.format_datetime(outgoing.created_at.astimezone(dt.UTC))
    message["Message-ID"] = message_id(outgoing, message_domain(config))
    for name, value in outgoing.headers.items():
        message[name] = value
    message.set_content(outgoing.text_body)
    message.add_alternative(outgoing.html_body, subtype="html")
    return message


class Sender(Protocol):
    """A mail backend. Use it as a context manager around a batch so connections can be reused."""

    #: The longest one send may take; the worker will not start a send its claim cannot outlast.
    time_limit: dt.timedelta

    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc_info: object) -> None: ...


class _BaseSender:
    time_limit = dt.timedelta(0)

    def close(self) -> None:
        """Nothing is held open between messages."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class FileSender(_BaseSender):
    """Writes each message to `<folder>/<created>.outbox-<id>.eml`, for any mail program to open."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def path_for(self, message: EmailMessage) -> Path:
        # "<20261128101500.outbox-42@domain>" → "20261128101500.outbox-42.eml": sorts by time, names the id.
        local_part = str(message["Message-ID"]).strip("<>").partition("@")[0]
        return self.folder / f"{local_part}.eml"

    def send(self, message: EmailMessage) -> None:
        path = self.path_for(message)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # Written aside then renamed: a reader never sees half a message, and a repeat replaces it.
            with tempfile.NamedTemporaryFile("wb", dir=self.folder, suffix=".tmp", delete=False) as handle:
                handle.write(message.as_bytes(policy=email.policy.SMTP))
            os.replace(handle.name, path)
        except OSError as error:
            raise ServerUnavailable(f"cannot write {path}: {error}") from error


class ConsoleSender(_BaseSender):
    """Logs each message in full (logger `marketplace.notifications.senders`, level INFO)."""

    def send(self, message: EmailMessage) -> None:
        logger.info("Email to %s: %s\n%s", message["To"], message["Subject"], message.as_string())


class SmtpSender(_BaseSender):
    """Relays messages over one SMTP session per batch, reconnecting after any failure."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        security: str = "none",
        username: str = "",
        password: str = "",
        timeout: float = 10,
    ) -> None:
        if security not in SMTP_SECURITY_MODES:
            raise ValueError(
                f"SMTP security must be one of {', '.join(SMTP_SECURITY_MODES)}, not {security!r}"
            )
        self.host, self.port, self.security = host, port, security
        self.username, self.password, self.timeout = username, password, timeout
        # Connect, greet, maybe STARTTLS and log in, then send: each step may wait up to the timeout.
        self.time_limit = dt.timedelta(seconds=timeout * 4)
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.security == "tls":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=context
            )
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            connection.ehlo()
            if self.security == "starttls":
                connection.starttls(context=context)
                connection.ehlo()
            if self.username:
                connection.login(self.username, self.password)
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, message: EmailMessage) -> None:
        try:
            if self._connection is None:
                self._connection = self._connect()
            self._connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            self._drop_connection()
            codes = [code for code, _ in error.recipients.values()]
            if codes and all(500 <= code < 600 for code in codes):
                raise MessageRejected(f"recipient refused: {error.recipients}") from error
            if 421 in codes:
                raise ServerUnavailable(f"server closing: {error.recipients}") from error
            raise DeliveryFailed(f"recipient deferred: {error.recipients}") from error
        except smtplib.SMTPDataError as error:
            # The session survives a refused DATA, but a fresh one is cheap and certainly clean.
            self._drop_connection()
            if 500 <= error.smtp_code < 600:
                raise MessageRejected(f"message refused: {error.smtp_code} {error.smtp_error!r}") from error
            if error.smtp_code == 421:
                raise ServerUnavailable(f"server closing: {error.smtp_error!r}") from error
            raise DeliveryFailed(f"message deferred: {error.smtp_code} {error.smtp_error!r}") from error
        except smtplib.SMTPResponseException as error:
            # MAIL FROM refused, authentication failed, 421 closing: about the session, not this message.
            self._drop_connection()
            raise ServerUnavailable(
                f"{type(error).__name__}: {error.smtp_code} {error.smtp_error!r}"
            ) from error
        except (smtplib.SMTPException, OSError) as error:
            # Refused or dropped connections, timeouts, TLS failures, DNS errors.
            self._drop_connection()
            raise ServerUnavailable(f"{type(error).__name__}: {error}") from error

    def _drop_connection(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def close(self) -> None:
        if self._connection is None:
            return
        try:
            self._connection.quit()
        except (smtplib.SMTPException, OSError):
            pass  # everything was already handed over; a lost goodbye changes nothing
        finally:
            self._drop_connection()


def check_config(config: Mapping) -> None:
    """Refuse an unknown backend or SMTP security mode at start-up instead of at the first email."""
    if config["MAIL_BACKEND"] not in BACKENDS:
        raise RuntimeError(
            f"MARKETPLACE_MAIL_BACKEND must be one of {', '.join(BACKENDS)}, not {config['MAIL_BACKEND']!r}"
        )
    if config["MAIL_BACKEND"] == "smtp" and config["SMTP_SECURITY"] not in SMTP_SECURITY_MODES:
        raise RuntimeError(
            f"MARKETPLACE_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY_MODES)}, "
            f"not {config['SMTP_SECURITY']!r}"
        )


def sender_for(config: Mapping) -> Sender:
    """The backend named by `MAIL_BACKEND`, configured from the app's settings."""
    check_config(config)
    backend = config["MAIL_BACKEND"]
    if backend == "file":
        return FileSender(config["OUTBOX_PATH"])
    if backend == "console":
        return ConsoleSender()
    return SmtpSender(
        config["SMTP_HOST"],
        int(config["SMTP_PORT"]),
        security=config["SMTP_SECURITY"],
        username=config["SMTP_USERNAME"] or "",
        password=config["SMTP_PASSWORD"] or "",
        timeout=float(config["SMTP_TIMEOUT"]),
    )
