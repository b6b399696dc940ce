"""References: from a shortlisted application, the school asks the referees the candidate named.

Each referee is emailed a link of their own (no account): a random token, of which only a hash is kept.
The link opens the reference form once; submitting or declining uses it up, and it expires after
REFERENCE_LINK_DAYS. A referee who has not answered after REFERENCE_REMINDER_DAYS is reminded once, with a
new link (the first stops working). The school sees each request's status and the received answers, the
safeguarding ones first; the candidate sees only that references were asked for and which came back.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import re
import secrets
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.applications.events import ReferenceRequested
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application
from marketplace.db import Base, str_enum, utcnow
from marketplace.errors import DomainError
from marketplace.events import announce
from marketplace.extensions import db
from marketplace.organisations.queries import organisation_ids_for

if TYPE_CHECKING:
    from marketplace.accounts.models import User

# The statuses from which the school may ask for references: it has chosen to take the candidate further.
REFERENCES_FROM = frozenset(
    {
        ApplicationStatus.SHORTLISTED,
        ApplicationStatus.INTERVIEWING,
        ApplicationStatus.OFFERED,
        ApplicationStatus.ACCEPTED,
    }
)
MAX_ANSWER_LENGTH = 5000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ReferenceStatus(enum.StrEnum):
    REQUESTED = "requested"
    RECEIVED = "received"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {"requested": "Requested", "received": "Received", "declined": "Declined"}[self.value]


class ReferenceAction(enum.StrEnum):
    SUBMIT = "submit"
    DECLINE = "decline"
    REMIND = "remind"


# The lifecycle: (action, status now) -> status after. Anything else is refused.
TRANSITIONS: dict[tuple[ReferenceAction, ReferenceStatus], ReferenceStatus] = {
    (ReferenceAction.SUBMIT, ReferenceStatus.REQUESTED): ReferenceStatus.RECEIVED,
    (ReferenceAction.DECLINE, ReferenceStatus.REQUESTED): ReferenceStatus.DECLINED,
    (ReferenceAction.REMIND, ReferenceStatus.REQUESTED): ReferenceStatus.REQUESTED,
}


class ReferenceRequest(Base):
    """One referee asked for one application's reference."""

    __tablename__ = "reference_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    referee_name: Mapped[str] = mapped_column(sa.String(200))
    referee_email: Mapped[str] = mapped_column(sa.String(320))
    referee_job_title: Mapped[str] = mapped_column(sa.String(200), default="")
    referee_organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    # As the candidate described it ("my current headteacher").
    relationship_given: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[ReferenceStatus] = mapped_column(
        str_enum(ReferenceStatus), default=ReferenceStatus.REQUESTED
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    link_expires_at: Mapped[dt.datetime]
    reminded_at: Mapped[dt.datetime | None]
    responded_at: Mapped[dt.datetime | None]
    # The referee's answers (see ANSWER_FIELDS), once received.
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    application: Mapped[Application] = relationship(
        backref=sa.orm.backref("references", cascade="all, delete-orphan", order_by="ReferenceRequest.id")
    )

    def __repr__(self) -> str:
        return f"<ReferenceRequest {self.id} {self.status}>"


class ReferenceRefused(DomainError):
    """The request or the answer cannot be accepted as it stands."""


class LinkNotUsable(DomainError):
    """The referee's link is unknown, used or expired: the message says which."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_link(request: ReferenceRequest, now: dt.datetime) -> str:
    token = secrets.token_urlsafe(32)
    request.token_hash = _hash(token)
    request.link_expires_at = now + dt.timedelta(days=current_app.config["REFERENCE_LINK_DAYS"])
    return token


def _move(request: ReferenceRequest, action: ReferenceAction) -> None:
    after = TRANSITIONS.get((action, request.status))
    if after is None:
        raise ReferenceRefused(f"This reference is {request.status.label.lower()}: it cannot be changed.")
    request.status = after


def named_referees(application: Application) -> list[dict[str, str]]:
    """The referees the candidate gave in this application."""
    stored = (application.answers or {}).get("referees") or {}
    items = (stored.get("data") or {}).get("items") or []
    return [item for item in items if (item.get("email") or "").strip() and (item.get("name") or "").strip()]


def not_yet_asked(application: Application) -> list[dict[str, str]]:
    asked = {request.referee_email.casefold() for request in application.references}
    return [item for item in named_referees(application) if item["email"].strip().casefold() not in asked]


def can_request(application: Application) -> bool:
    return application.status in REFERENCES_FROM and bool(not_yet_asked(application))


def request_references(
    staff: User, application: Application, *, now: dt.datetime | None = None
) -> list[ReferenceRequest]:
    """Ask every referee of the application not asked yet; each is emailed their own link."""
    now = now or utcnow()
    if application.vacancy.organisation_id not in organisation_ids_for(staff):
        raise ReferenceRefused("This application was not made to your organisation.")
    if application.status not in REFERENCES_FROM:
        raise ReferenceRefused("Shortlist the candidate before asking for references.")
    referees = not_yet_asked(application)
    if not referees:
        raise ReferenceRefused("Every referee the candidate named has already been asked.")
    made = []
    for referee in referees:
        request = ReferenceRequest(
            application=application,
            requested_by_id=staff.id,
            referee_name=referee["name"].strip()[:200],
            referee_email=referee["email"].strip()[:320],
            referee_job_title=(referee.get("job_title") or "").strip()[:200],
            referee_organisation=(referee.get("organisation") or "").strip()[:200],
            relationship_given=(referee.get("relationship") or "").strip()[:200],
            requested_at=now,
        )
        token = _new_link(request, now)
        db.session.add(request)
        db.session.flush()
        announce(ReferenceRequested(request_id=request.id, token=token, reminder=False))
        made.append(request)
    return made


def request_for_link(token: str, *, now: dt.datetime | None = None) -> ReferenceRequest:
    """The request a referee's link opens; LinkNotUsable, in words for the referee, otherwise."""
    request = db.session.scalar(
        sa.select(ReferenceRequest).where(ReferenceRequest.token_hash == _hash(token))
    )
    if request is None:
        raise LinkNotUsable(
            "This link does not work. If you were sent a reminder, use the link in the most recent email."
        )
    if request.status is ReferenceStatus.RECEIVED:
        raise LinkNotUsable("This reference has already been given. Thank you.")
    if request.status is ReferenceStatus.DECLINED:
        raise LinkNotUsable("You have declined to give this reference, so the link no longer works.")
    if (now or utcnow()) >= request.link_expires_at:
        raise LinkNotUsable(
            f"This link has expired. Contact {request.application.vacancy.organisation.name} if you "
            "would still like to give a reference."
        )
    return request


# The reference form's answers, in the order the school reads them: safeguarding first.
SAFEGUARDING_FIELDS = ("suitable_with_children", "concerns", "concerns_details")
ANSWER_FIELDS = (
    *SAFEGUARDING_FIELDS,
    "relationship",
    "known_from",
    "known_until",
    "comments",
    "referee_name",
)


def _text(value: Any) -> str:
    return _CONTROL.sub("", str(value or "")).strip()


def submit_reference(
    token: str, answers: dict[str, Any], *, now: dt.datetime | None = None
) -> ReferenceRequest:
    """Record the referee's answers; the link is used up. The caller commits."""
    now = now or utcnow()
    request = request_for_link(token, now=now)
    cleaned = {name: _text(answers.get(name)) for name in ANSWER_FIELDS}
    problems: dict[str, str] = {}
    if cleaned["suitable_with_children"] not in ("yes", "no"):
        problems["suitable_with_children"] = "Say whether the candidate is suitable to work with children"
    if cleaned["concerns"] not in ("yes", "no"):
        problems["concerns"] = "Say whether you have any concerns about the candidate working with children"
    elif cleaned["concerns"] == "yes" and not cleaned["concerns_details"]:
        problems["concerns_details"] = "Describe your concerns"
    if not cleaned["relationship"]:
        problems["relationship"] = "Say how you know the candidate"
    if not cleaned["referee_name"]:
        problems["referee_name"] = "Enter your full name"
    for name, value in cleaned.items():
        if len(value) > MAX_ANSWER_LENGTH:
            problems[name] = f"Answers must be {MAX_ANSWER_LENGTH:,} characters or fewer"
    if problems:
        raise ReferenceRefused(field_errors=problems)
    _move(request, ReferenceAction.SUBMIT)
    request.answers = cleaned
    request.responded_at = now  # the link is used up: request_for_link refuses a received reference
    return request


def decline_reference(token: str, *, now: dt.datetime | None = None) -> ReferenceRequest:
    now = now or utcnow()
    request = request_for_link(token, now=now)
    _move(request, ReferenceAction.DECLINE)
    request.responded_at = now
    return request


def send_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind, once, each referee who has not answered REFERENCE_REMINDER_DAYS after being asked; the
    reminder carries a new link. Returns how many; the caller commits."""
    now = now or utcnow()
    waited = dt.timedelta(days=current_app.config["REFERENCE_REMINDER_DAYS"])
    due = db.session.scalars(
        sa.select(ReferenceRequest)
        .where(
            ReferenceRequest.status == ReferenceStatus.REQUESTED,
            ReferenceRequest.reminded_at.is_(None),
            ReferenceRequest.requested_at <= now - waited,
        )
        .order_by(ReferenceRequest.id)
        .with_for_update(skip_locked=True)
    ).all()
    for request in due:
        _move(request, ReferenceAction.REMIND)
        request.reminded_at = now
        announce(ReferenceRequested(request_id=request.id, token=_new_link(request, now), reminder=True))
    return len(due)
