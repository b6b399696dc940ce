"""A jobseeker's journey in a real browser: profile, apply with prefill, follow the application, withdraw;
applying from a complete profile in three screens; and applying with the keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

from marketplace.applications.models import Application, JobseekerProfile
from marketplace.db import utcnow
from marketplace.extensions import db
from tests.browser.applying import fill_application
from tests.browser.pages import sign_in
from tests.factories import UserFactory, VacancyFactory

pytestmark = pytest.mark.browser


def complete_profile(user) -> None:
    """Every section an application takes from the profile, as if typed on the profile pages."""
    now = utcnow().isoformat()
    data = {
        "personal": {
            "full_name": user.full_name,
            "phone": "07700 900982",
            "town": "York",
            "postcode": "YO1 7HH",
        },
        "professional": {"qts_status": "awarded", "trn": "1234567", "qts_year": "2016"},
        "qualifications": {
            "items": [
                {"name": "PGCE", "subject": "Geography", "institution": "York", "year": "2016", "grade": ""}
            ]
        },
        "employment": {
            "items": [
                {
                    "job_title": "Teacher of Geography",
                    "employer": "Dales School",
                    "start": "09/2016",
                    "end": "",
                    "duties": "",
                }
            ],
            "gaps": {},
        },
        "referees": {
            "items": [
                {
                    "name": name,
                    "job_title": "Headteacher",
                    "organisation": "Dales School",
                    "email": f"{key}@dales.example.org",
                    "phone": "",
                    "relationship": "Line manager",
                }
                for key, name in (("sam", "Sam Jones"), ("alex", "Alex Brown"))
            ]
        },
        "statement": {"text": "Fieldwork every term, in every weather."},
    }
    sections = {key: {"data": value, "updated_at": now} for key, value in data.items()}
    db.session.add(JobseekerProfile(user_id=user.id, sections=sections, discoverable=False))
    db.session.commit()


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

    # Applying: the review shows what the profile has, asks only for what it lacks, and counts words.
    page.goto(f"{live_server}/jobs/{vacancy.id}")
    page.get_by_role("button", name="Apply for this job").click()
    expect(page).to_have_title(
        re.compile(r"^Review your application \(step 1 of 2\) \u2013 Teacher of Geography \u2013 Apply")
    )
    expect(page.get_by_label("Personal statement for this job")).to_have_value(
        "Fieldwork every term, in every weather."
    )
    expect(page.get_by_text("Some details are missing")).to_be_visible()
    page.get_by_label("Personal statement for this job").fill("I have led fieldwork trips for eight years.")
    # The visible count (a screen reader's copy of it follows a moment later, hidden).
    expect(page.locator(".govuk-character-count__status")).to_have_text("You have 1,492 words remaining")
    fill_application(page)
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_text("Your application has been sent")).to_be_visible()
    expect(page.get_by_text("referee0@dales.example.org")).to_be_visible()

    # Following it, then withdrawing: a page asks first, and says what happens.
    page.goto(f"{live_server}/your-applications")
    expect(page.get_by_text("Schools usually reply after the closing date")).to_be_visible()
    page.get_by_role("link", name="Teacher of Geography").click()
    page.get_by_role("button", name="Withdraw application").click()
    expect(
        page.get_by_role("heading", name="Are you sure you want to withdraw your application?")
    ).to_be_visible()
    page.get_by_label("Why are you withdrawing? (optional)").fill("I have taken a post nearer home.")
    page.get_by_role("button", name="Withdraw my application").click()
    expect(page.get_by_text("Your application has been withdrawn")).to_be_visible()
    expect(
        page.get_by_text("The reason you gave the school: I have taken a post nearer home.")
    ).to_be_visible()

    csp_violations = [p for p in page.console_problems if re.search("Content Security Policy", p, re.I)]
    assert csp_violations == []


def test_a_complete_profile_applies_in_three_screens(page, live_server):
    vacancy = VacancyFactory(
        published=True,
        title="Teacher of Geography",
        statement_instructions="Tell us about a trip you planned.",
        application_questions=[{"text": "Which fieldwork sites do you know?", "required": True}],
    )
    jobseeker = UserFactory(full_name="Priya Shah")
    complete_profile(jobseeker)
    sign_in(page, live_server, jobseeker.email)
    page.goto(f"{live_server}/jobs/{vacancy.id}")

    # Every click counts, on a link, a button, a radio or a checkbox; typing does not.
    screens: list[str] = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and screens.append(frame.url))
    clicks = 0

    def click(locator, *, navigates: bool = True) -> None:
        nonlocal clicks
        clicks += 1
        if navigates:
            with page.expect_navigation():
                locator.click()
        else:
            locator.click()

    click(page.get_by_role("button", name="Apply for this job"))
    expect(page).to_have_title(re.compile(r"^Review your application \(step 1 of 2\)"))
    for shown in ("Priya Shah", "1234567", "PGCE", "Sam Jones", "Alex Brown"):
        expect(page.get_by_text(shown).first).to_be_visible()
    expect(page.get_by_text("Tell us about a trip you planned.")).to_be_visible()
    expect(page.get_by_label("Personal statement for this job")).to_have_value(
        "Fieldwork every term, in every weather."
    )
    page.get_by_label("Personal statement for this job").fill(
        "Fieldwork every term, and I would love to lead yours."
    )
    page.get_by_label("Which fieldwork sites do you know?").fill("Malham Cove and Spurn Point.")
    # Never answered before, so asked: one radio, never a silent default.
    expect(page.locator("input[name=needed]:checked")).to_have_count(0)
    click(page.locator("input[name=needed][value=no]"), navigates=False)
    click(page.get_by_role("button", name="Continue to declarations"))
    expect(page).to_have_title(re.compile(r"^Declarations and send \(step 2 of 2\)"))
    expect(page.get_by_text("you have the right to work in the UK", exact=True)).to_be_visible()
    click(page.get_by_role("button", name="Confirm and send application"))
    expect(page.get_by_text("Your application has been sent")).to_be_visible()

    assert len(screens) <= 3, screens
    assert clicks <= 4
    db.session.expire_all()
    sent = db.session.query(Application).one()
    assert sent.supporting_statement == "Fieldwork every term, and I would love to lead yours."
    assert sent.answers["questions"]["data"]["items"][0]["answer"] == "Malham Cove and Spurn Point."
    declarations = sent.answers["declarations"]["data"]
    assert (declarations["right_to_work"], declarations["safeguarding"]) == ("yes", "no")


def test_a_returning_applicant_is_not_asked_about_support_again(page, live_server):
    first, second = (
        VacancyFactory(published=True, title=title) for title in ("Teacher of Geography", "Head of Year")
    )
    jobseeker = UserFactory(full_name="Priya Shah")
    complete_profile(jobseeker)
    sign_in(page, live_server, jobseeker.email)
    for vacancy in (first, second):
        page.goto(f"{live_server}/jobs/{vacancy.id}/apply")
        if vacancy is first:
            page.locator("input[name=needed][value=no]").check()
        else:  # prefilled from the last application, where the person answered it
            expect(page.locator("input[name=needed][value=no]")).to_be_checked()
        page.get_by_role("button", name="Continue to declarations").click()
        page.get_by_role("button", name="Confirm and send application").click()
        expect(page.get_by_text("Your application has been sent")).to_be_visible()


def _tab_to(page, selector: str, *, backwards: bool = False, limit: int = 120) -> None:
    """Press Tab (or Shift+Tab) until the element matching `selector` has the focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
        seen.append(page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)"))
    raise AssertionError(f"Tab never reached {selector}: {seen}")


def _choose_first(page, name: str) -> None:
    """Pick the first answer of a radio group with Tab and Space. (Native radios move between answers
    with the arrow keys; Tab alone reaches a group's first answer, or its checked one.)"""
    _tab_to(page, f"input[name={name}]")
    page.keyboard.press("Space")
    expect(page.locator(f"input[name={name}]").first).to_be_checked()


def test_applying_with_the_keyboard_alone(page, live_server):
    vacancy = VacancyFactory(published=True, title="Teacher of Geography")
    jobseeker = UserFactory(full_name="Priya Shah")
    complete_profile(jobseeker)
    sign_in(page, live_server, jobseeker.email)
    page.goto(f"{live_server}/jobs/{vacancy.id}")

    _tab_to(page, "a.govuk-button[href$='/apply']")
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Review your application"))
    _tab_to(page, "textarea[name=text]")
    page.keyboard.type("I run the Year 9 river study. ")  # the caret starts before the prefilled text
    _choose_first(page, "needed")
    _tab_to(page, "#details")
    page.keyboard.type("A room on the ground floor, please.")
    _tab_to(page, "button.govuk-button")
    page.keyboard.press("Enter")

    expect(page).to_have_title(re.compile(r"^Declarations and send"))
    _tab_to(page, "summary.govuk-details__summary")  # "If any of these is not true, answer each question"
    page.keyboard.press("Enter")
    for question, details in (
        ("right_to_work", None),
        ("safeguarding", "A caution for speeding in 2009, on my DBS certificate."),
        ("close_relationships", "My sister teaches in the science department."),
    ):
        _choose_first(page, question)
        if details:
            _tab_to(page, f"#{question}_details")
            page.keyboard.type(details)
    _tab_to(page, "button.govuk-button:not(.govuk-button--secondary)")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Your application has been sent")).to_be_visible()
    db.session.expire_all()
    sent = db.session.query(Application).one()
    assert (
        sent.supporting_statement == "I run the Year 9 river study. Fieldwork every term, in every weather."
    )
    assert sent.answers["declarations"]["data"]["close_relationships_details"].startswith("My sister")
