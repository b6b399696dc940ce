"""Hours and pay in the JSON Lines import: stored as given, a re-run changes nothing, bad values named."""

from __future__ import annotations

from marketplace.search.api import VacancySearch, find_vacancies
from tests.integration.test_vacancy_import import line, run, vacancies, write

SUPPORT = {
    "title": "Teaching Assistant",
    "job_roles": ["teaching_assistant"],
    "phases": ["primary"],
    "key_stages": ["ks1"],
    "subjects": [],
    "working_patterns": ["part_time"],
    "salary": "NJC grade 3: £24,796 to £25,185 full-time equivalent, pro rata, term time only",
    "salary_min": 24_796,
    "salary_max": 25_185,
    "hours_per_week": 30,
    "fte": 0.81,
    "term_time_only": True,
    "actual_salary": 17_160,
    "hourly_rate": 12.85,
}


def test_hours_and_pay_import_and_a_rerun_changes_nothing(app, tmp_path):
    path = write(tmp_path, line("TA-1", **SUPPORT))

    first = run(app, path, "--verified")
    second = run(app, path, "--verified")

    assert first.exit_code == 0, first.output
    assert "0 created, 0 updated, 1 unchanged, 0 rejected" in second.output
    (vacancy,) = vacancies()
    assert (vacancy.hours_per_week, vacancy.fte, vacancy.term_time_only) == (30.0, 0.81, True)
    assert (vacancy.actual_salary, vacancy.hourly_rate_pence) == (17_160, 1285)
    # The minimum salary filter goes by the actual pay the school gave.
    assert find_vacancies(VacancySearch(minimum_salary=17_000)).ids == [vacancy.id]
    assert find_vacancies(VacancySearch(minimum_salary=18_000)).ids == []
    assert find_vacancies(VacancySearch(working_patterns=("term_time_only",))).ids == [vacancy.id]


def test_bad_hours_and_pay_reject_the_line_naming_the_field(app, tmp_path):
    path = write(
        tmp_path,
        line("TA-1", **{**SUPPORT, "fte": 1.5}),
        line("TA-2", **{**SUPPORT, "hourly_rate": "12.85"}),
        line("TA-3", **{**SUPPORT, "actual_salary": 30_000}),
        line("TA-4", **{**SUPPORT, "working_patterns": ["full_time"], "term_time_only": False}),
    )

    result = run(app, path, "--verified")

    assert "Line 1: fte: must be a number from 0.1 to 1.0, like 0.6" in result.output
    assert "Line 2: hourly_rate: must be pounds and pence an hour, like 12.85" in result.output
    assert (
        "Line 3: actual_salary: the actual pay must be the same as or less than the highest" in result.output
    )
    assert "Line 4: fte: a full-time job is 1.0 full-time equivalent" in result.output
    assert vacancies() == []
