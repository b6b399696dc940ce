"""A burst of reports in the demo world, so a moderator can see how reports group by source.

One person on one network reports a live listing four times with made-up addresses (one of them even
confirmed), and one genuine reporter on another network confirms theirs. The burst counts once, so the
listing stays live with two of the three verified sources needed to hide it; the moderator's page shows
the burst as one source that can be dismissed as abuse in one action.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from marketplace.extensions import db
from marketplace.moderation.models import ListingReport, ReportCategory
from marketplace.moderation.reports import network_key, reporter_key
from marketplace.organisations.models import Organisation
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy

# Documentation ranges (RFC 5737): never a real person's address.
BURST_ADDRESS = "203.0.113.7"
GENUINE_ADDRESS = "198.51.100.23"

# (email, confirmed, network address, category, details, minutes before now)
_REPORTS = (
    ("j.smith1987@example.net", True, BURST_ADDRESS, ReportCategory.SCAM, "This is a scam, avoid.", 14),
    ("jane.s@example.net", False, BURST_ADDRESS, ReportCategory.SCAM, "Fake job. Do not apply.", 13),
    ("concerned.parent@example.net", False, BURST_ADDRESS, ReportCategory.MISLEADING, "Not a real job.", 13),
    (None, False, BURST_ADDRESS, ReportCategory.SCAM, "Scam!!", 12),
    (
        "r.patel@example.org",
        True,
        GENUINE_ADDRESS,
        ReportCategory.MISLEADING,
        "The salary here is lower than the one on the school's own website.",
        90,
    ),
)


def load_report_burst(now: dt.datetime, demo_school: Organisation | None) -> int:
    """Add the burst of reports to one live demo listing (not the demo school's) unless any demo listing
    already has reports; returns how many reports were added. The caller commits."""
    demo_listings = sa.select(Vacancy.id).where(Vacancy.external_reference.startswith("DEMO-"))
    if db.session.scalar(sa.select(ListingReport.id).where(ListingReport.vacancy_id.in_(demo_listings))):
        return 0
    candidates = db.session.scalars(
        sa.select(Vacancy)
        .where(
            Vacancy.external_reference.startswith("DEMO-"),
            Vacancy.status == VacancyStatus.PUBLISHED,
            Vacancy.organisation_id != (demo_school.id if demo_school is not None else -1),
        )
        .order_by(Vacancy.external_reference)
    )
    vacancy = next((v for v in candidates if v.is_live(now)), None)
    if vacancy is None:
        return 0
    secret_key = current_app.config["SECRET_KEY"]
    for email, confirmed, address, category, details, minutes in _REPORTS:
        created_at = now - dt.timedelta(minutes=minutes)
        db.session.add(
            ListingReport(
                vacancy_id=vacancy.id,
                category=category,
                details=details,
                reporter_email=email,
                reporter_key=reporter_key(user=None, email=email, network_address=address),
                network_key=network_key(address, secret_key=secret_key),
                confirmed_at=created_at + dt.timedelta(minutes=2) if confirmed else None,
                created_at=created_at,
            )
        )
    return len(_REPORTS)
