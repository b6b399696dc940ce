"""`marketplace vacancies import FILE [--verified]`, run as an operator would."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from marketplace.audit import AuditEvent
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


def test_the_exit_code_says_whether_any_line_was_rejected(app, tmp_path):
    good = run(app, write(tmp_path, line("ATS-1")), "--verified")
    assert good.exit_code == 0, good.output

    some_bad = run(app, write(tmp_path, line("ATS-2"), "{not json"), "--verified")
    assert some_bad.exit_code == 1
    assert "Line 2: not valid JSON" in some_bad.output
    assert "1 created, 0 updated, 0 unchanged, 1 rejected" in some_bad.output
    assert "2 lines in" in some_bad.output


def test_a_file_that_is_not_utf8_is_refused_naming_the_line_and_byte_and_nothing_is_imported(app, tmp_path):
    path = tmp_path / "windows.jsonl"
    good = json.dumps(line("ATS-1")).encode()
    bad = json.dumps(line("ATS-2", title="Café manager"), ensure_ascii=False).encode("cp1252")
    path.write_bytes(good + b"\n" + bad + b"\n")

    result = run(app, str(path), "--verified")

    assert result.exit_code == 2
    assert "line 2 (byte" in result.output
    assert "0xE9 (“é” in Windows-1252)" in result.output
    assert "The file must be UTF-8" in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, UnicodeDecodeError)
    assert vacancies() == []


def test_a_missing_file_is_exit_code_2(app, tmp_path):
    result = run(app, str(tmp_path / "nowhere.jsonl"))
    assert result.exit_code == 2
    assert "No such file" in result.output


def test_a_utf8_file_with_a_byte_order_mark_imports(app, tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf" + json.dumps(line("ATS-1", title="Teacher of Français")).encode() + b"\n"
    )
    result = run(app, str(path), "--verified")
    assert result.exit_code == 0, result.output
    assert vacancies()[0].title == "Teacher of Français"


def test_fields_the_database_would_refuse_or_the_page_would_misuse_reject_the_line(app, tmp_path):
    path = write(
        tmp_path,
        line("ATS-1", quick_apply=False, application_url="javascript:alert(1)"),
        line("ATS-2", salary_min=50000, salary_max=30000),
        line("ATS-3", salary_max=10**12),
        line("ATS-4", closes_at="0001-01-01T00:00:00+01:00"),
        line("ATS-5", contract_type=["permanent"]),
        line("ATS-6", fixed_term_length="x" * 101),
        line("ATS-7", what_school_offers=["a list"]),
        line("ATS-8", school={**line("x")["school"], "urn": "999999", "organisation_type": ["academy"]}),
        line("ATS-9", title="Teacher of Art", subjects=["Art and design"], what_school_offers=""),
    )

    result = run(app, path, "--verified")

    assert result.exit_code == 1
    assert "Line 1: application_url must be a web address starting https://" in result.output
    assert "Line 2: salary_min is more than salary_max" in result.output
    assert "Line 3: salary_max must be a whole number of pounds from 0 to 1,000,000" in result.output
    assert "Line 4: closes_at must be a date and time" in result.output
    assert "Line 5: contract_type must be one of" in result.output
    assert "Line 6: fixed_term_length is longer than 100 characters" in result.output
    assert "Line 7: what_school_offers must be text" in result.output
    assert "Line 8: school organisation_type must be one of" in result.output
    assert "1 created, 0 updated, 0 unchanged, 8 rejected" in result.output
    assert [(v.external_reference, v.what_school_offers) for v in vacancies()] == [("ATS-9", "")]


def test_lines_are_committed_in_batches_and_a_rerun_after_a_crash_neither_duplicates_nor_repeats(
    app, tmp_path, app_config
):
    """The import is killed (as by a crash or kill -9) once some batches are saved: they stay saved,
    and running the same command again imports the rest, creating and publishing each listing once."""
    count = 300
    path = write(tmp_path, *(line(f"ATS-{n}", title=f"Teacher of Mathematics {n}") for n in range(count)))
    environment = {
        **os.environ,
        "MARKETPLACE_DATABASE_URL": app_config["DATABASE_URL"],
        "MARKETPLACE_INSTANCE_PATH": str(tmp_path / "cli-instance"),
        "MARKETPLACE_SECRET_KEY": "test",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    command = [sys.executable, "-c", "from marketplace.cli import main; main()", "vacancies", "import"]
    db.session.remove()
    process = subprocess.Popen(
        [*command, path, "--verified", "--batch-size", "20"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        saved = 0
        while not 40 <= saved < count and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
            saved = db.session.scalar(sa.select(sa.func.count(Vacancy.id)))
            db.session.remove()
        process.kill()
    finally:
        process.wait()
    assert 40 <= saved < count, "the import should be seen part way, with whole batches saved"
    assert saved % 20 == 0  # whole batches: the one in progress when it died was lost

    again = subprocess.run([*command, path, "--verified"], env=environment, capture_output=True, text=True)

    assert again.returncode == 0, again.stderr
    listings = vacancies()
    assert sorted(v.external_reference for v in listings) == sorted(f"ATS-{n}" for n in range(count))
    assert all(v.status is VacancyStatus.PUBLISHED for v in listings)
    events = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.subject_type == "vacancy")
    ).all()
    assert sorted(Counter(events).items()) == [("vacancy.approve", count), ("vacancy.submit", count)]
    unchanged = int(re.search(r"(\d+) unchanged", again.stdout).group(1))
    assert unchanged >= saved


def test_a_line_carries_the_schools_instructions_and_questions_and_a_rerun_keeps_them(app, tmp_path):
    asked = [{"text": "Why this school?", "required": True}, {"text": "Anything else?", "required": False}]
    first = line("ATS-1", statement_instructions="Use the person specification.", application_questions=asked)
    bad = line("ATS-2", application_questions=[{"text": "Why?", "required": "yes"}])
    result = run(app, write(tmp_path, first, bad))
    rerun = run(app, write(tmp_path, line("ATS-1", title="Teacher of Maths (updated)")))

    assert "Line 2: application_questions: Must be a list of questions" in result.output
    assert "0 created, 1 updated" in rerun.output
    (vacancy,) = vacancies()
    assert vacancy.statement_instructions == "Use the person specification."
    assert vacancy.application_questions == asked
