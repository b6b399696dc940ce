"""Emails about moderators' decisions: on listings, appeals, reports and organisations' standing.

Called directly by marketplace.moderation, which sits above notifications.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.links import external_url
from marketplace.notifications.outbox import queue_email
from marketplace.organisations.models import Membership, Organisation
from marketplace.vacancies.models import Vacancy


def school_recipients(vacancy: Vacancy) -> list[str]:
    """Whoever wrote the listing, and its contact address, without writing twice to one person."""
    emails = [vacancy.created_by.email] if vacancy.created_by else []
    if vacancy.contact_email and vacancy.contact_email.lower() not in emails:
        emails.append(vacancy.contact_email.lower())
    return emails


def _email_school(vacancy_id: int, template: str, subject: str, **context) -> None:
    vacancy = db.session.get(Vacancy, vacancy_id)
    for recipient in school_recipients(vacancy):
        queue_email(recipient, template, subject.format(title=vacancy.title), vacancy=vacancy, **context)


def _listing_link(vacancy_id: int) -> str:
    return external_url("schools.vacancy", vacancy_id=vacancy_id)


def vacancy_approved(vacancy_id: int) -> None:
    """Tell the school a moderator approved its listing."""
    _email_school(
        vacancy_id,
        "vacancy_approved",
        "Your listing is approved: {title}",
        job_link=external_url("public.vacancy", vacancy_id=vacancy_id),
        listing_link=_listing_link(vacancy_id),
    )


def vacancy_rejected(vacancy_id: int, reason: str) -> None:
    """Tell the school its listing was rejected, why, and how to revise or appeal."""
    _email_school(
        vacancy_id,
        "vacancy_rejected",
        "Your listing has been rejected: {title}",
        reason=reason,
        edit_link=external_url("schools.edit_vacancy", vacancy_id=vacancy_id),
        appeal_link=external_url("appeals.appeal", vacancy_id=vacancy_id),
    )


def vacancy_changes_requested(vacancy_id: int, message: str) -> None:
    """Send the school the moderator's request for changes."""
    _email_school(
        vacancy_id,
        "vacancy_changes_requested",
        "Changes requested: {title}",
        message=message,
        edit_link=external_url("schools.edit_vacancy", vacancy_id=vacancy_id),
    )


def vacancy_removed(vacancy_id: int, reason: str) -> None:
    """Tell the school its listing was taken down, why, and how to appeal."""
    _email_school(
        vacancy_id,
        "vacancy_removed",
        "Your listing has been removed: {title}",
        reason=reason,
        appeal_link=external_url("appeals.appeal", vacancy_id=vacancy_id),
    )


def appeal_decided(vacancy_id: int, reason: str, overturned: bool) -> None:
    """Tell the school how its appeal was decided."""
    _email_school(
        vacancy_id,
        "appeal_decided",
        "Your appeal: {title}",
        reason=reason,
        overturned=overturned,
        listing_link=_listing_link(vacancy_id),
    )


def listing_reports_decided(vacancy_id: int, reason: str, outcome_text: str) -> None:
    """Tell the school what a moderator decided about reports on its listing."""
    _email_school(
        vacancy_id,
        "listing_reports_decided",
        "Reports about your listing: {title}",
        reason=reason,
        outcome_text=outcome_text,
        listing_link=_listing_link(vacancy_id),
    )


def report_confirm(recipient: str, vacancy_id: int, token: str) -> None:
    """Ask the person who reported a listing to confirm their address with the signed `token`."""
    hours = current_app.config["TOKEN_MAX_AGE_HOURS"]
    queue_email(
        recipient,
        "report_confirm",
        "Confirm your report",
        vacancy=db.session.get(Vacancy, vacancy_id),
        link=external_url("reports.confirm", token=token),
        expires_in="1 hour" if hours == 1 else f"{hours} hours",
    )


def report_closed(recipient: str, vacancy_id: int, outcome_text: str) -> None:
    """Tell a confirmed reporter what became of their report."""
    vacancy = db.session.get(Vacancy, vacancy_id)
    queue_email(
        recipient,
        "report_closed",
        f"Your report about {vacancy.title}",
        vacancy=vacancy,
        outcome_text=outcome_text,
    )


def _staff_emails(organisation_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == organisation_id, User.disabled.is_(False))
            .order_by(User.email)
        )
    )


def _vacancies(ids: Iterable[int]) -> list[Vacancy]:
    return [db.session.get(Vacancy, vacancy_id) for vacancy_id in ids]


def organisation_suspended(organisation_id: int, reason: str, removed_vacancy_ids: Iterable[int]) -> None:
    """Tell every active member that the organisation is suspended and which listings came down."""
    organisation = db.session.get(Organisation, organisation_id)
    removed = _vacancies(removed_vacancy_ids)
    for recipient in _staff_emails(organisation_id):
        queue_email(
            recipient,
            "organisation_suspended",
            f"{organisation.name} is suspended from the marketplace",
            organisation=organisation,
            reason=reason,
            removed=removed,
        )


def organisation_reinstated(organisation_id: int, reason: str, restored_vacancy_ids: Iterable[int]) -> None:
    """Tell every active member that the organisation is reinstated and which listings are back."""
    organisation = db.session.get(Organisation, organisation_id)
    restored = [(vacancy, _listing_link(vacancy.id)) for vacancy in _vacancies(restored_vacancy_ids)]
    for recipient in _staff_emails(organisation_id):
        queue_email(
            recipient,
            "organisation_reinstated",
            f"{organisation.name} is reinstated on the marketplace",
            organisation=organisation,
            reason=reason,
            restored=restored,
        )
