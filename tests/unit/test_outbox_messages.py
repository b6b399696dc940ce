"""Building messages, checking what may be queued, backoff and the worker's task list: no database needed."""

from __future__ import annotations

import datetime as dt
from email import policy
from email.parser import BytesParser

import pytest

from marketplace.notifications.outbox import InvalidEmail, queue_email
from marketplace.notifications.senders import (
    ConsoleSender,
    FileSender,
    OutgoingEmail,
    SmtpSender,
    build_message,
    check_config,
    sender_for,
)
from marketplace.notifications.worker import DeliveryReport, exponential_backoff
from marketplace.worker import TaskRegistry

CONFIG = {
    "MAIL_FROM": "Teacher Vacancy Marketplace <no-reply@marketplace.example>",
    "BASE_URL": "https://jobs.example",
    "MAIL_BACKEND": "smtp",
    "OUTBOX_PATH": "/nonexistent/outbox",
    "SMTP_HOST": "mail.example",
    "SMTP_PORT": 587,
    "SMTP_SECURITY": "starttls",
    "SMTP_USERNAME": "",
    "SMTP_PASSWORD": "",
    "SMTP_TIMEOUT": 10.0,
}

EMAIL = OutgoingEmail(
    id=42,
    recipient="head@school.example",
    subject="Your listing “Maths teacher” is live",
    text_body="Hello Ada,\n\nIt pays £38,000.\n",
    html_body="<p>Hello Ada,</p><p>It pays £38,000.</p>",
    created_at=dt.datetime(2026, 11, 28, 10, 15, 0, tzinfo=dt.UTC),
    headers={"Reply-To": "hr@school.example", "List-Unsubscribe": "<https://jobs.example/alerts/1/stop>"},
)


def roundtrip(message):
    return BytesParser(policy=policy.default).parsebytes(message.as_bytes(policy=policy.SMTP))


def test_message_has_a_plain_text_part_then_an_html_part():
    parsed = roundtrip(build_message(EMAIL, CONFIG))

    assert parsed.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert parsed.get_body(("plain",)).get_content().replace("\r\n", "\n") == EMAIL.text_body
    assert "£38,000" in parsed.get_body(("html",)).get_content()


def test_message_headers_name_sender_recipient_subject_and_extras():
    parsed = roundtrip(build_message(EMAIL, CONFIG))

    assert parsed["From"] == CONFIG["MAIL_FROM"]
    assert parsed["To"] == "head@school.example"
    assert parsed["Subject"] == "Your listing “Maths teacher” is live"
    assert parsed["Reply-To"] == "hr@school.example"
    assert parsed["List-Unsubscribe"] == "<https://jobs.example/alerts/1/stop>"
    assert parsed["Date"].datetime == EMAIL.created_at


def test_message_id_is_the_same_on_every_attempt_and_names_the_outbox_row():
    first = build_message(EMAIL, CONFIG)["Message-ID"]
    again = build_message(EMAIL, CONFIG)["Message-ID"]

    assert first == again == "<20261128101500.outbox-42@marketplace.example>"
    assert build_message(EMAIL, {**CONFIG, "MAIL_FROM": "no-reply"})["Message-ID"].endswith("@jobs.example>")


def test_file_sender_names_the_file_after_the_message():
    sender = FileSender("/tmp/outbox")
    assert sender.path_for(build_message(EMAIL, CONFIG)).name == "20261128101500.outbox-42.eml"


@pytest.mark.parametrize(
    ("recipient", "subject", "headers"),
    [
        ("head@school.example\r\nBcc: everyone@example.org", "Hello", None),
        ("not an address", "Hello", None),
        ("Head <head@school.example>", "Hello", None),
        ("head@school.example", "Hello\nBcc: everyone@example.org", None),
        ("head@school.example", "   ", None),
        ("head@school.example", "Hello", {"Bcc": "everyone@example.org"}),
        ("head@school.example", "Hello", {"Reply-To": "a@example.org\r\nBcc: everyone@example.org"}),
    ],
)
def test_queue_email_refuses_header_injection_and_malformed_input(recipient, subject, headers):
    with pytest.raises(InvalidEmail):
        queue_email(recipient, "anything", subject, headers=headers)


def test_queue_email_refuses_template_paths():
    with pytest.raises(InvalidEmail):
        queue_email("head@school.example", "../layout", "Hello")


def test_backoff_doubles_from_two_minutes_up_to_six_hours():
    waits = [exponential_backoff(attempts) for attempts in range(1, 12)]

    assert waits[:4] == [dt.timedelta(minutes=minutes) for minutes in (2, 4, 8, 16)]
    assert max(waits) == dt.timedelta(hours=6)
    assert sum(waits[:7], dt.timedelta()) > dt.timedelta(hours=4)  # the default 8 attempts outlast 4 hours


def test_delivery_report_adds_up_and_is_false_when_nothing_happened():
    total = DeliveryReport(sent=2) + DeliveryReport(retried=1, dead=1)

    assert total == DeliveryReport(sent=2, retried=1, dead=1)
    assert str(total) == "sent 2, retried 1, dead 1"
    assert not DeliveryReport()
    assert DeliveryReport(released=1)


def test_backend_is_chosen_by_mail_backend():
    assert isinstance(sender_for(CONFIG), SmtpSender)
    assert isinstance(sender_for({**CONFIG, "MAIL_BACKEND": "console"}), ConsoleSender)
    assert isinstance(sender_for({**CONFIG, "MAIL_BACKEND": "file"}), FileSender)


@pytest.mark.parametrize("override", [{"MAIL_BACKEND": "pigeon"}, {"SMTP_SECURITY": "ssl"}])
def test_unknown_backend_or_security_is_refused_at_start_up(override):
    with pytest.raises(RuntimeError, match="MARKETPLACE_"):
        check_config({**CONFIG, **override})


def test_tasks_run_in_registration_order_and_reregistering_replaces_in_place():
    registry = TaskRegistry()
    registry.register("deliver email", lambda: 0)

    @registry.register("publish scheduled vacancies")
    def publish() -> int:
        return 0

    registry.register("deliver email", publish)

    assert registry.names() == ["deliver email", "publish scheduled vacancies"]
    assert dict(registry)["deliver email"] is publish
