"""Candidate search in a real browser: a jobseeker lets schools find them, a verified school finds them and
invites them to apply, and the jobseeker applies from the invitation."""

import re

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from tests.browser.accessibility import check_page
from tests.browser.applying import declare
from tests.browser.pages import sign_in, sign_out
from tests.browser.test_applying_journey import complete_profile
from tests.factories import MembershipFactory, UserFactory, VacancyFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def world(app):
    membership = MembershipFactory(organisation__name="Hillside Academy")
    vacancy = VacancyFactory(
        organisation=membership.organisation, published=True, title="Teacher of Geography"
    )
    jobseeker = UserFactory(full_name="Priya Shah", email="priya@example.org")
    db.session.commit()
    complete_profile(jobseeker)
    return membership.user, jobseeker, vacancy


def test_a_school_finds_a_candidate_invites_them_and_they_apply(page, live_server, world, outbox):
    staff, jobseeker, _vacancy = world

    # The jobseeker lets schools find them.
    sign_in(page, live_server, jobseeker.email)
    page.goto(f"{live_server}/your-profile")
    page.get_by_role("link", name="Let schools find you").click()
    expect(page.get_by_text("your name, email address, phone number or address")).to_be_visible()
    page.get_by_label("Yes, let verified schools and trusts find me").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select at least one job role, education phase or subject"
    )
    page.get_by_label("Secondary school").check()
    page.get_by_role("group", name="Subjects").get_by_label("Geography", exact=True).check()
    page.get_by_label("Where do you want to work? (optional)").fill("Leeds")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Verified schools and trusts can now find your profile.")).to_be_visible()
    sign_out(page)

    # The school finds them, with no name or contact details, and invites them.
    sign_in(page, live_server, staff.email)
    page.goto(f"{live_server}/school")
    page.get_by_role("link", name="Find candidates").click()
    page.get_by_label("Keywords").fill("geography")
    page.get_by_label("Near").fill("Leeds")
    page.get_by_role("button", name="Search").click()
    results = page.locator("#candidate-results")
    expect(results).to_contain_text("1 candidate")
    expect(results).to_contain_text("PGCE in Geography")
    expect(results).not_to_contain_text("Priya")
    results.get_by_role("link", name=re.compile(r"^Candidate C\d+")).click()
    page.get_by_label("Which job do you want to invite them to apply for?").select_option(
        label="Teacher of Geography (Hillside Academy)"
    )
    page.get_by_label("Add a short message (optional)").fill("We would love to hear from you.")
    page.get_by_role("button", name="Invite to apply").click()
    expect(page.get_by_text("has been invited to apply for Teacher of Geography")).to_be_visible()
    expect(page.locator("#invitations")).to_contain_text("Invited")
    sign_out(page)

    # The jobseeker follows the emailed link and applies from the invitation.
    link = re.search(
        r"http://\S+/your-invitations/\d+", outbox(template="candidate_invited")[0].text_body
    ).group(0)
    sign_in(page, live_server, jobseeker.email)
    page.goto(link.replace("http://localhost", live_server))
    expect(page.get_by_text("We would love to hear from you.")).to_be_visible()
    page.get_by_role("button", name="Apply for this job").click()
    expect(page).to_have_title(re.compile(r"^Review your application \(step 1 of 2\)"))
    page.locator("input[name=needed][value=no]").check()
    page.get_by_role("button", name="Continue to declarations").click()
    declare(page)
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_text("Your application has been sent")).to_be_visible()
    sign_out(page)

    # The school sees that the invitation turned into an application.
    sign_in(page, live_server, staff.email)
    page.goto(f"{live_server}/school/candidate-invitations")
    expect(page.get_by_role("table")).to_contain_text("Applied")


@pytest.fixture
def checked_page(browser):
    """A page whose context lets axe-core's injected script run despite the Content-Security-Policy."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_the_candidate_search_pages_pass_the_accessibility_checks(checked_page, live_server, world):
    staff, jobseeker, vacancy = world
    page, problems = checked_page, []
    sign_in(page, live_server, jobseeker.email)
    page.goto(f"{live_server}/your-profile/let-schools-find-you")
    check_page(page, "let schools find you", problems)
    page.get_by_label("Yes, let verified schools and trusts find me").check()
    page.get_by_label("Where do you want to work? (optional)").fill("Nowhereville Xyz")
    page.get_by_role("button", name="Save").click()
    check_page(page, "let schools find you, with errors", problems)
    page.get_by_label("Secondary school").check()
    page.get_by_label("Where do you want to work? (optional)").fill("Leeds")
    page.get_by_role("button", name="Save").click()
    sign_out(page)

    sign_in(page, live_server, staff.email)
    page.goto(f"{live_server}/school/find-candidates?phases=secondary&location=Leeds")
    check_page(page, "find candidates", problems)
    page.locator("#candidate-results").get_by_role("link", name=re.compile(r"^Candidate C\d+")).click()
    check_page(page, "a candidate", problems)
    page.get_by_role("button", name="Invite to apply").click()
    check_page(page, "a candidate, invitation with errors", problems)
    page.get_by_label("Which job do you want to invite them to apply for?").select_option(str(vacancy.id))
    page.get_by_role("button", name="Invite to apply").click()
    page.goto(f"{live_server}/school/candidate-invitations")
    check_page(page, "invitations sent", problems)
    sign_out(page)

    sign_in(page, live_server, jobseeker.email)
    page.goto(f"{live_server}/your-applications")
    page.get_by_role("link", name="Teacher of Geography").click()
    check_page(page, "an invitation", problems)

    assert problems == []
