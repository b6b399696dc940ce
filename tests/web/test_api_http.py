"""The public API is cacheable, readable from any origin and rate-limited."""

import pytest

from tests.conftest import make_config
from tests.factories import VacancyFactory


def test_responses_carry_an_etag_and_an_unchanged_one_costs_nothing(client):
    vacancy = VacancyFactory(published=True)

    first = client.get(f"/api/v1/vacancies/{vacancy.id}")
    again = client.get(f"/api/v1/vacancies/{vacancy.id}", headers={"If-None-Match": first.headers["ETag"]})

    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=60"
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert again.status_code == 304
    assert again.get_data() == b""


def test_a_changed_listing_gets_a_new_etag(client):
    vacancy = VacancyFactory(published=True)
    before = client.get(f"/api/v1/vacancies/{vacancy.id}").headers["ETag"]
    vacancy.title = "Teacher of Further Mathematics"
    from marketplace.extensions import db

    db.session.commit()

    after = client.get(f"/api/v1/vacancies/{vacancy.id}", headers={"If-None-Match": before})
    assert after.status_code == 200
    assert after.headers["ETag"] != before


def test_errors_are_readable_cross_origin_and_never_cached_publicly(client):
    response = client.get("/api/v1/vacancies/999999")
    assert response.status_code == 404
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "public" not in response.headers.get("Cache-Control", "")


@pytest.fixture
def app_config(tmp_path, migrated_database):
    return make_config(tmp_path, migrated_database, RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")


def test_the_api_is_rate_limited_with_a_json_answer(client):
    statuses = [client.get("/api/v1/vacancies").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/api/v1/vacancies").get_json()["error"] == "too_many_requests"


def test_one_vacancy_is_the_same_job_posting_as_in_the_list(client):
    vacancy = VacancyFactory(published=True, title="Teacher of Music")

    listed = client.get("/api/v1/vacancies?keyword=music").get_json()["data"]
    one = client.get(f"/api/v1/vacancies/{vacancy.id}").get_json()["data"]

    assert one == listed[0]
    assert one["@type"] == "JobPosting"
    assert one["id"] == vacancy.id
    assert one["title"] == "Teacher of Music"


def test_links_are_on_the_service_address_whatever_host_the_request_names(client):
    vacancy = VacancyFactory(published=True)

    posting = client.get(f"/api/v1/vacancies/{vacancy.id}", headers={"Host": "attacker.example"}).get_json()

    assert posting["data"]["url"] == f"http://localhost/jobs/{vacancy.id}"
