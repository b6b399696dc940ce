"""The marketplace on a phone, with and without JavaScript, and the keyboard and zoom behaviours that
accessibility defects were found in."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from marketplace.db import uk_today
from tests.browser.pages import fill_date, sign_in
from tests.factories import MembershipFactory, UserFactory, VacancyFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}
LONG_EMAIL = "recruitment-and-safeguarding-enquiries@riverside-community-primary-school.example.org"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_without_javascript(browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def jobs():
    return [
        VacancyFactory(published=True, title="Teacher of Geography", phases=["secondary"]),
        VacancyFactory(published=True, title="Class teacher", phases=["primary"], key_stages=["ks2"]),
        VacancyFactory(published=True, title="Teacher of History", phases=["secondary"]),
    ]


def test_the_first_search_result_is_on_the_first_screen_of_a_phone(phone, live_server, jobs, tmp_path):
    phone.goto(f"{live_server}/jobs")
    first = phone.locator(".app-search-result").first
    screenshot = tmp_path / "search-375.png"
    phone.screenshot(path=str(screenshot))

    assert screenshot.stat().st_size > 0
    assert first.bounding_box()["y"] < PHONE["height"], f"first result below the fold: {screenshot}"
    expect(phone.get_by_label("Search radius")).to_be_hidden()  # behind "Filter results"


def test_filter_results_shows_the_filters_in_place_with_javascript(phone, live_server, jobs):
    phone.goto(f"{live_server}/jobs")
    toggle = phone.get_by_role("button", name="Filter results")
    expect(toggle).to_have_attribute("aria-expanded", "false")

    toggle.click()

    expect(toggle).to_have_attribute("aria-expanded", "true")
    phone.get_by_label("Primary school").check()
    phone.get_by_role("button", name="Search", exact=True).last.click()
    expect(phone.locator("#results-count")).to_have_text("1 job found")
    expect(phone.get_by_role("button", name="Filter results (1 selected)")).to_be_visible()


def test_filter_results_is_a_page_of_filters_without_javascript(phone_without_javascript, live_server, jobs):
    page = phone_without_javascript
    page.goto(f"{live_server}/jobs?keyword=teacher")

    page.get_by_role("link", name="Filter results").click()

    assert "/jobs/filters" in page.url
    expect(page.get_by_role("heading", name="Filter jobs")).to_be_visible()
    page.get_by_label("Primary school").check()
    page.get_by_role("button", name="Show results").click()
    expect(page.locator("#results-count")).to_have_text("1 job found")
    expect(page.get_by_role("link", name="Class teacher")).to_be_visible()


def test_the_keyboard_reaches_the_first_result_in_a_few_presses(phone, live_server, jobs):
    phone.goto(f"{live_server}/jobs")
    presses = 0
    while not phone.evaluate("document.activeElement.closest('.app-search-result') !== null"):
        assert presses < 15, f"{presses} presses of Tab did not reach the first result"
        phone.keyboard.press("Tab")
        presses += 1


def test_the_job_page_offers_apply_on_the_first_screen_and_fits_a_phone(phone, live_server):
    job = VacancyFactory(published=True, title="Teacher of Geography", contact_email=LONG_EMAIL)

    phone.goto(f"{live_server}/jobs/{job.id}")

    apply = phone.get_by_role("button", name="Apply for this job").first
    assert apply.bounding_box()["y"] < PHONE["height"]
    phone.set_viewport_size({"width": 320, "height": 568})
    assert phone.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def test_with_text_at_200_percent_the_radius_select_stays_in_its_column(page, live_server, jobs):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server}/jobs")
    page.evaluate("document.documentElement.style.fontSize = '200%'")

    radius = page.get_by_label("Search radius").bounding_box()
    first = page.locator(".app-search-result").first.bounding_box()

    assert radius["x"] + radius["width"] <= first["x"], (radius, first)


def test_enter_in_a_section_with_rows_saves_it(page, live_server):
    jobseeker = UserFactory()
    sign_in(page, live_server, jobseeker.email)
    page.goto(f"{live_server}/your-profile/referees")
    page.locator("#items-0-name").fill("Sam Jones")
    page.locator("#items-0-job_title").fill("Headteacher")
    page.locator("#items-0-organisation").fill("Dales School")
    page.locator("#items-0-email").fill("sam@dales.example.org")
    page.locator("#items-0-relationship").fill("Line manager")

    page.locator("#items-0-relationship").press("Enter")

    expect(page.get_by_text("saved to your profile")).to_be_visible()
    assert page.url.endswith("/your-profile")


def test_the_remove_error_link_moves_to_the_remove_reason(page, live_server):
    membership = MembershipFactory()
    job = VacancyFactory(organisation=membership.organisation, published=True, title="Teacher of Art")
    reporter = UserFactory()
    sign_in(page, live_server, reporter.email)
    page.goto(f"{live_server}/jobs/{job.id}/report")
    page.get_by_label("It looks like a scam", exact=False).check()
    page.get_by_role("button", name="Send report").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, UserFactory(moderator=True).email)
    page.goto(f"{live_server}/moderation/vacancies/{job.id}")

    page.get_by_role("button", name="Remove listing").click()
    page.get_by_role("link", name="Enter the reason for removing this listing").click()

    assert page.evaluate("document.activeElement.id") == "remove-reason"
    expect(page.get_by_label("Reason for removing")).to_be_focused()


def test_a_date_error_link_moves_to_the_day_box(page, live_server):
    membership = MembershipFactory()
    job = VacancyFactory(organisation=membership.organisation, created_by=membership.user, title="Cook")
    sign_in(page, live_server, membership.user.email)
    page.goto(f"{live_server}/school/vacancies/{job.id}/edit/important-dates")
    fill_date(page, "closing_date", uk_today() + dt.timedelta(days=10))
    page.locator("#closing_date-month").fill("")

    page.get_by_role("button", name="Save and continue").click()
    page.locator(".govuk-error-summary a[href='#closing_date-day']").click()

    expect(page.locator("#closing_date-day")).to_be_focused()
