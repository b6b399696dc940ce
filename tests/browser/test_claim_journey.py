"""Claiming a school in a real browser: a webmail address sees only the claim's status until a moderator
approves it in the claims queue; then the school's dashboard opens."""

import pytest
from playwright.sync_api import expect

from tests.browser.pages import sign_in, sign_out
from tests.factories import OrganisationFactory, UserFactory, VacancyFactory

pytestmark = pytest.mark.browser

SCHOOL = "Meanwood Beck Primary Academy"


def test_a_webmail_claim_is_approved_by_a_moderator_before_the_school_opens(page, live_server, outbox):
    school = OrganisationFactory(
        name=SCHOOL,
        urn="141207",
        postcode="LS6 4LB",
        local_authority="Leeds",
        website="https://www.meanwoodbeck.example.org",
        verified_at=None,
    )
    VacancyFactory(organisation=school, title="Year 3 class teacher", published=True)
    UserFactory(hiring_staff=True, email="amira.haddad@gmail.com", full_name="Amira Haddad")
    UserFactory(moderator=True, email="moderator@example.org", full_name="Daniel Okafor")

    # The claimant finds the school and claims it, saying what their role is.
    sign_in(page, live_server, "amira.haddad@gmail.com")
    page.goto(f"{live_server}/school/find-your-school")
    page.get_by_label("School or trust name, URN or postcode").fill("141207")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=SCHOOL).click()
    expect(page.get_by_role("heading", name=f"Claim {SCHOOL}")).to_be_visible()
    page.get_by_role("button", name="Send claim to a moderator").click()
    expect(page.get_by_text(f"Tell us what your role is at {SCHOOL}").first).to_be_visible()
    page.get_by_label("What is your role at the school?").fill(
        "School business manager. The office on 0113 496 0000 can confirm."
    )
    page.get_by_role("button", name="Send claim to a moderator").click()
    expect(page.get_by_text(f"Your claim to {SCHOOL} is waiting for a moderator").first).to_be_visible()

    # Until it is approved they see only the claim's status, never the school's listings.
    page.goto(f"{live_server}/school")
    expect(page.get_by_text(f"Your claim to {SCHOOL} is waiting for a moderator")).to_be_visible()
    expect(page.get_by_text("Year 3 class teacher")).to_have_count(0)
    sign_out(page)

    # A moderator reads the claim with the school's register details and approves it.
    sign_in(page, live_server, "moderator@example.org")
    page.goto(f"{live_server}/moderation")
    page.get_by_role("link", name="Claims", exact=True).click()
    expect(page.get_by_role("heading", name="Claims to join a school (1)")).to_be_visible()
    expect(page.get_by_text("webmail address: gmail.com")).to_be_visible()
    expect(page.get_by_text("141207")).to_be_visible()
    page.get_by_label("Approve: they join the school").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text(f"Amira Haddad has joined {SCHOOL}. We have emailed them.")).to_be_visible()
    expect(page.get_by_text("No claims are waiting")).to_be_visible()
    sign_out(page)

    # The claimant was emailed, and the school's dashboard now opens.
    [approved] = outbox(template="claim_approved")
    assert approved.recipient == "amira.haddad@gmail.com"
    sign_in(page, live_server, "amira.haddad@gmail.com")
    page.goto(f"{live_server}/school")
    expect(page.get_by_text("waiting for a moderator")).to_have_count(0)
    page.get_by_role("link", name="Year 3 class teacher", exact=True).click()
    expect(page.get_by_role("heading", name="Year 3 class teacher")).to_be_visible()
