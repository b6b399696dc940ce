"""The daily summary: one email a day to staff who asked, counting new applications per listing of their
organisations, never empty, never twice for the same day, and delivered by the worker over real SMTP."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.applications import summaries
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.worker import tasks
from tests.factories import ApplicationFactory, MembershipFactory, OrganisationFactory, VacancyFactory
from tests.integration.outbox_support import running_smtp_server

DAY = dt.timedelta(days=1)


@pytest.fixture
def smtp_server():
    yield from running_smtp_server()


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, **smtp_server.config(), "MAIL_DELIVER_ON_COMMIT": False}


@pytest.fixture
def school(app):
    membership = MembershipFactory()
    maths = VacancyFactory(published=True, organisation=membership.organisation, title="Teacher of Maths")
    music = VacancyFactory(published=True, organisation=membership.organisation, title="Teacher of Music")
    return membership.user, maths, music


def subscribe(user, since: dt.datetime) -> None:
    summaries.set_daily_summary(user, True, now=since)
    db.session.commit()


def summaries_in(outbox, user):
    return outbox(template="daily_summary", recipient=user.email)


def test_staff_who_asked_get_each_listings_new_applications_and_nothing_of_other_schools(school, outbox):
    staff, maths, music = school
    now = utcnow()
    subscribe(staff, now - DAY)
    ApplicationFactory.create_batch(2, vacancy=maths, submitted_at=now - dt.timedelta(hours=3))
    ApplicationFactory(vacancy=music, submitted_at=now - dt.timedelta(hours=20), full_name="Grace Hopper")
    ApplicationFactory(vacancy=music, status=ApplicationStatus.DRAFT, submitted_at=None)
    ApplicationFactory(vacancy=maths, submitted_at=now - 2 * DAY)  # summarised the day before
    ApplicationFactory(vacancy=VacancyFactory(published=True, organisation=OrganisationFactory()))

    assert summaries.send_due_summaries(now=now) == 1
    db.session.commit()

    [email] = summaries_in(outbox, staff)
    assert email.subject == "3 new applications in the last day"
    assert "Teacher of Maths: 2 new" in email.text_body
    assert "Teacher of Music: 1 new" in email.text_body
    assert email.text_body.index("Teacher of Maths") < email.text_body.index("Teacher of Music")
    assert "Grace Hopper" not in email.text_body + email.html_body  # names stay behind sign-in
    assert f"/school/vacancies/{maths.id}/applications" in email.text_body


def test_a_day_without_applications_sends_nothing_and_the_next_day_counts_from_then(school, outbox):
    staff, maths, _ = school
    now = utcnow()
    subscribe(staff, now - 2 * DAY)
    assert summaries.send_due_summaries(now=now - DAY) == 0
    db.session.commit()
    assert summaries_in(outbox, staff) == []

    ApplicationFactory(vacancy=maths, submitted_at=now - dt.timedelta(hours=1))
    assert summaries.send_due_summaries(now=now) == 1
    db.session.commit()
    [email] = summaries_in(outbox, staff)
    assert email.subject == "1 new application in the last day"


def test_a_summary_is_sent_once_a_day_at_most(school, outbox):
    staff, maths, _ = school
    now = utcnow()
    subscribe(staff, now - DAY)
    ApplicationFactory(vacancy=maths, submitted_at=now - dt.timedelta(hours=2))
    assert summaries.send_due_summaries(now=now) == 1
    db.session.commit()

    ApplicationFactory(vacancy=maths, submitted_at=now + dt.timedelta(hours=1))
    assert summaries.send_due_summaries(now=now + dt.timedelta(hours=23)) == 0
    assert summaries.send_due_summaries(now=now + DAY) == 1
    db.session.commit()
    assert [email.subject for email in summaries_in(outbox, staff)] == [
        "1 new application in the last day",
        "1 new application in the last day",
    ]


def test_only_people_who_asked_and_can_sign_in_get_one(school, outbox):
    staff, maths, _ = school
    now = utcnow()
    colleague = MembershipFactory(organisation=maths.organisation).user
    ApplicationFactory(vacancy=maths, submitted_at=now - dt.timedelta(hours=1))
    subscribe(staff, now - DAY)
    staff.disabled = True
    db.session.commit()

    assert summaries.send_due_summaries(now=now) == 0
    assert summaries_in(outbox, staff) == summaries_in(outbox, colleague) == []


def test_stopping_the_summary_stops_the_emails(school, outbox):
    staff, maths, _ = school
    now = utcnow()
    subscribe(staff, now - DAY)
    summaries.set_daily_summary(staff, False)
    db.session.commit()
    ApplicationFactory(vacancy=maths, submitted_at=now - dt.timedelta(hours=1))

    assert summaries.send_due_summaries(now=now) == 0
    assert not summaries.wants_daily_summary(staff)


def test_the_worker_sends_a_due_summary_over_smtp_once(school, smtp_server):
    staff, maths, _ = school
    subscribe(staff, utcnow() - DAY - dt.timedelta(minutes=1))
    ApplicationFactory(vacancy=maths, submitted_at=utcnow() - dt.timedelta(hours=1))
    address = staff.email

    tasks.run_until_idle()
    tasks.run_until_idle()

    [received] = smtp_server.received
    assert received.recipients == [address]
    assert received.message["Subject"] == "1 new application in the last day"


def test_after_a_pause_one_summary_covers_everything_since_the_last(school, outbox):
    staff, maths, _ = school
    now = dt.datetime(2026, 12, 4, 7, 0, tzinfo=dt.UTC)
    subscribe(staff, now - 3 * DAY)
    ApplicationFactory(vacancy=maths, submitted_at=now - 2 * DAY)
    ApplicationFactory(vacancy=maths, submitted_at=now - dt.timedelta(hours=1))
    assert summaries.send_due_summaries(now=now) == 1
    db.session.commit()
    [email] = summaries_in(outbox, staff)
    assert email.subject == "2 new applications since 1 December"
