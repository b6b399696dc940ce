"""Staff turn the daily summary of new applications on and off from the applications inbox."""

import html
import re

from marketplace.applications import summaries
from marketplace.extensions import db
from tests.conftest import sign_in_as
from tests.factories import MembershipFactory, UserFactory


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def words(response) -> str:
    """What a reader sees: the page's text without tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split()).replace(" .", ".")


def test_staff_turn_the_daily_summary_on_and_off_from_the_inbox(client):
    staff = MembershipFactory().user
    sign_in_as(client, staff)
    assert "Daily summary email: off. Change" in words(client.get("/school/applications"))

    page = text(client.get("/school/applications/daily-summary"))
    assert "never contains candidates' names" in page

    response = client.post("/school/applications/daily-summary", data={"daily_summary": "yes"})
    assert response.status_code == 302
    db.session.expire_all()
    assert summaries.wants_daily_summary(staff)
    assert "You will get an email each day there are new applications." in text(client.get(response.location))
    assert "Daily summary email: on. Change" in words(client.get("/school/applications"))

    client.post("/school/applications/daily-summary", data={"daily_summary": "no"})
    db.session.expire_all()
    assert not summaries.wants_daily_summary(staff)


def test_no_answer_is_explained_on_the_same_page(client):
    sign_in_as(client, MembershipFactory().user)
    response = client.post("/school/applications/daily-summary", data={})
    assert response.status_code == 400
    page = text(response)
    assert "<title>Error: Daily summary email" in page
    assert "govuk-error-summary" in page


def test_jobseekers_have_no_daily_summary(client):
    sign_in_as(client, UserFactory())
    assert client.get("/school/applications/daily-summary").status_code == 403
