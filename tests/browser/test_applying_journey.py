"""A jobseeker's journey in a real browser: profile, apply with prefill, follow the application, withdraw."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.applying import fill_application
from tests.browser.pages import sign_in
from tests.factories import UserFactory, VacancyFactory

pytestmark = pytest.mark.browser


def test_profile_then_apply_with_prefill_then_withdraw(page, live_server):
    vacancy = VacancyFactory(published=True, title="Teacher of Geography", subjects=["Geography"])
    jobseeker = UserFactory(full_name="Priya Shah")
    sign_in(page, live_server, jobseeker.email)

    # The profile, typed once.
    page.goto(f"{live_server}/your-profile")
    page.get_by_role("link", name="Add personal statement").click()
    page.get_by_label("Personal statement").fill("Fieldwork every term, in every weather.")
    page.get_by_role("button", name="Save to your profile").click()
    expect(page.get_by_text("Personal statement saved to your profile.")).to_be_visible()

    # Applying: the statement comes from the profile and its words are counted as it is typed.
    page.goto(f"{live_server}/jobs/{vacancy.id}")
    page.get_by_role("button", name="Apply for this job").click()
    expect(page.get_by_text("You have completed 0 of 8 sections.")).to_be_visible()
    page.get_by_role("link", name="Personal statement").click()
    expect(page.get_by_label("Personal statement")).to_have_value("Fieldwork every term, in every weather.")
    expect(page.get_by_text("We have filled this in from your profile")).to_be_visible()
    page.get_by_role("link", name="Back").click()
    fill_application(page)
    expect(page.get_by_text("You have completed 8 of 8 sections.")).to_be_visible()
    page.get_by_role("button", name="Check your answers").click()
    expect(page.get_by_text("referee0@dales.example.org")).to_be_visible()
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_text("Your application has been sent")).to_be_visible()

    # Following it, then withdrawing.
    page.goto(f"{live_server}/your-applications")
    expect(page.get_by_text("Schools usually reply after the closing date")).to_be_visible()
    page.get_by_role("link", name="Teacher of Geography").click()
    page.get_by_role("button", name="Withdraw application").click()
    expect(page.get_by_text("Your application has been withdrawn")).to_be_visible()

    csp_violations = [p for p in page.console_problems if re.search("Content Security Policy", p, re.I)]
    assert csp_violations == []
