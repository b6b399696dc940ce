"""Which email each event of the core domain sends: the core announces, the catalogue writes.

Imported by create_app, so every process built on it (web, CLI, worker) has these handlers registered.
Each handler runs in the announcer's transaction: the email is queued exactly when the change commits.
"""

from __future__ import annotations

from marketplace.accounts import events as account_events
from marketplace.applications import events as application_events
from marketplace.events import subscribe
from marketplace.notifications.messages import accounts, applications, organisations, vacancies
from marketplace.organisations import events as organisation_events
from marketplace.vacancies import events as vacancy_events

# --- accounts ---------------------------------------------------------------------------------------------


@subscribe(account_events.EmailConfirmationRequested)
def _verify_email(event: account_events.EmailConfirmationRequested) -> None:
    accounts.verify_email(event.user_id, event.token, next_path=event.next_path)


@subscribe(account_events.PasswordResetRequested)
def _reset_password(event: account_events.PasswordResetRequested) -> None:
    accounts.reset_password(event.user_id, event.token)


@subscribe(account_events.RegistrationForExistingAccount)
def _account_exists(event: account_events.RegistrationForExistingAccount) -> None:
    accounts.account_exists(event.user_id)


@subscribe(account_events.AccountDeleted)
def _account_deleted(event: account_events.AccountDeleted) -> None:
    accounts.account_deleted(event.email, event.full_name)


@subscribe(account_events.InactiveAccountWarned)
def _inactive_account_warning(event: account_events.InactiveAccountWarned) -> None:
    accounts.inactive_account_warning(event.user_id, event.deletion_date)


# --- organisations ----------------------------------------------------------------------------------------


@subscribe(organisation_events.JoinRequested)
def _join_request_received(event: organisation_events.JoinRequested) -> None:
    organisations.join_request_received(event.request_id)


@subscribe(organisation_events.JoinRequestDecided)
def _join_request_decided(event: organisation_events.JoinRequestDecided) -> None:
    organisations.join_request_decided(event.request_id)


@subscribe(organisation_events.ClaimDecided)
def _claim_decided(event: organisation_events.ClaimDecided) -> None:
    organisations.claim_decided(event.request_id, event.reason)


@subscribe(organisation_events.ColleagueInvited)
def _team_invitation(event: organisation_events.ColleagueInvited) -> None:
    organisations.team_invitation(event.invitation_id, event.token)


# --- vacancies --------------------------------------------------------------------------------------------


@subscribe(vacancy_events.ClosingDateExtended)
def _draft_application_more_time(event: vacancy_events.ClosingDateExtended) -> None:
    vacancies.draft_application_more_time(event.vacancy_id)


@subscribe(vacancy_events.ListingEndedEarly)
def _draft_application_job_closed(event: vacancy_events.ListingEndedEarly) -> None:
    vacancies.draft_application_job_closed(event.vacancy_id)


# --- applications -----------------------------------------------------------------------------------------


@subscribe(application_events.ApplicationSubmitted)
def _application_submitted(event: application_events.ApplicationSubmitted) -> None:
    applications.application_submitted(event.application_id)
    applications.application_received(event.application_id)


@subscribe(application_events.ApplicationStatusChanged)
def _application_status_changed(event: application_events.ApplicationStatusChanged) -> None:
    applications.application_status_changed(event.application_id)


@subscribe(application_events.InterviewRescheduled)
def _interview_rescheduled(event: application_events.InterviewRescheduled) -> None:
    applications.interview_rescheduled(event.application_id)


@subscribe(application_events.ApplicationWithdrawn)
def _application_withdrawn(event: application_events.ApplicationWithdrawn) -> None:
    applications.application_withdrawn(event.application_id, was_offered=event.previous_status == "offered")


@subscribe(application_events.MessageSent)
def _message_sent(event: application_events.MessageSent) -> None:
    applications.message_sent(event.message_id)


@subscribe(application_events.CandidateInvited)
def _candidate_invited(event: application_events.CandidateInvited) -> None:
    applications.candidate_invited(event.invitation_id)


@subscribe(application_events.CandidateInvitationDeclined)
def _candidate_invitation_declined(event: application_events.CandidateInvitationDeclined) -> None:
    applications.candidate_invitation_declined(event.invitation_id)


@subscribe(application_events.InvitationMessageSent)
def _invitation_message_sent(event: application_events.InvitationMessageSent) -> None:
    applications.invitation_message_sent(event.message_id)


@subscribe(application_events.ReferenceRequested)
def _reference_requested(event: application_events.ReferenceRequested) -> None:
    applications.reference_requested(event.request_id, event.token, event.reminder)


@subscribe(application_events.DailySummaryDue)
def _daily_summary(event: application_events.DailySummaryDue) -> None:
    applications.daily_summary(event.user_id, event.since, event.until)


@subscribe(application_events.SavedJobClosingSoon)
def _saved_job_closing(event: application_events.SavedJobClosingSoon) -> None:
    applications.saved_job_closing(event.saved_job_id)
