"""Applying in two steps from a complete profile, filling only what is missing, faith questions for
schools of a religious character, names typed once, and withdrawing deliberately."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application, JobseekerProfile
from marketplace.extensions import db
from tests.conftest import sign_in_as
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    VacancyFactory,
)
from tests.web.applying import SECTION_ANSWERS

PROFILE_SLUGS = (
    "personal-details",
    "professional-status",
    "qualifications",
    "employment-history",
    "referees",
)
DECLARE = SECTION_ANSWERS["declarations"]
NO_SUPPORT = SECTION_ANSWERS["interview-support"]


DASH = "\u2013"  # page titles join their parts with an en dash


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def title_of(page: str) -> str:
    return re.search(r"<title>\s*(.*?)\s*</title>", page, re.S).group(1)


def textarea(page: str, name: str) -> str:
    return re.search(rf'<textarea[^>]*name="{name}"[^>]*>\s*([^<]*)</textarea>', page).group(1).strip()


@pytest.fixture
def jobseeker(client):
    person = UserFactory(full_name="Priya Shah", email="priya@example.org")
    sign_in_as(client, person)
    return person


def complete_profile(client, statement: str = "I love teaching geography outdoors.") -> None:
    for slug in (*PROFILE_SLUGS, "personal-statement"):
        data = dict(SECTION_ANSWERS[slug])
        if slug == "personal-details":
            data["full_name"] = "Priya Shah"
        if slug == "personal-statement":
            data["text"] = statement
        assert client.post(f"/your-profile/{slug}", data=data).status_code == 302, slug


def test_a_complete_profile_applies_in_two_steps_and_three_page_loads(client, jobseeker, outbox):
    vacancy = VacancyFactory(published=True, title="Teacher of Geography")
    complete_profile(client)
    apply_url = f"/jobs/{vacancy.id}/apply"

    # 1: the review, with every prefilled section and a Change link that comes back here.
    review = text_of(client.get(apply_url))
    assert title_of(review).startswith(
        f"Review your application (step 1 of 2) {DASH} Teacher of Geography {DASH} Apply"
    )
    for expected in ("Priya Shah", "priya@example.org", "07700 900982", "1234567", "PGCE", "Hillside School"):
        assert expected in review, expected
    for slug in PROFILE_SLUGS:
        assert f'href="{apply_url}/{slug}"' in review, slug
    assert textarea(review, "text") == "I love teaching geography outdoors."
    assert "Some details are missing" not in review
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 0  # looking stores nothing

    answered = client.post(apply_url, data={"text": "Fieldwork for this school's Year 9.", **NO_SUPPORT})
    assert answered.headers["Location"] == f"{apply_url}/check-your-answers"

    # 2: declarations and send.
    step_two = text_of(client.get(answered.headers["Location"]))
    assert title_of(step_two).startswith(
        f"Declarations and send (step 2 of 2) {DASH} Teacher of Geography {DASH} Apply"
    )
    assert "Some sections are not finished" not in step_two
    for question in ("Do you have the right to work in the UK?", "Are you closely related to"):
        assert question in step_two  # each question is the legend of its answers
    sent = client.post(f"{apply_url}/check-your-answers", data=DECLARE)

    # 3: sent.
    assert re.fullmatch(r"/your-applications/\d+", sent.headers["Location"])
    assert "Your application has been sent" in text_of(client.get(sent.headers["Location"]))
    application = db.session.scalar(sa.select(Application))
    assert application.status is ApplicationStatus.SUBMITTED
    assert application.supporting_statement == "Fieldwork for this school's Year 9."
    assert application.answers["referees"]["data"]["items"][1]["name"] == "Alex Brown"
    assert [m.recipient for m in outbox(template="application_submitted")] == [jobseeker.email]


def test_a_change_link_edits_one_section_and_returns_to_the_review(client, jobseeker):
    vacancy = VacancyFactory(published=True)
    complete_profile(client)
    apply_url = f"/jobs/{vacancy.id}/apply"

    page = text_of(client.get(f"{apply_url}/personal-details"))
    assert f"Personal details {DASH} Teacher of Mathematics {DASH} Apply" in title_of(page)
    data = {**SECTION_ANSWERS["personal-details"], "full_name": "Priya Shah", "phone": "07700 900111"}
    saved = client.post(f"{apply_url}/personal-details", data=data)

    assert saved.headers["Location"].startswith(apply_url)
    assert "07700 900111" in text_of(client.get(apply_url))
    # A change for one application leaves the profile as it was.
    assert "07700 900982" in text_of(client.get("/your-profile/personal-details"))


def test_the_review_refuses_an_empty_statement_and_keeps_what_was_typed(client, jobseeker):
    vacancy = VacancyFactory(published=True)
    complete_profile(client)

    response = client.post(
        f"/jobs/{vacancy.id}/apply", data={"text": "", "needed": "yes", "details": "A ramp"}
    )

    assert response.status_code == 400
    page = text_of(response)
    assert title_of(page).startswith("Error: Review your application")
    assert "Enter your personal statement" in page
    assert "A ramp" in page


def test_a_returning_applicant_starts_from_their_last_application(client, jobseeker):
    first, second = VacancyFactory(published=True), VacancyFactory(published=True, title="Head of Geography")
    complete_profile(client, statement="My profile statement.")
    client.post(
        f"/jobs/{first.id}/apply",
        data={"text": "What I sent last time.", "needed": "yes", "details": "A ramp"},
    )
    client.post(f"/jobs/{first.id}/apply/check-your-answers", data=DECLARE)

    review = text_of(client.get(f"/jobs/{second.id}/apply"))

    assert textarea(review, "text") == "What I sent last time."
    assert "Your statement starts from the one you sent with your last application" in review
    client.post(f"/jobs/{second.id}/apply", data={"text": "Tailored for this one.", **NO_SUPPORT})
    again = text_of(client.get(f"/jobs/{second.id}/apply"))
    assert textarea(again, "text") == "Tailored for this one."
    assert "Your statement starts from the one you sent" not in again
    assert re.search(
        r'name="needed"[^>]*value="yes"[^>]*checked|checked[^>]*name="needed"[^>]*value="yes"', review
    )


def test_an_incomplete_profile_asks_only_for_what_is_missing_once_and_keeps_it(client, jobseeker):
    vacancy, later = VacancyFactory(published=True), VacancyFactory(published=True)
    for slug in ("personal-details", "professional-status", "qualifications", "employment-history"):
        data = (
            {**SECTION_ANSWERS[slug], "full_name": "Priya Shah"}
            if slug == "personal-details"
            else SECTION_ANSWERS[slug]
        )
        client.post(f"/your-profile/{slug}", data=data)
    apply_url = f"/jobs/{vacancy.id}/apply"

    review = text_of(client.get(apply_url))
    assert "Some details are missing" in review
    assert f'href="{apply_url}/referees">Your referees' in review
    refused = client.post(apply_url, data={"text": "Fieldwork.", **NO_SUPPORT})
    assert refused.status_code == 400
    assert "Add your referees" in text_of(refused)

    referees = text_of(client.get(f"{apply_url}/referees"))
    assert "saved to your profile too" in referees
    assert client.post(f"{apply_url}/referees", data=SECTION_ANSWERS["referees"]).status_code == 302
    assert client.post(apply_url, data={"text": "Fieldwork.", **NO_SUPPORT}).status_code == 302

    # Saved back to the profile: the next application has nothing missing.
    profile = db.session.scalar(sa.select(JobseekerProfile))
    assert len(profile.sections["referees"]["data"]["items"]) == 2
    assert "Some details are missing" not in text_of(client.get(f"/jobs/{later.id}/apply"))


def test_the_name_given_at_registration_fills_the_profile_and_the_application(client, jobseeker):
    vacancy = VacancyFactory(published=True)

    assert 'value="Priya Shah"' in text_of(client.get("/your-profile/personal-details"))
    review = text_of(client.get(f"/jobs/{vacancy.id}/apply"))
    assert "Priya Shah" in review
    assert "priya@example.org" in review


def test_a_school_of_a_religious_character_asks_about_faith_and_sees_the_answer(client, jobseeker):
    membership = MembershipFactory(organisation__religious_character="Roman Catholic")
    faith_school = VacancyFactory(published=True, organisation=membership.organisation)
    other = VacancyFactory(published=True)
    complete_profile(client)
    apply_url = f"/jobs/{faith_school.id}/apply"

    assert 'name="following"' not in text_of(client.get(f"/jobs/{other.id}/apply"))
    review = text_of(client.get(apply_url))
    assert "has a religious character: Roman Catholic" in review
    assert 'name="following"' in review
    assert "Do you follow a religion or belief?" in review
    assert "Do you need any support or adjustments at interview?" in review

    missing = client.post(apply_url, data={"text": "Fieldwork.", **NO_SUPPORT, "following": "yes"})
    assert missing.status_code == 400
    assert "Enter your religion or belief" in text_of(missing)
    answers = {
        "text": "Fieldwork.",
        **NO_SUPPORT,
        "following": "yes",
        "faith": "Catholic",
        "place_of_worship": "St Anne's",
    }
    assert client.post(apply_url, data=answers).status_code == 302
    assert client.post(f"{apply_url}/check-your-answers", data=DECLARE).status_code == 302

    application_id = db.session.scalar(sa.select(Application.id))
    sign_in_as(client, membership.user)
    school_page = text_of(client.get(f"/school/applications/{application_id}"))
    assert "St Anne's" in school_page
    assert "Catholic" in school_page


def test_withdrawing_asks_first_and_the_school_sees_the_reason(client, jobseeker, outbox):
    membership = MembershipFactory()
    application = ApplicationFactory(jobseeker=jobseeker, vacancy__organisation=membership.organisation)
    url = f"/your-applications/{application.id}/withdraw"

    page = text_of(client.get(url))
    assert "Are you sure you want to withdraw your application?" in page
    assert "the school will be told" in page
    assert "offered you this job" not in page
    db.session.expire_all()
    assert (
        db.session.get(Application, application.id).status is ApplicationStatus.SUBMITTED
    )  # asking is not doing

    response = client.post(url, data={"reason": "I have accepted a post nearer home."})
    assert response.headers["Location"] == f"/your-applications/{application.id}"
    db.session.expire_all()
    assert db.session.get(Application, application.id).status is ApplicationStatus.WITHDRAWN
    [email] = outbox(template="application_withdrawn")
    assert "I have accepted a post nearer home." in email.text_body

    sign_in_as(client, membership.user)
    school_page = text_of(client.get(f"/school/applications/{application.id}"))
    assert "Why they withdrew" in school_page
    assert "I have accepted a post nearer home." in school_page


def test_withdrawing_from_an_offer_says_the_school_will_be_told(client, jobseeker, outbox):
    application = ApplicationFactory(
        jobseeker=jobseeker, status=ApplicationStatus.OFFERED, shortlisted_at=db.func.now()
    )

    page = text_of(client.get(f"/your-applications/{application.id}/withdraw"))
    assert "The school has offered you this job" in page
    assert "the school will be told that you are not taking the offer" in page

    client.post(f"/your-applications/{application.id}/withdraw", data={"reason": ""})
    [email] = outbox(template="application_withdrawn")
    assert "You had offered them the job" in email.text_body
    assert "Their reason" not in email.text_body


def test_an_application_already_settled_cannot_be_withdrawn(client, jobseeker):
    application = ApplicationFactory(jobseeker=jobseeker, status=ApplicationStatus.UNSUCCESSFUL)

    response = client.get(f"/your-applications/{application.id}/withdraw")

    assert response.headers["Location"] == f"/your-applications/{application.id}"
    assert "can no longer be withdrawn" in text_of(client.get(response.headers["Location"]))


def test_a_long_withdrawal_reason_is_explained(client, jobseeker):
    application = ApplicationFactory(jobseeker=jobseeker)

    response = client.post(f"/your-applications/{application.id}/withdraw", data={"reason": "x" * 1001})

    assert response.status_code == 400
    assert "Your reason must be 1,000 characters or fewer" in text_of(response)
    db.session.expire_all()
    assert db.session.get(Application, application.id).status is ApplicationStatus.SUBMITTED


def test_someone_else_cannot_open_the_withdraw_page(client, jobseeker):
    application = ApplicationFactory(jobseeker=UserFactory())

    assert client.get(f"/your-applications/{application.id}/withdraw").status_code == 404
    assert client.post(f"/your-applications/{application.id}/withdraw").status_code == 404


def test_a_school_without_a_religious_character_in_the_register_asks_nothing_about_faith(client, jobseeker):
    vacancy = VacancyFactory(published=True, organisation=OrganisationFactory(religious_character="None"))

    assert "religious character" not in text_of(client.get(f"/jobs/{vacancy.id}/apply"))
