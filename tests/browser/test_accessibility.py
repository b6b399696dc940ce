"""Every kind of page, and each form's error state, checked with axe-core (WCAG 2.2 AA, failing on serious
or critical violations) and for reflow: at 320 CSS pixels wide no page scrolls sideways."""

from __future__ import annotations

import pytest

from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.permissions import Role
from tests.browser.accessibility import AXE, check_page
from tests.browser.pages import sign_in, sign_out
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory, VacancyFactory

pytestmark = pytest.mark.browser

LONG_EMAIL = "recruitment-and-safeguarding-enquiries@riverside-community-primary-school.example.org"


@pytest.fixture
def checked_page(browser):
    """A page whose context lets axe-core's injected script run despite the Content-Security-Policy."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` to install axe-core")
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def world():
    membership = MembershipFactory(organisation__name="Riverside Community Primary School")
    school_user = membership.user
    live = VacancyFactory(
        organisation=membership.organisation,
        created_by=school_user,
        published=True,
        title="Teacher of Geography",
        contact_email=LONG_EMAIL,
        statement_instructions="Tell us about a fieldwork trip you planned.",
        application_questions=[{"text": "Which fieldwork sites do you know?", "required": True}],
    )
    VacancyFactory(organisation=membership.organisation, published=True, title="Teaching assistant")
    pending = VacancyFactory(organisation=membership.organisation, pending=True, title="Teacher of Music")
    jobseeker = UserFactory(full_name="Priya Shah")
    applicant = UserFactory(full_name="Sam Jones")
    received = ApplicationFactory(vacancy=live, jobseeker=applicant)
    draft = ApplicationFactory(
        vacancy=live, jobseeker=jobseeker, status=ApplicationStatus.DRAFT, submitted_at=None
    )
    return {
        "school_user": school_user,
        "organisation": membership.organisation,
        "live": live,
        "pending": pending,
        "jobseeker": jobseeker,
        "draft": draft,
        "received": received,
        "moderator": UserFactory(moderator=True),
        "admin": UserFactory(role=Role.ADMIN),
    }


def visit(page, base: str, path: str, label: str, problems: list[str]) -> None:
    page.goto(f"{base}{path}")
    check_page(page, label, problems)


def press(page, button: str, label: str, problems: list[str]) -> None:
    """Submit a form as it stands (usually empty, to see its error state) and check the page it shows."""
    page.get_by_role("button", name=button, exact=True).first.click()
    page.wait_for_load_state()
    check_page(page, label, problems)


def test_the_checks_find_a_broken_definition_list_and_a_page_wider_than_a_phone(checked_page, live_server):
    page, problems = checked_page, []
    page.goto(f"{live_server}/")
    page.evaluate(
        """() => document.querySelector('main').insertAdjacentHTML('beforeend',
            '<dl><dt>Salary</dt><dd>£30,000</dd><br><dt>Hours</dt><dd>Full time</dd></dl>'
            + '<p style="width: 600px">A fixed-width paragraph</p>')"""
    )

    check_page(page, "home with a defect", problems)

    assert any("definition-list" in problem for problem in problems), problems
    assert any("scrolls sideways" in problem for problem in problems), problems


def test_public_pages_and_their_errors(checked_page, live_server, world):
    page, problems = checked_page, []
    live = world["live"]
    for path, label in [
        ("/", "home"),
        ("/jobs", "search"),
        ("/jobs?keyword=geography&phases=secondary", "search with a filter"),
        ("/jobs?location=Nowhereville", "search location error"),
        ("/jobs/filters?keyword=geography", "filters page"),
        (f"/jobs/{live.id}", "job page"),
        (f"/schools/{world['organisation'].slug}", "school page"),
        ("/sign-in", "sign in"),
        ("/register", "create an account"),
        ("/reset-password", "reset password"),
        ("/job-alerts/new?keyword=geography", "new job alert"),
        (f"/jobs/{live.id}/report", "report a listing"),
        ("/no-such-page", "not found"),
    ]:
        visit(page, live_server, path, label, problems)

    visit(page, live_server, "/sign-in", "sign in", [])
    press(page, "Sign in", "sign in errors", problems)
    visit(page, live_server, "/register", "register", [])
    page.get_by_label("A school or trust").check()  # reveals the conditional question
    press(page, "Create account", "register errors", problems)
    visit(page, live_server, "/job-alerts/new?keyword=geography", "job alert", [])
    page.get_by_label("Email address").fill("not an address")
    press(page, "Set up job alert", "job alert errors", problems)
    visit(page, live_server, f"/jobs/{live.id}/report", "report", [])
    press(page, "Send report", "report errors", problems)

    assert problems == []


def test_jobseeker_pages_and_their_errors(checked_page, live_server, world):
    page, problems = checked_page, []
    live = world["live"]
    sign_in(page, live_server, world["jobseeker"].email)
    for path, label in [
        ("/your-account", "account"),
        ("/your-profile", "profile"),
        ("/your-profile/referees", "profile referees"),
        ("/your-applications", "applications"),
        ("/saved-jobs", "saved jobs"),
        ("/job-alerts", "job alerts"),
        (f"/jobs/{live.id}/apply", "application task list"),
        (f"/jobs/{live.id}/apply/personal-details", "application section"),
        (f"/jobs/{live.id}/apply/check-your-answers", "check your answers"),
    ]:
        visit(page, live_server, path, label, problems)

    visit(page, live_server, "/your-profile/referees", "referees", [])
    page.locator("#items-0-name").fill("Alex Brown")
    press(page, "Save to your profile", "referee errors", problems)
    visit(page, live_server, f"/jobs/{live.id}/apply/check-your-answers", "check your answers", [])
    press(page, "Confirm and send application", "send an unfinished application", problems)
    visit(page, live_server, f"/jobs/{live.id}/apply", "review", [])
    press(page, "Continue to declarations", "review with a school's question unanswered", problems)
    sign_out(page)

    assert problems == []


def test_school_pages_and_their_errors(checked_page, live_server, world):
    page, problems = checked_page, []
    live = world["live"]
    sign_in(page, live_server, world["school_user"].email)
    for path, label in [
        ("/school", "school dashboard"),
        ("/school/applications", "inbox"),
        (f"/school/vacancies/{live.id}", "listing"),
        (f"/school/vacancies/{live.id}/applications", "listing inbox"),
        ("/school/statistics", "statistics"),
        ("/school/team", "teams"),
        (f"/school/team/{world['organisation'].id}", "team"),
        ("/school/vacancies/new", "new vacancy"),
        (f"/school/vacancies/{live.id}/edit/how-to-apply", "wizard step"),
        (f"/school/vacancies/{live.id}/check-your-answers", "wizard check answers"),
        (f"/school/vacancies/{live.id}/extend", "extend"),
    ]:
        visit(page, live_server, path, label, problems)
    visit(page, live_server, f"/school/applications/{world['received'].id}", "application", problems)

    visit(page, live_server, "/school/vacancies/new", "new vacancy", [])
    press(page, "Save and continue", "job details errors", problems)
    visit(page, live_server, f"/school/vacancies/{live.id}/edit/important-dates", "dates", [])
    page.locator("#closing_date-day").fill("31")
    page.locator("#closing_date-month").fill("2")
    press(page, "Save and continue", "date errors", problems)
    visit(page, live_server, f"/school/vacancies/{live.id}/edit/how-to-apply", "how to apply", [])
    page.get_by_label("Contact email for questions about the job").fill("")
    press(page, "Save and continue", "how to apply errors", problems)
    sign_out(page)

    assert problems == []


def test_moderator_and_admin_pages_and_their_errors(checked_page, live_server, world):
    page, problems = checked_page, []
    live, pending = world["live"], world["pending"]
    # A signed-in reporter, so the listing has an open report and its review page both forms.
    sign_in(page, live_server, world["jobseeker"].email)
    page.goto(f"{live_server}/jobs/{live.id}/report")
    page.get_by_label("It looks like a scam", exact=False).check()
    page.get_by_role("button", name="Send report").click()
    sign_out(page)

    sign_in(page, live_server, world["moderator"].email)
    for path, label in [
        ("/moderation", "review queue"),
        (f"/moderation/vacancies/{pending.id}", "review a pending listing"),
        (f"/moderation/vacancies/{live.id}", "review a reported listing"),
        ("/moderation/reports", "reports"),
        ("/moderation/appeals", "appeals"),
        ("/moderation/sanctions", "sanctions"),
        ("/moderation/claims", "claims"),
        (f"/moderation/organisations/{world['organisation'].id}", "organisation"),
        (f"/moderation/users/{world['school_user'].id}", "person"),
        ("/moderation/audit-log", "audit log"),
        ("/moderation/metrics", "metrics"),
    ]:
        visit(page, live_server, path, label, problems)
    visit(page, live_server, f"/moderation/vacancies/{pending.id}", "review", [])
    press(page, "Reject", "reject errors", problems)
    visit(page, live_server, f"/moderation/vacancies/{live.id}", "review", [])
    press(page, "Remove listing", "remove errors", problems)
    sign_out(page)

    sign_in(page, live_server, world["admin"].email)
    for path, label in [("/admin/users", "people"), ("/admin/funnel", "funnel"), ("/admin/outbox", "outbox")]:
        visit(page, live_server, path, label, problems)
    sign_out(page)

    assert problems == []
