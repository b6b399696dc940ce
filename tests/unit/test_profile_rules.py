"""The profile and application rules that need no database: TRNs, gaps between jobs, word counts."""

import datetime as dt

import pytest

from marketplace.applications.profiles import (
    Month,
    employment_gaps,
    normalise_trn,
    parse_month,
    section_problems,
    trn_problem,
)
from marketplace.applications.services import word_count

TODAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize("value", ["1234567", "12 34 567", "RP1234567", "rp 12-34-567", " 7654321 "])
def test_a_teacher_reference_number_is_seven_digits_however_it_is_written(value):
    assert trn_problem(value) is None
    assert len(normalise_trn(value)) == 7


@pytest.mark.parametrize("value", ["123456", "12345678", "12345a7", "TRN", "RP12345"])
def test_anything_else_is_refused_with_a_plain_message(value):
    assert trn_problem(value) == "Enter your teacher reference number (TRN) as 7 digits, like 1234567"


def test_a_trn_is_needed_only_once_qts_is_awarded():
    assert section_problems("professional", {"qts_status": "none"}, today=TODAY, for_application=True) == []
    [problem] = section_problems("professional", {"qts_status": "awarded"}, today=TODAY, for_application=True)
    assert problem.field == "trn"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09/2019", Month(2019, 9)),
        ("9/2019", Month(2019, 9)),
        ("9 2019", Month(2019, 9)),
        ("13/2019", None),
        ("September 2019", None),
        ("", None),
        ("09/19", None),
    ],
)
def test_months_are_written_as_month_and_year(text, expected):
    assert parse_month(text) == expected


def job(start, end=""):
    return {"job_title": "Teacher", "employer": "School", "start": start, "end": end}


def test_three_months_between_jobs_need_no_explanation_but_four_do():
    three = [job("09/2015", "07/2019"), job("11/2019")]  # August, September, October
    four = [job("09/2015", "07/2019"), job("12/2019")]  # August to November

    assert employment_gaps(three, TODAY) == []
    [gap] = employment_gaps(four, TODAY)
    assert gap.months == 4
    assert gap.label == "between July 2019 and December 2019"


def test_overlapping_and_unordered_jobs_are_merged_before_looking_for_gaps():
    jobs = [job("01/2021"), job("09/2015", "08/2018"), job("06/2018", "12/2020")]

    assert employment_gaps(jobs, TODAY) == []


def test_time_since_the_last_job_ended_counts_as_a_gap():
    [gap] = employment_gaps([job("09/2015", "03/2026")], TODAY)

    assert gap.label == "between March 2026 and November 2026"


def test_a_gap_without_an_explanation_names_its_dates():
    data = {"items": [job("09/2015", "07/2019"), job("12/2019")], "gaps": {}}

    [problem] = section_problems("employment", data, today=TODAY, for_application=True)

    assert problem.message == "Explain the gap in your employment between July 2019 and December 2019"
    data["gaps"] = {"2019-07_2019-12": "I travelled in South America."}
    assert section_problems("employment", data, today=TODAY, for_application=True) == []


@pytest.mark.parametrize(
    ("text", "count"), [("", 0), ("  one  ", 1), ("one two\nthree\tfour", 4), ("don't stop-now, ok", 3)]
)
def test_words_are_counted_as_the_form_counts_them(text, count):
    assert word_count(text) == count


def test_a_statement_may_be_1500_words_but_not_1501():
    ok = section_problems("statement", {"text": "word " * 1500}, today=TODAY, for_application=True)
    too_long = section_problems("statement", {"text": "word " * 1501}, today=TODAY, for_application=True)

    assert ok == []
    assert [p.message for p in too_long] == ["Your personal statement must be 1,500 words or fewer"]


def test_an_application_needs_two_referees_a_profile_does_not():
    one = {"items": [{"name": "Sam Jones"}]}

    assert section_problems("referees", one, today=TODAY, for_application=False) == []
    [problem] = section_problems("referees", one, today=TODAY, for_application=True)
    assert problem.message == "Give at least 2 referees"


def test_declarations_that_need_details_ask_for_them():
    answers = {"right_to_work": "no", "safeguarding": "yes", "close_relationships": "no"}

    problems = section_problems("declarations", answers, today=TODAY, for_application=True)

    assert [p.field for p in problems] == ["right_to_work_details", "safeguarding_details"]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({}, "Select whether you follow a religion or belief"),
        ({"following": "maybe"}, "Select whether you follow a religion or belief"),
        ({"following": "yes", "faith": " "}, "Enter your religion or belief"),
    ],
)
def test_the_faith_section_asks_for_an_answer_and_a_faith_when_yes(data, problem):
    assert [p.message for p in section_problems("faith", data, today=TODAY, for_application=True)] == [
        problem
    ]


@pytest.mark.parametrize(
    "data",
    [
        {"following": "no"},
        {"following": "prefer_not_to_say"},
        {"following": "yes", "faith": "Church of England"},
    ],
)
def test_declining_to_say_or_naming_a_faith_completes_the_section(data):
    assert section_problems("faith", data, today=TODAY, for_application=True) == []
