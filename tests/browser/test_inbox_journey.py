"""A school manages its applicants to an offer in a real browser: anonymised sift, bulk shortlist,
an interview invitation with a date and time, a note, and the offer."""

import re

import pytest
from playwright.sync_api import expect

from marketplace.applications.models import Application
from marketplace.db import utcnow
from marketplace.extensions import db
from tests.browser.pages import sign_in
from tests.factories import ApplicationFactory, MembershipFactory, VacancyFactory

pytestmark = pytest.mark.browser


def test_a_school_takes_an_applicant_from_anonymised_sift_to_an_offer(page, live_server, outbox):
    membership = MembershipFactory(organisation__name="Hillside Academy")
    vacancy = VacancyFactory(
        organisation=membership.organisation, published=True, title="Teacher of Geography"
    )
    priya = ApplicationFactory(vacancy=vacancy, full_name="Priya Shah", email="priya@example.org")
    tom = ApplicationFactory(vacancy=vacancy, full_name="Tom Reed", email="tom@example.org")
    db.session.commit()
    year = utcnow().year + 1

    sign_in(page, live_server, membership.user.email)
    page.goto(f"{live_server}/school/vacancies/{vacancy.id}/applications")
    page.get_by_label("Yes, hide them until shortlisted").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Names and contact details are now hidden")).to_be_visible()
    expect(page.get_by_text("Priya Shah")).to_have_count(0)

    # Sift: shortlist Priya, turn Tom down, both from the list.
    page.get_by_label(f"Select Candidate {priya.id:05d}").check()
    page.get_by_label("Change the status of the selected applications").select_option("shortlist")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_text("1 application moved with “shortlist”: Priya Shah.")).to_be_visible()
    page.get_by_label(f"Select Candidate {tom.id:05d}").check()
    page.get_by_label("Change the status of the selected applications").select_option("reject")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_text(re.compile(r"1 application moved with “mark as unsuccessful”"))).to_be_visible()

    # Invite Priya to interview, forgetting the time first.
    page.get_by_role("link", name="Priya Shah").click()
    page.get_by_label("Invite to interview").check()
    page.locator("#interview_date-day").fill("4")
    page.locator("#interview_date-month").fill("3")
    page.locator("#interview_date-year").fill(str(year))
    page.get_by_role("button", name="Save and email the candidate").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the time of the interview")
    page.get_by_label("Interview time").fill("9:30am")
    page.get_by_role("button", name="Save and email the candidate").click()
    expect(page.get_by_text(f"9:30am on 4 March {year} (UK time)")).to_be_visible()

    page.get_by_label("Add a private note").fill("Excellent fieldwork answer.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#note-list")).to_contain_text("Excellent fieldwork answer.")

    page.get_by_label("Offer the job").check()
    page.get_by_role("button", name="Save and email the candidate").click()
    expect(page.get_by_text("the application is now offered")).to_be_visible()

    db.session.expire_all()
    assert db.session.get(Application, priya.id).status == "offered"
    assert [m.subject for m in outbox(recipient="priya@example.org")] == [
        "You have been shortlisted: Teacher of Geography",
        "Invitation to interview: Teacher of Geography",
        "Job offer: Teacher of Geography",
    ]
    assert [m.subject for m in outbox(recipient="tom@example.org")] == [
        "Your application for Teacher of Geography"
    ]
    csp_violations = [p for p in page.console_problems if re.search("Content Security Policy", p, re.I)]
    assert csp_violations == []
