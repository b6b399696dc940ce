"""Pages anyone can see, and the public JSON API."""

import datetime as dt
from pathlib import Path

import pytest

from marketplace.db import utcnow
from tests.factories import OrganisationFactory, VacancyFactory


def test_the_search_page_finds_live_jobs_by_keyword_and_highlights_the_words(client):
    VacancyFactory(published=True, title="Teacher of Chemistry", about_role="Teach chemistry to GCSE.")
    VacancyFactory(published=True, title="Teacher of History")
    VacancyFactory(pending=True, title="Head of Chemistry")

    page = client.get("/jobs?keyword=chemistry").get_data(as_text=True)

    assert "1 job found" in page
    assert "Teacher of Chemistry" in page
    assert "Head of Chemistry" not in page
    assert "<mark>chemistry</mark>" in page.lower()


def test_filters_and_bad_page_numbers_never_break_the_search_page(client):
    VacancyFactory(published=True, phases=["primary"], title="Year 3 class teacher")
    response = client.get("/jobs?phases=primary&phases=not-a-phase&page=abc&sort=sideways")
    assert response.status_code == 200
    assert "Year 3 class teacher" in response.get_data(as_text=True)


def test_a_job_page_shows_the_listing_and_how_to_apply(client):
    vacancy = VacancyFactory(
        published=True, how_to_apply="website", application_url="https://apply.example.org/1"
    )
    page = client.get(f"/jobs/{vacancy.id}").get_data(as_text=True)
    assert vacancy.title in page
    assert "https://apply.example.org/1" in page


def test_a_school_page_lists_only_its_live_jobs(client):
    school = OrganisationFactory(name="Brook Lane Primary")
    VacancyFactory(published=True, organisation=school, title="Reception teacher")
    VacancyFactory(organisation=school, title="Draft deputy head")
    page = client.get(f"/schools/{school.slug}").get_data(as_text=True)
    assert "Reception teacher" in page
    assert "Draft deputy head" not in page
    assert school.slug == "brook-lane-primary"
    assert client.get("/schools/no-such-school").status_code == 404


def test_the_api_searches_live_vacancies(client):
    live = VacancyFactory(published=True, title="Teacher of Physics")
    VacancyFactory(published=True, title="Teacher of Physics", closes_at=utcnow() - dt.timedelta(seconds=1))

    body = client.get("/api/v1/vacancies?keyword=physics").get_json()

    assert body["meta"]["total"] == 1
    assert [v["id"] for v in body["data"]] == [live.id]
    posting = body["data"][0]
    assert posting["@type"] == "JobPosting"
    assert posting["hiringOrganization"]["identifier"] == live.organisation.urn
    assert set(body) == {"data", "meta", "facets", "suggestions"}


@pytest.mark.parametrize("query", ["page=0", "page=abc", "per_page=-5", "per_page=100000"])
def test_the_api_answers_bad_parameters_with_a_json_400(client, query):
    response = client.get(f"/api/v1/vacancies?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"
    assert response.get_json()["parameter"] == query.split("=")[0]


def test_the_api_answers_unknown_vacancies_with_a_json_404(client):
    draft = VacancyFactory()
    for url in (f"/api/v1/vacancies/{draft.id}", "/api/v1/vacancies/999999", "/api/v1/nothing-here"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.get_json()["error"] == "not_found"


def test_the_openapi_document_describes_every_endpoint(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/vacancies",
        "/vacancies/{vacancy_id}",
        "/ats/vacancies",
        "/ats/vacancies/check",
    }
    assert document["paths"]["/ats/vacancies"]["post"]["security"] == [{"atsToken": []}]


# Whoosh leaves an unreadable table of contents open until the error's traceback is released.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_an_unreadable_index_falls_back_to_the_database_not_a_crash(app, client):
    VacancyFactory(published=True, title="Teacher of Mathematics", about_role="Algebra and geometry.")
    VacancyFactory(published=True, title="Teacher of History", about_role="The Tudors and the Stuarts.")
    for toc in Path(app.config["SEARCH_INDEX_PATH"]).glob("_MAIN_*.toc"):
        toc.write_bytes(b"\x00" * 10)

    page = client.get("/jobs?keyword=mathematics")
    api = client.get("/api/v1/vacancies?keyword=history")

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Search is running in a simpler mode" in text
    assert "Teacher of Mathematics" in text
    assert "Teacher of History" not in text
    assert api.status_code == 200
    assert api.get_json()["meta"]["degraded"] is True
    assert [v["title"] for v in api.get_json()["data"]] == ["Teacher of History"]


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    # The GOV.UK template's one inline script is allowed by its hash: the same policy on every page,
    # so pages can be cached, and no other inline script runs.
    assert "script-src 'self' 'sha256-" in policy
    assert "nonce-" not in policy
    assert client.get("/jobs").headers["Content-Security-Policy"] == policy
    assert "frame-ancestors 'none'" in policy


def test_the_home_page_describes_how_listings_are_really_checked(client):
    # Trusted schools' clean listings are published at once: no moderator sees every listing.
    page = " ".join(client.get("/").get_data(as_text=True).split())

    assert "checks every listing" not in page
    assert "Every listing is checked automatically; a moderator reviews listings from new schools" in page
    assert "new staff, changes to how to apply, anything the checks flag, and listings people report" in page
