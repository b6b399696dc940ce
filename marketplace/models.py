"""Every model, imported in one place so Alembic and the tests see the whole schema."""

from marketplace.accounts.models import User
from marketplace.alerts import personal_data  # noqa: F401  (saved jobs and alerts in the privacy tools)
from marketplace.alerts.models import AlertDelivery, JobAlert
from marketplace.analytics.models import Event
from marketplace.applications import personal_data as application_data  # noqa: F401  (the privacy tools)
from marketplace.applications.candidates import CandidateInvitation, CandidatePreferences, InvitationMessage
from marketplace.applications.equal_opportunities import EqualOpportunitiesResponse
from marketplace.applications.models import Application, ApplicationNote, JobseekerProfile, SavedJob
from marketplace.applications.references import ReferenceRequest
from marketplace.applications.summaries import DailySummary
from marketplace.audit.models import AuditEvent
from marketplace.moderation.models import ModerationDecision
from marketplace.notifications.models import OutboxMessage
from marketplace.organisations import slugs  # noqa: F401  (gives new organisations their slug)
from marketplace.organisations.models import Membership, Organisation
from marketplace.search.models import CandidateChange, SearchChange
from marketplace.submissions import FormSubmission
from marketplace.vacancies.models import ClosingDateExtension, Vacancy, VacancyDocument, VacancyEnding

__all__ = [
    "AlertDelivery",
    "Application",
    "ApplicationNote",
    "AuditEvent",
    "CandidateChange",
    "CandidateInvitation",
    "CandidatePreferences",
    "ClosingDateExtension",
    "DailySummary",
    "EqualOpportunitiesResponse",
    "Event",
    "FormSubmission",
    "InvitationMessage",
    "JobAlert",
    "JobseekerProfile",
    "Membership",
    "ModerationDecision",
    "Organisation",
    "OutboxMessage",
    "ReferenceRequest",
    "SavedJob",
    "SearchChange",
    "User",
    "Vacancy",
    "VacancyDocument",
    "VacancyEnding",
]
