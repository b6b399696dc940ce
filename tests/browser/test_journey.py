"""The main journey in a real browser, as the three people who make it happen."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.db import uk_today
from marketplace.extensions import db
from marketplace.notifications.models import OutboxMessage
from tests.browser.applying import fill_application
from tests.browser.pages import fill_date, sign_in, sign_out
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.browser


def test_a_vacancy_goes_from_school_to_moderator_to_jobseeker_and_back(page, live_server):
    membership = MembershipFactory(organisation__name="Hillside Academy", organisation__town="York")
    school_user = membership.user
    moderator = UserFactory(moderator=True)
    jobseeker = UserFactory(full_name="Priya Shah")
    today = uk_today()

    # The school writes the listing, makes a mistake, corrects it and submits it.
    sign_in(page, live_server, school_user.email)
    page.get_by_role("button", name="Create a vacancy").click()
    page.get_by_label("Job title").fill("Teacher of Geography")
    page.get_by_label("Teacher or lecturer").check()
    page.get_by_label("Secondary school").check()
    save = page.get_by_role("button", name="Save and continue")
    save.click()
    expect(page.get_by_label("Key stage 1 (ages 5 to 7)")).to_have_count(0)  # not a secondary key stage
    page.get_by_label("Key stage 3 (ages 11 to 14)").check()
    page.get_by_label("Geography").check()
    save.click()
    page.get_by_label("Full time").check()
    page.get_by_label("Fixed term").check()
    expect(page.get_by_label("Length of fixed-term contract")).to_be_visible()
    page.get_by_label("Permanent").check()
    expect(page.get_by_label("Length of fixed-term contract")).to_be_hidden()
    save.click()
    page.get_by_label("Salary", exact=True).fill("Main pay range")
    save.click()
    fill_date(page, "closing_date", today + dt.timedelta(days=14))
    save.click()
    page.get_by_label("Suitable for early career teachers", exact=True).check()
    save.click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Describe the role")).to_be_visible()
    page.get_by_label("About the role").fill(
        "Teach geography to **key stages 3 and 4**, with fieldwork in the Dales."
    )
    save.click()
    expect(page.get_by_role("heading", name="Supporting documents")).to_be_visible()
    save.click()
    expect(page.get_by_label("Contact email for questions about the job")).to_have_value(school_user.email)
    save.click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    page.get_by_role("link", name="Preview the listing as jobseekers will see it").click()
    expect(page.locator("#about-the-role strong")).to_have_text("key stages 3 and 4")
    page.get_by_role("link", name="Back to check your answers").click()
    page.get_by_role("button", name="Submit listing").click()
    expect(page.get_by_text("sent for review")).to_be_visible()
    sign_out(page)

    # The moderator approves it from the queue.
    sign_in(page, live_server, moderator.email)
    page.goto(f"{live_server}/moderation")
    page.get_by_role("link", name="Teacher of Geography").click()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved").first).to_be_visible()
    sign_out(page)
    approved = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.template == "vacancy_approved")
    ).all()
    assert school_user.email in {m.recipient for m in approved}

    # The jobseeker finds it by keyword and applies.
    sign_in(page, live_server, jobseeker.email)
    page.goto(f"{live_server}/jobs")
    page.get_by_label("Keyword").fill("geography")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results-count")).to_have_text("1 job found")
    page.get_by_role("link", name="Teacher of Geography").click()
    page.get_by_role("button", name="Apply for this job").click()
    fill_application(page)
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_text("Your application has been sent")).to_be_visible()
    sign_out(page)

    # The school sees the application in its inbox.
    sign_in(page, live_server, school_user.email)
    page.goto(f"{live_server}/school/applications")
    page.get_by_role("link", name="Priya Shah").click()
    expect(page.get_by_text("I have led fieldwork trips for eight years.")).to_be_visible()

    csp_violations = [p for p in page.console_problems if re.search("Content Security Policy", p, re.I)]
    assert csp_violations == []
