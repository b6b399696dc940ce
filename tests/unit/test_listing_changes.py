"""What changed in a listing since a moderator asked for changes: snapshots and their diff, no database."""

import dataclasses
import datetime as dt

from marketplace.moderation.changes import apply_and_contact_changes, changes_between, snapshot
from marketplace.vacancies.details import VacancyDetails


def details(**changes) -> VacancyDetails:
    values = dict(
        title="Teacher of Chemistry",
        job_roles=["teacher"],
        phases=["secondary"],
        key_stages=["ks3", "ks4"],
        subjects=["Chemistry"],
        working_patterns=["full_time"],
        job_share=False,
        contract_type="permanent",
        fixed_term_length=None,
        parental_leave_cover=False,
        salary="Main pay range",
        salary_minimum=32916,
        salary_maximum=45352,
        starts_on=dt.date(2027, 9, 1),
        publish_on=dt.date(2027, 5, 1),
        closing_date=dt.date(2027, 5, 20),
        closing_time="12:00",
        ect_status="ect_suitable",
        visa_sponsorship=False,
        about_role="<p>We want an <strong>enthusiastic</strong> chemist.</p>",
        what_school_offers="",
        how_to_apply="marketplace",
        application_url=None,
        application_email=None,
        contact_email="jobs@oakfield.example.org",
        external_reference=None,
    )
    values.update(changes)
    return VacancyDetails(**values)


def test_nothing_changed_is_an_empty_diff():
    before = snapshot(details(), schools=["Oakfield Primary"], documents=["pack.pdf"])
    after = snapshot(details(), schools=["Oakfield Primary"], documents=["pack.pdf"])

    assert changes_between(before, after) == []


def test_a_snapshot_survives_json():
    import json

    before = snapshot(details())

    assert changes_between(json.loads(json.dumps(before)), snapshot(details())) == []


def test_each_changed_field_is_listed_in_reading_order_in_words():
    before = snapshot(details(), documents=["pack.pdf"])
    after = snapshot(
        details(
            title="Teacher of Science",
            salary_maximum=47000,
            closing_date=dt.date(2027, 5, 27),
            about_role="<p>We want an enthusiastic scientist.</p>",
            how_to_apply="website",
            application_url="https://oakfield.example.org/jobs",
        ),
        documents=["pack.pdf", "job description.pdf"],
    )

    changes = changes_between(before, after)

    assert [(c.label, c.before, c.after) for c in changes] == [
        ("Job title", "Teacher of Chemistry", "Teacher of Science"),
        ("Highest salary", "£45,352", "£47,000"),
        ("Closing date", "20 May 2027", "27 May 2027"),
        ("About the role", "We want an enthusiastic chemist.", "We want an enthusiastic scientist."),
        ("How to apply", "Through the marketplace", "On the school's website"),
        ("Application website", "None given", "https://oakfield.example.org/jobs"),
        ("Supporting documents", "pack.pdf", "job description.pdf, pack.pdf"),
    ]


def test_empty_and_missing_values_are_the_same():
    before = snapshot(details(what_school_offers=""))
    after = snapshot(details(what_school_offers=None))  # type: ignore[arg-type]

    assert changes_between(before, after) == []


def test_a_snapshot_from_an_older_shape_still_compares():
    before = snapshot(details())
    before.pop("documents")
    before["retired_field"] = "x"

    assert changes_between(before, snapshot(details())) == []


def test_apply_and_contact_changes_name_what_changed():
    live = details()

    assert apply_and_contact_changes(live, dataclasses.replace(live)) == ()
    assert apply_and_contact_changes(live, details(contact_email="JOBS@oakfield.example.org ")) == ()
    changed = details(contact_email="head@gmail.example.com")
    assert apply_and_contact_changes(live, changed) == ("contact email",)
    assert apply_and_contact_changes(
        live, details(how_to_apply="email", application_email="apply@elsewhere.example.com")
    ) == ("application method", "application email address")
    assert apply_and_contact_changes(live, details(title="Teacher of Physics", salary="MPR")) == ()
