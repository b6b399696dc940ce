"""A form sent twice (a double click, a retry, Back and Submit) makes one thing: each form that creates
something carries a one-time key, and the second submission with it gets the first one's answer.

`twice` sends the very form the page showed (its hidden key included) two times; `at_once` makes the
second request overtake the first just before it writes, as two requests racing on a server do.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from marketplace.applications.models import Application
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.moderation.models import ListingReport
from marketplace.submissions import KEPT_FOR, FormSubmission, forget_old
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from tests.conftest import sign_in_as
from tests.factories import MembershipFactory, UserFactory, VacancyFactory
from tests.web.applying import fill_application
from tests.web.listing_wizard import section_data
from tests.web.test_listing_management import date_fields, in_days
from tests.web.test_vacancy_journey import vacancy_form


def key_on(page) -> str:
    """The one-time key the page's form carries."""
    found = re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    assert found, "the form carries a one-time key"
    return found.group(1)


def twice(client, url: str, data: dict) -> tuple:
    data = {**data, "submission_key": key_on(client.get(url))}
    return client.post(url, data=data), client.post(url, data=data)


@contextlib.contextmanager
def at_once(is_the_insert, second_request):
    """Run `second_request()` once, just before the flush that inserts what `is_the_insert` picks."""
    ran = []

    def overtake(session, flush_context, instances):
        if not ran and any(is_the_insert(new) for new in session.new):
            ran.append(None)
            ran[0] = second_request()

    event.listen(db.session, "before_flush", overtake)
    try:
        yield ran
    finally:
        event.remove(db.session, "before_flush", overtake)


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@pytest.fixture
def school(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)
    return membership


def test_creating_a_vacancy_twice_makes_one_draft(client, school):
    data = section_data(vacancy_form(school.organisation_id), "job-details")

    first, second = twice(client, "/school/vacancies/new", data)

    assert first.status_code == second.status_code == 302
    [draft] = db.session.scalars(sa.select(Vacancy)).all()
    assert second.headers["Location"] == f"/school/vacancies/{draft.id}/edit"
    assert client.get(second.headers["Location"]).status_code == 302  # on to its next section
    # A new visit to the page is a new form: it makes a second listing, as asked.
    assert client.post("/school/vacancies/new", data=data).status_code == 302
    assert count(Vacancy) == 2


def test_creating_a_vacancy_from_two_requests_at_once_makes_one_draft(client, app, school):
    data = section_data(vacancy_form(school.organisation_id), "job-details")
    data["submission_key"] = key_on(client.get("/school/vacancies/new"))
    other = app.test_client()
    sign_in_as(other, school.user)

    with at_once(
        lambda new: isinstance(new, Vacancy), lambda: other.post("/school/vacancies/new", data=data)
    ) as ran:
        response = client.post("/school/vacancies/new", data=data)

    [draft] = db.session.scalars(sa.select(Vacancy)).all()
    assert ran[0].headers["Location"].startswith(f"/school/vacancies/{draft.id}/")
    assert response.headers["Location"] == f"/school/vacancies/{draft.id}/edit"


def test_copying_twice_makes_one_copy_and_says_so_both_times(client, school):
    vacancy = VacancyFactory(organisation=school.organisation, published=True, title="Teacher of Art")
    dates = {**date_fields("publish_on", in_days(5)), **date_fields("closing_date", in_days(30))}

    data = {"title": "Teacher of Art", **dates, "closing_time": "12:00"}

    first, second = twice(client, f"/school/vacancies/{vacancy.id}/copy", data)

    assert count(Vacancy) == 2
    copy = db.session.scalar(sa.select(Vacancy).where(Vacancy.id != vacancy.id))
    assert first.headers["Location"] == second.headers["Location"] == f"/school/vacancies/{copy.id}"
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "A copy has been saved as a draft." in page


def test_relisting_twice_makes_one_new_listing(client, school):
    closed = VacancyFactory(organisation=school.organisation, published=True, status=VacancyStatus.CLOSED)
    dates = {**date_fields("publish_on", in_days(0)), **date_fields("closing_date", in_days(21))}

    first, second = twice(client, f"/school/vacancies/{closed.id}/relist", {**dates, "closing_time": "12:00"})

    assert count(Vacancy) == 2
    relisted = db.session.scalar(sa.select(Vacancy).where(Vacancy.id != closed.id))
    assert first.headers["Location"] == second.headers["Location"] == f"/school/vacancies/{relisted.id}"


def test_sending_an_application_twice_sends_one_and_shows_it_both_times(client):
    vacancy = VacancyFactory(published=True)
    sign_in_as(client, UserFactory())
    fill_application(client, vacancy.id)

    first, second = twice(client, f"/jobs/{vacancy.id}/apply/check-your-answers", {})

    [application] = db.session.scalars(sa.select(Application)).all()
    assert first.headers["Location"] == second.headers["Location"] == f"/your-applications/{application.id}"
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "Your application has been sent. We have emailed you a copy." in page


def test_reporting_twice_keeps_one_report_and_thanks_both_times(client):
    vacancy = VacancyFactory(published=True)
    sign_in_as(client, UserFactory())

    first, second = twice(client, f"/jobs/{vacancy.id}/report", {"category": "scam", "details": "A fee."})

    assert count(ListingReport) == 1
    assert first.headers["Location"] == second.headers["Location"] == f"/jobs/{vacancy.id}"
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "Thank you, a moderator will look at it." in page
    assert "already reported" not in page


def test_an_anonymous_report_sent_twice_at_once_is_one_report_with_the_first_answer(client, app):
    vacancy = VacancyFactory(published=True)
    url = f"/jobs/{vacancy.id}/report"
    data = {"category": "scam", "details": "A fee.", "email": "parent@example.org"}
    data["submission_key"] = key_on(client.get(url))
    other = app.test_client()

    with at_once(lambda new: isinstance(new, ListingReport), lambda: other.post(url, data=data)) as ran:
        response = client.post(url, data=data)

    assert count(ListingReport) == 1
    assert ran[0].headers["Location"] == response.headers["Location"] == f"/jobs/{vacancy.id}"
    page = client.get(f"/jobs/{vacancy.id}").get_data(as_text=True)
    assert "Check your email to confirm your report." in page


def test_one_persons_key_is_no_answer_for_another(client, app, school):
    data = section_data(vacancy_form(school.organisation_id), "job-details")
    data["submission_key"] = key_on(client.get("/school/vacancies/new"))
    client.post("/school/vacancies/new", data=data)
    colleague = MembershipFactory(organisation=school.organisation)
    other = app.test_client()
    sign_in_as(other, colleague.user)

    other.post("/school/vacancies/new", data=data)

    assert count(Vacancy) == 2


def test_a_form_that_refused_its_answers_keeps_its_key_and_makes_one_thing_once_fixed(client, school):
    url = "/school/vacancies/new"
    key = key_on(client.get(url))
    data = {**section_data(vacancy_form(school.organisation_id), "job-details"), "submission_key": key}

    refused = client.post(url, data={**data, "title": ""})

    assert refused.status_code == 200
    assert key_on(refused) == key
    client.post(url, data=data)
    client.post(url, data=data)
    assert count(Vacancy) == 1


def test_used_keys_are_forgotten_after_a_day(client, school):
    data = section_data(vacancy_form(school.organisation_id), "job-details")
    twice(client, "/school/vacancies/new", data)
    assert count(FormSubmission) == 1

    assert forget_old(utcnow()) == 0
    assert forget_old(utcnow() + KEPT_FOR + dt.timedelta(seconds=1)) == 1
    db.session.commit()
    assert count(FormSubmission) == 0
