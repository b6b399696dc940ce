"""Moderation metrics: time to decision runs from a listing's submission to the moderator's decision."""

import datetime as dt
import html
import re

from marketplace.audit import AuditEvent
from marketplace.db import utcnow
from marketplace.extensions import db
from tests.conftest import sign_in_as
from tests.factories import UserFactory, VacancyFactory


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def submitted(vacancy, hours_ago: float, *, published_by_policy: bool = False) -> None:
    moment = utcnow() - dt.timedelta(hours=hours_ago)
    db.session.add(
        AuditEvent(action="vacancy.submit", subject_type="vacancy", subject_id=vacancy.id, occurred_at=moment)
    )
    if published_by_policy:
        db.session.add(
            AuditEvent(
                action="policy.publish",
                subject_type="vacancy",
                subject_id=vacancy.id,
                occurred_at=moment + dt.timedelta(seconds=1),
            )
        )
    db.session.commit()


def test_with_no_decisions_the_metrics_say_so(client):
    sign_in_as(client, UserFactory(moderator=True))

    page = client.get("/moderation/metrics")

    assert page.status_code == 200
    assert text(page).count("No decisions yet") == 2  # the last 7 days and the last 30 days
    assert "n/a" not in text(page)


def test_time_to_decision_runs_from_submission_to_decision(client):
    slow, quick = VacancyFactory(pending=True), VacancyFactory(pending=True)
    submitted(slow, 10)
    submitted(quick, 2)
    live = VacancyFactory(published=True)
    submitted(live, 24 * 20, published_by_policy=True)  # taken down weeks later: not a wait for review
    sign_in_as(client, UserFactory(moderator=True))

    client.post(f"/moderation/vacancies/{slow.id}/approve", data={})
    client.post(f"/moderation/vacancies/{quick.id}/reject", data={"reason": "Give the pay."})
    client.post(f"/moderation/vacancies/{live.id}/remove", data={"reason": "Agency advert."})
    page = text(client.get("/moderation/metrics"))

    assert "Decisions by moderators: 3" in page
    assert "Time from a listing's submission to a moderator's decision on it: median 6.0 hours, " in page
    assert "95th percentile 10.0 hours" in page


def test_decisions_only_on_live_listings_have_no_time_to_decision(client):
    live = VacancyFactory(published=True)
    submitted(live, 24 * 3, published_by_policy=True)
    sign_in_as(client, UserFactory(moderator=True))

    client.post(f"/moderation/vacancies/{live.id}/remove", data={"reason": "Agency advert."})

    page = text(client.get("/moderation/metrics"))
    assert "no decisions on submitted listings yet" in page
