"""The conversation about an application: the school's staff and the candidate write to each other in the
service. The other side is emailed a link, never the words (they are personal); messages carry read receipts.

A conversation is open while the application is with the school (sent and not withdrawn) and its data is
still kept (APPLICATION_ACCESS_DAYS after the closing date); after that it can be read but not added to.
Messages are plain text, shown escaped; each person may send at most MESSAGES_PER_HOUR an hour, counted in
the database, so the limit holds across every web process.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlalchemy as sa
from flask import current_app

from marketplace.accounts.models import User
from marketplace.applications.events import MessageSent
from marketplace.applications.inbox import data_available
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application, ApplicationMessage, MessageTemplate
from marketplace.db import utcnow
from marketplace.errors import DomainError
from marketplace.events import announce
from marketplace.extensions import db
from marketplace.organisations.queries import organisation_ids_for

MAX_MESSAGE_LENGTH = 5000
# Control characters other than tab and newlines: invisible in the page, and a way to spoof text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CLOSED_STATUSES = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN})


class MessageRefused(DomainError):
    """The message cannot be sent (empty, too long, conversation closed, or too many at once)."""


def is_open(application: Application, now: dt.datetime | None = None) -> bool:
    """Whether new messages can be sent about this application."""
    return (
        application.status not in _CLOSED_STATUSES
        and application.jobseeker_id is not None
        and data_available(application.vacancy, now)
    )


def closed_reason(application: Application, now: dt.datetime | None = None) -> str | None:
    """Why no new message can be sent, in words for the page; None while the conversation is open."""
    if application.status is ApplicationStatus.WITHDRAWN:
        return "The application was withdrawn, so no new messages can be sent."
    if application.jobseeker_id is None or not data_available(application.vacancy, now):
        return "This application is no longer kept, so no new messages can be sent."
    if application.status is ApplicationStatus.DRAFT:
        return "Messages can be sent once the application is sent."
    return None


def plain_text(text: str | None) -> str:
    """Typed text without control characters, with one kind of line break, trimmed."""
    return _CONTROL.sub("", (text or "").replace("\r\n", "\n")).strip()


def clean_body(body: str) -> str:
    """A message's text as it is kept; refused when empty or too long."""
    body = plain_text(body)
    if not body:
        raise MessageRefused("Enter a message", field_errors={"body": "Enter a message"})
    if len(body) > MAX_MESSAGE_LENGTH:
        message = f"A message must be {MAX_MESSAGE_LENGTH:,} characters or fewer"
        raise MessageRefused(message, field_errors={"body": message})
    return body


# Every kind of message a person sends (about an application, or about an invitation before it): one
# hourly budget for all of them, so another kind of conversation is not another MESSAGES_PER_HOUR.
_RATE_COUNTED: list[type[Any]] = [ApplicationMessage]


def count_towards_rate(message_model: type) -> None:
    """Count another kind of message (a model with sender_id and created_at) in the hourly budget."""
    if message_model not in _RATE_COUNTED:
        _RATE_COUNTED.append(message_model)


def check_rate(sender: User, now: dt.datetime) -> None:
    """Refuse a message beyond MESSAGES_PER_HOUR from this person, counted in the database."""
    allowed = current_app.config["MESSAGES_PER_HOUR"]
    since = now - dt.timedelta(hours=1)
    sent = sum(
        db.session.scalar(
            sa.select(sa.func.count()).where(model.sender_id == sender.id, model.created_at > since)
        )
        or 0
        for model in _RATE_COUNTED
    )
    if sent >= allowed:
        message = (
            f"You have sent {allowed} messages in the last hour. Wait a while, then send this one again."
        )
        raise MessageRefused(message, field_errors={"body": message})


def _send(sender: User, application: Application, body: str, *, from_school: bool, now: dt.datetime):
    if not is_open(application, now):
        reason = closed_reason(application, now) or "No new messages can be sent."
        raise MessageRefused(reason, field_errors={"body": reason})
    body = clean_body(body)
    check_rate(sender, now)
    message = ApplicationMessage(
        application=application, sender=sender, from_school=from_school, body=body, created_at=now
    )
    db.session.add(message)
    db.session.flush()
    announce(MessageSent(message_id=message.id))
    return message


def send_from_school(
    staff: User, application: Application, body: str, *, now: dt.datetime | None = None
) -> ApplicationMessage:
    """A message from the school's staff to the candidate, who is emailed a link to read it."""
    if application.vacancy.organisation_id not in organisation_ids_for(staff):
        raise MessageRefused("This application was not made to your organisation.")
    return _send(staff, application, body, from_school=True, now=now or utcnow())


def send_from_candidate(
    candidate: User, application: Application, body: str, *, now: dt.datetime | None = None
) -> ApplicationMessage:
    """A message from the candidate to the school; the listing's contact is emailed a link."""
    if application.jobseeker_id != candidate.id:
        raise MessageRefused("This is not your application.")
    return _send(candidate, application, body, from_school=False, now=now or utcnow())


def mark_read(application: Application, *, by_school: bool, now: dt.datetime | None = None) -> int:
    """Record that one side opened the conversation: the other side's unread messages get their read
    receipt. Returns how many were newly read."""
    unread = [m for m in application.messages if m.from_school != by_school and m.read_at is None]
    for message in unread:
        message.read_at = now or utcnow()
    return len(unread)


def unread_counts(application_ids: list[int], *, for_school: bool) -> dict[int, int]:
    """Unread messages per application, for the side that would read them."""
    if not application_ids:
        return {}
    rows = db.session.execute(
        sa.select(ApplicationMessage.application_id, sa.func.count(ApplicationMessage.id))
        .where(
            ApplicationMessage.application_id.in_(application_ids),
            ApplicationMessage.from_school.is_(not for_school),
            ApplicationMessage.read_at.is_(None),
        )
        .group_by(ApplicationMessage.application_id)
    )
    return dict(rows.all())


# --- Message templates ---------------------------------------------------------------------------------

MAX_TEMPLATE_NAME = 100
PLACEHOLDERS = {
    "{candidate}": "the candidate's name (or reference, while anonymised)",
    "{job}": "the job title",
    "{school}": "the school's name",
}
# Every school starts with these; its own templates are listed after them.
STANDARD_TEMPLATES = (
    (
        "Invite to interview",
        "Dear {candidate},\n\nThank you for applying for {job}. We would like to invite you to an interview. "
        "Please reply with the days and times you could come in over the next two weeks.\n\n{school}",
    ),
    (
        "Ask for documents",
        "Dear {candidate},\n\nThank you for your application for {job}. Before we go further, please send us "
        "a copy of your qualification certificates and proof of your right to work in the UK.\n\n{school}",
    ),
    (
        "Thank you for applying",
        "Dear {candidate},\n\nThank you for applying for {job}. We are reading every application and will "
        "be in touch after the closing date.\n\n{school}",
    ),
)


def fill_template(body: str, application: Application) -> str:
    """A template's text with its placeholders filled in for this application."""
    values = {
        "{candidate}": application.display_name,
        "{job}": application.vacancy.title,
        "{school}": application.vacancy.organisation.name,
    }
    for placeholder, value in values.items():
        body = body.replace(placeholder, value)
    return body


def templates_for(application: Application) -> list[tuple[str, str]]:
    """(name, text) of each template the school can start a message from: the standard ones, then the
    organisation's own (and its trust's)."""
    organisation = application.vacancy.organisation
    owners = [organisation.id] + ([organisation.trust_id] if organisation.trust_id else [])
    own = db.session.scalars(
        sa.select(MessageTemplate)
        .where(MessageTemplate.organisation_id.in_(owners))
        .order_by(sa.func.lower(MessageTemplate.name), MessageTemplate.id)
    )
    return list(STANDARD_TEMPLATES) + [(template.name, template.body) for template in own]


def organisation_templates(staff: User) -> list[MessageTemplate]:
    ids = organisation_ids_for(staff)
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(MessageTemplate)
            .where(MessageTemplate.organisation_id.in_(ids))
            .order_by(sa.func.lower(MessageTemplate.name), MessageTemplate.id)
        )
    )


def add_template(staff: User, organisation_id: int, name: str, body: str) -> MessageTemplate:
    if organisation_id not in organisation_ids_for(staff):
        raise MessageRefused("You are not a member of that organisation.")
    name = plain_text(name)
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter a name for the template"
    elif len(name) > MAX_TEMPLATE_NAME:
        errors["name"] = f"A template's name must be {MAX_TEMPLATE_NAME} characters or fewer"
    try:
        body = clean_body(body)
    except MessageRefused as error:
        errors.update(error.field_errors)
    if errors:
        raise MessageRefused(field_errors=errors)
    template = MessageTemplate(organisation_id=organisation_id, name=name, body=body)
    db.session.add(template)
    return template


def own_template(staff: User, template_id: int) -> MessageTemplate | None:
    """One of the staff member's organisations' templates; None for anyone else's."""
    template = db.session.get(MessageTemplate, template_id)
    if template is None or template.organisation_id not in organisation_ids_for(staff):
        return None
    return template


def delete_template(template: MessageTemplate) -> None:
    """Delete one of an organisation's templates (found with `own_template`); the caller commits."""
    db.session.delete(template)
