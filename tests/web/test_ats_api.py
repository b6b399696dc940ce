"""The ATS API: a bearer token per client, create-or-update by reference, checks, field errors."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.moderation.models import AtsClient
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from tests.conftest import make_config
from tests.factories import OrganisationFactory, VacancyFactory


@pytest.fixture
def app_config(tmp_path, migrated_database):
    return make_config(
        tmp_path,
        migrated_database,
        WTF_CSRF_ENABLED=True,
        RATELIMIT_ENABLED=True,
        ATS_RATE_LIMIT="20 per minute",
    )


def payload(**changes) -> dict:
    closes = (utcnow() + dt.timedelta(days=20)).replace(microsecond=0)
    body = {
        "external_reference": "ATS-123",
        "status": "published",
        "title": "Teacher of Mathematics",
        "job_roles": ["teacher"],
        "phases": ["secondary"],
        "key_stages": ["ks3", "ks4"],
        "subjects": ["Mathematics"],
        "working_patterns": ["full_time"],
        "job_share": False,
        "contract_type": "permanent",
        "ect_suitable": True,
        "visa_sponsorship": False,
        "quick_apply": True,
        "salary": "MPS/UPS (£31,650 to £49,084)",
        "salary_min": 31650,
        "salary_max": 49084,
        "description": "Teach mathematics across key stages 3 and 4 in a friendly, well-led department.",
        "contact_email": "recruitment@riverside.example.org",
        "closes_at": closes.isoformat(),
    }
    body.update(changes)
    return body


@pytest.fixture
def token(app, runner_app=None):
    organisation = OrganisationFactory(urn="137001")
    VacancyFactory(
        organisation=organisation, published=True, title="Caretaker", about_role="Look after the site."
    )
    result = app.test_cli_runner().invoke(
        args=["ats", "create-client", "--organisation", "137001", "--name", "Acme ATS"]
    )
    assert result.exit_code == 0, result.output
    printed = result.output.strip().splitlines()[-1]
    assert printed.startswith("tvm_")
    client = db.session.scalar(sa.select(AtsClient))
    assert client.token_hash != printed
    assert printed not in client.token_hash
    return printed


def post(client, url, body, token):
    return client.post(url, json=body, headers={"Authorization": f"Bearer {token}"})


def test_a_clean_listing_from_a_trusted_school_publishes_and_a_resend_updates_it(client, token):
    created = post(client, "/api/v1/ats/vacancies", payload(), token)

    assert created.status_code == 201, created.get_json()
    assert created.get_json() == {"outcome": "publish", "findings": []}
    vacancy = db.session.scalar(sa.select(Vacancy).where(Vacancy.external_reference == "ATS-123"))
    assert vacancy.status is VacancyStatus.PUBLISHED

    updated = post(client, "/api/v1/ats/vacancies", payload(title="Teacher of Maths"), token)
    assert updated.status_code == 200
    db.session.refresh(vacancy)
    assert vacancy.title == "Teacher of Maths"
    assert vacancy.status is VacancyStatus.PUBLISHED
    assert db.session.scalar(sa.select(sa.func.count(Vacancy.id))) == 2


def test_an_edit_that_needs_review_takes_the_live_listing_down_until_approved(client, token):
    post(client, "/api/v1/ats/vacancies", payload(), token)

    answer = post(
        client, "/api/v1/ats/vacancies", payload(description="A young and dynamic mathematician."), token
    )

    assert answer.get_json()["outcome"] == "review"
    vacancy = db.session.scalar(sa.select(Vacancy).where(Vacancy.external_reference == "ATS-123"))
    assert vacancy.status is VacancyStatus.PENDING_REVIEW


def test_check_runs_the_rules_without_saving(client, token):
    answer = post(
        client, "/api/v1/ats/vacancies/check", payload(description="Send your bank details today!!!"), token
    )

    assert answer.status_code == 200
    body = answer.get_json()
    assert body["outcome"] == "block"
    assert {f["rule"] for f in body["findings"]} == {"scam.bank_details", "tone.shouting"}
    bank = next(f for f in body["findings"] if f["rule"] == "scam.bank_details")
    assert bank["severity"] == "block"
    assert bank["field"] == "about_role"
    assert bank["span"] == [10, 22]
    assert set(bank) == {"rule", "severity", "message", "field", "span"}
    assert db.session.scalar(sa.select(sa.func.count(Vacancy.id))) == 1  # only the school's earlier listing


def test_bad_payloads_get_422_with_the_field_errors(client, token):
    answer = post(
        client,
        "/api/v1/ats/vacancies",
        payload(title="", job_roles=["wizard"], salary_min="lots", closes_at="next week", status="maybe"),
        token,
    )

    assert answer.status_code == 422
    errors = answer.get_json()["errors"]
    assert set(errors) >= {"title", "job_roles", "salary_min", "closes_at", "status"}
    assert post(client, "/api/v1/ats/vacancies", ["not", "an", "object"], token).status_code == 422
    other_school = OrganisationFactory(urn="999999")
    wrong = post(client, "/api/v1/ats/vacancies", payload(school={"urn": other_school.urn}), token)
    assert wrong.status_code == 422
    assert "school.urn" in wrong.get_json()["errors"]


def test_a_body_nested_too_deeply_or_not_json_is_a_400_saying_so(client, token):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for url in ("/api/v1/ats/vacancies", "/api/v1/ats/vacancies/check"):
        # Deep enough that Python's parser gives up (RecursionError), and merely deeper than a listing needs.
        for body in ("[" * 100_000 + "]" * 100_000, '{"a":' * 40 + "1" + "}" * 40):
            answer = client.post(url, data=body, headers=headers)
            assert answer.status_code == 400
            assert answer.get_json()["error"] == "bad_request"
            assert "nested more than 32 levels deep" in answer.get_json()["message"]
        not_json = client.post(url, data="{'title': 'Teacher'", headers=headers)
        assert not_json.status_code == 400
        assert "not JSON the API can read" in not_json.get_json()["message"]
    # NaN is not JSON (Python reads it; int() then refuses it).
    nan = client.post("/api/v1/ats/vacancies", data='{"salary_min": NaN}', headers=headers)
    assert nan.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Vacancy.id))) == 1  # only the school's earlier listing


def test_no_token_or_a_wrong_token_is_refused(client, token):
    assert client.post("/api/v1/ats/vacancies", json=payload()).status_code == 401
    assert post(client, "/api/v1/ats/vacancies", payload(), "tvm_wrong").status_code == 401
    assert post(client, "/api/v1/ats/vacancies/check", payload(), token[:-1]).status_code == 401


def test_the_api_is_rate_limited_per_token(client, token):
    answers = [post(client, "/api/v1/ats/vacancies/check", payload(), token).status_code for _ in range(21)]
    assert answers[:20] == [200] * 20
    assert answers[20] == 429


def test_instructions_and_questions_round_trip_through_the_api_and_its_document(client, token):
    asked = [{"text": "Why this school?", "required": True}, {"text": "Anything else?", "required": False}]
    body = payload(
        statement_instructions="Use the person specification's headings.", application_questions=asked
    )

    created = post(client, "/api/v1/ats/vacancies", body, token)

    assert created.status_code == 201, created.get_json()
    vacancy = db.session.scalar(sa.select(Vacancy).where(Vacancy.external_reference == "ATS-123"))
    assert vacancy.statement_instructions == "Use the person specification's headings."
    assert vacancy.application_questions == asked
    document = client.get("/api/v1/openapi.json").get_json()
    schema = next(
        candidate
        for candidate in document["components"]["schemas"].values()
        if "application_questions" in candidate.get("properties", {})
    )
    assert schema["properties"]["application_questions"]["maxItems"] == 5
    assert (
        schema["properties"]["application_questions"]["items"]["properties"]["required"]["type"] == "boolean"
    )


def test_bad_questions_are_field_errors(client, token):
    too_many = [{"text": f"Question {n}?"} for n in range(6)]
    for questions, message in (
        ("Why?", "Must be a list of questions"),
        ([{"text": "Why?", "required": "yes"}], "Must be a list of questions"),
        (too_many, "Ask at most 5 questions"),
    ):
        refused = post(client, "/api/v1/ats/vacancies", payload(application_questions=questions), token)
        assert refused.status_code == 422
        assert refused.get_json()["errors"]["application_questions"].startswith(message)
