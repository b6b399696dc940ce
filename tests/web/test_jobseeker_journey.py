"""The jobseeker's whole journey through the web layer, one step leading to the next as people take them:
search → save → job alert → profile → apply with prefill → check → send → no digest or reminder for it →
follow it → the school shortlists, interviews and offers (or the candidate withdraws)."""

from __future__ import annotations

import datetime as dt
import html
import re

import sqlalchemy as sa

from marketplace.alerts.cli import remind_saved_jobs
from marketplace.alerts.digest import send_digests
from marketplace.alerts.models import AlertFrequency, JobAlert
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.vacancies.models import Vacancy
from tests.alerts_support import ago, listing
from tests.conftest import sign_in_as
from tests.factories import MembershipFactory, UserFactory
from tests.web.applying import SECTION_ANSWERS

# What the person types once, on their profile.
PROFILE: dict[str, dict] = {
    "personal-details": {
        "full_name": "Priya Shah",
        "phone": "07700 900982",
        "town": "York",
        "postcode": "YO1 7HH",
    },
    "professional-status": {"qts_status": "awarded", "trn": "7654321", "qts_year": "2015"},
    "qualifications": {
        "items-0-name": "PGCE",
        "items-0-subject": "Geography",
        "items-0-institution": "University of Leeds",
        "items-0-year": "2015",
    },
    "employment-history": {
        "items-0-job_title": "Teacher of Geography",
        "items-0-employer": "Dales School",
        "items-0-start": "09/2015",
        "items-0-end": "",
    },
    "training": {
        "items-0-name": "Leading fieldwork safely",
        "items-0-provider": "Field Studies Council",
        "items-0-year": "2021",
    },
    "referees": {
        "items-0-name": "Sam Jones",
        "items-0-job_title": "Headteacher",
        "items-0-organisation": "Dales School",
        "items-0-email": "head@dales.example.org",
        "items-0-relationship": "My current headteacher",
        "items-1-name": "Alex Brown",
        "items-1-job_title": "Head of Humanities",
        "items-1-organisation": "Dales School",
        "items-1-email": "humanities@dales.example.org",
        "items-1-relationship": "My line manager",
    },
    "personal-statement": {"text": "Nine years of fieldwork in the Dales, in every weather."},
    "job-preferences": {
        "job_roles": ["teacher"],
        "phases": ["secondary"],
        "subjects": ["Geography"],
        "working_patterns": ["full_time"],
        "location": "Leeds",
        "radius": "15",
    },
}
# What each application section must show before the person touches it: typed once, on the profile.
PREFILLED = {
    "personal-details": ["Priya Shah", "07700 900982", "YO1 7HH"],
    "professional-status": ["7654321", "2015"],
    "qualifications": ["PGCE", "University of Leeds"],
    "employment-history": ["Teacher of Geography", "Dales School", "09/2015"],
    "referees": ["Sam Jones", "head@dales.example.org", "Alex Brown", "humanities@dales.example.org"],
    "personal-statement": ["Nine years of fieldwork in the Dales, in every weather."],
}
# Asked only by the application.
APPLICATION_ONLY = {slug: SECTION_ANSWERS[slug] for slug in ("interview-support", "declarations")}


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def links_in(page: str) -> set[str]:
    return set(re.findall(r'href="([^"#]+)"', page))


def school_with_listings():
    """A school in Leeds with a member of staff, its geography post, and another school's similar post."""
    staff = MembershipFactory(user__full_name="Dana Head", organisation__name="Riverside Academy")
    ours = listing("Teacher of Geography", organisation=staff.organisation, subjects=["Geography"])
    other = listing("Geography teacher, maternity cover", subjects=["Geography"])
    return staff, ours, other


def search_save_and_set_an_alert(client, ours: Vacancy, other: Vacancy) -> str:
    """Search by keyword, save both geography jobs from the results, and set a daily alert for the search.

    Returns the job page's URL as found in the results."""
    results = text_of(client.get("/jobs?keyword=geography"))
    assert "Teacher of Geography" in results
    assert "Geography teacher, maternity cover" in results
    job_url = f"/jobs/{ours.id}"
    assert job_url in links_in(results)
    for vacancy in (ours, other):
        assert f'action="/saved-jobs/{vacancy.id}/save' in results
        saved = client.post(f"/saved-jobs/{vacancy.id}/save", data={"next": "/jobs?keyword=geography"})
        assert saved.headers["Location"] == "/jobs?keyword=geography"
    assert "Teacher of Geography" in text_of(client.get("/saved-jobs"))

    alert_link = re.search(r'id="job-alert-link" href="([^"]+)"', results).group(1)
    assert "\u2018geography\u2019" in text_of(client.get(alert_link))
    response = client.post(alert_link, data={"frequency": "daily"})
    assert response.headers["Location"] == "/job-alerts"
    assert "\u2018geography\u2019" in text_of(client.get("/job-alerts"))
    return job_url


def fill_in_the_profile(client) -> None:
    """Every section of the profile, typed once."""
    for slug, data in PROFILE.items():
        response = client.post(f"/your-profile/{slug}", data=data)
        assert response.status_code == 302, (slug, text_of(response)[:2000])
    profile = text_of(client.get("/your-profile"))
    for expected in (
        "Priya Shah",
        "7654321",
        "PGCE",
        "Dales School",
        "Leading fieldwork safely",
        "Sam Jones",
    ):
        assert expected in profile, expected
    assert "Nine years of fieldwork" in profile
    for preference in ("Teacher", "Secondary", "Geography", "Full time", "Leeds, within 15 miles"):
        assert preference in profile.split("Roles")[1], preference


def apply_with_prefill(client, job_url: str, vacancy: Vacancy, *, prefilled_from: str = "profile") -> int:
    """From the job page, in two steps: the review shows every prefilled section (each with a Change link)
    and asks only this job's questions; then the declarations and send. Returns the application's id."""
    job_page = text_of(client.get(job_url))
    apply_url = f"/jobs/{vacancy.id}/apply"
    assert apply_url in links_in(job_page)
    review = text_of(client.get(apply_url))
    assert "Review your application (step 1 of 2)" in review
    for slug, expected in PREFILLED.items():
        if slug != "personal-statement":
            assert f"{apply_url}/{slug}" in links_in(review), slug
        for value in expected:
            assert value in review, (slug, value)
    if prefilled_from == "application":
        assert "Your statement starts from the one you sent with your last application" in review
    statement = re.search(r'<textarea[^>]*name="text"[^>]*>\s*([^<]*)</textarea>', review).group(1).strip()
    response = client.post(apply_url, data={"text": statement, **SECTION_ANSWERS["interview-support"]})
    check_url = f"{apply_url}/check-your-answers"
    assert response.headers["Location"] == check_url, text_of(response)[:3000]

    check = text_of(client.get(check_url))
    assert "Declarations and send (step 2 of 2)" in check
    assert "Some sections are not finished" not in check
    sent = client.post(check_url, data=SECTION_ANSWERS["declarations"])
    assert sent.status_code == 302
    confirmation = text_of(client.get(sent.headers["Location"]))
    assert "Your application has been sent" in confirmation
    for expected in ("Priya Shah", "7654321", "head@dales.example.org", "Nine years of fieldwork"):
        assert expected in confirmation, expected
    return int(re.search(r"/your-applications/(\d+)$", sent.headers["Location"]).group(1))


def test_search_save_alert_profile_apply_then_the_school_shortlists_interviews_and_offers(client, outbox):
    staff, ours, other = school_with_listings()
    priya = UserFactory(full_name="Priya Shah", email="priya@example.org")
    sign_in_as(client, priya)

    job_url = search_save_and_set_an_alert(client, ours, other)
    fill_in_the_profile(client)
    application_id = apply_with_prefill(client, job_url, ours)

    assert [m.recipient for m in outbox(template="application_submitted")] == ["priya@example.org"]
    assert [m.recipient for m in outbox(template="application_received")] == [ours.contact_email]
    # Sending twice never makes two applications.
    client.post(f"/jobs/{ours.id}/apply/check-your-answers")
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 1

    # The alert has been running since yesterday, so both geography jobs are new to it; the digest
    # leaves out the one she applied for.
    db.session.execute(sa.update(JobAlert).values(covered_until=ago(days=1)))
    db.session.commit()
    report = send_digests(AlertFrequency.DAILY)
    assert report.digests == 1
    [digest] = outbox(template="job_alert_digest")
    assert digest.recipient == "priya@example.org"
    assert "Geography teacher, maternity cover" in digest.text_body
    assert "Teacher of Geography" not in digest.text_body

    # Both saved jobs now close within the reminder window: only the one she has not applied for is
    # reminded.
    db.session.execute(sa.update(Vacancy).values(closes_at=utcnow() + dt.timedelta(days=2)))
    db.session.commit()
    assert remind_saved_jobs() == 1
    assert [m.subject for m in outbox(template="saved_job_closing")] == [
        "Closing soon: Geography teacher, maternity cover"
    ]

    # Following it.
    applications = text_of(client.get("/your-applications"))
    assert f"/your-applications/{application_id}" in links_in(applications)
    assert "Schools usually reply after the closing date" in applications
    assert "You can withdraw the application" in applications

    # The school, signed in, moves it on from its inbox.
    sign_in_as(client, staff.user)
    inbox = text_of(client.get("/school/applications"))
    assert f"/school/applications/{application_id}" in links_in(inbox)
    assert "Priya Shah" in inbox
    status_url = f"/school/applications/{application_id}/status"
    year = utcnow().year + 1
    for action, extra, status, subject in (
        ("shortlist", {}, "shortlisted", "You have been shortlisted: Teacher of Geography"),
        (
            "invite_to_interview",
            {"interview_date": ["3", "12", str(year)], "interview_time": "2pm"},
            "interviewing",
            None,
        ),
        ("offer", {}, "offered", "Job offer: Teacher of Geography"),
    ):
        page = text_of(client.get(f"/school/applications/{application_id}"))
        assert f'value="{action}"' in page, action
        response = client.post(status_url, data={"action": action, **extra})
        assert response.status_code == 302, (action, text_of(response)[:2000])
        assert f"the application is now {status}" in text_of(client.get(response.headers["Location"]))
        [email] = outbox(template="application_status_changed")[-1:]
        assert email.recipient == "priya@example.org"
        if subject:
            assert email.subject == subject
    status_emails = outbox(template="application_status_changed", recipient="priya@example.org")
    assert len(status_emails) == 3
    assert f"2pm on 3 December {year}" in status_emails[1].text_body
    offer = status_emails[2].text_body
    assert "Riverside Academy is offering you the job" in offer
    assert f"reply to the school at {ours.contact_email} to accept or decline" in offer
    assert f"/your-applications/{application_id}" in offer

    # The candidate sees the offer and what to do about it.
    sign_in_as(client, priya)
    assert "Reply to the school to accept or decline" in text_of(client.get("/your-applications"))
    page = text_of(client.get(f"/your-applications/{application_id}"))
    assert "Offered" in page
    assert "The school has offered you the job. Reply to the school to accept or decline." in page
    assert f'href="mailto:{ours.contact_email}"' in page  # how to reply, without hunting for the email
    assert db.session.get(Application, application_id).status is ApplicationStatus.OFFERED


def test_search_save_alert_profile_apply_then_withdraw(client, outbox):
    staff, ours, other = school_with_listings()
    priya = UserFactory(full_name="Priya Shah", email="priya@example.org")
    sign_in_as(client, priya)

    job_url = search_save_and_set_an_alert(client, ours, other)
    fill_in_the_profile(client)
    application_id = apply_with_prefill(client, job_url, ours)

    page = text_of(client.get(f"/your-applications/{application_id}"))
    assert f'href="/your-applications/{application_id}/withdraw"' in page
    confirm = text_of(client.get(f"/your-applications/{application_id}/withdraw"))
    assert "Are you sure you want to withdraw your application?" in confirm
    assert db.session.get(Application, application_id).status is ApplicationStatus.SUBMITTED
    response = client.post(
        f"/your-applications/{application_id}/withdraw", data={"reason": "I have accepted another post."}
    )
    assert response.headers["Location"] == f"/your-applications/{application_id}"
    page = text_of(client.get(response.headers["Location"]))
    assert "Your application has been withdrawn" in page
    assert "You withdrew this application" in page
    assert "Withdraw application" not in page
    assert [m.recipient for m in outbox(template="application_withdrawn")] == [ours.contact_email]
    assert "You withdrew this application" in text_of(client.get("/your-applications"))

    # A withdrawn application is still an application: no digest or reminder for that job.
    db.session.execute(sa.update(JobAlert).values(covered_until=ago(days=1)))
    db.session.execute(sa.update(Vacancy).values(closes_at=utcnow() + dt.timedelta(days=2)))
    db.session.commit()
    send_digests(AlertFrequency.DAILY)
    [digest] = outbox(template="job_alert_digest")
    assert "Teacher of Geography" not in digest.text_body
    assert remind_saved_jobs() == 1
    assert [m.subject for m in outbox(template="saved_job_closing")] == [
        "Closing soon: Geography teacher, maternity cover"
    ]

    # The school sees it withdrawn and can no longer move it on.
    sign_in_as(client, staff.user)
    school_page = text_of(client.get(f"/school/applications/{application_id}"))
    assert "Withdrawn" in school_page
    assert "I have accepted another post." in school_page
    assert 'value="shortlist"' not in school_page
    refused = client.post(f"/school/applications/{application_id}/status", data={"action": "shortlist"})
    assert refused.status_code == 200
    assert db.session.get(Application, application_id).status is ApplicationStatus.WITHDRAWN


def test_a_second_application_prefills_from_the_last_application_where_it_is_newer(client):
    _, ours, other = school_with_listings()
    priya = UserFactory(full_name="Priya Shah", email="priya@example.org")
    sign_in_as(client, priya)
    fill_in_the_profile(client)

    # The first application: she updates her phone number and statement for it (not on the profile).
    apply_url = f"/jobs/{ours.id}/apply"
    client.get(apply_url)
    for slug, data in {**PROFILE, **APPLICATION_ONLY}.items():
        if slug in ("training", "job-preferences"):
            continue
        if slug == "personal-details":
            data = {**data, "phone": "07700 900123"}
        if slug == "personal-statement":
            data = {"text": "Fieldwork every term, and a department that loves maps."}
        assert client.post(f"{apply_url}/{slug}", data=data).status_code == 302, slug
    assert client.post(f"{apply_url}/check-your-answers").status_code == 302

    # Later she rewrites her profile's referees: the profile is now newer for that section only.
    referees = {
        **PROFILE["referees"],
        "items-1-name": "Chris Green",
        "items-1-email": "chris@dales.example.org",
    }
    assert client.post("/your-profile/referees", data=referees).status_code == 302

    second = f"/jobs/{other.id}/apply"
    client.get(second)
    personal = text_of(client.get(f"{second}/personal-details"))
    assert 'value="07700 900123"' in personal
    assert "We have filled this in from your last application" in personal
    statement = text_of(client.get(f"{second}/personal-statement"))
    assert "a department that loves maps" in statement
    assert "Nine years of fieldwork" not in statement
    referees_page = text_of(client.get(f"{second}/referees"))
    assert 'value="Chris Green"' in referees_page
    assert "Alex Brown" not in referees_page
    assert "We have filled this in from your profile" in referees_page
    # Sections kept the same everywhere come from wherever was saved last: the first application.
    assert "We have filled this in from your last application" in text_of(
        client.get(f"{second}/qualifications")
    )
