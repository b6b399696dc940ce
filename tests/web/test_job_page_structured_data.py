"""A job page tells search engines about the job (schema.org JobPosting), and only while it is live."""

import datetime as dt
import json
import re

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.vacancies.lifecycle import VacancyStatus
from tests.factories import OrganisationFactory, VacancyFactory

# Google for Jobs' required and recommended JobPosting properties.
REQUIRED = {"title", "description", "datePosted", "hiringOrganization", "jobLocation"}
RECOMMENDED = {"validThrough", "employmentType", "baseSalary", "identifier", "directApply"}


def structured_data(page: str) -> dict | None:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(found.group(1)) if found else None


def test_a_live_job_carries_a_complete_job_posting(client):
    school = OrganisationFactory(name="Brook Lane Primary", urn="123456", postcode="LS1 1AA")
    vacancy = VacancyFactory(published=True, organisation=school, working_patterns=["part_time"])

    data = structured_data(client.get(f"/jobs/{vacancy.id}").get_data(as_text=True))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "JobPosting"
    assert data.keys() >= REQUIRED | RECOMMENDED
    assert data["hiringOrganization"]["name"] == "Brook Lane Primary"
    assert data["hiringOrganization"]["identifier"] == {
        "@type": "PropertyValue",
        "name": "URN",
        "value": "123456",
    }
    assert data["jobLocation"]["address"]["postalCode"] == "LS1 1AA"
    assert data["jobLocation"]["geo"]["latitude"] == school.latitude
    assert data["baseSalary"]["value"]["minValue"] == vacancy.salary_minimum
    assert data["employmentType"] == ["PART_TIME"]
    assert data["validThrough"] == vacancy.closes_at.isoformat()
    assert data["directApply"] is True


def test_text_in_the_structured_data_cannot_break_out_of_its_script(client):
    vacancy = VacancyFactory(published=True, about_role="</script><script>alert(1)</script>")
    page = client.get(f"/jobs/{vacancy.id}").get_data(as_text=True)
    assert "</script><script>alert(1)" not in page
    assert structured_data(page)["description"] == "</script><script>alert(1)</script>"


def test_a_closed_job_says_so_and_drops_the_markup(client):
    vacancy = VacancyFactory(published=True, closes_at=utcnow() - dt.timedelta(hours=2))

    response = client.get(f"/jobs/{vacancy.id}")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This job closed" in page
    assert "Apply for this job" not in page
    assert structured_data(page) is None


def test_a_removed_job_is_gone_and_one_never_published_was_never_there(client):
    removed = VacancyFactory(published=True)
    removed.status = VacancyStatus.REMOVED
    db.session.commit()
    draft = VacancyFactory()

    assert client.get(f"/jobs/{removed.id}").status_code == 410
    assert client.get(f"/jobs/{draft.id}").status_code == 404
