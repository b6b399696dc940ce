"""A visitor's cached search page, in a real browser: it runs GOV.UK Frontend's scripts under the
strict policy, and signing in never leaves the visitor's copy on screen."""

import re

import pytest
from playwright.sync_api import expect

from tests.alerts_support import LEEDS, listing
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def test_a_visitor_signs_in_from_a_cached_search_and_then_sees_their_own_page(page, live_server):
    listing("Teacher of Mathematics", place=LEEDS)
    person = UserFactory()
    search = f"{live_server}/jobs?keyword=maths&location=Leeds"

    first = page.goto(search)
    assert first.headers["cache-control"] == "public, max-age=60"
    assert "set-cookie" not in first.headers
    # The template's inline script ran under the policy: GOV.UK Frontend enhanced the page.
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs-enabled\b"))
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))

    page.get_by_role("button", name="Save this job").click()
    page.get_by_label("Email address").fill(person.email)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Save this job").click()
    expect(page.get_by_text("Saved \u2018Teacher of Mathematics\u2019")).to_be_visible()

    # The same address again: the person's own page, not the copy the browser kept for the visitor.
    page.goto(search)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_text("Saved", exact=True)).to_be_visible()

    problems = [p for p in page.console_problems if re.search("Content Security Policy", p, re.I)]
    assert problems == []


def test_signing_in_straight_after_a_search_then_searching_again_shows_the_signed_in_page(page, live_server):
    listing("Teacher of Mathematics", place=LEEDS)
    person = UserFactory()
    search = f"{live_server}/jobs?keyword=maths"

    page.goto(search)
    expect(page.get_by_text("1 job found")).to_be_visible()
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email address").fill(person.email)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.get_by_role("link", name="Find a job").click()
    page.goto(search)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("button", name="Save this job")).to_be_visible()
    assert page.locator("form.app-save-job").count() == 1
