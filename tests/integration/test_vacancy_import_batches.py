"""The import's batch path writes what the line-by-line path and a single submission write.

A batch's new listings are written with multi-row inserts; these tests hold the rows it writes (the
listing, its fingerprints, the change log that feeds search, the audit trail, the funnel's events and
the moderation verdict) against the rows of the same lines imported one at a time, and against a listing
submitted through the ATS API, which is screened like any submission.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import sqlalchemy as sa

from marketplace.analytics.models import Event
from marketplace.audit import AuditEvent
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.moderation.duplicates import duplicate_findings
from marketplace.organisations.models import Organisation
from marketplace.publishing import ats, importer
from marketplace.publishing.importer import import_lines
from marketplace.search.api import VacancySearch, find_vacancies
from marketplace.search.models import SearchChange
from marketplace.vacancies import fingerprints
from marketplace.vacancies.details import VacancyDetails
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy, vacancy_bands
from tests.factories import OrganisationFactory
from tests.integration.test_vacancy_import import line

ROLE = (
    "We are looking for an enthusiastic and reflective teacher of mathematics to join our friendly "
    "department, teaching across key stages three and four with small classes, generous planning time "
    "and a strong programme of training for every member of staff. "
)
OTHER = (
    "Our geography department runs fieldwork in every year group and needs a teacher who loves the "
    "outdoors, maps and data, and who will lead the residential trip to the coast each summer. "
)


def lines_of_a_busy_batch(trust_school_urn: str) -> list[str]:
    """New listings of new and existing schools, near-duplicates and a word-for-word copy, a draft, a
    listing for next month, a bad line, and lines the batch hands to the line-by-line path (the same
    reference twice, a school without a URN)."""
    today = utcnow().date()
    school_b = {**line("x")["school"], "urn": "137002", "name": "Harbour Primary School"}
    no_urn = {**line("x")["school"], "urn": None, "name": "Unlisted School", "postcode": "e14 1aa"}
    records = [
        line("B-1", description=ROLE),
        line("B-2", description=ROLE + "Apply by the closing date."),  # near-duplicate of B-1
        line("B-3", description=ROLE, school=school_b),  # word for word B-1, another school
        line("B-4", title="Teacher of Geography", subjects=["Geography"], description=OTHER, status="draft"),
        line(
            "B-5",
            description=OTHER,
            publish_on=(today + dt.timedelta(days=30)).isoformat(),
            closes_at=f"{today + dt.timedelta(days=60)}T12:00:00+00:00",
        ),
        line("B-6", phases=["middle"]),
        line("B-1", title="Teacher of Maths", description=ROLE),  # the same reference again: an update
        line("B-7", description=OTHER + "Part time.", school=no_urn),
        line(
            "B-8", description=OTHER + "Full time.", school={**line("x")["school"], "urn": trust_school_urn}
        ),
        line("B-9", description=ROLE + "Starting in January."),  # near-duplicate of B-1, in a later batch
    ]
    return [json.dumps(record) for record in records]


def snapshot() -> dict:
    """What the import wrote, by external reference, with ids replaced by references so two runs compare."""
    db.session.expire_all()
    listings = db.session.scalars(sa.select(Vacancy).order_by(Vacancy.id)).all()
    reference = {vacancy.id: vacancy.external_reference for vacancy in listings}
    urn = dict(db.session.execute(sa.select(Organisation.id, Organisation.urn)).all())

    def named(text: str) -> str:
        return re.sub(r"reference (\d+)", lambda m: f"reference {reference.get(int(m.group(1)))}", text)

    found = {}
    skipped = {"id", "created_at", "updated_at", "organisation_id"}
    for vacancy in listings:
        row = {
            column.key: getattr(vacancy, column.key)
            for column in Vacancy.__table__.columns
            if column.key not in skipped
        }
        if vacancy.status is VacancyStatus.DRAFT:
            row.pop("status_changed_at")  # when the row was written
        row["school"] = urn[vacancy.organisation_id]
        row["bands"] = [
            (band, key, urn[organisation_id])
            for band, key, organisation_id in db.session.execute(
                sa.select(vacancy_bands.c.band, vacancy_bands.c.key, vacancy_bands.c.organisation_id)
                .where(vacancy_bands.c.vacancy_id == vacancy.id)
                .order_by(vacancy_bands.c.band)
            )
        ]
        row["audit"] = [
            (event.action, event.actor_id, named(event.reason), json.loads(named(json.dumps(event.data))))
            for event in db.session.scalars(
                sa.select(AuditEvent)
                .where(AuditEvent.subject_type == "vacancy", AuditEvent.subject_id == vacancy.id)
                .order_by(AuditEvent.id)
            )
        ]
        row["events"] = db.session.scalars(
            sa.select(Event.name).where(Event.vacancy_id == vacancy.id).order_by(Event.id)
        ).all()
        row["in_change_log"] = bool(
            db.session.scalar(sa.select(sa.func.count()).where(SearchChange.vacancy_id == vacancy.id))
        )
        found[vacancy.external_reference] = row
    schools = db.session.execute(
        sa.select(
            Organisation.urn, Organisation.name, Organisation.postcode, Organisation.verified_at
        ).order_by(Organisation.urn, Organisation.name)
    ).all()
    return {"listings": found, "schools": schools}


@pytest.mark.parametrize(("verified", "batch_size"), [(False, 500), (True, 500), (False, 2)])
def test_a_batch_writes_what_importing_line_by_line_writes(app, monkeypatch, verified, batch_size):
    """In one batch, and in batches of two, where a listing is compared with those saved before it."""
    trust = OrganisationFactory(kind="trust", urn=None, name="Harbour Trust", verified_at=None)
    in_trust = OrganisationFactory(urn="137009", trust=trust, verified_at=None)
    db.session.commit()
    lines = lines_of_a_busy_batch(in_trust.urn)
    now = utcnow()

    batch_report = import_lines(lines, verified=verified, now=now, batch_size=batch_size)
    in_batches = snapshot()
    db.session.rollback()
    monkeypatch.setattr(importer._BatchWriter, "needs_line_path", lambda self, item: True)
    line_report = import_lines(lines, verified=verified, now=now, batch_size=batch_size)
    one_by_one = snapshot()
    db.session.rollback()

    assert batch_report == line_report
    assert batch_report.problems == [(6, "phases has unknown values: middle")]
    assert in_batches["schools"] == one_by_one["schools"]
    assert in_batches["listings"].keys() == one_by_one["listings"].keys()
    for reference, listing in in_batches["listings"].items():
        for name, value in listing.items():
            assert (reference, name, value) == (reference, name, one_by_one["listings"][reference][name])
    listings = in_batches["listings"]
    assert set(listings) == {"B-1", "B-2", "B-3", "B-4", "B-5", "B-7", "B-8", "B-9"}
    assert listings["B-1"]["title"] == "Teacher of Maths"
    assert all(len(listing["bands"]) == fingerprints.BANDS for listing in listings.values())
    assert all(listing["in_change_log"] for listing in listings.values())
    if verified:
        assert listings["B-1"]["status"] is VacancyStatus.PUBLISHED
        assert listings["B-1"]["events"] == ["vacancy_published"]
        assert listings["B-5"]["status"] is VacancyStatus.SCHEDULED
        assert listings["B-5"]["events"] == []
    else:
        findings = [finding["rule"] for finding in listings["B-2"]["audit"][1][3]["findings"]]
        assert "duplicate.same_organisation" in findings
        assert "reference B-1" in json.dumps(listings["B-2"]["audit"][1][3])
        assert "reference B-1" in json.dumps(listings["B-9"]["audit"][1][3])
        copied = [finding["rule"] for finding in listings["B-3"]["audit"][1][3]["findings"]]
        assert "duplicate.other_organisation" in copied
        assert listings["B-2"]["review_reasons"][-1] == (
            "The checks flagged the listing for a moderator (duplicate.same_organisation)."
        )


def test_an_unverified_schools_imported_listing_is_screened_as_an_ats_submission_is(app):
    imported_at = OrganisationFactory(urn="137001", verified_at=None)
    submitted_at = OrganisationFactory(urn="137050", verified_at=None)
    db.session.commit()
    now = utcnow()
    record = line("SAME-1", description=ROLE)

    import_lines([json.dumps(record)], now=now)
    client, _token = ats.create_client(submitted_at, "ATS")
    payload = {key: value for key, value in record.items() if key not in ("school", "additional_schools")}
    payload["description"] = ROLE + "Different enough to stay apart."
    submitted, verdict, _created = ats.upsert(client, {**payload, "external_reference": "SAME-2"}, now=now)
    db.session.commit()

    imported = db.session.scalar(sa.select(Vacancy).where(Vacancy.organisation_id == imported_at.id))
    assert imported.status is submitted.status is VacancyStatus.PENDING_REVIEW
    assert imported.review_reasons == submitted.review_reasons == list(verdict.reasons)
    assert imported.submitted_at == submitted.submitted_at == now

    def trail(vacancy: Vacancy) -> list[tuple[str, str]]:
        return [
            (event.action, event.reason)
            for event in db.session.scalars(
                sa.select(AuditEvent)
                .where(
                    AuditEvent.subject_type == "vacancy",
                    AuditEvent.subject_id == vacancy.id,
                    AuditEvent.action != "vacancy.create",
                )
                .order_by(AuditEvent.id)
            )
        ]

    assert [action for action, _ in trail(imported)] == ["vacancy.submit", "policy.review"]
    assert [action for action, _ in trail(submitted)] == ["vacancy.submit", "policy.review"]
    assert trail(imported)[1] == trail(submitted)[1]


def test_imported_rows_carry_fingerprints_a_later_submission_finds(app):
    school = OrganisationFactory(urn="137001")
    db.session.commit()
    import_lines([json.dumps(line(f"FP-{n}", description=ROLE + f"Post {n}.")) for n in range(3)])
    db.session.commit()

    imported = db.session.scalars(sa.select(Vacancy).order_by(Vacancy.id)).all()
    assert [v.content_hash for v in imported] == [
        fingerprints.content_hash(v.title, v.about_role) for v in imported
    ]
    keys = db.session.scalars(
        sa.select(vacancy_bands.c.key).where(vacancy_bands.c.vacancy_id == imported[0].id).order_by("band")
    ).all()
    assert tuple(keys) == fingerprints.band_keys(imported[0].title, imported[0].about_role)
    # The school's next listing saying the same is found as a near-duplicate, through the bands.
    details = VacancyDetails.from_vacancy(imported[0])
    details.about_role += " Apply soon."
    findings = duplicate_findings(details, school, threshold=0.8)
    assert [finding.rule for finding in findings] == ["duplicate.same_organisation"]
    # Committed: the search replica has them.
    assert len(find_vacancies(VacancySearch(keywords="mathematics")).ids) == 3


def test_a_batch_the_database_refuses_is_imported_line_by_line_naming_the_line(app):
    """PostgreSQL refuses a NUL character in text (SQLite keeps it): the batch's statement fails, so its
    lines are imported one at a time and only the refused one is reported."""
    lines = [
        json.dumps(line("N-1")),
        json.dumps(line("N-2", title="Teacher of\u0000 Physics", subjects=["Physics"])),
        json.dumps(line("N-3", title="Teacher of History", subjects=["History"])),
    ]

    report = import_lines(lines, verified=True)
    db.session.commit()

    saved = db.session.scalars(sa.select(Vacancy.external_reference).order_by(Vacancy.id)).all()
    if db.engine.dialect.name == "postgresql":
        assert [number for number, _ in report.problems] == [2]
        assert report.problems[0][1].startswith("the database refused it")
        assert saved == ["N-1", "N-3"]
    else:
        assert report.problems == []
        assert saved == ["N-1", "N-2", "N-3"]
    assert report.schools_created == 1
    assert report.published == len(saved)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 1
