"""What a listing pays: a part-time post's actual pay, the yearly pay the filter compares, and the words."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from marketplace.vacancies import pay
from marketplace.vacancies.details import pay_problems


@dataclass
class Listing:
    salary_minimum: int | None = None
    salary_maximum: int | None = None
    hours_per_week: float | None = None
    fte: float | None = None
    term_time_only: bool = False
    actual_salary: int | None = None
    hourly_rate_pence: int | None = None


MPS_UPS = {"salary_minimum": 31_650, "salary_maximum": 49_084}


def test_a_full_time_range_is_its_own_yearly_pay_and_reads_as_a_year():
    listing = Listing(**MPS_UPS)
    assert pay.yearly_pay(listing) == 49_084
    assert pay.actual_pay(listing) is None
    assert pay.salary_range_label(listing) == "£31,650 to £49,084 a year"
    assert pay.pay_summary(listing) == "£31,650 to £49,084 a year"


def test_a_part_time_post_without_its_actual_pay_is_the_range_times_the_fte():
    listing = Listing(**MPS_UPS, fte=0.6)
    assert pay.actual_pay(listing) == (18_990, 29_450)
    assert pay.yearly_pay(listing) == 29_450
    assert pay.salary_range_label(listing) == "£31,650 to £49,084 a year full-time equivalent"
    assert pay.actual_pay_label(listing) == "£18,990 to £29,450 a year (0.6 of the full-time range)"
    assert pay.pay_summary(listing) == "£18,990 to £29,450 a year actual pay, 0.6 FTE"


def test_the_actual_pay_a_school_gives_wins_and_is_not_called_worked_out():
    listing = Listing(**MPS_UPS, fte=0.6, actual_salary=20_000)
    assert pay.actual_pay(listing) == (20_000, 20_000)
    assert pay.yearly_pay(listing) == 20_000
    assert pay.actual_pay_label(listing) == "£20,000 a year"


def test_term_time_only_pay_is_not_guessed_but_the_filter_counts_it_pro_rata():
    listing = Listing(salary_minimum=24_796, salary_maximum=25_185, fte=0.81, term_time_only=True)
    assert pay.actual_pay(listing) is None
    assert pay.actual_pay_label(listing) is None
    assert pay.yearly_pay(listing) == round(25_185 * 0.81)


def test_an_hourly_rate_counts_its_hours_for_a_year_or_for_term_time():
    all_year = Listing(hourly_rate_pence=1285, hours_per_week=30)
    term_time = Listing(hourly_rate_pence=1285, hours_per_week=30, term_time_only=True)
    assert pay.yearly_pay(all_year) == round(12.85 * 30 * 365 / 7)
    assert pay.yearly_pay(term_time) == round(12.85 * 30 * 44)
    assert pay.pay_summary(all_year) == "£12.85 an hour"
    assert pay.yearly_pay(Listing(hourly_rate_pence=1285)) is None  # no hours: no yearly figure


def test_hours_and_fte_in_words():
    assert pay.hours_label(Listing(hours_per_week=32.5, fte=0.88)) == "32.5 hours a week, 0.88 FTE"
    assert pay.hours_label(Listing(fte=1.0)) == "1 FTE"
    assert pay.hours_label(Listing()) is None
    assert pay.pay_summary(Listing()) is None


@pytest.mark.parametrize(
    ("text", "places", "expected"),
    [("32.5", 1, 32.5), ("0.6", 2, 0.6), ("1", 2, 1.0), ("32.50", 1, 32.5), (".5", 1, 0.5)],
)
def test_decimal_numbers_as_people_type_them(text, places, expected):
    assert pay.decimal_number(text, places=places, lowest=0.1, highest=60) == expected


@pytest.mark.parametrize("text", ["", "lots", "32.25", "-1", "1e1", "٣", "61", "0.05", "3,5", "nan"])
def test_what_is_not_a_decimal_number(text):
    assert pay.decimal_number(text, places=1, lowest=0.1, highest=60) is None


def test_hourly_rates_are_held_in_pence():
    assert pay.pence("12.85") == 1285
    assert pay.pence("£12") == 1200
    assert pay.pence("12.855") is None
    assert pay.pence("0") is None


def test_json_numbers_and_the_messages_for_bad_ones():
    errors: dict[str, str] = {}
    values = pay.from_json(
        {
            "hours_per_week": 30,
            "fte": 0.81,
            "term_time_only": True,
            "actual_salary": 17_200,
            "hourly_rate": 12.85,
        },
        errors,
    )
    assert errors == {}
    assert values == {
        "hours_per_week": 30.0,
        "fte": 0.81,
        "term_time_only": True,
        "actual_salary": 17_200,
        "hourly_rate_pence": 1285,
    }
    errors = {}
    pay.from_json({"fte": 1.5, "hours_per_week": True, "term_time_only": "yes", "actual_salary": 1.5}, errors)
    assert set(errors) == {"fte", "hours_per_week", "term_time_only", "actual_salary"}
    assert errors["fte"] == "Must be a number from 0.1 to 1.0, like 0.6"


def test_the_rules_between_the_pay_fields_and_the_working_pattern():
    full_time = {"working_patterns": ["full_time"], **MPS_UPS}
    assert pay_problems({**full_time, "fte": 0.6}) == {
        "fte": "A full-time job is 1.0 full-time equivalent: enter 1.0, or choose part time as the "
        "working pattern"
    }
    assert pay_problems({**full_time, "fte": 1.0}) == {}
    assert pay_problems({**full_time, "actual_salary": 20_000}) == {
        "actual_salary": "Only give the actual pay for a part-time or term-time-only job"
    }
    assert pay_problems({**full_time, "actual_salary": 20_000, "term_time_only": True}) == {}
    part_time = {"working_patterns": ["part_time"], **MPS_UPS}
    assert pay_problems({**part_time, "actual_salary": 50_000}) == {
        "actual_salary": "The actual pay must be the same as or less than the highest full-time salary"
    }
    assert pay_problems({**part_time, "hours_per_week": 0.0, "hourly_rate_pence": 0}).keys() == {
        "hours_per_week",
        "hourly_rate_pence",
    }
