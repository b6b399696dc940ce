"""What happens to applications and saved jobs, announced for the layers above (emails, the funnel)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from marketplace.events import DomainEvent


@dataclass(frozen=True)
class ApplicationStarted(DomainEvent):
    """A jobseeker's first draft for a listing was stored."""

    application_id: int


@dataclass(frozen=True)
class ApplicationSubmitted(DomainEvent):
    """A jobseeker sent an application to the school."""

    application_id: int


@dataclass(frozen=True)
class ApplicationStatusChanged(DomainEvent):
    """The school moved an application on (shortlisted, invited to interview, offered, ...) to `status`."""

    application_id: int
    status: str


@dataclass(frozen=True)
class InterviewRescheduled(DomainEvent):
    """The school moved an arranged interview to a new date and time."""

    application_id: int


@dataclass(frozen=True)
class ApplicationWithdrawn(DomainEvent):
    """The jobseeker withdrew a sent application; `status` is the status it now has, `previous_status`
    the one it had (an offer withdrawn from matters more to the school)."""

    application_id: int
    status: str
    previous_status: str = ""


@dataclass(frozen=True)
class JobSaved(DomainEvent):
    """A jobseeker saved a live listing for the first time."""

    vacancy_id: int
    user_id: int


@dataclass(frozen=True)
class SavedJobClosingSoon(DomainEvent):
    """A saved listing closes soon and the person has not applied: they are reminded once."""

    saved_job_id: int


@dataclass(frozen=True)
class DailySummaryDue(DomainEvent):
    """A member of staff's daily summary is due: the applications their organisations received in
    [since, until), which were not none."""

    user_id: int
    since: dt.datetime
    until: dt.datetime


@dataclass(frozen=True)
class MessageSent(DomainEvent):
    """A message about an application was sent by the school or by the candidate."""

    message_id: int


@dataclass(frozen=True)
class ReferenceRequested(DomainEvent):
    """A referee is asked for a reference (or reminded): `token` opens their form."""

    request_id: int
    token: str
    reminder: bool


@dataclass(frozen=True)
class CandidateInvited(DomainEvent):
    """A school invited a findable candidate to apply to one of its live listings."""

    invitation_id: int


@dataclass(frozen=True)
class CandidateInvitationDeclined(DomainEvent):
    """The invited candidate said no thanks."""

    invitation_id: int


@dataclass(frozen=True)
class InvitationMessageSent(DomainEvent):
    """The inviting school or the invited candidate wrote about an invitation."""

    message_id: int
