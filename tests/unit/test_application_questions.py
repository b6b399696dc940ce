"""The rules for a school's own application questions and its statement instructions (pure)."""

from __future__ import annotations

import datetime as dt

from marketplace.applications.profiles import section_problems
from marketplace.vacancies import questions


def test_blank_questions_are_dropped_and_text_tidied():
    given = [{"text": "  Why   this school? ", "required": 1}, {"text": "   "}, {"text": "Anything else?"}]

    assert questions.tidy(given) == [
        {"text": "Why this school?", "required": True},
        {"text": "Anything else?", "required": False},
    ]


def test_limits_on_instructions_number_and_length_of_questions():
    assert questions.problems("x" * 1000, [{"text": "q" * 300}] * 5) == {}
    found = questions.problems("x" * 1001, [{"text": "Why?"}] * 6)
    assert found["statement_instructions"].endswith("must be 1,000 characters or fewer")
    assert found["application_questions"] == "Ask at most 5 questions"
    assert questions.problems("", [{"text": "q" * 301}]) == {
        "application_questions": "Each question must be 300 characters or fewer"
    }


def test_json_gives_only_what_it_carries_and_names_bad_values():
    errors: dict[str, str] = {}
    assert questions.from_json({"title": "Teacher"}, errors) == {}
    assert (
        questions.from_json({"statement_instructions": 5, "application_questions": {"text": "Why?"}}, errors)
        == {}
    )
    assert set(errors) == {"statement_instructions", "application_questions"}


def test_a_required_question_needs_an_answer_and_answers_have_a_length_limit():
    items = [
        {"question": "Why us?", "required": True, "answer": " "},
        {"question": "Anything else?", "required": False, "answer": ""},
        {"question": "Your trips?", "required": False, "answer": "a" * 2001},
    ]

    found = section_problems("questions", {"items": items}, today=dt.date(2026, 12, 5), for_application=True)

    assert [(problem.field, problem.message) for problem in found] == [
        ("question_1", "Enter your answer to question 1"),
        ("question_3", "Your answer to question 3 must be 2,000 characters or fewer"),
    ]
