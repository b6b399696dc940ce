"""A school and a candidate talk in the service, in a real browser: a message and its reply, and a
reference asked for and given through the referee's emailed link."""

import re

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from tests.browser.pages import sign_in, sign_out
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory, VacancyFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def shortlisted(app):
    membership = MembershipFactory(organisation__name="Hillside Academy")
    vacancy = VacancyFactory(
        organisation=membership.organisation, published=True, title="Teacher of Geography"
    )
    candidate = UserFactory(full_name="Priya Shah", email="priya@example.org")
    application = ApplicationFactory(
        vacancy=vacancy,
        jobseeker=candidate,
        full_name="Priya Shah",
        shortlisted=True,
        answers={
            "referees": {
                "data": {
                    "items": [
                        {
                            "name": "Helen Carter",
                            "job_title": "Headteacher",
                            "organisation": "Oakfield Primary",
                            "email": "h.carter@oakfield.example",
                            "relationship": "My headteacher",
                        }
                    ]
                }
            }
        },
    )
    db.session.commit()
    return membership.user, candidate, application


def test_a_school_messages_a_candidate_and_the_candidate_replies(page, live_server, shortlisted, outbox):
    staff, candidate, application = shortlisted
    sign_in(page, live_server, staff.email)
    page.goto(f"{live_server}/school/applications/{application.id}")
    page.get_by_text("Start from a template").click()
    page.get_by_role("link", name="Invite to interview").click()
    expect(page.get_by_label("Write a message to the candidate")).to_have_value(
        re.compile(r"^Dear Priya Shah,")
    )
    page.get_by_label("Write a message to the candidate").fill("Could you come in on Tuesday at 10am?")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Your message has been sent.")).to_be_visible()
    expect(page.locator("#message-list")).to_contain_text("Not read yet")
    sign_out(page)

    link = re.search(r"http://\S+", outbox(template="message_sent")[0].text_body).group(0)
    sign_in(page, live_server, candidate.email)
    page.goto(link.replace("http://localhost", live_server))
    expect(page.locator("#message-list")).to_contain_text("Could you come in on Tuesday at 10am?")
    page.get_by_label("Write a message to the school").fill("Yes, Tuesday at 10am suits me.")
    page.get_by_role("button", name="Send message").click()
    expect(page.locator("#message-list")).to_contain_text("Yes, Tuesday at 10am suits me.")
    sign_out(page)

    sign_in(page, live_server, staff.email)
    page.goto(f"{live_server}/school/applications/{application.id}")
    expect(page.locator("#message-list")).to_contain_text("Yes, Tuesday at 10am suits me.")
    expect(page.locator("#message-list")).to_contain_text("Read ")


def test_a_school_asks_for_a_reference_and_the_referee_gives_it(page, live_server, shortlisted, outbox):
    staff, _, application = shortlisted
    sign_in(page, live_server, staff.email)
    page.goto(f"{live_server}/school/applications/{application.id}")
    page.get_by_role("button", name="Ask the referees for references").click()
    expect(page.get_by_text("We have emailed Helen Carter for a reference.")).to_be_visible()
    sign_out(page)

    link = re.search(r"http://\S+/references/\S+", outbox(template="reference_requested")[0].text_body).group(
        0
    )
    page.goto(link.replace("http://localhost", live_server))
    expect(page.get_by_role("heading", name="Reference for Priya Shah")).to_be_visible()
    page.get_by_role("button", name="Send the reference").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select yes if the candidate is suitable to work with children"
    )
    page.get_by_role("group", name="Is the candidate suitable to work with children?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("group", name=re.compile("any concerns")).get_by_label("No").check()
    page.get_by_label("How do you know the candidate?").fill("I am her headteacher")
    page.get_by_label("Your reference").fill("A thoughtful, well-organised geographer.")
    page.get_by_role("button", name="Send the reference").click()
    expect(page.get_by_text("Reference sent")).to_be_visible()

    sign_in(page, live_server, staff.email)
    page.goto(f"{live_server}/school/applications/{application.id}")
    expect(page.locator("#references")).to_be_visible()
    expect(page.get_by_text("A thoughtful, well-organised geographer.")).to_be_visible()
