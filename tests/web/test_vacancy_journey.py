"""The main journey through the web layer: a school posts, a moderator decides, a jobseeker applies."""

import datetime as dt
import re

import sqlalchemy as sa

from marketplace.applications.models import Application
from marketplace.audit import AuditEvent
from marketplace.db import uk_today
from marketplace.extensions import db
from marketplace.moderation.models import ModerationDecision
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from tests.conftest import sign_in_as
from tests.factories import MembershipFactory, UserFactory, VacancyFactory
from tests.web.applying import apply
from tests.web.listing_wizard import post_listing


def _date_fields(name: str, day: dt.date) -> dict:
    return {name: [str(day.day), str(day.month), str(day.year)]}


def vacancy_form(organisation_id: int, **changes) -> dict:
    today = uk_today()
    form = {
        "organisation_id": str(organisation_id),
        "title": "Teacher of Chemistry",
        "job_roles": ["teacher"],
        "phases": ["secondary"],
        "key_stages": ["ks4", "ks5"],
        "subjects": ["Chemistry", "Science"],
        "working_patterns": ["full_time"],
        "contract_type": "permanent",
        "salary": "Main pay range",
        "salary_minimum": "£32,916",
        "salary_maximum": "45,352",
        "closing_time": "12:00",
        "ect_status": "ect_suitable",
        "visa_sponsorship": "no",
        "about_role": "Teach chemistry across key stages 4 and 5 in a well-equipped science faculty.",
        "how_to_apply": "marketplace",
        "contact_email": "hr@riverside.example.org",
        **_date_fields("publish_on", today),
        **_date_fields("closing_date", today + dt.timedelta(days=20)),
    }
    form.update(changes)
    return form


def test_a_school_creates_a_vacancy_and_submits_it_for_review(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)

    response = post_listing(client, vacancy_form(membership.organisation_id), submit=True)

    assert response.status_code == 302
    vacancy = db.session.scalar(sa.select(Vacancy))
    assert vacancy.status is VacancyStatus.PENDING_REVIEW
    assert vacancy.salary_minimum == 32916
    assert vacancy.closes_at.astimezone(dt.UTC).tzinfo is dt.UTC
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "sent for review" in page
    assert "In review" in page


def test_bad_input_re_renders_with_an_error_summary_and_keeps_what_was_typed(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)
    form = vacancy_form(
        membership.organisation_id,
        title="",
        salary_minimum="lots",
        about_role="Our own words, kept.",
        contract_type="fixed_term",
        closing_date=["31", "2", "2027"],
    )

    response = post_listing(client, form)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter a job title" in page
    assert db.session.scalar(sa.select(sa.func.count(Vacancy.id))) == 0
    # Each later section keeps what was typed too.
    page = post_listing(client, {**form, "title": "Teacher of Chemistry"}).get_data(as_text=True)
    assert "Enter how long the fixed-term contract lasts" in page
    vacancy_id = db.session.scalar(sa.select(Vacancy.id))
    page = client.post(f"/school/vacancies/{vacancy_id}/edit/pay", data=form).get_data(as_text=True)
    assert "Enter an amount in pounds" in page
    assert 'value="lots"' in page
    dates = client.post(f"/school/vacancies/{vacancy_id}/edit/important-dates", data=form)
    page = dates.get_data(as_text=True)
    assert "Closing date must be a real date" in page
    page = client.post(
        f"/school/vacancies/{vacancy_id}/edit/about-the-role", data={**form, "ect_status": ""}
    ).get_data(as_text=True)
    assert "Our own words, kept." in page


def test_cross_field_rules_are_shown_next_to_their_fields(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)
    form = vacancy_form(membership.organisation_id, contract_type="fixed_term", how_to_apply="website")

    page = post_listing(client, form).get_data(as_text=True)
    assert "Enter how long the fixed-term contract lasts" in page
    form["contract_type"] = "permanent"
    vacancy_id = db.session.scalar(sa.select(Vacancy.id))
    page = post_listing(client, form, vacancy_id=vacancy_id).get_data(as_text=True)
    assert "Enter the web address where candidates apply" in page


def test_a_school_cannot_see_or_post_for_another_school(client):
    ours = MembershipFactory()
    theirs = VacancyFactory()
    sign_in_as(client, ours.user)

    assert client.get(f"/school/vacancies/{theirs.id}").status_code == 404
    assert client.get(f"/school/vacancies/{theirs.id}/edit").status_code == 404
    assert client.post(f"/school/vacancies/{theirs.id}/submit").status_code == 404
    response = client.post("/school/vacancies/new", data=vacancy_form(theirs.organisation_id))
    assert response.status_code == 200
    assert (
        theirs.organisation.name
        not in response.get_data(as_text=True).split("<main")[1].split("There is a problem")[0]
    )
    assert db.session.scalar(sa.select(sa.func.count(Vacancy.id))) == 1


def test_a_moderator_approves_a_listing_and_the_school_is_emailed(client, outbox):
    membership = MembershipFactory()
    vacancy = VacancyFactory(pending=True, organisation=membership.organisation, created_by=membership.user)
    moderator = UserFactory(moderator=True)
    sign_in_as(client, moderator)

    queue = client.get("/moderation").get_data(as_text=True)
    assert vacancy.title in queue

    response = client.post(f"/moderation/vacancies/{vacancy.id}/approve", data={"note": ""})

    assert response.status_code == 302
    db.session.refresh(vacancy)
    assert vacancy.status is VacancyStatus.PUBLISHED
    assert vacancy.published_at is not None
    decision = db.session.scalar(sa.select(ModerationDecision))
    assert (decision.outcome, decision.moderator_id) == ("approved", moderator.id)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "vacancy.approve"))
    assert event.actor_id == moderator.id
    assert {m.recipient for m in outbox(template="vacancy_approved")} == {
        membership.user.email,
        vacancy.contact_email,
    }


def test_a_moderator_rejects_with_a_reason_the_school_then_sees(client, outbox):
    membership = MembershipFactory()
    vacancy = VacancyFactory(pending=True, organisation=membership.organisation, created_by=membership.user)
    sign_in_as(client, UserFactory(moderator=True))

    empty = client.post(f"/moderation/vacancies/{vacancy.id}/reject", data={"reason": "  "})
    assert empty.status_code == 400
    assert "Enter the reason for rejecting this listing" in empty.get_data(as_text=True)

    client.post(f"/moderation/vacancies/{vacancy.id}/reject", data={"reason": "Add the salary range."})

    db.session.refresh(vacancy)
    assert vacancy.status is VacancyStatus.REJECTED
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "vacancy.reject"))
    assert event.reason == "Add the salary range."
    [email] = outbox(template="vacancy_rejected", recipient=membership.user.email)
    assert "Add the salary range." in email.text_body

    sign_in_as(client, membership.user)
    assert "Add the salary range." in client.get(f"/school/vacancies/{vacancy.id}").get_data(as_text=True)


def test_deciding_twice_changes_nothing(client):
    vacancy = VacancyFactory(published=True)
    sign_in_as(client, UserFactory(moderator=True))

    response = client.post(
        f"/moderation/vacancies/{vacancy.id}/reject", data={"reason": "Too late"}, follow_redirects=True
    )

    assert "Nothing was changed: This listing is live, so it cannot be rejected." in response.get_data(
        as_text=True
    )
    db.session.refresh(vacancy)
    assert vacancy.status is VacancyStatus.PUBLISHED


def test_schools_and_jobseekers_cannot_moderate(client):
    vacancy = VacancyFactory(pending=True)
    for user in (UserFactory(hiring_staff=True), UserFactory()):
        sign_in_as(client, user)
        assert client.post(f"/moderation/vacancies/{vacancy.id}/approve").status_code == 403
    db.session.refresh(vacancy)
    assert vacancy.status is VacancyStatus.PENDING_REVIEW


def test_a_jobseeker_applies_once_and_the_school_sees_it(client, outbox):
    membership = MembershipFactory()
    vacancy = VacancyFactory(published=True, organisation=membership.organisation)
    jobseeker = UserFactory()
    sign_in_as(client, jobseeker)

    statement = "I have taught chemistry for five years <b>and</b> love it."
    first = apply(client, vacancy.id, statement)
    second = client.post(f"/jobs/{vacancy.id}/apply/check-your-answers")

    assert first.status_code == second.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 1
    assert "You have already applied" in client.get(
        f"/jobs/{vacancy.id}/apply", follow_redirects=True
    ).get_data(as_text=True)
    assert [m.recipient for m in outbox(template="application_submitted")] == [jobseeker.email]
    assert [m.recipient for m in outbox(template="application_received")] == [vacancy.contact_email]

    sign_in_as(client, membership.user)
    inbox = client.get("/school/applications").get_data(as_text=True)
    assert jobseeker.full_name in inbox
    application_id = db.session.scalar(sa.select(Application.id))
    page = client.get(f"/school/applications/{application_id}").get_data(as_text=True)
    assert "I have taught chemistry for five years &lt;b&gt;and&lt;/b&gt; love it." in page


def test_a_statement_over_the_word_limit_is_refused_and_kept(client):
    vacancy = VacancyFactory(published=True)
    sign_in_as(client, UserFactory())
    statement = "word " * 1501

    response = client.post(f"/jobs/{vacancy.id}/apply/personal-statement", data={"text": statement})

    page = response.get_data(as_text=True)
    assert "must be 1,500 words or fewer" in page
    assert page.count("word ") >= 1501
    # Nothing of it is stored: not the refused words, and no draft (a refused first section starts none).
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 0


def test_another_school_never_sees_an_application(client):
    application_vacancy = VacancyFactory(published=True)
    jobseeker = UserFactory()
    sign_in_as(client, jobseeker)
    apply(client, application_vacancy.id, "Hello")
    application_id = db.session.scalar(sa.select(Application.id))

    sign_in_as(client, MembershipFactory().user)

    assert client.get(f"/school/applications/{application_id}").status_code == 404
    assert jobseeker.full_name not in client.get("/school/applications").get_data(as_text=True)


def test_a_jobseeker_withdraws_and_the_school_is_told(client, outbox):
    vacancy = VacancyFactory(published=True)
    jobseeker = UserFactory()
    sign_in_as(client, jobseeker)
    response = apply(client, vacancy.id, "Hello")
    application_url = response.headers["Location"]
    application_id = int(re.search(r"(\d+)$", application_url).group(1))

    client.post(f"/your-applications/{application_id}/withdraw")

    page = client.get("/your-applications").get_data(as_text=True)
    assert "Withdrawn" in page
    assert [m.recipient for m in outbox(template="application_withdrawn")] == [vacancy.contact_email]


def test_closed_and_unpublished_jobs_cannot_be_applied_for(client):
    past = VacancyFactory(published=True, closes_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    draft = VacancyFactory()
    sign_in_as(client, UserFactory())

    assert "This job closed" in client.get(f"/jobs/{past.id}").get_data(as_text=True)
    assert client.get(f"/jobs/{draft.id}").status_code == 404
    for vacancy in (past, draft):
        assert client.get(f"/jobs/{vacancy.id}/apply").status_code == 404
        assert client.post(f"/jobs/{vacancy.id}/apply/check-your-answers").status_code == 404


def test_a_listing_closing_at_an_unusual_time_can_be_edited_without_changing_it(client):
    membership = MembershipFactory()
    vacancy = VacancyFactory(
        organisation=membership.organisation, closes_at=dt.datetime(2030, 1, 10, 16, 30, tzinfo=dt.UTC)
    )
    sign_in_as(client, membership.user)

    form = client.get(f"/school/vacancies/{vacancy.id}/edit/important-dates").get_data(as_text=True)
    assert 'value="16:30" checked' in form
    data = vacancy_form(membership.organisation_id, closing_time="16:30", title="Teacher of Maths")
    data.update(_date_fields("closing_date", dt.date(2030, 1, 10)))
    data.update(_date_fields("publish_on", dt.date(2029, 12, 1)))
    response = post_listing(client, data, vacancy_id=vacancy.id)

    assert response.status_code == 302
    db.session.refresh(vacancy)
    assert vacancy.title == "Teacher of Maths"
    assert vacancy.closes_at == dt.datetime(2030, 1, 10, 16, 30, tzinfo=dt.UTC)
