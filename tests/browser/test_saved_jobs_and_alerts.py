"""Search, save a job, and set up a job alert, in a real browser without any help from JavaScript."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.alerts.models import JobAlert
from marketplace.extensions import db
from tests.alerts_support import LEEDS, listing
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def test_search_save_a_job_and_set_an_alert(page, live_server):
    listing("Teacher of Mathematics", place=LEEDS)
    person = UserFactory()

    page.goto(f"{live_server}/jobs?keyword=maths&location=Leeds")
    expect(page.get_by_text("1 job found")).to_be_visible()
    page.get_by_role("button", name="Save this job").click()
    # Not signed in yet: sign in, come back, and finish saving.
    page.get_by_label("Email address").fill(person.email)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Save this job").click()
    expect(page.get_by_text("Saved \u2018Teacher of Mathematics\u2019")).to_be_visible()

    page.goto(f"{live_server}/jobs?keyword=maths&location=Leeds")
    page.get_by_role("link", name="Get job alerts for this search").click()
    expect(page.get_by_text("\u2018maths\u2019 within 15 miles of Leeds")).to_be_visible()
    page.get_by_label("Weekly").check()
    page.get_by_role("button", name="Set up job alert").click()
    expect(page.get_by_role("heading", name="Your job alerts")).to_be_visible()

    page.get_by_role("link", name="Saved jobs").first.click()
    expect(page.get_by_role("link", name="Teacher of Mathematics")).to_be_visible()
    db.session.expire_all()
    [alert] = db.session.scalars(sa.select(JobAlert)).all()
    assert alert.criteria == {"keywords": "maths", "location": "Leeds", "radius": 15}
