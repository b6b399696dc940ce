"""Pay and hours as schools give them and jobseekers meet them: the wizard, the job page and its JSON-LD,
search results and the minimum salary filter, the JSON API and the ATS API."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.vacancies.models import Vacancy
from tests.conftest import sign_in_as
from tests.factories import MembershipFactory, VacancyFactory
from tests.web.listing_wizard import section_data
from tests.web.test_ats_api import payload, post, token  # noqa: F401  (token is a fixture)
from tests.web.test_job_page_structured_data import structured_data
from tests.web.test_listing_wizard import _start
from tests.web.test_vacancy_journey import vacancy_form

MPS_UPS = {"salary": "MPS/UPS", "salary_minimum": 31_650, "salary_maximum": 49_084}


def job(title: str, **fields):
    fields.setdefault("about_role", "A friendly school.")
    return VacancyFactory(published=True, title=title, **fields)


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_wizard_asks_hours_fte_and_term_time_and_keeps_what_was_typed_when_wrong(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)
    vacancy_id = _start(client, membership, title="Teaching Assistant", job_roles=["teaching_assistant"])
    url = f"/school/vacancies/{vacancy_id}/edit/working-pattern"
    form = vacancy_form(membership.organisation_id, working_patterns=["part_time"])

    wrong = client.post(url, data=section_data(form, "working-pattern", hours_per_week="lots", fte="1.5"))

    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 200
    assert 'href="#hours_per_week"' in page
    assert "Enter the hours per week as a number from 0.5 to 60, like 32.5" in page
    assert "Enter the full-time equivalent as a number from 0.1 to 1.0, like 0.6" in page
    assert 'value="lots"' in page
    assert 'value="1.5"' in page

    full_time = client.post(
        url, data=section_data(form, "working-pattern", working_patterns=["full_time"], fte="0.6")
    ).get_data(as_text=True)
    assert "A full-time job is 1.0 full-time equivalent" in full_time

    saved = client.post(
        url,
        data=section_data(form, "working-pattern", hours_per_week="30", fte="0.81", term_time_only="y"),
    )
    assert saved.status_code == 302
    vacancy = db.session.get(Vacancy, vacancy_id)
    db.session.refresh(vacancy)
    assert (vacancy.hours_per_week, vacancy.fte, vacancy.term_time_only) == (30.0, 0.81, True)
    shown = client.get(url).get_data(as_text=True)
    assert 'value="30"' in shown
    assert 'value="0.81"' in shown


def test_the_pay_section_takes_actual_pay_and_an_hourly_rate_and_check_answers_shows_them(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)
    vacancy_id = _start(client, membership)
    form = vacancy_form(membership.organisation_id, working_patterns=["part_time"])
    client.post(
        f"/school/vacancies/{vacancy_id}/edit/working-pattern",
        data=section_data(form, "working-pattern", fte="0.6"),
    )
    url = f"/school/vacancies/{vacancy_id}/edit/pay"
    pay = section_data(form, "pay")

    wrong = client.post(url, data={**pay, "actual_salary": "90,000", "hourly_rate_pence": "12.855"})
    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 200
    assert "The actual pay must be the same as or less than the highest full-time salary" not in page
    assert "Enter an hourly rate in pounds and pence, like 12.85" in page
    assert 'value="12.855"' in page
    too_much = client.post(url, data={**pay, "actual_salary": "90,000"}).get_data(as_text=True)
    assert "The actual pay must be the same as or less than the highest full-time salary" in too_much
    assert 'href="#actual_salary"' in too_much

    assert (
        client.post(url, data={**pay, "actual_salary": "£19,000", "hourly_rate_pence": "17.06"}).status_code
        == 302
    )
    vacancy = db.session.get(Vacancy, vacancy_id)
    db.session.refresh(vacancy)
    assert (vacancy.actual_salary, vacancy.hourly_rate_pence) == (19_000, 1706)
    answers = text_of(client.get(f"/school/vacancies/{vacancy_id}/check-your-answers").get_data(as_text=True))
    assert "Actual pay £19,000 a year" in answers
    assert "Hourly rate £17.06 an hour" in answers
    assert "Hours 0.6 FTE" in answers


def test_the_job_page_shows_the_range_and_works_out_a_part_time_posts_actual_pay(client):
    vacancy = job("Teacher of Music", working_patterns=["part_time"], fte=0.6, hours_per_week=19.5, **MPS_UPS)

    page = client.get(f"/jobs/{vacancy.id}").get_data(as_text=True)

    words = text_of(page)
    assert "Salary range £31,650 to £49,084 a year full-time equivalent" in words
    assert "Actual pay £18,990 to £29,450 a year (0.6 of the full-time range)" in words
    assert "Hours 19.5 hours a week, 0.6 FTE" in words
    data = structured_data(page)
    assert data["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "GBP",
        "value": {"@type": "QuantitativeValue", "unitText": "YEAR", "minValue": 31_650, "maxValue": 49_084},
    }
    assert data["workHours"] == "19.5 hours a week, 0.6 FTE"


def test_a_job_paid_by_the_hour_shows_its_rate_and_its_json_ld_says_hour(client):
    vacancy = job(
        "Midday Supervisor",
        job_roles=["other_support"],
        working_patterns=["part_time"],
        salary="£12.85 an hour",
        salary_minimum=None,
        salary_maximum=None,
        hourly_rate_pence=1285,
        hours_per_week=7.5,
        term_time_only=True,
    )

    page = client.get(f"/jobs/{vacancy.id}").get_data(as_text=True)

    words = text_of(page)
    assert "Hourly rate £12.85 an hour" in words
    assert "Working pattern Part time, Term time only" in words
    assert "Salary range" not in words
    assert structured_data(page)["baseSalary"]["value"] == {
        "@type": "QuantitativeValue",
        "unitText": "HOUR",
        "value": 12.85,
    }


def test_search_results_show_pay_and_the_minimum_salary_goes_by_pay_for_the_hours(client):
    job("Full-time teacher", **MPS_UPS)
    job("Part-time teacher", working_patterns=["part_time"], fte=0.6, **MPS_UPS)
    job(
        "Hourly assistant",
        salary="Hourly",
        salary_minimum=None,
        salary_maximum=None,
        hourly_rate_pence=1300,
        hours_per_week=37,
    )

    everything = text_of(client.get("/jobs").get_data(as_text=True))
    at_least_30k = text_of(client.get("/jobs?minimum_salary=30000").get_data(as_text=True))
    at_least_25k = text_of(client.get("/jobs?minimum_salary=%C2%A325%2C000").get_data(as_text=True))

    assert "Pay: £31,650 to £49,084 a year" in everything
    assert "Pay: £18,990 to £29,450 a year actual pay, 0.6 FTE" in everything
    assert "Pay: £13.00 an hour" in everything
    assert "1 job found" in at_least_30k
    assert "Full-time teacher" in at_least_30k
    # £13 x 37 hours x 52.14 weeks is £25,080 a year; the part-time post pays at most £29,450.
    assert "3 jobs found" in at_least_25k
    assert "At least £25,000" in at_least_25k


def test_a_minimum_salary_that_is_not_a_number_is_an_error_linked_to_its_field(client):
    job("Full-time teacher", **MPS_UPS)

    page = client.get("/jobs?minimum_salary=lots").get_data(as_text=True)

    assert 'class="govuk-error-summary"' in page
    assert '<a href="#minimum_salary">Enter a minimum salary in pounds a year, like 30,000</a>' in page
    assert 'id="minimum_salary-error"' in page
    assert 'value="lots"' in page
    assert "1 job found" in page  # the rest of the search still runs


def test_term_time_only_is_a_working_pattern_filter_with_a_count(client):
    job("Teaching assistant", working_patterns=["part_time"], term_time_only=True)
    job("Office manager")

    page = client.get("/jobs?working_patterns=term_time_only").get_data(as_text=True)

    assert "1 job found" in page
    assert "Teaching assistant" in page
    assert 'Term time only <span class="app-facet-count">(1)</span>' in page


def test_the_json_api_gives_hours_and_pay_with_what_was_worked_out(client):
    vacancy = job(
        "Part-time teacher", working_patterns=["part_time"], fte=0.6, hours_per_week=19.5, **MPS_UPS
    )

    data = client.get(f"/api/v1/vacancies/{vacancy.id}").get_json()["data"]

    assert data["hours_per_week"] == 19.5
    assert data["fte"] == 0.6
    assert data["term_time_only"] is False
    assert data["actual_salary"] is None
    assert data["actual_pay"] == {"minimum": 18_990, "maximum": 29_450, "worked_out": True}
    assert data["yearly_pay"] == 29_450
    assert data["baseSalary"]["value"]["unitText"] == "YEAR"


def test_an_ats_sends_hours_and_pay_and_gets_each_bad_one_named(client, token):  # noqa: F811
    body = payload(
        working_patterns=["part_time"],
        hours_per_week=30,
        fte=0.81,
        term_time_only=True,
        actual_salary=17_200,
        hourly_rate=12.85,
    )

    created = post(client, "/api/v1/ats/vacancies", body, token)

    assert created.status_code == 201, created.get_json()
    vacancy = db.session.scalar(sa.select(Vacancy).where(Vacancy.external_reference == "ATS-123"))
    assert (vacancy.hours_per_week, vacancy.fte, vacancy.term_time_only) == (30.0, 0.81, True)
    assert (vacancy.actual_salary, vacancy.hourly_rate_pence) == (17_200, 1285)
    listed = client.get(f"/api/v1/vacancies/{vacancy.id}").get_json()["data"]
    assert (listed["hourly_rate"], listed["actual_pay"]["worked_out"]) == (12.85, False)

    bad = post(client, "/api/v1/ats/vacancies", payload(fte=0.6, hourly_rate="12.85"), token)
    assert bad.status_code == 422
    assert bad.get_json()["errors"] == {"hourly_rate": "Must be pounds and pence an hour, like 12.85"}
    full_time = post(client, "/api/v1/ats/vacancies/check", payload(fte=0.6), token)
    assert full_time.status_code == 422
    assert "fte" in full_time.get_json()["errors"]


# Whoosh leaves an unreadable table of contents open until the error's traceback is released.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_the_database_fallback_filters_by_the_same_yearly_pay(app, client):
    job("Full-time teacher", **MPS_UPS)
    job("Part-time teacher", working_patterns=["part_time"], fte=0.6, **MPS_UPS)
    job(
        "Hourly assistant",
        salary="Hourly",
        salary_minimum=None,
        salary_maximum=None,
        hourly_rate_pence=1300,
        hours_per_week=37,
    )
    job(
        "Term-time assistant",
        term_time_only=True,
        hourly_rate_pence=1300,
        hours_per_week=37,
        salary_maximum=None,
        salary_minimum=None,
    )
    for toc in Path(app.config["SEARCH_INDEX_PATH"]).glob("_MAIN_*.toc"):
        toc.write_bytes(b"\x00" * 10)

    def titles(minimum: int) -> set[str]:
        body = client.get(f"/api/v1/vacancies?minimum_salary={minimum}").get_json()
        assert body["meta"]["degraded"] is True
        return {item["title"] for item in body["data"]}

    # 13 x 37 x 52.14 = £25,080 a year; for 44 weeks of term time, £21,164.
    assert titles(21_000) == {
        "Full-time teacher",
        "Part-time teacher",
        "Hourly assistant",
        "Term-time assistant",
    }
    assert titles(25_000) == {"Full-time teacher", "Part-time teacher", "Hourly assistant"}
    assert titles(30_000) == {"Full-time teacher"}
