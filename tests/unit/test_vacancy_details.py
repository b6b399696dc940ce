import datetime as dt

import pytest

from marketplace.vacancies.details import VacancyDetails, problems

NOW = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)


def details(**changes) -> VacancyDetails:
    values = dict(
        title="Teacher of English",
        job_roles=["teacher"],
        phases=["secondary"],
        key_stages=["ks3"],
        subjects=["English"],
        working_patterns=["full_time"],
        job_share=False,
        contract_type="permanent",
        fixed_term_length=None,
        parental_leave_cover=False,
        salary="MPS",
        salary_minimum=None,
        salary_maximum=None,
        starts_on=None,
        publish_on=dt.date(2027, 3, 1),
        closing_date=dt.date(2027, 3, 20),
        closing_time="12:00",
        ect_status="ect_suitable",
        visa_sponsorship=False,
        about_role="Teach English.",
        what_school_offers="",
        how_to_apply="marketplace",
        application_url=None,
        application_email=None,
        contact_email="jobs@school.example.org",
        external_reference=None,
    )
    values.update(changes)
    return VacancyDetails(**values)


def test_sound_details_have_no_problems():
    assert problems(details(), NOW) == {}


def test_closing_time_is_uk_local_time_stored_as_utc():
    summer = details(closing_date=dt.date(2027, 6, 30), closing_time="09:00")
    assert summer.closes_at == dt.datetime(2027, 6, 30, 8, 0, tzinfo=dt.UTC)  # BST is UTC+1
    winter = details(closing_date=dt.date(2027, 12, 1), closing_time="23:59")
    assert winter.closes_at == dt.datetime(2027, 12, 1, 23, 59, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"contract_type": "fixed_term"}, "fixed_term_length", "how long"),
        ({"salary_minimum": 40000, "salary_maximum": 30000}, "salary_maximum", "same as or more"),
        ({"publish_on": dt.date(2027, 2, 28)}, "publish_on", "today or in the future"),
        (
            {"closing_date": dt.date(2027, 2, 27), "publish_on": dt.date(2027, 3, 1)},
            "closing_date",
            "on or after",
        ),
        ({"closing_date": dt.date(2027, 12, 1)}, "closing_date", "within 6 months"),
        ({"closing_date": dt.date(2027, 3, 1), "closing_time": "09:00"}, "closing_date", "in the future"),
        ({"starts_on": dt.date(2027, 3, 10)}, "starts_on", "after the closing date"),
        ({"how_to_apply": "website"}, "application_url", "web address"),
        (
            {"how_to_apply": "website", "application_url": "javascript:alert(1)"},
            "application_url",
            "https://",
        ),
        ({"how_to_apply": "email"}, "application_email", "email address"),
        ({"job_roles": ["astronaut"]}, "job_roles", "from the list"),
    ],
)
def test_each_rule_names_the_field_and_says_how_to_fix_it(changes, field, words):
    found = problems(details(**changes), NOW)
    assert field in found
    assert words in found[field]


def test_answers_that_do_not_apply_are_not_stored():
    values = details(
        contract_type="permanent",
        fixed_term_length="1 year",
        parental_leave_cover=True,
        how_to_apply="marketplace",
        application_url="https://x.example.org",
    ).model_fields()
    assert values["fixed_term_length"] is None
    assert values["parental_leave_cover"] is False
    assert values["application_url"] is None
