"""The public page of a school (its register details and live jobs) and of a trust (its schools)."""

from tests.factories import OrganisationFactory, VacancyFactory
from tests.web.test_auth import text


def test_a_school_page_shows_its_register_details_and_only_live_jobs(client):
    trust = OrganisationFactory(kind="trust", urn=None, uid="2044", name="Abbey Academies Trust")
    school = OrganisationFactory(
        name="Kirkstall Valley Primary School",
        phase="primary",
        statutory_low_age=3,
        statutory_high_age=11,
        religious_character="Church of England",
        local_authority="Leeds",
        region="Yorkshire and the Humber",
        urn="137042",
        trust=trust,
    )
    VacancyFactory(organisation=school, title="Year 4 class teacher", published=True)
    VacancyFactory(organisation=school, title="Unpublished draft")

    response = client.get(f"/schools/{school.slug}")

    page = text(response)
    assert response.status_code == 200
    for expected in (
        "Kirkstall Valley Primary School",
        "Phase Primary",
        "Ages 3 to 11",
        "Religious character Church of England",
        "Local authority Leeds",
        "Region Yorkshire and the Humber",
        "Unique reference number (URN) 137042",
        "Trust Abbey Academies Trust",
        "Jobs at this school (1)",
        "Year 4 class teacher",
    ):
        assert expected in page
    assert "Unpublished draft" not in page
    assert f'href="/schools/{trust.slug}"' in response.get_data(as_text=True)


def test_a_trust_page_lists_its_schools(client):
    trust = OrganisationFactory(kind="trust", urn=None, uid="2044", name="Abbey Academies Trust")
    OrganisationFactory(name="Zeal Academy", trust=trust)
    OrganisationFactory(name="Abbey Primary", trust=trust)
    OrganisationFactory(name="Not In The Trust")

    page = text(client.get(f"/schools/{trust.slug}"))

    assert "Schools in this trust (2)" in page
    assert page.index("Abbey Primary") < page.index("Zeal Academy")
    assert "Not In The Trust" not in page
    assert "Group number (UID) 2044" in page
