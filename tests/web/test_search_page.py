"""The search page (/jobs) and the list API (/api/v1/vacancies) as people and integrations meet them."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import OrganisationFactory, VacancyFactory

LEEDS = {"town": "Leeds", "postcode": "LS1 1AA", "latitude": 53.7997, "longitude": -1.5492}
LONDON = {"town": "London", "postcode": "E14 9TS", "latitude": 51.5049, "longitude": -0.0195}


def job(title: str, **fields):
    fields.setdefault("about_role", "A friendly school.")
    return VacancyFactory(published=True, title=title, **fields)


def test_facet_counts_and_removable_filter_tags(client):
    job("Class teacher", phases=["primary"], working_patterns=["part_time"])
    job("Maths teacher", phases=["secondary"])

    page = client.get("/jobs?phases=primary&contract_types=permanent").get_data(as_text=True)

    assert "1 job found" in page
    assert 'Secondary school <span class="app-facet-count">(1)</span>' in page
    assert 'Remove <span class="govuk-visually-hidden">filter</span> Primary school' in page
    assert "/jobs?contract_types=permanent" in page  # the address without the primary filter


def test_implied_filters_are_offered_as_links_with_counts(client):
    job("Part time music teacher", working_patterns=["part_time"])

    page = client.get("/jobs?keyword=part+time+music").get_data(as_text=True)

    assert 'id="suggested-filters"' in page
    assert "Part time (1)" in page
    assert "working_patterns=part_time" in page


def test_did_you_mean_shows_the_corrected_results(client):
    job("Teacher of Chemistry")

    page = client.get("/jobs?keyword=chemestry").get_data(as_text=True)

    assert "Showing results for <strong>chemistry</strong>" in page
    assert "Teacher of Chemistry" in page


def test_an_alert_for_a_corrected_search_is_for_the_corrected_keywords(client):
    job("Teacher of Chemistry")

    page = client.get("/jobs?keyword=chemestry+teacher&phases=secondary").get_data(as_text=True)

    alert_link = re.search(r'id="job-alert-link" href="([^"]+)"', page).group(1)
    assert parse_qs(urlsplit(html.unescape(alert_link)).query) == {
        "keyword": ["chemistry teacher"],
        "phases": ["secondary"],
    }


def test_did_you_mean_shows_the_whole_corrected_search(client):
    job("Teacher of Geography and Chemistry")

    page = client.get("/jobs?keyword=geograpy+chemestry").get_data(as_text=True)

    assert "Showing results for <strong>geography chemistry</strong>" in page
    assert "Teacher of Geography and Chemistry" in page


def test_location_shows_distance_and_unknown_places_get_a_message(client):
    job("Leeds job", organisation=OrganisationFactory(**LEEDS))
    job("London job", organisation=OrganisationFactory(**LONDON))

    page = client.get("/jobs?location=Leeds&radius=20").get_data(as_text=True)
    assert "1 job found within 20 miles of Leeds" in page
    assert "miles away" in page
    assert "London job" not in page

    unknown = client.get("/jobs?location=Atlantis")
    assert unknown.status_code == 200
    assert "We could not find \u2018Atlantis\u2019" in unknown.get_data(as_text=True)


def test_an_empty_page_offers_a_wider_radius(client):
    job("Leeds job", organisation=OrganisationFactory(**LEEDS))

    page = client.get("/jobs?location=York&radius=10").get_data(as_text=True)

    assert "No jobs match your search" in page
    assert "search within 25 miles (1 job)" in page


def test_twenty_a_page(client):
    for number in range(23):
        job(f"Teacher {number}")
    first = client.get("/jobs").get_data(as_text=True)
    second = client.get("/jobs?page=2").get_data(as_text=True)
    assert first.count('class="app-search-result"') == 20
    assert second.count('class="app-search-result"') == 3


class TestApi:
    def test_list_parameters_accept_repeated_keys_or_commas(self, client):
        primary = job("A", phases=["primary"])
        secondary = job("B", phases=["secondary"])
        job("C", phases=["nursery"])

        repeated = client.get("/api/v1/vacancies?phases=primary&phases=secondary").get_json()
        commas = client.get("/api/v1/vacancies?phases=primary,secondary,middle").get_json()

        assert {v["id"] for v in repeated["data"]} == {primary.id, secondary.id}
        assert {v["id"] for v in commas["data"]} == {primary.id, secondary.id}

    def test_response_shape(self, client):
        vacancy = job(
            "Teacher of Music", external_reference="ATS-9", organisation=OrganisationFactory(**LEEDS)
        )

        body = client.get("/api/v1/vacancies?keyword=music&location=Leeds&per_page=5").get_json()

        assert body["meta"] == {
            "total": 1,
            "page": 1,
            "per_page": 5,
            "pages": 1,
            "sort": "relevance",
            "degraded": False,
        }
        item = body["data"][0]
        assert item["@type"] == "JobPosting"
        assert (item["id"], item["external_reference"]) == (vacancy.id, "ATS-9")
        assert item["distance_miles"] < 1
        assert body["facets"]["phases"]["secondary"] == 1
        assert isinstance(body["suggestions"], dict)

    @pytest.mark.parametrize(
        ("query", "parameter"),
        [
            ("per_page=101", "per_page"),
            ("minimum_salary=lots", "minimum_salary"),
            ("posted_within_days=-1", "posted_within_days"),
            ("visa_sponsorship=maybe", "visa_sponsorship"),
            ("location=Atlantis", "location"),
        ],
    )
    def test_bad_parameters_are_a_400_naming_the_parameter(self, client, query, parameter):
        response = client.get(f"/api/v1/vacancies?{query}")
        assert response.status_code == 400
        assert response.get_json()["parameter"] == parameter

    def test_unknown_values_and_sorts_are_ignored(self, client):
        job("A")
        response = client.get("/api/v1/vacancies?phases=middle&sort=sideways&radius=abc")
        assert response.status_code == 200
        assert response.get_json()["meta"]["total"] == 1


@pytest.mark.parametrize("name", ["_anchor", "_external", "_scheme", "_method", "unknown"])
def test_parameters_the_search_does_not_know_are_left_out_of_its_links(client, name):
    response = client.get(f"/jobs?keyword=maths&{name}=x")

    assert response.status_code == 200
    assert f"{name}=" not in response.get_data(as_text=True)
    assert "keyword=maths" in response.get_data(as_text=True)
