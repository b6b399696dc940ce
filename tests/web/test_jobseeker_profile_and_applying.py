"""The jobseeker's side through the web layer: profile, applying with prefill, following applications,
downloading their data and deleting their account."""

import json

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application
from marketplace.applications.personal_data import ANONYMISED_NAME
from marketplace.extensions import db
from tests.conftest import sign_in_as
from tests.factories import PASSWORD, ApplicationFactory, MembershipFactory, UserFactory, VacancyFactory
from tests.web.applying import SECTION_ANSWERS, fill_application
from tests.web.test_no_server_errors import NASTY_VALUES

PROFILE_PAGES = [
    "/your-account",
    "/your-profile",
    "/your-applications",
    "/your-account/delete-account",
    "/your-profile/let-schools-find-you",
    *(
        f"/your-profile/{slug}"
        for slug in (
            "personal-details",
            "professional-status",
            "qualifications",
            "employment-history",
            "training",
            "referees",
            "personal-statement",
            "job-preferences",
        )
    ),
]
APPLICATION_SLUGS = list(SECTION_ANSWERS)


def text_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def jobseeker(client):
    person = UserFactory(full_name="Priya Shah", email="priya@example.org")
    sign_in_as(client, person)
    return person


def test_every_jobseeker_page_opens(client, jobseeker):
    vacancy = VacancyFactory(published=True)
    for url in [
        *PROFILE_PAGES,
        f"/jobs/{vacancy.id}/apply",
        f"/jobs/{vacancy.id}/apply/check-your-answers",
        *(f"/jobs/{vacancy.id}/apply/{slug}" for slug in APPLICATION_SLUGS),
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get("/your-profile/no-such-section").status_code == 404
    assert client.get(f"/jobs/{vacancy.id}/apply/training").status_code == 404  # a profile-only section


def test_schools_cannot_open_jobseeker_pages(client):
    sign_in_as(client, MembershipFactory().user)
    for url in ("/your-account", "/your-profile", "/your-profile/referees"):
        assert client.get(url).status_code == 403


def test_a_wrong_trn_is_explained_and_what_was_typed_is_kept(client, jobseeker):
    response = client.post(
        "/your-profile/professional-status",
        data={"qts_status": "awarded", "trn": "12345", "qts_year": "2016"},
    )

    page = text_of(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter your teacher reference number (TRN) as 7 digits" in page
    assert 'value="12345"' in page
    assert 'value="2016"' in page


def test_a_gap_between_jobs_asks_for_an_explanation_naming_its_dates(client, jobseeker):
    jobs = {
        "items-0-job_title": "Teacher of Geography",
        "items-0-employer": "Hillside School",
        "items-0-start": "01/2020",
        "items-1-job_title": "Teaching assistant",
        "items-1-employer": "Brook Primary",
        "items-1-start": "09/2015",
        "items-1-end": "07/2019",
    }

    page = text_of(client.post("/your-profile/employment-history", data=jobs))

    assert "Explain the gap in your employment between July 2019 and January 2020" in page
    assert 'value="Brook Primary"' in page
    response = client.post(
        "/your-profile/employment-history",
        data={**jobs, "gaps-0-key": "2019-07_2020-01", "gaps-0-explanation": "I cared for my father."},
    )
    assert response.status_code == 302
    assert "I cared for my father." in text_of(client.get("/your-profile/employment-history"))


def test_a_list_section_grows_a_row_without_saving(client, jobseeker):
    response = client.post(
        "/your-profile/referees",
        data={"items-0-name": "Sam Jones", "items-1-name": "", "add_row": "1"},
    )

    page = text_of(response)
    assert 'id="items-2-name"' in page
    assert 'value="Sam Jones"' in page
    assert "There is a problem" not in page


def test_an_application_needs_two_referees(client, jobseeker):
    vacancy = VacancyFactory(published=True)
    one = {key: value for key, value in SECTION_ANSWERS["referees"].items() if key.startswith("items-0-")}

    page = text_of(client.post(f"/jobs/{vacancy.id}/apply/referees", data=one))

    assert "Give at least 2 referees" in page
    assert 'value="head@hillside.example.org"' in page


def test_the_whole_journey_profile_apply_with_prefill_check_send_follow_withdraw(client, jobseeker, outbox):
    membership = MembershipFactory()
    vacancy = VacancyFactory(
        published=True, organisation=membership.organisation, title="Teacher of Geography"
    )
    # The profile, typed once.
    for slug in ("personal-details", "professional-status", "referees", "personal-statement"):
        data = dict(SECTION_ANSWERS[slug])
        if slug == "personal-details":
            data["full_name"] = "Priya Shah"
        if slug == "personal-statement":
            data["text"] = "Geography is the best subject: fieldwork every term."
        assert client.post(f"/your-profile/{slug}", data=data).status_code == 302
    profile_page = text_of(client.get("/your-profile"))
    assert "Sam Jones" in profile_page
    assert "1234567" in profile_page

    # Applying starts prefilled from it.
    review = text_of(client.get(f"/jobs/{vacancy.id}/apply"))
    assert "Review your application (step 1 of 2)" in review
    assert "Sam Jones" in review  # every prefilled section is shown to check, each with a Change link
    referees = text_of(client.get(f"/jobs/{vacancy.id}/apply/referees"))
    assert 'value="Sam Jones"' in referees
    assert "We have filled this in from your profile" in referees
    statement = text_of(client.get(f"/jobs/{vacancy.id}/apply/personal-statement"))
    assert "Geography is the best subject: fieldwork every term." in statement
    assert 'data-maxwords="1500"' in statement  # counted as the person types

    # Each section saved as a draft, then checked and sent.
    fill_application(client, vacancy.id, statement="Geography is the best subject: fieldwork every term.")
    assert "head@hillside.example.org" in text_of(client.get(f"/jobs/{vacancy.id}/apply"))
    check = text_of(client.get(f"/jobs/{vacancy.id}/apply/check-your-answers"))
    assert "Some sections are not finished" not in check
    assert "Declarations and send (step 2 of 2)" in check
    sent = client.post(f"/jobs/{vacancy.id}/apply/check-your-answers")
    assert sent.status_code == 302
    assert "Your application has been sent" in text_of(client.get(sent.headers["Location"]))
    again = client.post(f"/jobs/{vacancy.id}/apply/check-your-answers")
    assert again.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 1
    assert [m.recipient for m in outbox(template="application_submitted")] == [jobseeker.email]

    # The school sees every section.
    application_id = db.session.scalar(sa.select(Application.id))
    sign_in_as(client, membership.user)
    school_page = text_of(client.get(f"/school/applications/{application_id}"))
    assert "Geography is the best subject" in school_page
    sign_in_as(client, jobseeker)

    # Following it: status, what happens next, what to do now.
    listing = text_of(client.get("/your-applications"))
    assert "Teacher of Geography" in listing
    assert "Schools usually reply after the closing date" in listing
    assert "You can withdraw the application" in listing
    dashboard = text_of(client.get("/your-account"))
    assert "Teacher of Geography" in dashboard

    client.post(f"/your-applications/{application_id}/withdraw")
    assert "You withdrew this application" in text_of(client.get("/your-applications"))
    assert [m.recipient for m in outbox(template="application_withdrawn")] == [vacancy.contact_email]


def test_an_unfinished_application_is_not_sent(client, jobseeker):
    vacancy = VacancyFactory(published=True)
    client.get(f"/jobs/{vacancy.id}/apply")

    response = client.post(f"/jobs/{vacancy.id}/apply/check-your-answers")

    assert response.status_code == 400
    assert "Complete the section" in text_of(response)
    assert db.session.scalar(sa.select(Application.status)) is ApplicationStatus.DRAFT


def test_answers_can_be_saved_back_to_the_profile(client, jobseeker):
    vacancy = VacancyFactory(published=True)
    fill_application(client, vacancy.id)
    application_id = db.session.scalar(sa.select(Application.id))

    response = client.post(f"/your-applications/{application_id}/save-to-profile", follow_redirects=True)

    assert "Saved to your profile" in text_of(response)
    assert "head@hillside.example.org" in text_of(client.get("/your-profile/referees"))


def test_jobs_that_match_the_profile_leave_out_those_already_applied_for(client, jobseeker):
    wanted = VacancyFactory(published=True, title="Teacher of Geography", subjects=["Geography"])
    applied = VacancyFactory(published=True, title="Head of Geography", subjects=["Geography"])
    VacancyFactory(published=True, title="Teacher of Music", subjects=["Music"])
    ApplicationFactory(jobseeker=jobseeker, vacancy=applied)
    client.post(
        "/your-profile/job-preferences",
        data={"subjects": ["Geography"], "phases": ["secondary"], "radius": "15"},
    )

    page = text_of(client.get("/your-account"))

    matches = page.split("Jobs that match your profile")[1]
    assert wanted.title in matches
    assert "Teacher of Music" not in matches
    assert "Head of Geography" not in matches.split("Your profile")[0]


def test_the_profile_offers_the_setting_to_let_schools_find_it_and_says_what_they_see(client, jobseeker):
    page = text_of(client.get("/your-profile"))
    assert "Let schools find you" in page

    setting = text_of(client.get("/your-profile/let-schools-find-you"))

    assert "a candidate number" in setting
    assert "your name, email address, phone number or address" in setting
    assert "hide your profile again at any time" in setting
    # The old route never comes back under another meaning.
    assert client.get("/your-profile/visibility").status_code == 404


def test_download_your_data_as_json(client, jobseeker):
    client.post("/your-profile/personal-statement", data={"text": "My own words."})
    ApplicationFactory(jobseeker=jobseeker, vacancy__title="Teacher of Geography")

    response = client.get("/your-account/download-your-data")

    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "priya@example.org"
    assert data["profile"]["sections"]["statement"] == {"text": "My own words."}
    assert data["applications"][0]["job"] == "Teacher of Geography"


def test_deleting_the_account_needs_the_password_then_erases_it(client, jobseeker, outbox):
    sent = ApplicationFactory(jobseeker=jobseeker)
    person_id = jobseeker.id

    wrong = client.post("/your-account/delete-account", data={"password": "not it"})
    assert wrong.status_code == 400
    assert "The password is not right" in text_of(wrong)
    assert db.session.get(User, person_id) is not None

    response = client.post("/your-account/delete-account", data={"password": PASSWORD})

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person_id) is None
    assert db.session.get(Application, sent.id).full_name == ANONYMISED_NAME
    assert [m.recipient for m in outbox(template="account_deleted")] == ["priya@example.org"]
    assert client.get("/your-account").status_code == 302  # signed out


def test_the_school_sees_every_section_but_not_who_applied_when_shortlisting_is_anonymised(client, jobseeker):
    membership = MembershipFactory()
    vacancy = VacancyFactory(
        published=True, organisation=membership.organisation, anonymise_applications=True
    )
    fill_application(client, vacancy.id, personal_details={"full_name": "Priya Shah"})
    client.post(f"/jobs/{vacancy.id}/apply/check-your-answers")
    application_id = db.session.scalar(sa.select(Application.id))

    sign_in_as(client, membership.user)
    page = text_of(client.get(f"/school/applications/{application_id}"))

    assert "I have led fieldwork trips for eight years." in page
    assert "Teacher of Geography, Hillside School" in page  # employment history
    assert "1234567" in page  # professional status
    for personal in (
        "Priya Shah",
        "priya@example.org",
        "07700 900982",
        "Sam Jones",
        "head@hillside.example.org",
    ):
        assert personal not in page


SECTION_FIELDS = [
    "full_name",
    "phone",
    "town",
    "postcode",
    "qts_status",
    "qts_year",
    "trn",
    "text",
    "needed",
    "details",
    "right_to_work",
    "right_to_work_details",
    "safeguarding",
    "safeguarding_details",
    "close_relationships",
    "close_relationships_details",
    "job_roles",
    "phases",
    "subjects",
    "working_patterns",
    "location",
    "radius",
    "password",
    "gaps-0-key",
    "gaps-0-explanation",
    "gaps-x-key",
    *(
        f"items-{index}-{name}"
        for index in (0, 1, 99, -1)
        for name in (
            "name",
            "subject",
            "institution",
            "grade",
            "year",
            "job_title",
            "employer",
            "start",
            "end",
            "duties",
            "provider",
            "organisation",
            "email",
            "relationship",
        )
    ),
]


@pytest.mark.parametrize("value", NASTY_VALUES)
def test_no_section_answers_nasty_input_with_a_server_error(client, jobseeker, value):
    vacancy = VacancyFactory(published=True)
    urls = [
        *(f"/your-profile/{slug}" for slug in (*APPLICATION_SLUGS, "training", "job-preferences")),
        *(f"/jobs/{vacancy.id}/apply/{slug}" for slug in APPLICATION_SLUGS),
        f"/jobs/{vacancy.id}/apply/check-your-answers",
    ]
    failures = []
    for url in urls:
        for extra in ({}, {"add_row": "1"}):
            response = client.post(url, data={**{name: value for name in SECTION_FIELDS}, **extra})
            if response.status_code >= 500:
                failures.append(f"{url} {extra}: {response.status_code}")
    assert failures == []


def test_opening_the_application_form_stores_nothing_until_a_section_is_saved(client, jobseeker):
    vacancy = VacancyFactory(published=True)

    for page in ("", "/personal-statement", "/check-your-answers"):
        assert client.get(f"/jobs/{vacancy.id}/apply{page}").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 0

    client.post(f"/jobs/{vacancy.id}/apply/personal-statement", data={"text": "I teach maths."})
    assert db.session.scalar(sa.select(Application.status)) is ApplicationStatus.DRAFT
