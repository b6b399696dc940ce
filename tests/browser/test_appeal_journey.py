"""A school finds the appeal from its removed listing's page and sends it; signing out ends the session
even for a copy of its cookie."""

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.moderation import services
from tests.browser.pages import sign_in, sign_out
from tests.factories import MembershipFactory, UserFactory, VacancyFactory

pytestmark = pytest.mark.browser


def test_a_school_appeals_from_its_removed_listings_page(page, live_server):
    membership = MembershipFactory()
    listing = VacancyFactory(
        published=True,
        organisation=membership.organisation,
        created_by=membership.user,
        title="Teacher of Art",
    )
    services.remove(UserFactory(moderator=True), listing, reason="It asks candidates to pay for a DBS check.")
    db.session.commit()

    sign_in(page, live_server, membership.user.email)
    page.goto(f"{live_server}/school?tab=closed")
    expect(page.get_by_role("link", name="Appeal this decision Teacher of Art")).to_be_visible()
    page.get_by_role("link", name="Teacher of Art", exact=True).click()
    expect(page.get_by_text("Status: Removed")).to_be_visible()
    banner = page.locator("#moderation-decision")
    expect(banner.get_by_text("A moderator removed this listing")).to_be_visible()
    expect(banner.get_by_text("It asks candidates to pay for a DBS check.")).to_be_visible()

    banner.get_by_role("link", name="Appeal this decision").click()
    expect(page.get_by_role("heading", name="Appeal a moderator's decision")).to_be_visible()
    page.get_by_role("button", name="Send appeal").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your statement")
    page.get_by_label("Why should the decision change?").fill("The DBS line was a mistake and is gone.")
    page.get_by_role("button", name="Send appeal").click()

    expect(page.get_by_text("Your appeal has been sent")).to_be_visible()
    expect(page.locator("#appeal-status")).to_contain_text("Waiting for a decision")
    expect(banner.get_by_role("link", name="Appeal this decision")).to_have_count(0)


def test_after_signing_out_a_copy_of_the_session_cookie_signs_nobody_in(browser, page, live_server):
    user = UserFactory()
    sign_in(page, live_server, user.email)
    cookies = page.context.cookies()
    assert any(cookie["name"] == "session" for cookie in cookies)

    sign_out(page)

    other = browser.new_context()
    try:
        other.add_cookies(cookies)
        thief = other.new_page()
        thief.goto(f"{live_server}/your-applications")
        expect(thief).to_have_url(f"{live_server}/sign-in?next=/your-applications")
    finally:
        other.close()
