"""A jobseeker filters jobs by pay in a real browser: a minimum salary they mistype is pointed out and kept,
the pay of each job is on the results, and term time only is one more working pattern to tick."""

import pytest
from playwright.sync_api import expect

from tests.factories import VacancyFactory

pytestmark = pytest.mark.browser


def test_a_jobseeker_mistypes_a_minimum_salary_fixes_it_and_filters_by_pay(page, live_server):
    range_ = {"salary": "MPS/UPS", "salary_minimum": 31_650, "salary_maximum": 49_084}
    VacancyFactory(published=True, title="Teacher of Geography", **range_)
    VacancyFactory(
        published=True, title="Teacher of Music", working_patterns=["part_time"], fte=0.6, **range_
    )
    VacancyFactory(
        published=True,
        title="Teaching Assistant",
        job_roles=["teaching_assistant"],
        working_patterns=["part_time"],
        salary="NJC grade 3, term time only",
        salary_minimum=None,
        salary_maximum=None,
        hourly_rate_pence=1285,
        hours_per_week=30,
        term_time_only=True,
    )

    page.goto(f"{live_server}/jobs")
    expect(page.get_by_text("Pay: £18,990 to £29,450 a year actual pay, 0.6 FTE")).to_be_visible()
    expect(page.get_by_text("Pay: £12.85 an hour")).to_be_visible()
    salary = page.get_by_label("Minimum salary (£ a year)")
    salary.fill("thirty grand")
    page.get_by_role("button", name="Search").first.click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Enter a minimum salary in pounds a year, like 30,000").click()
    expect(salary).to_be_focused()
    expect(salary).to_have_value("thirty grand")

    salary.fill("£30,000")
    page.get_by_role("button", name="Search").first.click()
    expect(page.locator("#results-count")).to_have_text("1 job found")
    expect(page.get_by_role("link", name="Teacher of Geography")).to_be_visible()

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("Term time only").check()
    page.get_by_role("button", name="Search").first.click()
    expect(page.locator("#results-count")).to_have_text("1 job found")
    expect(page.get_by_role("link", name="Teaching Assistant")).to_be_visible()
    assert page.console_problems == []
