"""Places on the search page and in the API: areas, unknown places and names of several places."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import OrganisationFactory, VacancyFactory


def school_job(title: str, town: str, latitude: float, longitude: float, **fields):
    organisation = OrganisationFactory(town=town, latitude=latitude, longitude=longitude, **fields)
    # The role the school chose counts in search: a TA's listing says so, as a school's would.
    roles = ["teaching_assistant"] if title.endswith(" TA") else ["teacher"]
    return VacancyFactory(
        published=True,
        title=title,
        organisation=organisation,
        about_role="A friendly school.",
        job_roles=roles,
    )


def newports():
    school_job("Island teacher", "Newport", 50.7010, -1.2883, local_authority="Isle of Wight")
    school_job("Island TA", "Newport", 50.6950, -1.3000, local_authority="Isle of Wight")
    school_job("Shropshire teacher", "Newport", 52.7688, -2.3786, local_authority="Telford and Wrekin")
    school_job("Shropshire TA", "Newport", 52.7700, -2.3700, local_authority="Telford and Wrekin")


def test_a_county_shows_every_job_in_it(client):
    school_job("Dover job", "Dover", 51.1279, 1.3134, local_authority="Kent")
    school_job("Margate job", "Margate", 51.3813, 1.3862, local_authority="Kent")
    school_job("Leeds job", "Leeds", 53.8008, -1.5491, local_authority="Leeds")

    page = client.get("/jobs?location=Kent").get_data(as_text=True)

    assert "2 jobs found in Kent" in page
    assert "Dover job" in page
    assert "Margate job" in page
    assert "Leeds job" not in page
    assert "miles away" not in page
    assert "Not used for Kent: every job in the county is shown" in page


def test_an_unknown_place_shows_the_message_and_no_jobs(client):
    school_job("Leeds job", "Leeds", 53.8008, -1.5491)

    response = client.get("/jobs?location=Atlantis")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "There is a problem with the location" in page
    assert "We could not find \u2018Atlantis\u2019" in page
    assert "0 jobs found" in page
    assert "Leeds job" not in page
    assert "search without a location" in page


def test_a_name_of_several_places_asks_which_one_with_links(client):
    newports()

    page = client.get("/jobs?keyword=teacher&location=Newport").get_data(as_text=True)

    assert "Did you mean Newport, Isle of Wight or Newport, Shropshire?" in page
    assert "Island teacher" not in page
    assert "Shropshire teacher" not in page
    links = {
        text: html.unescape(href)
        for href, text in re.findall(r'<a class="govuk-link" href="([^"]+)">(Newport, [^<]+)</a>', page)
    }
    assert set(links) == {"Newport, Isle of Wight", "Newport, Shropshire"}
    query = parse_qs(urlsplit(links["Newport, Shropshire"]).query)
    assert query == {"keyword": ["teacher"], "location": ["Newport, Shropshire"]}

    chosen = client.get(links["Newport, Shropshire"]).get_data(as_text=True)
    assert "1 job found within 15 miles of Newport, Shropshire" in chosen
    assert "Shropshire teacher" in chosen
    assert "Island teacher" not in chosen


class TestApi:
    def test_an_unknown_place_is_a_400_with_no_results(self, client):
        response = client.get("/api/v1/vacancies?location=Atlantis")
        assert response.status_code == 400
        body = response.get_json()
        assert body["parameter"] == "location"
        assert "Atlantis" in body["message"]
        assert "data" not in body
        assert "choices" not in body

    def test_a_name_of_several_places_is_a_400_listing_the_choices(self, client):
        newports()
        response = client.get("/api/v1/vacancies?location=Newport")
        assert response.status_code == 400
        body = response.get_json()
        assert body["error"] == "bad_request"
        assert body["parameter"] == "location"
        assert body["choices"] == ["Newport, Isle of Wight", "Newport, Shropshire"]
        chosen = client.get("/api/v1/vacancies", query_string={"location": body["choices"][0]}).get_json()
        assert chosen["meta"]["total"] == 2
        assert {job["title"] for job in chosen["data"]} == {"Island teacher", "Island TA"}

    def test_an_area_has_no_distances(self, client):
        school_job("Dover job", "Dover", 51.1279, 1.3134, local_authority="Kent")
        body = client.get("/api/v1/vacancies?location=Kent&radius=1").get_json()
        assert body["meta"]["total"] == 1
        assert "distance_miles" not in body["data"][0]

    def test_a_home_postcode_finds_the_jobs_around_it(self, client):
        school_job("York job", "York", 53.9600, -1.0873, postcode="YO1 7HH")
        body = client.get("/api/v1/vacancies?location=yo17hh&radius=5").get_json()
        assert [job["title"] for job in body["data"]] == ["York job"]
        assert body["data"][0]["distance_miles"] < 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(max_size=80))
def test_no_location_string_is_ever_a_server_error(client, typed):
    page = client.get("/jobs", query_string={"location": typed})
    api = client.get("/api/v1/vacancies", query_string={"location": typed})
    assert page.status_code == 200
    assert api.status_code in (200, 400)


# Whoosh leaves an unreadable table of contents open until the error's traceback is released.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_the_database_fallback_keeps_to_the_place_and_the_area(app, client):
    school_job("Dover job", "Dover", 51.1279, 1.3134, local_authority="Kent")
    school_job("Leeds job", "Leeds", 53.8008, -1.5491, local_authority="Leeds")
    for toc in Path(app.config["SEARCH_INDEX_PATH"]).glob("_MAIN_*.toc"):
        toc.write_bytes(b"\x00" * 10)

    in_kent = client.get("/api/v1/vacancies?location=Kent").get_json()
    near_leeds = client.get("/api/v1/vacancies?location=LS1 1AA&radius=10").get_json()

    assert in_kent["meta"]["degraded"] is True
    assert [job["title"] for job in in_kent["data"]] == ["Dover job"]
    assert [job["title"] for job in near_leeds["data"]] == ["Leeds job"]
