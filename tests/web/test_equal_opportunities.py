"""Fair recruitment: optional equal opportunities questions after applying, stored apart from the application,
and a report that shows only groups of five or more."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from marketplace.applications.equal_opportunities import EqualOpportunitiesResponse
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.publishing.management import extend_closing_date
from tests.conftest import IsolatedClient, sign_in_as
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory, VacancyFactory


def words(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def new_client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def listing(app):
    membership = MembershipFactory()
    return membership, VacancyFactory(
        organisation=membership.organisation, published=True, title="Teacher of Art"
    )


def answer_as_candidate(app, vacancy, **answers):
    candidate = UserFactory()
    application = ApplicationFactory(vacancy=vacancy, jobseeker=candidate)
    client = new_client(app)
    sign_in_as(client, candidate)
    response = client.post(f"/your-applications/{application.id}/equal-opportunities", data=answers)
    return client, application, response


def test_a_candidate_answers_once_and_the_answers_are_not_linked_to_them(app, listing):
    _, vacancy = listing
    client, application, response = answer_as_candidate(app, vacancy, sex="Female", ethnicity="White")
    assert response.status_code == 302

    [stored] = db.session.query(EqualOpportunitiesResponse).all()
    assert stored.answers["sex"] == "Female"
    assert stored.answers["religion"] == "Prefer not to say"  # left out: counted as prefer not to say
    assert not hasattr(stored, "application_id")
    assert re.fullmatch(r"\d{4}-\d{2}", stored.month)
    db.session.expire_all()
    assert db.session.get(Application, application.id).equal_opportunities_answered

    page = words(client.get(f"/your-applications/{application.id}"))
    assert "answer the equal opportunities questions" not in page
    again = client.post(f"/your-applications/{application.id}/equal-opportunities", data={"sex": "Male"})
    assert again.status_code == 302
    assert db.session.query(EqualOpportunitiesResponse).count() == 1


def test_every_question_offers_prefer_not_to_say_and_a_made_up_answer_is_refused(app, listing):
    _, vacancy = listing
    client, application, response = answer_as_candidate(app, vacancy, sex="Robot")
    assert response.status_code == 400
    assert "Select one of the answers, or leave the question unanswered" in words(response)
    form = client.get(f"/your-applications/{application.id}/equal-opportunities").get_data(as_text=True)
    assert form.count('value="Prefer not to say"') == 7


def test_a_draft_has_no_questionnaire(app, listing):
    _, vacancy = listing
    candidate = UserFactory()
    draft = ApplicationFactory(
        vacancy=vacancy, jobseeker=candidate, status=ApplicationStatus.DRAFT, submitted_at=None
    )
    client = new_client(app)
    sign_in_as(client, candidate)
    assert client.get(f"/your-applications/{draft.id}/equal-opportunities").status_code == 404


def close(vacancy) -> None:
    vacancy.closes_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()


def test_the_report_counts_closed_listings_only_and_shows_only_groups_of_five_or_more(app, listing):
    membership, vacancy = listing
    school = new_client(app)
    sign_in_as(school, membership.user)
    for sex in ["Female"] * 6 + ["Male"] * 5 + [""] * 2:
        answer_as_candidate(app, vacancy, sex=sex)
    while_open = words(school.get(f"/school/vacancies/{vacancy.id}/equal-opportunities"))
    assert "No answers to count yet: answers are counted once a listing has closed." in while_open
    assert "Female" not in while_open

    close(vacancy)
    report = words(school.get(f"/school/vacancies/{vacancy.id}/equal-opportunities"))
    assert "13 candidates answered." in report
    assert "Female 6" in report
    # The 2 who preferred not to say are too few to show, and showing "Male 5" would let anyone
    # subtract them from the 13, so the men are folded in with them.
    assert "Male" not in report
    assert "Other answers, with every group of fewer than 5 (not shown one by one) 7" in report
    assert "13 candidates answered." in words(school.get("/school/equal-opportunities"))

    other = new_client(app)
    sign_in_as(other, MembershipFactory().user)
    assert "No answers to count yet" in words(other.get("/school/equal-opportunities"))
    assert other.get(f"/school/vacancies/{vacancy.id}/equal-opportunities").status_code == 404


def reopen(membership, vacancy) -> None:
    extend_closing_date(
        membership.user,
        vacancy,
        closing_date=utcnow().date() + dt.timedelta(days=7),
        closing_time="12:00",
        reason="Too few applicants",
    )
    db.session.commit()


def test_answers_given_after_a_reopening_are_counted_only_five_or_more_at_a_time(app, listing):
    membership, vacancy = listing
    school = new_client(app)
    sign_in_as(school, membership.user)
    for _ in range(6):
        answer_as_candidate(app, vacancy, disability="No")
    close(vacancy)
    report_url = f"/school/vacancies/{vacancy.id}/equal-opportunities"
    assert "6 candidates answered." in words(school.get(report_url))

    reopen(membership, vacancy)
    answer_as_candidate(app, vacancy, disability="Yes")
    # While the listing is open again, and once it has closed again, the report stays as it was shown:
    # a total of 7 would give away the one person who answered after the re-opening.
    assert "6 candidates answered." in words(school.get(report_url))
    close(vacancy)
    held = words(school.get(report_url))
    assert "6 candidates answered. Some more answers are waiting to be counted" in held
    assert "6 candidates answered." in words(school.get("/school/equal-opportunities"))

    reopen(membership, vacancy)
    for _ in range(4):
        answer_as_candidate(app, vacancy)  # "Prefer not to say"
    close(vacancy)
    counted = words(school.get(report_url))
    assert "11 candidates answered." in counted
    assert "Some more answers" not in counted
    assert "No 6" in counted
    assert "Other answers, with every group of fewer than 5 (not shown one by one) 5" in counted


def test_a_closed_listing_with_fewer_than_five_answers_shows_nothing(app, listing):
    membership, vacancy = listing
    for _ in range(4):
        answer_as_candidate(app, vacancy, sex="Female")
    close(vacancy)
    school = new_client(app)
    sign_in_as(school, membership.user)
    too_few = words(school.get(f"/school/vacancies/{vacancy.id}/equal-opportunities"))
    assert "Fewer than 5 candidates answered, so there is nothing to show." in too_few
    assert "Female" not in too_few


def test_no_answers_are_taken_once_the_listing_has_closed(app, listing):
    _, vacancy = listing
    candidate = UserFactory()
    application = ApplicationFactory(vacancy=vacancy, jobseeker=candidate)
    close(vacancy)
    client = new_client(app)
    sign_in_as(client, candidate)
    assert "answer the equal opportunities questions" not in words(
        client.get(f"/your-applications/{application.id}")
    )
    response = client.post(f"/your-applications/{application.id}/equal-opportunities", data={"sex": "Male"})
    assert response.status_code == 302
    assert db.session.query(EqualOpportunitiesResponse).count() == 0


def test_nobody_shortlisting_sees_a_candidates_answers(app, listing):
    membership, vacancy = listing
    _, application, _ = answer_as_candidate(app, vacancy, sexual_orientation="Bisexual")
    school = new_client(app)
    sign_in_as(school, membership.user)
    assert "Bisexual" not in words(school.get(f"/school/applications/{application.id}"))
