"""Emails about job alerts: confirming an email-only alert, and the digests of new jobs.

Called directly by marketplace.alerts, which sits above notifications and passes what only it knows
(its signed tokens, the alert's description and its manage/unsubscribe links) as plain values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import current_app

from marketplace.extensions import db
from marketplace.links import external_url
from marketplace.notifications.outbox import queue_email
from marketplace.vacancies.models import Vacancy


def job_alert_confirm(recipient: str, *, token: str, description: str, frequency: str) -> None:
    """Ask the address an alert was set up for to confirm it with the signed `token`."""
    queue_email(
        recipient,
        "job_alert_confirm",
        "Confirm your job alert",
        link=external_url("alerts.confirm", token=token),
        description=description,
        frequency=frequency,
        days=current_app.config["ALERT_CONFIRMATION_DAYS"],
    )


def job_alert_digest(
    recipient: str,
    *,
    description: str,
    frequency: str,
    click_tokens: Sequence[tuple[int, str]],
    more: int,
    search_args: Mapping[str, str | list[str]],
    links: Mapping[str, str],
) -> None:
    """Send new jobs matching an alert: `click_tokens` pairs each listing's id with its signed click token;
    `links` holds the alert's absolute "unsubscribe" and "manage" links."""
    count = len(click_tokens) + more
    queue_email(
        recipient,
        "job_alert_digest",
        f"{count} new job{'s' if count != 1 else ''} for your alert",
        headers={
            "List-Unsubscribe": f"<{links['unsubscribe']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        description=description,
        frequency=frequency,
        vacancies=[
            (db.session.get(Vacancy, vacancy_id), external_url("alerts.click", token=token))
            for vacancy_id, token in click_tokens
        ],
        more=more,
        search_link=external_url("public.search", **search_args),
        links=dict(links),
    )
