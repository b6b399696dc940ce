"""What a school writes about a vacancy, as a plain value, and the rules it must satisfy.

The same rules serve the web form, and later the API and imports: they are a pure function of
the details and today's date, so they are tested without a database or a request.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from marketplace.db import UK, uk_today
from marketplace.vacancies import pay, questions, vocabulary

# A listing runs for at most this long: longer adverts go stale and mislead jobseekers.
MAX_LISTING_DAYS = 183


@dataclasses.dataclass
class VacancyDetails:
    title: str
    job_roles: list[str]
    phases: list[str]
    key_stages: list[str]
    subjects: list[str]
    working_patterns: list[str]
    job_share: bool
    contract_type: str
    fixed_term_length: str | None
    parental_leave_cover: bool
    salary: str
    salary_minimum: int | None
    salary_maximum: int | None
    starts_on: dt.date | None
    publish_on: dt.date
    closing_date: dt.date
    closing_time: str
    ect_status: str
    visa_sponsorship: bool
    about_role: str
    what_school_offers: str
    how_to_apply: str
    application_url: str | None
    application_email: str | None
    contact_email: str
    external_reference: str | None
    # Hours and pay beyond the range (vacancies/pay.py); optional, so last and with defaults.
    hours_per_week: float | None = None
    fte: float | None = None
    term_time_only: bool = False
    actual_salary: int | None = None
    hourly_rate_pence: int | None = None
    # What the school asks applicants besides the form (vacancies/questions.py).
    statement_instructions: str = ""
    application_questions: list[dict] = dataclasses.field(default_factory=list)

    @property
    def closes_at(self) -> dt.datetime:
        """The closing moment, given in UK local time, as an aware UTC datetime."""
        hours, minutes = (int(part) for part in self.closing_time.split(":"))
        local = dt.datetime.combine(self.closing_date, dt.time(hours, minutes), tzinfo=UK)
        return local.astimezone(dt.UTC)

    def model_fields(self) -> dict:
        """The values to set on a Vacancy row."""
        values = dataclasses.asdict(self)
        values.pop("closing_date")
        values.pop("closing_time")
        values["closes_at"] = self.closes_at
        if self.contract_type != "fixed_term":
            values["fixed_term_length"] = None
            values["parental_leave_cover"] = False
        if self.how_to_apply != "website":
            values["application_url"] = None
        if self.how_to_apply != "email":
            values["application_email"] = None
        values["application_questions"] = questions.tidy(self.application_questions)
        return values

    @classmethod
    def from_vacancy(cls, vacancy) -> VacancyDetails:
        local_close = vacancy.closes_at.astimezone(UK)
        names = {f.name for f in dataclasses.fields(cls)} - {"closing_date", "closing_time"}
        values = {name: getattr(vacancy, name) for name in names}
        values["statement_instructions"] = values["statement_instructions"] or ""
        values["application_questions"] = [
            dict(question) for question in values["application_questions"] or []
        ]
        return cls(
            **values,
            closing_date=local_close.date(),
            closing_time=local_close.strftime("%H:%M"),
        )


def problems(details: VacancyDetails, now: dt.datetime) -> dict[str, str]:
    """Rules that span fields or depend on the date, by field name. Empty when the details are sound."""
    today = uk_today(now)
    found: dict[str, str] = {}
    if not set(details.job_roles) <= vocabulary.JOB_ROLES.keys():
        found["job_roles"] = "Select job roles from the list"
    if not set(details.phases) <= vocabulary.PHASES.keys():
        found["phases"] = "Select education phases from the list"
    if details.contract_type == "fixed_term" and not (details.fixed_term_length or "").strip():
        found["fixed_term_length"] = "Enter how long the fixed-term contract lasts"
    if (
        details.salary_minimum is not None
        and details.salary_maximum is not None
        and details.salary_minimum > details.salary_maximum
    ):
        found["salary_maximum"] = "The highest salary must be the same as or more than the lowest salary"
    found.update(pay_problems(vars(details)))
    if details.publish_on < today:
        found["publish_on"] = "The date the listing goes live must be today or in the future"
    if details.closing_date < details.publish_on:
        found["closing_date"] = "The closing date must be on or after the date the listing goes live"
    elif details.closing_date > details.publish_on + dt.timedelta(days=MAX_LISTING_DAYS):
        found["closing_date"] = "The closing date must be within 6 months of the date the listing goes live"
    elif details.closes_at <= now:
        found["closing_date"] = "The closing date and time must be in the future"
    if details.starts_on is not None and details.starts_on < details.closing_date:
        found["starts_on"] = "The start date must be after the closing date"
    if details.how_to_apply == "website":
        url = (details.application_url or "").strip()
        if not url:
            found["application_url"] = "Enter the web address where candidates apply"
        elif not url.lower().startswith(("https://", "http://")):
            found["application_url"] = "Enter a web address starting https://"
    if details.how_to_apply == "email" and not (details.application_email or "").strip():
        found["application_email"] = "Enter the email address candidates should apply to"
    found.update(questions.problems(details.statement_instructions, details.application_questions))
    return found


def pay_problems(values: Mapping[str, Any]) -> dict[str, str]:
    """The hours and pay beyond the range (VacancyDetails values, or a Vacancy's for an import): within
    bounds, and consistent with the working pattern."""
    found: dict[str, str] = {}
    hours, fte = values.get("hours_per_week"), values.get("fte")
    actual_salary, salary_maximum = values.get("actual_salary"), values.get("salary_maximum")
    hourly_rate_pence = values.get("hourly_rate_pence")
    working_patterns = list(values.get("working_patterns") or [])
    if hours is not None and not 0 < hours <= pay.MOST_HOURS:
        found["hours_per_week"] = f"Hours per week must be more than 0 and no more than {pay.MOST_HOURS}"
    if fte is not None:
        if not pay.LOWEST_FTE <= fte <= pay.HIGHEST_FTE:
            found["fte"] = "Full-time equivalent must be between 0.1 and 1.0, like 0.6"
        elif fte < pay.HIGHEST_FTE and working_patterns == ["full_time"]:
            found["fte"] = (
                "A full-time job is 1.0 full-time equivalent: enter 1.0, or choose part time as the "
                "working pattern"
            )
    if actual_salary is not None:
        if not 0 < actual_salary <= pay.MOST_SALARY:
            found["actual_salary"] = "Enter the actual pay in pounds a year, like 18,990"
        elif salary_maximum is not None and actual_salary > salary_maximum:
            found["actual_salary"] = (
                "The actual pay must be the same as or less than the highest full-time salary"
            )
        elif "part_time" not in working_patterns and not values.get("term_time_only"):
            found["actual_salary"] = "Only give the actual pay for a part-time or term-time-only job"
    if hourly_rate_pence is not None and not 0 < hourly_rate_pence <= pay.MOST_HOURLY_RATE_PENCE:
        found["hourly_rate_pence"] = "Enter an hourly rate in pounds and pence, like 12.45"
    return found
