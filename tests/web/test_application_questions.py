"""A school's own application questions and instructions for the supporting statement: written in the
listing wizard, asked on the quick-apply review page, stored with each application as they were asked,
read by the school that asked them and nobody else, and carried by the ATS API."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from marketplace.applications.models import Application
from marketplace.extensions import db
from marketplace.vacancies.models import Vacancy
from tests.conftest import sign_in_as
from tests.factories import MembershipFactory, UserFactory, VacancyFactory
from tests.web.applying import SECTION_ANSWERS
from tests.web.test_quick_apply import complete_profile

NO_SUPPORT = SECTION_ANSWERS["interview-support"]
HOW_TO_APPLY = {
    "how_to_apply": "marketplace",
    "contact_email": "office@hillside.example.org",
    "seen_checks": "1",
}
QUESTIONS = [
    {"text": "Which fieldwork sites have you led trips to?", "required": True},
    {"text": "Anything else you would like us to know?", "required": False},
]


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def textarea(page: str, name: str) -> str:
    return re.search(rf'<textarea[^>]*name="{name}"[^>]*>\s*([^<]*)</textarea>', page).group(1).strip()


@pytest.fixture
def school(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)
    return membership


# ---------------------------------------------------------------------------- the listing wizard


def test_the_school_writes_instructions_and_questions_in_how_to_apply(client, school):
    vacancy = VacancyFactory(organisation=school.organisation)
    step = f"/school/vacancies/{vacancy.id}/edit/how-to-apply"
    page = text_of(client.get(step))
    assert "Instructions for the supporting statement (optional)" in page
    assert 'name="application_questions-0-text"' in page  # one blank question to start with

    saved = client.post(
        step,
        data={
            **HOW_TO_APPLY,
            "statement_instructions": "  Show how you meet each point of the person specification.  ",
            "application_questions-0-text": QUESTIONS[0]["text"],
            "application_questions-0-required": "y",
            "application_questions-1-text": QUESTIONS[1]["text"],
            "application_questions-2-text": "   ",  # a blank question is left out
        },
    )

    assert saved.status_code == 302, text_of(saved)[:2000]
    db.session.expire_all()
    vacancy = db.session.get(Vacancy, vacancy.id)
    assert vacancy.statement_instructions == "Show how you meet each point of the person specification."
    assert vacancy.application_questions == QUESTIONS
    check = text_of(client.get(f"/school/vacancies/{vacancy.id}/check-your-answers"))
    assert "Show how you meet each point of the person specification." in check
    assert f"{QUESTIONS[0]['text']} (required)" in check
    assert f"{QUESTIONS[1]['text']} (optional)" in check
    again = text_of(client.get(step))
    assert textarea(again, "application_questions-1-text") == QUESTIONS[1]["text"]
    assert 'name="application_questions-2-text"' in again  # room for one more


def test_add_another_question_keeps_what_was_typed_and_saves_nothing(client, school):
    vacancy = VacancyFactory(organisation=school.organisation)
    step = f"/school/vacancies/{vacancy.id}/edit/how-to-apply"

    added = client.post(
        step,
        data={**HOW_TO_APPLY, "application_questions-0-text": "Why us?", "add_question": "1"},
    )

    assert added.status_code == 200
    page = text_of(added)
    assert textarea(page, "application_questions-0-text") == "Why us?"
    assert 'name="application_questions-1-text"' in page
    db.session.expire_all()
    assert db.session.get(Vacancy, vacancy.id).application_questions == []


def test_wizard_errors_keep_the_questions_as_typed(client, school):
    vacancy = VacancyFactory(organisation=school.organisation)
    step = f"/school/vacancies/{vacancy.id}/edit/how-to-apply"

    refused = client.post(
        step,
        data={
            **HOW_TO_APPLY,
            "statement_instructions": "x" * 1001,
            "application_questions-0-text": "Why this school?",
            "application_questions-1-text": "q" * 301,
        },
    )

    assert refused.status_code == 200
    page = text_of(refused)
    assert "There is a problem" in page
    assert 'href="#statement_instructions"' in page
    assert "Instructions for the supporting statement must be 1,000 characters or fewer" in page
    assert 'href="#application_questions-1-text"' in page
    assert "Each question must be 300 characters or fewer" in page
    assert textarea(page, "application_questions-0-text") == "Why this school?"
    db.session.expire_all()
    assert db.session.get(Vacancy, vacancy.id).application_questions == []


def test_the_checks_read_the_questions_as_they_read_the_description(client, school):
    vacancy = VacancyFactory(organisation=school.organisation)
    step = f"/school/vacancies/{vacancy.id}/edit/how-to-apply"
    data = {**HOW_TO_APPLY, "application_questions-0-text": "Are you under 35?"}
    data.pop("seen_checks")

    first = client.post(step, data=data)

    # Saved as a draft, then shown again with what the checks found against the question.
    assert first.status_code == 302
    assert first.headers["Location"].endswith("/edit/how-to-apply")
    page = text_of(client.get(first.headers["Location"]))
    found = re.search(r'<div class="govuk-inset-text" id="check-your-listing">.*?</div>', page, re.S).group(0)
    assert (
        '<a class="govuk-link" href="#application_questions">The school\'s questions for applicants</a>'
        in found
    )
    assert "“under 35”" in found
    assert 'id="application_questions"' in page


# ---------------------------------------------------------------------------- applying


@pytest.fixture
def listing():
    membership = MembershipFactory()
    vacancy = VacancyFactory(
        organisation=membership.organisation,
        published=True,
        title="Teacher of Geography",
        statement_instructions="Tell us about a lesson that went wrong.",
        application_questions=QUESTIONS,
    )
    return membership, vacancy


@pytest.fixture
def jobseeker(client):
    person = UserFactory(full_name="Priya Shah", email="priya@example.org")
    sign_in_as(client, person)
    complete_profile(client)
    return person


def test_the_review_page_shows_the_instructions_and_asks_the_questions(client, listing, jobseeker):
    _, vacancy = listing

    page = text_of(client.get(f"/jobs/{vacancy.id}/apply"))

    instructions = page.index("Tell us about a lesson that went wrong.")
    assert instructions < page.index('name="text"')  # above the statement box, as its hint
    hint = re.search(r'<div id="text-hint" class="govuk-hint">(.*?)</div>', page, re.S).group(1)
    assert "Tell us about a lesson that went wrong." in re.sub(r"<[^>]+>", "", hint)
    assert re.search(r'name="text"[^>]*aria-describedby="[^"]*text-hint', page)  # read with the box
    assert "1. Which fieldwork sites have you led trips to?" in page
    assert "2. Anything else you would like us to know? (optional)" in page


def test_a_required_question_left_empty_is_an_error_linked_to_its_box(client, listing, jobseeker):
    _, vacancy = listing

    refused = client.post(
        f"/jobs/{vacancy.id}/apply",
        data={"text": "My statement.", "question_1": "  ", "question_2": "Nothing more.", **NO_SUPPORT},
    )

    assert refused.status_code == 400
    page = text_of(refused)
    assert "There is a problem" in page
    assert '<a href="#question_1">Enter your answer to question 1</a>' in page
    assert textarea(page, "question_2") == "Nothing more."  # what was typed stays
    assert textarea(page, "text") == "My statement."
    # Sending is refused too until the question is answered.
    sent = client.post(f"/jobs/{vacancy.id}/apply/check-your-answers")
    assert sent.status_code == 400
    assert db.session.scalar(sa.select(Application.submitted_at)) is None


def test_answers_are_stored_with_the_questions_and_the_school_reads_them(client, listing, jobseeker):
    membership, vacancy = listing
    answered = client.post(
        f"/jobs/{vacancy.id}/apply",
        data={"text": "My statement.", "question_1": "Malham Cove and Flamborough Head.", **NO_SUPPORT},
    )
    assert answered.status_code == 302
    sent = client.post(f"/jobs/{vacancy.id}/apply/check-your-answers")
    assert sent.status_code == 302
    application = db.session.scalar(sa.select(Application))
    assert application.answers["questions"]["data"]["items"] == [
        {**_asked(QUESTIONS[0]), "answer": "Malham Cove and Flamborough Head."},
        {**_asked(QUESTIONS[1]), "answer": ""},
    ]

    # The school rewords its questions afterwards: the application keeps what the person was asked.
    vacancy.application_questions = [{"text": "Which places have you taken pupils to?", "required": True}]
    db.session.commit()

    sign_in_as(client, membership.user)
    for path in (f"/school/applications/{application.id}", f"/school/applications/{application.id}/print"):
        page = text_of(client.get(path))
        assert "Questions from the school" in page, path
        assert "1. Which fieldwork sites have you led trips to?" in page, path
        assert "Malham Cove and Flamborough Head." in page, path
        assert "Which places have you taken pupils to?" not in page, path

    other_school = MembershipFactory()
    sign_in_as(client, other_school.user)
    assert client.get(f"/school/applications/{application.id}").status_code == 404


def test_a_draft_answered_before_the_questions_changed_is_asked_again(client, listing, jobseeker):
    _, vacancy = listing
    client.post(
        f"/jobs/{vacancy.id}/apply",
        data={"text": "My statement.", "question_1": "Malham Cove.", **NO_SUPPORT},
    )
    vacancy.application_questions = [*QUESTIONS, {"text": "Can you drive a minibus?", "required": True}]
    db.session.commit()

    refused = client.post(f"/jobs/{vacancy.id}/apply/check-your-answers")

    assert refused.status_code == 400
    assert "The school has changed its questions" in text_of(refused)
    review = text_of(client.get(f"/jobs/{vacancy.id}/apply"))
    assert textarea(review, "question_1") == "Malham Cove."  # the same question keeps its answer
    assert textarea(review, "question_3") == ""


def _asked(question: dict) -> dict:
    return {"question": question["text"], "required": question["required"]}


# ---------------------------------------------------------------------------- declarations


def test_sending_confirms_the_three_declarations_in_one_go(client, listing, jobseeker):
    _, vacancy = listing
    client.post(f"/jobs/{vacancy.id}/apply", data={"text": "Mine.", "question_1": "Malham.", **NO_SUPPORT})
    page = text_of(client.get(f"/jobs/{vacancy.id}/apply/check-your-answers"))
    assert "you have the right to work in the UK" in page
    assert "If any of these is not true, answer each question instead" in page
    assert "Confirm and send application" in page

    assert client.post(f"/jobs/{vacancy.id}/apply/check-your-answers").status_code == 302

    declarations = db.session.scalar(sa.select(Application)).answers["declarations"]["data"]
    assert declarations["right_to_work"] == "yes"
    assert declarations["safeguarding"] == "no"
    assert declarations["close_relationships"] == "no"
    assert declarations["confirmed_together"] is True


def test_answering_one_declaration_means_answering_each(client, listing, jobseeker):
    _, vacancy = listing
    client.post(f"/jobs/{vacancy.id}/apply", data={"text": "Mine.", "question_1": "Malham.", **NO_SUPPORT})

    refused = client.post(
        f"/jobs/{vacancy.id}/apply/check-your-answers",
        data={"safeguarding": "yes", "safeguarding_details": "A caution in 2009."},
    )

    assert refused.status_code == 400
    page = text_of(refused)
    assert 'href="#right_to_work"' in page
    assert '<details class="govuk-details" open>' in page  # the questions stay open
    assert db.session.scalar(sa.select(Application.submitted_at)) is None
    sent = client.post(
        f"/jobs/{vacancy.id}/apply/check-your-answers",
        data={
            "right_to_work": "yes",
            "safeguarding": "yes",
            "safeguarding_details": "A caution in 2009.",
            "close_relationships": "no",
        },
    )
    assert sent.status_code == 302
    declarations = db.session.scalar(sa.select(Application)).answers["declarations"]["data"]
    assert declarations["safeguarding_details"] == "A caution in 2009."
    assert "confirmed_together" not in declarations


def test_a_moderator_sees_a_flagged_question_highlighted_and_jobseekers_see_the_questions(client):
    vacancy = VacancyFactory(
        pending=True,
        application_questions=[{"text": "Are you under 35?", "required": True}],
    )
    sign_in_as(client, UserFactory(moderator=True))

    review = text_of(client.get(f"/moderation/vacancies/{vacancy.id}"))

    assert "The school's questions for applicants" in review
    assert "Are you <mark>under 35</mark>?" in review

    live = VacancyFactory(published=True, application_questions=QUESTIONS)
    job_page = text_of(client.get(f"/jobs/{live.id}"))
    assert "Besides your statement, the school asks:" in job_page
    assert "Anything else you would like us to know? (optional)" in job_page
