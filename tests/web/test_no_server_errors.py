"""Whatever a person (or a bot) sends, the answer is never a server error."""

import re

import pytest

from tests.conftest import sign_in_as
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory, VacancyFactory

NASTY_VALUES = [
    "",
    " ",
    "x" * 100_000,
    "\x00",
    "null\x00byte",
    "😀 ünïcödé ‮ right-to-left",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "-1",
    "99999999999999999999999999",
    "31",
    "../../etc/passwd",
]


def _users():
    membership = MembershipFactory()
    vacancy = VacancyFactory(published=True, organisation=membership.organisation)
    application = ApplicationFactory(vacancy=vacancy)
    return (
        {
            "anonymous": None,
            "jobseeker": application.jobseeker,
            "school": membership.user,
            "moderator": UserFactory(moderator=True),
        },
        vacancy,
        application,
    )


def _urls(app, vacancy_id: int, application_id: int):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        url = re.sub(r"<int:vacancy_id>", str(vacancy_id), rule.rule)
        url = re.sub(r"<int:application_id>", str(application_id), url)
        url = re.sub(r"<int:\w+>", "1", url)
        url = re.sub(r"<\w+>", "not-a-real-token", url)
        yield url, rule.methods


@pytest.mark.parametrize("value_index", range(len(NASTY_VALUES)))
def test_no_page_answers_nasty_input_with_a_server_error(app, client, value_index):
    users, vacancy, application = _users()
    value = NASTY_VALUES[value_index]
    field_names = [
        "email",
        "password",
        "full_name",
        "title",
        "salary",
        "salary_minimum",
        "publish_on",
        "closing_date",
        "closing_time",
        "job_roles",
        "phases",
        "reason",
        "note",
        "supporting_statement",
        "statement",
        "domain",
        "decision",
        "organisation_id",
        "account_type",
        "school_urn",
        "keyword",
        "page",
        "per_page",
        "sort",
        "how_to_apply",
        "application_url",
        "contact_email",
        "submit",
        "tab",
    ]
    failures = []
    for role, user in users.items():
        if user is not None:
            sign_in_as(client, user)
        for url, methods in _urls(app, vacancy.id, application.id):
            if url == "/sign-out":
                continue
            if "GET" in methods:
                response = client.get(url, query_string={name: value for name in field_names})
                if response.status_code >= 500:
                    failures.append(f"{role} GET {url}: {response.status_code}")
            if "POST" in methods:
                response = client.post(url, data={name: value for name in field_names})
                if response.status_code >= 500:
                    failures.append(f"{role} POST {url}: {response.status_code}")
    assert failures == []


def test_hostile_numbers_in_addresses_and_parameters_are_refused_not_crashed(client):
    # Found by fuzzing: ids past what the database holds, Unicode digits that isdigit() accepts and int()
    # refuses, the last date there is, and pages longer than anyone reads.
    assert client.get("/jobs/9223372036854775808").status_code == 404
    assert client.get("/jobs/2147483648").status_code == 404
    assert client.get("/api/v1/vacancies/9223372036854775808").status_code == 404
    assert client.get("/api/v1/vacancies?per_page=²").status_code == 400
    assert client.get("/api/v1/vacancies?per_page=101").status_code == 400
    # The page forgives a bad value and shows its default instead: 20 a page, never 10,000.
    assert client.get("/jobs?page=²").status_code == 200
    assert client.get("/jobs?per_page=10000").status_code == 200


def test_the_audit_log_up_to_the_last_date_there_is(client):
    from tests.conftest import sign_in_as
    from tests.factories import UserFactory

    sign_in_as(client, UserFactory(moderator=True))
    assert client.get("/moderation/audit-log?until=9999-12-31").status_code == 200
