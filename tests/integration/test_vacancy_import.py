"""`marketplace vacancies import FILE [--verified]`, run as an operator would."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.organisations.models import Organisation
from marketplace.search.api import VacancySearch, find_vacancies
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from tests.factories import OrganisationFactory


def line(reference: str, **changes) -> dict:
    today = utcnow().date()
    record = {
        "external_reference": reference,
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
        "description": "Teach mathematics across key stages 3 and 4.",
        "contact_email": "recruitment@millharbourschool.org.uk",
        "publish_on": today.isoformat(),
        "closes_at": (utcnow() + dt.timedelta(days=20)).replace(microsecond=0).isoformat(),
        "school": {
            "urn": "137001",
            "name": "Millharbour School",
            "town": "London",
            "county": "Greater London",
            "postcode": "E14 9TS",
            "website": "https://www.millharbourschool.org.uk",
            "lat": 51.5049,
            "lon": -0.0195,
            "organisation_type": "academy",
            "detailed_type": "Academy converter",
            "religious_character": "None",
        },
        "additional_schools": [],
    }
    record.update(changes)
    return record


def write(tmp_path, *lines) -> str:
    path = tmp_path / "vacancies.jsonl"
    path.write_text("\n".join(item if isinstance(item, str) else json.dumps(item) for item in lines) + "\n")
    return str(path)


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["vacancies", "import", *args])


def vacancies() -> list[Vacancy]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Vacancy).order_by(Vacancy.id)))


def test_verified_import_creates_the_school_and_publishes_and_a_rerun_changes_nothing(app, tmp_path):
    path = write(tmp_path, line("ATS-1"), line("ATS-2", title="Teacher of Physics", subjects=["Physics"]))

    first = run(app, path, "--verified")
    second = run(app, path, "--verified")

    assert first.exit_code == 0, first.output
    assert "2 created, 0 updated, 0 unchanged, 0 rejected; 1 new schools; 2 went live" in first.output
    assert "0 created, 0 updated, 2 unchanged, 0 rejected" in second.output
    school = db.session.scalar(sa.select(Organisation).where(Organisation.urn == "137001"))
    assert school.verified
    assert school.type_group == "Academies"
    assert [v.status for v in vacancies()] == [VacancyStatus.PUBLISHED, VacancyStatus.PUBLISHED]
    assert len(find_vacancies(VacancySearch(keywords="physics", location="E14 9TS")).ids) == 1


def test_unverified_schools_listings_wait_for_review(app, tmp_path):
    result = run(app, write(tmp_path, line("ATS-1")))
    assert "0 went live, 1 wait for review" in result.output
    assert vacancies()[0].status is VacancyStatus.PENDING_REVIEW
    assert find_vacancies(VacancySearch()).ids == []


def test_an_existing_school_by_urn_and_an_update_by_reference(app, tmp_path):
    school = OrganisationFactory(urn="137001")
    run(app, write(tmp_path, line("ATS-1")))
    result = run(app, write(tmp_path, line("ATS-1", title="Teacher of Maths (updated)")))

    assert "0 created, 1 updated" in result.output
    (vacancy,) = vacancies()
    assert (vacancy.organisation_id, vacancy.title) == (school.id, "Teacher of Maths (updated)")


def test_bad_lines_are_reported_with_their_number_and_the_good_ones_imported(app, tmp_path):
    path = write(
        tmp_path,
        line("ATS-1"),
        "{not json",
        line("ATS-3", status="archived"),
        line("ATS-4", phases=["middle"]),
        line("ATS-5", closes_at="2026-12-10T12:00:00"),
        line("ATS-6", school={"name": "Nowhere School"}),
        line("ATS-7", title="Teacher of Art", subjects=["Art and design"]),
    )

    result = run(app, path, "--verified")

    assert "Line 2: not valid JSON" in result.output
    assert "Line 3: status must be 'published' or 'draft'" in result.output
    assert "Line 4: phases has unknown values: middle" in result.output
    assert "Line 5: closes_at needs a time zone offset" in result.output
    assert "Line 6: town is missing" in result.output
    assert "2 created, 0 updated, 0 unchanged, 5 rejected; 1 new schools" in result.output
    assert [v.external_reference for v in vacancies()] == ["ATS-1", "ATS-7"]


def test_drafts_stay_drafts(app, tmp_path):
    run(app, write(tmp_path, line("ATS-1", status="draft")), "--verified")
    assert vacancies()[0].status is VacancyStatus.DRAFT
