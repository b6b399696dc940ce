"""Emails about applications: sent, received, moved on by the school, withdrawn, the daily summary for
staff, and saved jobs closing."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.applications import summaries
from marketplace.applications.candidates import CandidateInvitation, InvitationMessage
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application, ApplicationMessage
from marketplace.applications.references import ReferenceRequest
from marketplace.applications.saved_jobs import SavedJob
from marketplace.db import UK
from marketplace.extensions import db
from marketplace.links import external_url
from marketplace.notifications.outbox import queue_email
from marketplace.vacancies.models import Vacancy

# What the candidate reads in the subject line when the school moves their application on.
STATUS_SUBJECTS = {
    ApplicationStatus.SHORTLISTED: "You have been shortlisted: {title}",
    ApplicationStatus.INTERVIEWING: "Invitation to interview: {title}",
    ApplicationStatus.OFFERED: "Job offer: {title}",
    ApplicationStatus.ACCEPTED: "You accepted the job: {title}",
    ApplicationStatus.DECLINED: "You declined the offer: {title}",
    ApplicationStatus.UNSUCCESSFUL: "Your application for {title}",
}


def _application(application_id: int) -> Application:
    return db.session.get(Application, application_id)


def application_submitted(application_id: int) -> None:
    """Confirm to the jobseeker that their application was sent."""
    application = _application(application_id)
    vacancy = application.vacancy
    queue_email(
        application.jobseeker.email,
        "application_submitted",
        f"Application sent: {vacancy.title}",
        application=application,
        vacancy=vacancy,
        link=external_url("jobseekers.application", application_id=application.id),
    )


def application_received(application_id: int) -> None:
    """Tell the listing's contact address that an application arrived."""
    application = _application(application_id)
    vacancy = application.vacancy
    queue_email(
        vacancy.contact_email,
        "application_received",
        f"New application: {vacancy.title}",
        application=application,
        vacancy=vacancy,
        link=external_url("schools.application", application_id=application.id),
    )


def application_status_changed(application_id: int) -> None:
    """Tell the candidate what the school decided (shortlisted, interview, offer, outcome)."""
    application = _application(application_id)
    # An application anonymised by the retention rules has no address left to write to.
    if not application.email:
        return
    vacancy = application.vacancy
    queue_email(
        application.email,
        "application_status_changed",
        STATUS_SUBJECTS[application.status].format(title=vacancy.title),
        application=application,
        vacancy=vacancy,
        link=external_url("jobseekers.application", application_id=application.id),
    )


def interview_rescheduled(application_id: int) -> None:
    """Tell the candidate their interview has a new date and time (the status email, rescheduled)."""
    application = _application(application_id)
    if not application.email:
        return
    vacancy = application.vacancy
    queue_email(
        application.email,
        "application_status_changed",
        f"Your interview has moved: {vacancy.title}",
        application=application,
        vacancy=vacancy,
        rescheduled=True,
        link=external_url("jobseekers.application", application_id=application.id),
    )


def application_withdrawn(application_id: int, *, was_offered: bool = False) -> None:
    """Tell the listing's contact address that a candidate withdrew (from an offer, if `was_offered`),
    with the reason they gave, if any."""
    application = _application(application_id)
    vacancy = application.vacancy
    queue_email(
        vacancy.contact_email,
        "application_withdrawn",
        f"Application withdrawn: {vacancy.title}",
        application=application,
        vacancy=vacancy,
        was_offered=was_offered,
        link=external_url("schools.vacancy", vacancy_id=vacancy.id),
    )


def saved_job_closing(saved_job_id: int) -> None:
    """Remind the person who saved a listing that it closes soon."""
    saved = db.session.get(SavedJob, saved_job_id)
    user, vacancy = saved.user, saved.vacancy
    queue_email(
        user.email,
        "saved_job_closing",
        f"Closing soon: {vacancy.title}",
        full_name=user.full_name,
        vacancy=vacancy,
        job_link=external_url("public.vacancy", vacancy_id=vacancy.id),
        saved_jobs_link=external_url("saved_jobs.index"),
    )


def daily_summary(user_id: int, since: dt.datetime, until: dt.datetime) -> None:
    """Tell a member of staff how many applications each listing received in the last day (no names:
    the inbox, behind sign-in, shows who)."""
    user = db.session.get(User, user_id)
    listings = summaries.new_applications(user, since, until)
    ids = [vacancy_id for vacancy_id, _ in listings]
    vacancies = {
        vacancy.id: vacancy for vacancy in db.session.scalars(sa.select(Vacancy).where(Vacancy.id.in_(ids)))
    }
    total = sum(count for _, count in listings)
    # After a pause of the worker, one summary covers the whole time since the last: say so.
    period = (
        "in the last day"
        if until - since < summaries.PERIOD * 1.5
        else f"since {since.astimezone(UK):%-d %B}"
    )
    queue_email(
        user.email,
        "daily_summary",
        f"{total} new application{'s' if total != 1 else ''} {period}",
        listings=[
            (
                vacancies[vacancy_id],
                count,
                external_url("schools.vacancy_applications", vacancy_id=vacancy_id),
            )
            for vacancy_id, count in listings
        ],
        total=total,
        period=period,
        inbox_link=external_url("schools.applications"),
        settings_link=external_url("schools.daily_summary"),
    )


def message_sent(message_id: int) -> None:
    """Tell the other side of a conversation that a message is waiting: a link, never the words."""
    message = db.session.get(ApplicationMessage, message_id)
    application = message.application
    vacancy = application.vacancy
    if message.from_school:
        recipient, subject = application.email, f"New message about your application: {vacancy.title}"
        link = external_url("jobseekers.application", application_id=application.id) + "#messages"
    else:
        recipient, subject = vacancy.contact_email, f"New message from a candidate: {vacancy.title}"
        link = external_url("schools.application", application_id=application.id) + "#messages"
    if not recipient:
        return
    queue_email(
        recipient,
        "message_sent",
        subject,
        vacancy=vacancy,
        from_school=message.from_school,
        school=vacancy.organisation.name,
        link=link,
    )


def candidate_invited(invitation_id: int) -> None:
    """Tell a findable candidate a school invited them to apply: the school and the job, and a link to
    the invitation (the school's own words are shown there, after signing in)."""
    invitation = db.session.get(CandidateInvitation, invitation_id)
    vacancy = invitation.vacancy
    queue_email(
        invitation.jobseeker.email,
        "candidate_invited",
        f"{invitation.organisation.name} invited you to apply: {vacancy.title}",
        vacancy=vacancy,
        school=invitation.organisation.name,
        link=external_url("jobseekers.invitation", invitation_id=invitation.id),
        settings_link=external_url("jobseekers.let_schools_find_you"),
    )


def candidate_invitation_declined(invitation_id: int) -> None:
    """Tell the member of staff who invited a candidate that they declined (by candidate number only)."""
    invitation = db.session.get(CandidateInvitation, invitation_id)
    if invitation.invited_by is None:
        return
    preferences = invitation.jobseeker.candidate_preferences
    number = preferences.number if preferences is not None else "you invited"
    queue_email(
        invitation.invited_by.email,
        "candidate_invitation_declined",
        f"Invitation declined: {invitation.vacancy.title}",
        vacancy=invitation.vacancy,
        number=number,
        link=external_url("schools.candidate_invitations"),
    )


def invitation_message_sent(message_id: int) -> None:
    """Tell the other side of an invitation that a message is waiting: a link, never the words."""
    message = db.session.get(InvitationMessage, message_id)
    invitation = message.invitation
    vacancy = invitation.vacancy
    if message.from_school:
        recipient = invitation.jobseeker.email
        subject = f"New message from {invitation.organisation.name}: {vacancy.title}"
        link = external_url("jobseekers.invitation", invitation_id=invitation.id) + "#messages"
    else:
        recipient = invitation.invited_by.email if invitation.invited_by else vacancy.contact_email
        subject = f"New message from a candidate you invited: {vacancy.title}"
        preferences = invitation.jobseeker.candidate_preferences
        if preferences is None:
            return
        link = external_url("schools.candidate", candidate_id=preferences.id) + "#messages"
    if not recipient:
        return
    queue_email(
        recipient,
        "invitation_message_sent",
        subject,
        vacancy=vacancy,
        from_school=message.from_school,
        school=invitation.organisation.name,
        link=link,
    )


def reference_requested(request_id: int, token: str, reminder: bool) -> None:
    """Ask a referee for a reference (or remind them) with their own link; no account needed."""
    request = db.session.get(ReferenceRequest, request_id)
    application = request.application
    vacancy = application.vacancy
    subject = f"Reference request: {application.full_name} for {vacancy.title}"
    queue_email(
        request.referee_email,
        "reference_requested",
        f"Reminder: {subject}" if reminder else subject,
        request=request,
        application=application,
        vacancy=vacancy,
        school=vacancy.organisation.name,
        reminder=reminder,
        link=external_url("references.give", token=token),
    )
