"""References: the school asks a shortlisted candidate's referees; each answers through a single-use
emailed link without an account, or declines; a referee who waits is reminded once; the candidate sees
only statuses."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from marketplace.applications import references
from marketplace.applications.personal_data import anonymise
from marketplace.applications.references import ReferenceRequest, ReferenceStatus
from marketplace.db import utcnow
from marketplace.extensions import db
from tests.conftest import IsolatedClient, sign_in_as
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory, VacancyFactory

REFEREES = [
    {
        "name": "Helen Carter",
        "job_title": "Headteacher",
        "organisation": "Oakfield Primary",
        "email": "h.carter@oakfield.example",
        "relationship": "My current headteacher",
    },
    {
        "name": "Tom Reid",
        "job_title": "Head of Science",
        "organisation": "Hill School",
        "email": "t.reid@hill.example",
        "relationship": "My mentor during training",
    },
]
GOOD_ANSWERS = {
    "suitable_with_children": "yes",
    "concerns": "no",
    "relationship": "I am her headteacher",
    "known_from": "September 2019",
    "comments": "An excellent, reliable teacher.",
    "referee_name": "Helen Carter",
}


def words(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def new_client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def school(app):
    client = new_client(app)
    membership = MembershipFactory(organisation__name="Riverside Academy")
    sign_in_as(client, membership.user)
    return client, membership


@pytest.fixture
def application(school):
    _, membership = school
    vacancy = VacancyFactory(organisation=membership.organisation, published=True, title="Teacher of Physics")
    candidate = UserFactory(full_name="Priya Shah")
    return ApplicationFactory(
        vacancy=vacancy,
        jobseeker=candidate,
        full_name="Priya Shah",
        shortlisted=True,
        answers={"referees": {"data": {"items": REFEREES}}},
    )


def link_in(email) -> str:
    return re.search(r"http://localhost(/references/[\w-]+)", email.text_body).group(1)


def ask(school, application):
    client, _ = school
    return client.post(f"/school/applications/{application.id}/references")


def test_the_school_asks_every_referee_and_each_gets_their_own_link(school, application, outbox, app):
    assert ask(school, application).status_code == 302

    emails = outbox(template="reference_requested")
    assert sorted(e.recipient for e in emails) == ["h.carter@oakfield.example", "t.reid@hill.example"]
    assert emails[0].subject == "Reference request: Priya Shah for Teacher of Physics"
    assert link_in(emails[0]) != link_in(emails[1])
    page = words(school[0].get(f"/school/applications/{application.id}"))
    assert page.count("Requested") == 2
    assert "Ask the referees for references" not in page  # each is asked once

    candidate = new_client(app)
    sign_in_as(candidate, application.jobseeker)
    assert "Helen Carter: asked for a reference" in words(
        candidate.get(f"/your-applications/{application.id}")
    )


def test_a_referee_gives_a_reference_once_without_an_account(app, school, application, outbox):
    ask(school, application)
    link = link_in(outbox(template="reference_requested", recipient="h.carter@oakfield.example")[0])
    referee = new_client(app)

    form = words(referee.get(link))
    assert "Reference for Priya Shah" in form
    assert "Riverside Academy" in form

    missing = referee.post(link, data={"comments": "Half written", "referee_name": "Helen Carter"})
    assert missing.status_code == 400
    assert "Select yes if the candidate is suitable to work with children" in words(missing)
    assert "Half written" in missing.get_data(as_text=True)

    concern = referee.post(link, data={**GOOD_ANSWERS, "concerns": "yes"})
    assert "Describe your concerns" in words(concern)

    done = referee.post(link, data=GOOD_ANSWERS)
    assert "Reference sent" in words(done)
    again = referee.get(link)
    assert again.status_code == 410
    assert "This reference has already been given" in words(again)

    page = words(school[0].get(f"/school/applications/{application.id}"))
    assert "Received" in page
    assert "An excellent, reliable teacher." in page
    assert page.index("Suitable to work with children") < page.index("An excellent, reliable teacher.")

    candidate = new_client(app)
    sign_in_as(candidate, application.jobseeker)
    candidate_page = words(candidate.get(f"/your-applications/{application.id}"))
    assert "Helen Carter: reference received" in candidate_page
    assert "An excellent, reliable teacher." not in candidate_page


def test_a_safeguarding_concern_is_shown_first_as_a_warning(app, school, application, outbox):
    ask(school, application)
    link = link_in(outbox(template="reference_requested", recipient="t.reid@hill.example")[0])
    new_client(app).post(
        link, data={**GOOD_ANSWERS, "concerns": "yes", "concerns_details": "A 2021 allegation."}
    )
    page = words(school[0].get(f"/school/applications/{application.id}"))
    assert "This referee raised a safeguarding concern." in page
    assert page.index("safeguarding concern") < page.index("Yes: A 2021 allegation.")


def test_a_referee_can_decline_and_the_link_then_stops(app, school, application, outbox):
    ask(school, application)
    link = link_in(outbox(template="reference_requested", recipient="t.reid@hill.example")[0])
    referee = new_client(app)
    assert "Decline to give a reference for Priya Shah" in words(referee.get(f"{link}/decline"))
    assert "Reference declined" in words(referee.post(f"{link}/decline"))
    assert referee.get(link).status_code == 410
    assert "Declined" in words(school[0].get(f"/school/applications/{application.id}"))


def test_an_unknown_or_expired_link_says_so(app, school, application, outbox):
    ask(school, application)
    link = link_in(outbox(template="reference_requested")[0])
    referee = new_client(app)
    assert "This link does not work" in words(referee.get("/references/not-a-real-token"))
    for request in db.session.query(ReferenceRequest):
        request.link_expires_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    expired = referee.post(link, data=GOOD_ANSWERS)
    assert expired.status_code == 410
    assert "This link has expired. Contact Riverside Academy" in words(expired)


def test_a_referee_who_waits_is_reminded_once_with_a_new_link(app, school, application, outbox):
    ask(school, application)
    first = link_in(outbox(template="reference_requested", recipient="t.reid@hill.example")[0])
    later = utcnow() + dt.timedelta(days=7, minutes=1)
    assert references.send_reminders(now=later) == 2
    db.session.commit()
    assert references.send_reminders(now=later + dt.timedelta(days=7)) == 0

    reminder = outbox(template="reference_requested", recipient="t.reid@hill.example")[-1]
    assert reminder.subject.startswith("Reminder: ")
    referee = new_client(app)
    assert referee.get(first).status_code == 410
    assert referee.get(link_in(reminder)).status_code == 200


def test_references_wait_for_the_shortlist_and_go_with_the_application_data(school, application):
    application.status = references.ApplicationStatus.SUBMITTED
    db.session.commit()
    refused = ask(school, application)
    assert refused.status_code == 302
    assert db.session.query(ReferenceRequest).count() == 0
    assert "You can ask the candidate\u2019s referees once you shortlist them." in words(
        school[0].get(f"/school/applications/{application.id}")
    )

    application.status = references.ApplicationStatus.SHORTLISTED
    db.session.commit()
    ask(school, application)
    assert {r.status for r in db.session.query(ReferenceRequest)} == {ReferenceStatus.REQUESTED}
    anonymise(application)
    db.session.commit()
    assert db.session.query(ReferenceRequest).count() == 0
