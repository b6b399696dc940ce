"""A school's whole journey in a real browser: it signs up, finds its school, posts a listing through every
step of the wizard, and takes the jobseeker who applies to an offer; then it extends the closing date and
reads the listing's figures."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from marketplace.db import uk_today
from marketplace.extensions import db
from tests.browser.applying import fill_application
from tests.browser.pages import fill_date, sign_in, sign_out
from tests.document_samples import pdf_bytes
from tests.factories import EmailDomainFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.browser

NEW_PASSWORD = "fieldwork-in-the-dales"


def emailed_path(message) -> str:
    """The path of the link to the service in an email, as the person would click it."""
    match = re.search(r"http://localhost(/\S+)", message.text_body)
    assert match, message.text_body
    return match.group(1)


def test_a_school_signs_up_posts_a_listing_and_takes_an_applicant_to_an_offer(
    page, live_server, outbox, tmp_path
):
    # The school as imported from the register of schools: nobody from it uses the marketplace yet.
    school = OrganisationFactory(
        name="Aireborough Academy",
        urn="144210",
        postcode="LS20 9AA",
        town="Leeds",
        website="https://www.aireborough.sch.uk",
        verified_at=None,
    )
    # A moderator has recorded the school's email domain, so confirmed addresses on it join at once.
    EmailDomainFactory(organisation=school, domain="aireborough.sch.uk")
    OrganisationFactory(name="Another Academy", urn="100001", postcode="YO1 1AA")
    moderator = UserFactory(moderator=True)
    jobseeker = UserFactory(full_name="Priya Shah", email="priya@example.org")
    db.session.commit()
    today = uk_today()
    year = today.year + 1

    # Sign up, without knowing the school's URN.
    page.goto(f"{live_server}/register")
    page.get_by_label("I work at a school or trust").check()
    expect(page.get_by_label("Your school's URN")).to_be_visible()
    page.get_by_label("Full name").fill("Sam Okafor")
    page.get_by_label("Email address").fill("s.okafor@aireborough.sch.uk")
    page.get_by_label("Create a password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name=re.compile("Check your email", re.I))).to_be_visible()

    # Confirm the address through the link in the email, which signs the person in.
    [confirmation] = outbox(recipient="s.okafor@aireborough.sch.uk", template="verify_email")
    page.goto(live_server + emailed_path(confirmation))
    expect(page.get_by_text("Your email address is confirmed")).to_be_visible()

    # Find the school by its postcode and become its first user.
    page.get_by_role("link", name="Find your school or trust").first.click()
    page.get_by_label("School or trust name, URN or postcode").fill("ls20 9aa")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 result")).to_be_visible()
    page.get_by_role("link", name="Aireborough Academy").click()
    expect(
        page.get_by_text("Your confirmed email address is on a domain Aireborough Academy owns")
    ).to_be_visible()
    page.get_by_role("button", name="Join as administrator").click()
    expect(page.get_by_text("You are now the administrator of Aireborough Academy")).to_be_visible()

    # Post a listing through every step of the wizard.
    page.get_by_role("button", name="Create a vacancy").click()
    page.get_by_label("Job title").fill("Teacher of Geography")
    page.get_by_label("Teacher or lecturer").check()
    page.get_by_label("Secondary school").check()
    save = page.get_by_role("button", name="Save and continue")
    save.click()
    page.get_by_label("Key stage 3 (ages 11 to 14)").check()
    page.get_by_label("Key stage 4 (ages 14 to 16)").check()
    page.get_by_label("Geography").check()
    save.click()
    page.get_by_label("Full time").check()
    page.get_by_label("Permanent").check()
    save.click()
    page.get_by_label("Salary", exact=True).fill("Main pay range")
    save.click()
    page.get_by_label("Publish as soon as it passes our checks").check()
    fill_date(page, "closing_date", today + dt.timedelta(days=14))
    page.get_by_label("12:00").check()
    save.click()
    page.get_by_label("About the role").fill(
        "Teach geography to **key stages 3 and 4**, with fieldwork in the Dales."
    )
    page.get_by_label("Suitable for early career teachers", exact=True).check()
    save.click()
    expect(page.get_by_role("heading", name="Supporting documents")).to_be_visible()
    pack = tmp_path / "Application pack.pdf"
    pack.write_bytes(pdf_bytes("Teacher of Geography: application pack"))
    page.get_by_label("Upload a file").set_input_files(str(pack))
    page.get_by_role("button", name="Upload file").click()
    expect(page.get_by_text("Application pack.pdf has been uploaded")).to_be_visible()
    save.click()
    expect(page.get_by_label("Contact email for questions about the job")).to_have_value(
        "s.okafor@aireborough.sch.uk"
    )
    save.click()

    # Check the answers and the preview, then submit.
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(page.get_by_text("You have not finished every section yet")).to_have_count(0)
    expect(page.locator("#section-job-details ~ dl").first).to_contain_text("Teacher of Geography")
    expect(page.get_by_text("Application pack.pdf").first).to_be_visible()
    vacancy_id = int(re.search(r"/vacancies/(\d+)/", page.url).group(1))
    page.get_by_role("link", name="Preview the listing as jobseekers will see it").click()
    expect(page.locator("#about-the-role strong")).to_have_text("key stages 3 and 4")
    expect(page.get_by_role("link", name="Application pack.pdf")).to_be_visible()
    page.get_by_role("link", name="Back to check your answers").click()
    page.get_by_role("button", name="Submit listing").click()
    expect(page.get_by_text("sent for review")).to_be_visible()
    sign_out(page)

    # A new school's first listing waits for a moderator, who approves it.
    sign_in(page, live_server, moderator.email)
    page.goto(f"{live_server}/moderation")
    page.get_by_role("link", name="Teacher of Geography").click()
    page.get_by_role("button", name="Approve").click()
    expect(
        page.get_by_text(re.compile(r"Approved: Teacher of Geography .*The school has been emailed"))
    ).to_be_visible()
    sign_out(page)
    assert [m.subject for m in outbox(template="vacancy_approved")]

    # A jobseeker finds the listing and applies.
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

    # The school takes the applicant from its listing to an offer.
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill("s.okafor@aireborough.sch.uk")
    page.get_by_role("textbox", name="Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Teacher of Geography").first.click()
    page.get_by_role("link", name="Manage these applications").click()
    page.get_by_role("link", name="Priya Shah").click()
    expect(page.get_by_text("I have led fieldwork trips for eight years.")).to_be_visible()
    candidate_action = page.get_by_role("button", name="Save and email the candidate")
    page.get_by_label("Shortlist").check()
    candidate_action.click()
    expect(page.get_by_text("the application is now shortlisted")).to_be_visible()
    page.get_by_label("Invite to interview").check()
    page.locator("#interview_date-day").fill("4")
    page.locator("#interview_date-month").fill("3")
    page.locator("#interview_date-year").fill(str(year))
    page.get_by_label("Interview time").fill("9:30am")
    candidate_action.click()
    expect(page.get_by_text(f"9:30am on 4 March {year} (UK time)")).to_be_visible()
    page.get_by_label("Offer the job").check()
    candidate_action.click()
    expect(page.get_by_text("the application is now offered")).to_be_visible()

    emails = outbox(recipient="priya@example.org")
    assert [m.subject for m in emails] == [
        "Application sent: Teacher of Geography",
        "You have been shortlisted: Teacher of Geography",
        "Invitation to interview: Teacher of Geography",
        "Job offer: Teacher of Geography",
    ]
    shortlisted, invitation, offer = (m.text_body for m in emails[1:])
    assert "Aireborough Academy has shortlisted your application" in shortlisted
    assert f"Your interview: 9:30am on 4 March {year} (UK time)" in invitation
    assert "s.okafor@aireborough.sch.uk" in invitation
    assert "Congratulations: Aireborough Academy is offering you the job" in offer
    assert "to accept or decline the offer" in offer

    # Back on the listing: extend the closing date with a reason, and read the figures.
    page.goto(f"{live_server}/school/vacancies/{vacancy_id}")
    page.get_by_role("button", name="Extend the closing date").click()
    new_closing = today + dt.timedelta(days=28)
    fill_date(page, "closing_date", new_closing)
    page.get_by_label("Why are you extending the closing date?").fill("We want more candidates to apply.")
    page.get_by_role("button", name="Extend the closing date").click()
    expect(page.get_by_text(f"The closing date is now {new_closing:%-d %B %Y} at 12:00")).to_be_visible()
    expect(page.locator("#extensions")).to_contain_text("Reason: We want more candidates to apply.")
    figures = page.locator("#listing-figures")
    expect(figures.locator(".govuk-summary-list__row", has_text="Views")).to_contain_text("1")
    expect(figures.locator(".govuk-summary-list__row", has_text="Applications submitted")).to_contain_text(
        "1"
    )
    expect(page.locator("#view-sources")).to_be_visible()

    csp_violations = [p for p in page.console_problems if re.search("Content Security Policy", p, re.I)]
    assert csp_violations == []
