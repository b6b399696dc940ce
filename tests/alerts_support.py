"""Building job alerts for the alert and saved-job tests."""

from __future__ import annotations

import datetime as dt
import secrets

from marketplace.alerts.matching import criteria_key, criteria_of
from marketplace.alerts.models import AlertFrequency, JobAlert
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.search.api import VacancySearch
from tests.factories import OrganisationFactory, VacancyFactory

LEEDS = {"town": "Leeds", "postcode": "LS1 1AA", "latitude": 53.7997, "longitude": -1.5492}
BRADFORD = {"town": "Bradford", "postcode": "BD1 1AA", "latitude": 53.7950, "longitude": -1.7594}  # ~9 miles
LONDON = {"town": "London", "postcode": "E14 9TS", "latitude": 51.5049, "longitude": -0.0195}


def ago(**delta) -> dt.datetime:
    return utcnow() - dt.timedelta(**delta)


def make_alert(
    *,
    user=None,
    email: str | None = None,
    frequency: AlertFrequency = AlertFrequency.DAILY,
    since: dt.datetime | None = None,
    confirmed: bool = True,
    **search,
) -> JobAlert:
    """A saved alert for VacancySearch(**search) whose last digest covered up to `since` (a day ago)."""
    criteria = criteria_of(VacancySearch(**search))
    alert = JobAlert(
        user_id=user.id if user is not None else None,
        email=None if user is not None else (email or "someone@example.org"),
        criteria=criteria,
        criteria_key=criteria_key(criteria),
        frequency=frequency,
        confirmed_at=utcnow() if confirmed else None,
        covered_until=since or ago(days=1),
        nonce=secrets.token_hex(16),
    )
    db.session.add(alert)
    db.session.commit()
    return alert


def listing(title: str, *, live_since: dt.datetime | None = None, place: dict | None = None, **fields):
    """A published listing that went live at `live_since` (default: two hours ago)."""
    fields.setdefault("about_role", "A friendly school with a supportive team.")
    if place is not None:
        fields["organisation"] = OrganisationFactory(**place)
    published_at = live_since or ago(hours=2)
    return VacancyFactory(
        published=True,
        title=title,
        published_at=published_at,
        publish_on=published_at.date() if published_at.date() <= utcnow().date() else utcnow().date(),
        **fields,
    )
