"""The jobseeker's whole journey in a real browser, moving from page to page by its links and buttons:
search → save → job alert → profile → apply with prefill → send → follow it → the school shortlists,
interviews and offers → the candidate sees the offer and what to do."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.alerts.cli import remind_saved_jobs
from marketplace.alerts.digest import send_digests
from marketplace.alerts.models import AlertFrequency, JobAlert
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.vacancies.models import Vacancy
from tests.alerts_support import ago, listing
from tests.browser.applying import declare
from tests.browser.pages import sign_in, sign_out
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.browser


def fill_in_the_profile(page, base_url: str) -> None:
    """Every section of the profile, from the profile page's own links."""

    def section(name: str) -> None:
        page.goto(f"{base_url}/your-profile")
        page.get_by_role("link", name=f"Add {name}").click()

    def save(saved: str) -> None:
        page.get_by_role("button", name="Save to your profile").click()
        expect(page.get_by_text(f"{saved} saved to your profile.")).to_be_visible()

    section("personal details")
    page.get_by_label("Full name").fill("Priya Shah")
    page.get_by_label("Phone number").fill("07700 900982")
    page.get_by_label("Town or city").fill("York")
    page.get_by_label("Postcode").fill("yo1 7hh")
    save("Personal details")
    section("professional status")
    page.get_by_label("I have qualified teacher status (QTS)").check()
    page.get_by_label("Teacher reference number (TRN)").fill("7654321")
    save("Professional status")
    section("qualifications")
    page.get_by_label("Qualification", exact=True).fill("PGCE")
    page.get_by_label("Subject").fill("Geography")
    save("Qualifications")
    section("employment history")
    page.get_by_label("Job title").fill("Teacher of Geography")
    page.get_by_label("Employer").fill("Dales School")
    page.get_by_label("Start date").fill("09/2015")
    save("Employment history")
    section("referees")
    for index, name in enumerate(("Sam Jones", "Alex Brown")):
        page.locator(f"#items-{index}-name").fill(name)
        page.locator(f"#items-{index}-job_title").fill("Headteacher")
        page.locator(f"#items-{index}-organisation").fill("Dales School")
        page.locator(f"#items-{index}-email").fill(f"referee{index}@dales.example.org")
        page.locator(f"#items-{index}-relationship").fill("Line manager")
    save("Referees")
    section("personal statement")
    page.get_by_label("Personal statement").fill("Nine years of fieldwork in the Dales, in every weather.")
    save("Personal statement")
    section("job preferences")
    page.get_by_label("Secondary school", exact=True).check()
    page.get_by_label("Geography", exact=True).check()
    page.get_by_label("Full time", exact=True).check()
    page.get_by_label("Where do you want to work? (optional)").fill("Leeds")
    save("Job preferences")
    page.goto(f"{base_url}/your-profile")
    for expected in ("7654321", "PGCE", "Sam Jones", "Leeds, within 15 miles"):
        expect(page.get_by_text(expected).first).to_be_visible()


def test_search_save_alert_profile_apply_and_get_an_offer(page, live_server, outbox):
    staff = MembershipFactory(user__full_name="Dana Head", organisation__name="Riverside Academy")
    ours = listing("Teacher of Geography", organisation=staff.organisation, subjects=["Geography"])
    listing("Geography teacher, maternity cover", subjects=["Geography"])
    priya = UserFactory(full_name="Priya Shah", email="priya@example.org")
    sign_in(page, live_server, priya.email)

    # Search, save both jobs from the results, set an alert for the search.
    page.goto(f"{live_server}/jobs")
    page.get_by_label("Keyword").fill("geography")
    page.get_by_label("Keyword").press("Enter")
    expect(page.get_by_text("2 jobs found")).to_be_visible()
    for title in ("Teacher of Geography", "Geography teacher, maternity cover"):
        result = page.locator("article", has=page.get_by_role("link", name=title, exact=True))
        result.get_by_role("button", name="Save this job").click()
        expect(page.get_by_text(f"Saved \u2018{title}\u2019")).to_be_visible()
    page.get_by_role("link", name="Get job alerts for this search").click()
    page.get_by_label("Daily").check()
    page.get_by_role("button", name="Set up job alert").click()
    expect(page.get_by_role("heading", name="Your job alerts")).to_be_visible()
    expect(page.get_by_text("\u2018geography\u2019")).to_be_visible()

    fill_in_the_profile(page, live_server)

    # Apply from the saved jobs page; the form starts from the profile.
    page.get_by_role("link", name="Saved jobs").first.click()
    page.get_by_role("link", name="Teacher of Geography").click()
    page.get_by_role("button", name="Apply for this job").click()
    # One review page shows every section the profile filled in, each with a Change link.
    expect(page.get_by_role("heading", name="Review your application")).to_be_visible()
    for shown in ("07700 900982", "YO1 7HH", "7654321", "Dales School", "referee1@dales.example.org"):
        expect(page.get_by_text(shown).first).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Change.*Personal details")).click()
    expect(page.get_by_label("Phone number")).to_have_value("07700 900982")
    page.get_by_role("button", name="Save and return to your application").click()
    expect(page.get_by_label("Personal statement for this job")).to_have_value(
        "Nine years of fieldwork in the Dales, in every weather."
    )
    page.locator("input[name=needed][value=no]").check()
    page.get_by_role("button", name="Continue to declarations").click()
    declare(page)
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_text("Your application has been sent")).to_be_visible()
    application_id = db.session.scalar(sa.select(Application.id))

    # The alert has been running since yesterday: its digest leaves out the job she applied for, and
    # only the saved job she has not applied for is reminded as it closes.
    db.session.execute(sa.update(JobAlert).values(covered_until=ago(days=1)))
    db.session.execute(sa.update(Vacancy).values(closes_at=utcnow() + dt.timedelta(days=2)))
    db.session.commit()
    send_digests(AlertFrequency.DAILY)
    [digest] = outbox(template="job_alert_digest")
    assert "Geography teacher, maternity cover" in digest.text_body
    assert "Teacher of Geography" not in digest.text_body
    assert remind_saved_jobs() == 1
    assert [m.subject for m in outbox(template="saved_job_closing")] == [
        "Closing soon: Geography teacher, maternity cover"
    ]

    page.get_by_role("link", name="Your applications").first.click()
    expect(page.get_by_text("Schools usually reply after the closing date")).to_be_visible()
    sign_out(page)

    # The school moves the application on from its inbox.
    year = utcnow().year + 1
    sign_in(page, live_server, staff.user.email)
    page.goto(f"{live_server}/school/applications")
    page.get_by_role("link", name="Priya Shah").click()
    page.get_by_label("Shortlist").check()
    page.get_by_role("button", name="Save and email the candidate").click()
    expect(page.get_by_text("the application is now shortlisted")).to_be_visible()
    page.get_by_label("Invite to interview").check()
    page.locator("#interview_date-day").fill("4")
    page.locator("#interview_date-month").fill("3")
    page.locator("#interview_date-year").fill(str(year))
    page.get_by_label("Interview time").fill("9:30am")
    page.get_by_role("button", name="Save and email the candidate").click()
    expect(page.get_by_text("the application is now interviewing")).to_be_visible()
    page.get_by_label("Offer the job").check()
    page.get_by_role("button", name="Save and email the candidate").click()
    expect(page.get_by_text("the application is now offered")).to_be_visible()
    sign_out(page)

    assert [
        m.subject for m in outbox(template="application_status_changed", recipient="priya@example.org")
    ] == [
        "You have been shortlisted: Teacher of Geography",
        "Invitation to interview: Teacher of Geography",
        "Job offer: Teacher of Geography",
    ]

    # The candidate sees the offer and what to do about it.
    sign_in(page, live_server, priya.email)
    page.goto(f"{live_server}/your-applications")
    page.get_by_role("link", name="Teacher of Geography").click()
    expect(
        page.get_by_text("The school has offered you the job. Reply to the school to accept or decline.")
    ).to_be_visible()
    expect(page.get_by_role("link", name=ours.contact_email)).to_have_attribute(
        "href", f"mailto:{ours.contact_email}"
    )
    db.session.expire_all()
    assert db.session.get(Application, application_id).status is ApplicationStatus.OFFERED

    csp_violations = [p for p in page.console_problems if re.search("Content Security Policy", p, re.I)]
    assert csp_violations == []
