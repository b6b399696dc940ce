"""One listing of a trust covers several of its schools: the wizard question, the job page and its
JobPosting, search near any of the schools, copying, the import, and who may manage such a listing."""

from __future__ import annotations

import json
import re

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.organisations.models import OrganisationKind
from marketplace.search.api import VacancySearch, find_vacancies
from marketplace.vacancies.models import Vacancy
from tests.conftest import sign_in_as
from tests.factories import MembershipFactory, OrganisationFactory, VacancyFactory
from tests.web.listing_wizard import post_listing, section_data, vacancy_id_from
from tests.web.test_job_page_structured_data import structured_data
from tests.web.test_listing_management import date_fields, in_days
from tests.web.test_vacancy_journey import vacancy_form

LEEDS = {"town": "Leeds", "postcode": "LS1 1AA", "latitude": 53.7997, "longitude": -1.5492}
LONDON = {"town": "London", "postcode": "E14 9TS", "latitude": 51.5049, "longitude": -0.0195}


def _trust(name: str = "Northern Lights Trust"):
    trust = OrganisationFactory(
        kind=OrganisationKind.TRUST,
        urn=None,
        uid=name[:4].upper() + "1",
        name=name,
        latitude=None,
        longitude=None,
    )
    leeds = OrganisationFactory(name="Brook Lane Primary", trust=trust, **LEEDS)
    london = OrganisationFactory(name="Millharbour School", trust=trust, **LONDON)
    return trust, leeds, london


def _listing_at(trust, *schools, **fields):
    vacancy = VacancyFactory(organisation=trust, **fields)
    vacancy.additional_schools = list(schools)
    db.session.commit()
    return vacancy


def _job_details(trust, *schools, **changes) -> dict:
    form = vacancy_form(trust.id, **changes)
    return section_data(form, "job-details", school_ids=[str(school.id) for school in schools])


# --- The wizard ----------------------------------------------------------------------------------


def test_a_trust_user_posts_one_listing_for_several_of_its_schools(client):
    trust, leeds, london = _trust()
    member = MembershipFactory(organisation=trust)
    sign_in_as(client, member.user)

    page = client.get("/school/vacancies/new").get_data(as_text=True)
    response = client.post("/school/vacancies/new", data=_job_details(trust, leeds, london))

    assert "Which of the trust&#39;s schools is the job at?" in page
    assert "Which school or trust is this job at?" in page
    assert "Brook Lane Primary, Leeds" in page
    assert "Millharbour School, London" in page
    assert response.status_code == 302, response.get_data(as_text=True)
    vacancy = db.session.get(Vacancy, vacancy_id_from(response.headers["Location"]))
    assert vacancy.organisation_id == trust.id
    assert [school.name for school in vacancy.places] == ["Brook Lane Primary", "Millharbour School"]

    answers = client.get(f"/school/vacancies/{vacancy.id}/check-your-answers").get_data(as_text=True)
    assert "Schools the job is at" in answers
    assert "Brook Lane Primary, Millharbour School" in answers
    assert f"/school/vacancies/{vacancy.id}/edit/job-details?check=1" in answers

    # The change link comes back with the schools ticked; leaving one school out saves that.
    again = client.get(f"/school/vacancies/{vacancy.id}/edit/job-details?check=1").get_data(as_text=True)
    assert re.search(rf'value="{london.id}"\s+checked', again) or f'value="{london.id}" checked' in again
    changed = client.post(
        f"/school/vacancies/{vacancy.id}/edit/job-details?check=1", data=_job_details(trust, london)
    )
    assert changed.status_code == 302
    db.session.expire_all()
    assert [school.name for school in db.session.get(Vacancy, vacancy.id).places] == ["Millharbour School"]


def test_a_trust_listing_needs_at_least_one_school_and_only_the_trusts_own(client):
    trust, leeds, _ = _trust()
    _, other_school, _ = _trust("Southern Cross Trust")
    stray = OrganisationFactory(name="Lone Oak School")
    member = MembershipFactory(organisation=trust)
    sign_in_as(client, member.user)

    none_chosen = client.post("/school/vacancies/new", data=_job_details(trust))
    foreign = client.post("/school/vacancies/new", data=_job_details(trust, leeds, other_school))
    nonsense = client.post(
        "/school/vacancies/new", data={**_job_details(trust), "school_ids": ["abc", str(stray.id), "x" * 500]}
    )

    assert none_chosen.status_code == 200
    assert "govuk-error-summary" in none_chosen.get_data(as_text=True)
    assert "Select at least one school the job is at" in none_chosen.get_data(as_text=True)
    for refused in (foreign, nonsense):
        assert refused.status_code == 200
        page = refused.get_data(as_text=True)
        assert "govuk-error-summary" in page
        assert "Select from the options given" in page
        assert 'value="Teacher of Chemistry"' in page  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vacancy)) == 0


def test_a_school_of_another_trust_is_refused_when_changing_a_listing(client):
    trust, leeds, _ = _trust()
    _, other_school, _ = _trust("Southern Cross Trust")
    member = MembershipFactory(organisation=trust)
    vacancy = _listing_at(trust, leeds)
    sign_in_as(client, member.user)

    response = client.post(
        f"/school/vacancies/{vacancy.id}/edit/job-details", data=_job_details(trust, other_school)
    )

    assert response.status_code == 200
    assert "Select from the options given" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [school.id for school in db.session.get(Vacancy, vacancy.id).additional_schools] == [leeds.id]


def test_a_live_listing_gains_a_school_and_stays_live(client):
    trust, leeds, london = _trust()
    member = MembershipFactory(organisation=trust)
    VacancyFactory(organisation=trust, published=True, title="Caretaker", about_role="Site work.")
    vacancy = _listing_at(trust, leeds, published=True, title="Teacher of Chemistry")
    sign_in_as(client, member.user)

    response = client.post(
        f"/school/vacancies/{vacancy.id}/edit/job-details",
        data={**_job_details(trust, leeds, london), "seen_checks": "1"},
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "The listing is still live" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [school.name for school in db.session.get(Vacancy, vacancy.id).places] == [
        "Brook Lane Primary",
        "Millharbour School",
    ]
    assert find_vacancies(VacancySearch(location="E14 9TS", radius=10)).ids == [vacancy.id]


def test_a_single_school_listing_is_posted_as_before(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)

    page = client.get("/school/vacancies/new").get_data(as_text=True)
    response = post_listing(client, vacancy_form(membership.organisation_id), submit=True)

    assert "schools is the job at" not in page
    assert response.status_code == 302
    vacancy = db.session.scalar(sa.select(Vacancy))
    assert vacancy.additional_schools == []
    assert vacancy.places == [membership.organisation]
    answers = client.get(f"/school/vacancies/{vacancy.id}/check-your-answers").get_data(as_text=True)
    assert "Schools the job is at" not in answers


def test_a_copy_of_a_trust_listing_is_at_the_same_schools(client):
    trust, leeds, london = _trust()
    member = MembershipFactory(organisation=trust)
    vacancy = _listing_at(trust, leeds, london, published=True)
    sign_in_as(client, member.user)

    response = client.post(
        f"/school/vacancies/{vacancy.id}/copy",
        data={
            "title": "Teacher of Chemistry (maternity cover)",
            **date_fields("publish_on", in_days(1)),
            **date_fields("closing_date", in_days(25)),
            "closing_time": "09:00",
        },
    )

    assert response.status_code == 302
    copy = db.session.scalar(sa.select(Vacancy).where(Vacancy.id != vacancy.id))
    assert {school.id for school in copy.additional_schools} == {leeds.id, london.id}


def test_a_user_of_one_of_the_schools_who_is_not_a_trust_member_cannot_manage_the_listing(client):
    trust, leeds, london = _trust()
    vacancy = _listing_at(trust, leeds, london, title="Trust-wide job")
    outsider = MembershipFactory(organisation=leeds)
    sign_in_as(client, outsider.user)

    for path in (
        f"/school/vacancies/{vacancy.id}",
        f"/school/vacancies/{vacancy.id}/edit/job-details",
        f"/school/vacancies/{vacancy.id}/check-your-answers",
        f"/school/vacancies/{vacancy.id}/preview",
    ):
        response = client.get(path)
        assert response.status_code in (403, 404), path
        assert "Trust-wide job" not in response.get_data(as_text=True)
    changed = client.post(f"/school/vacancies/{vacancy.id}/edit/job-details", data=_job_details(trust, leeds))
    assert changed.status_code in (403, 404)
    dashboard = client.get("/school").get_data(as_text=True)
    assert "Trust-wide job" not in dashboard


# --- The public page, JSON-LD and the API --------------------------------------------------------


def test_the_job_page_lists_every_school_and_tells_search_engines_of_each_place(client):
    trust, leeds, london = _trust()
    vacancy = _listing_at(trust, leeds, london, published=True)

    page = client.get(f"/jobs/{vacancy.id}").get_data(as_text=True)
    data = structured_data(page)

    assert f'href="/schools/{leeds.slug}"' in page
    assert f'href="/schools/{london.slug}"' in page
    assert "Northern Lights Trust" in page
    assert data["hiringOrganization"]["name"] == "Northern Lights Trust"
    assert [place["address"]["postalCode"] for place in data["jobLocation"]] == ["LS1 1AA", "E14 9TS"]
    assert [place["geo"]["latitude"] for place in data["jobLocation"]] == [53.7997, 51.5049]
    assert all(place["@type"] == "Place" for place in data["jobLocation"])

    school_page = client.get(f"/schools/{london.slug}").get_data(as_text=True)
    assert f"/jobs/{vacancy.id}" in school_page  # the school's page lists its trust's job there too

    api = client.get("/api/v1/vacancies").get_json()["data"][0]
    assert api["hiringOrganization"]["name"] == "Northern Lights Trust"
    assert [place["name"] for place in api["jobLocation"]] == ["Brook Lane Primary", "Millharbour School"]


# --- Search -------------------------------------------------------------------------------------


def test_a_listing_at_several_schools_is_found_near_any_of_them(client):
    trust, leeds, london = _trust()
    vacancy = _listing_at(trust, leeds, london, published=True, title="Teacher of Music")
    VacancyFactory(published=True, title="Teacher of Art", organisation=OrganisationFactory(**LONDON))

    near_leeds = find_vacancies(VacancySearch(location="LS1 1AA", radius=10))
    near_london = find_vacancies(VacancySearch(location="E14 9TS", radius=10, sort="distance"))
    api = client.get("/api/v1/vacancies?location=Leeds&radius=10").get_json()

    assert near_leeds.ids == [vacancy.id]
    assert vacancy.id in near_london.ids
    assert len(near_london.ids) == 2
    assert near_london.distances[vacancy.id] < 1609  # the nearest school, not the first one
    assert [item["id"] for item in api["data"]] == [vacancy.id]
    assert api["data"][0]["distance_miles"] < 1


def test_the_index_follows_a_change_of_schools(client):
    trust, leeds, london = _trust()
    vacancy = _listing_at(trust, leeds, published=True)
    assert find_vacancies(VacancySearch(location="E14 9TS", radius=10)).ids == []

    vacancy.additional_schools = [leeds, london]
    db.session.commit()

    assert find_vacancies(VacancySearch(location="E14 9TS", radius=10)).ids == [vacancy.id]


# --- The import ---------------------------------------------------------------------------------


def _import_line(reference: str, school_urn: str, additional: list) -> str:
    return json.dumps(
        {
            "external_reference": reference,
            "status": "published",
            "title": "Teacher of Mathematics",
            "job_roles": ["teacher"],
            "phases": ["secondary"],
            "salary": "MPS",
            "description": "Teach mathematics across key stages 3 and 4.",
            "contact_email": "hr@trust.example.org",
            "publish_on": in_days(0).isoformat(),
            "closes_at": f"{in_days(20).isoformat()}T12:00:00+00:00",
            "school": {"urn": school_urn},
            "additional_schools": additional,
        }
    )


def test_the_import_links_schools_of_the_trust_and_reports_others(app, tmp_path):
    _, leeds, london = _trust()
    _, foreign, _ = _trust("Southern Cross Trust")
    stray = OrganisationFactory(name="Lone Oak School")
    path = tmp_path / "vacancies.jsonl"
    path.write_text(
        "\n".join(
            [
                _import_line("ATS-1", leeds.urn, [london.urn]),
                _import_line("ATS-2", leeds.urn, [foreign.urn]),
                _import_line("ATS-3", leeds.urn, ["999999"]),
                _import_line("ATS-4", stray.urn, [leeds.urn]),
                _import_line("ATS-5", leeds.urn, "not a list"),
            ]
        )
        + "\n"
    )

    result = app.test_cli_runner().invoke(args=["vacancies", "import", str(path), "--verified"])

    assert result.exit_code == 1, result.output  # some lines were rejected
    assert "1 created, 0 updated, 0 unchanged, 4 rejected" in result.output
    assert (
        f"Line 2: additional_schools: URN {foreign.urn} (Brook Lane Primary) is not a school of "
        "Northern Lights Trust" in result.output
    )
    assert "Line 3: additional_schools: no school with URN '999999' in the register" in result.output
    assert "Line 4: additional_schools: Lone Oak School is not part of a trust" in result.output
    assert "Line 5: additional_schools must be a list of URNs" in result.output
    db.session.expire_all()
    vacancy = db.session.scalar(sa.select(Vacancy))
    assert [school.name for school in vacancy.places] == ["Brook Lane Primary", "Millharbour School"]
    assert find_vacancies(VacancySearch(location="E14 9TS", radius=10)).ids == [vacancy.id]
