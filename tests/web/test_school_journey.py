"""A school's whole journey through the web layer: sign up, find the school, post through the wizard, a
moderator approves, a jobseeker applies, the school takes the applicant to an offer and extends the
listing."""

import datetime as dt

import sqlalchemy as sa

from marketplace.applications.models import Application
from marketplace.db import uk_today, utcnow
from marketplace.extensions import db
from marketplace.organisations.models import Membership, MembershipRole
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from tests.conftest import sign_in_as
from tests.document_samples import pdf_bytes
from tests.factories import EmailDomainFactory, OrganisationFactory, UserFactory
from tests.web.applying import apply
from tests.web.listing_wizard import post_listing
from tests.web.test_auth import NEW_PASSWORD, emailed_path, text, user_with_email
from tests.web.test_listing_documents import _upload
from tests.web.test_vacancy_journey import _date_fields, vacancy_form

EMAIL = "s.okafor@aireborough.sch.uk"


def test_a_school_signs_up_without_its_urn_and_finds_its_school_by_postcode(client, outbox):
    school = OrganisationFactory(name="Aireborough Academy", urn="144210", postcode="LS20 9AA")
    EmailDomainFactory(organisation=school, domain="aireborough.sch.uk")  # recorded by a moderator

    form = text(client.get("/register"))
    assert "If you do not know it, leave this blank" in form
    response = client.post(
        "/register",
        data={
            "account_type": "hiring_staff",
            "school_urn": "",
            "full_name": "Sam Okafor",
            "email": EMAIL,
            "password": NEW_PASSWORD,
        },
    )
    assert response.headers["Location"] == "/register/check-your-email"
    [confirmation] = outbox(recipient=EMAIL, template="verify_email")
    # The link confirms the address and signs the person in.
    assert client.get(emailed_path(confirmation)).headers["Location"] == "/school"
    user = user_with_email(EMAIL)
    assert user.email_verified

    assert "Find your school or trust" in text(client.get("/school"))
    found = text(client.get("/school/find-your-school", query_string={"q": "ls20 9aa"}))
    assert "1 result" in found
    assert "Aireborough Academy" in found
    response = client.post(f"/school/find-your-school/{school.id}")

    assert response.headers["Location"] == "/school"
    [membership] = db.session.scalars(sa.select(Membership).where(Membership.user_id == user.id))
    assert (membership.organisation_id, membership.role) == (school.id, MembershipRole.ADMINISTRATOR)


def test_a_new_school_posts_through_the_wizard_and_takes_an_applicant_to_an_offer(client, outbox):
    school = OrganisationFactory(name="Aireborough Academy", verified_at=None)
    EmailDomainFactory(organisation=school, domain="aireborough.sch.uk")  # recorded by a moderator
    staff = UserFactory(hiring_staff=True, email=EMAIL)
    moderator = UserFactory(moderator=True)
    jobseeker = UserFactory(full_name="Priya Shah", email="priya@example.org")
    sign_in_as(client, staff)
    assert client.post(f"/school/find-your-school/{school.id}").status_code == 302

    # Every section of the wizard, a supporting document, check your answers and the preview.
    form = vacancy_form(school.id, title="Teacher of Geography", contact_email=EMAIL)
    post_listing(client, form)
    vacancy = db.session.scalar(sa.select(Vacancy))
    assert vacancy.unanswered_steps == []
    uploaded = _upload(client, vacancy.id, pdf_bytes(), "Application pack.pdf")
    assert uploaded.status_code == 302
    answers = text(client.get(f"/school/vacancies/{vacancy.id}/check-your-answers"))
    assert "Teacher of Geography" in answers
    assert "Application pack.pdf" in answers
    assert "Application pack.pdf" in text(client.get(f"/school/vacancies/{vacancy.id}/preview"))
    submitted = client.post(f"/school/vacancies/{vacancy.id}/check-your-answers", follow_redirects=True)
    assert "sent for review" in text(submitted)

    # A new school's first listing waits for a moderator.
    db.session.refresh(vacancy)
    assert vacancy.status is VacancyStatus.PENDING_REVIEW
    sign_in_as(client, moderator)
    client.post(f"/moderation/vacancies/{vacancy.id}/approve", data={"note": ""})
    db.session.refresh(vacancy)
    assert vacancy.status is VacancyStatus.PUBLISHED

    sign_in_as(client, jobseeker)
    assert client.get(f"/jobs/{vacancy.id}").status_code == 200
    assert apply(client, vacancy.id).status_code == 302
    application = db.session.scalar(sa.select(Application).where(Application.vacancy_id == vacancy.id))

    # Shortlist, interview with a date and time, offer.
    sign_in_as(client, staff)
    assert "Priya Shah" in text(client.get(f"/school/vacancies/{vacancy.id}/applications"))
    year = utcnow().year + 1
    moves = [
        {"action": "shortlist"},
        {
            "action": "invite_to_interview",
            "interview_date": ["4", "3", str(year)],
            "interview_time": "9:30am",
        },
        {"action": "offer"},
    ]
    for data in moves:
        response = client.post(f"/school/applications/{application.id}/status", data=data)
        assert response.status_code == 302, text(response)
    db.session.refresh(application)
    assert application.status.value == "offered"
    emails = outbox(recipient="priya@example.org")
    assert [m.subject for m in emails[1:]] == [
        "You have been shortlisted: Teacher of Geography",
        "Invitation to interview: Teacher of Geography",
        "Job offer: Teacher of Geography",
    ]
    assert f"9:30am on 4 March {year} (UK time)" in emails[2].text_body

    # Extend the closing date with a reason; the listing page shows it and the figures.
    new_closing = uk_today() + dt.timedelta(days=35)
    extended = client.post(
        f"/school/vacancies/{vacancy.id}/extend",
        data={
            **_date_fields("closing_date", new_closing),
            "closing_time": "12:00",
            "reason": "We want more candidates to apply.",
        },
        follow_redirects=True,
    )
    page = text(extended)
    assert f"The closing date is now {new_closing:%-d %B %Y} at 12:00" in page
    assert "Reason: We want more candidates to apply." in page
    assert "Views 1" in page
    assert "Applications submitted 1" in page
