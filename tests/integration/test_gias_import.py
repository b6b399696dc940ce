"""Importing the school register: schools, trusts and their links, re-runnable and forgiving of bad rows."""

import json

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.organisations import importer
from marketplace.organisations.models import Organisation, OrganisationKind
from marketplace.organisations.register import ESTABLISHMENTS_HEADER, RegisterFormatError
from tests import register_files as files
from tests.factories import MembershipFactory, OrganisationFactory


def organisation(urn=None, uid=None) -> Organisation | None:
    db.session.expire_all()
    column, value = (Organisation.urn, urn) if urn else (Organisation.uid, uid)
    return db.session.scalar(sa.select(Organisation).where(column == value))


def test_an_open_school_is_imported_with_its_register_details(app, tmp_path):
    path = files.establishments(
        tmp_path / "edubasealldata.csv",
        files.school(
            Easting="530290",
            Northing="179600",
            EstablishmentName="Brontë Church of England Primary School",
            **{"ReligiousCharacter (name)": "Church of England"},
        ),
    )

    report = importer.import_establishments(path)
    db.session.commit()

    assert (report.created, report.updated, report.problem_count) == (1, 0, 0)
    school = organisation(urn="137042")
    assert school.kind is OrganisationKind.SCHOOL
    assert school.name == "Brontë Church of England Primary School"  # read as Windows-1252
    assert school.slug == "bronte-church-of-england-primary-school"
    assert (school.type_name, school.type_group) == ("Academy converter", "Academies")
    assert school.phase == "primary"
    assert (school.statutory_low_age, school.statutory_high_age) == (3, 11)
    assert school.religious_character == "Church of England"
    assert (school.street, school.locality, school.town, school.county, school.postcode) == (
        "Kirkstall Lane",
        "Kirkstall",
        "Leeds",
        "West Yorkshire",
        "LS5 3AB",
    )
    assert (school.local_authority, school.region) == ("Leeds", "Yorkshire and the Humber")
    assert school.website == "http://www.kirkstallvalley.leeds.sch.uk"
    # The grid reference of Big Ben, whose latitude and longitude on maps (WGS84) are 51.5007, -0.1246.
    assert school.latitude == pytest.approx(51.5007, abs=0.001)
    assert school.longitude == pytest.approx(-0.1246, abs=0.001)
    assert school.verified_at is None


@pytest.mark.parametrize(
    ("register_phase", "phase"),
    [
        ("Nursery", "nursery"),
        ("Primary", "primary"),
        ("Middle deemed primary", "primary"),
        ("Secondary", "secondary"),
        ("Middle deemed secondary", "secondary"),
        ("16 plus", "sixth_form_or_college"),
        ("All-through", "through"),
        ("Not applicable", None),
    ],
)
def test_register_phases_become_our_phases(app, tmp_path, register_phase, phase):
    path = files.establishments(
        tmp_path / "e.csv", files.school(**{"PhaseOfEducation (name)": register_phase})
    )
    importer.import_establishments(path)
    assert organisation(urn="137042").phase == phase


def test_only_open_schools_are_imported(app, tmp_path):
    path = files.establishments(
        tmp_path / "e.csv",
        files.school(URN="100001", **{"EstablishmentStatus (name)": "Closed"}),
        files.school(URN="100002", **{"EstablishmentStatus (name)": "Open, but proposed to close"}),
        files.school(URN="100003", **{"EstablishmentStatus (name)": "Proposed to open"}),
    )

    report = importer.import_establishments(path)

    assert (report.created, report.skipped) == (1, 2)
    assert organisation(urn="100002") is not None
    assert organisation(urn="100001") is None


def test_bad_rows_are_reported_with_their_row_numbers_and_the_rest_imported(app, tmp_path):
    shifted = [
        files.school(URN="124930")[column] if column in files.SCHOOL else ""
        for column in ESTABLISHMENTS_HEADER
    ]
    shifted = shifted[:60] + [""] * 15 + shifted[60:]  # 135 fields against a 120-column header
    path = files.establishments(
        tmp_path / "e.csv",
        files.school(URN="100001"),
        shifted,
        files.school(URN="12345X"),
        files.school(URN="100004", EstablishmentName=""),
        files.school(URN="100005", Easting="", Northing=""),
    )

    report = importer.import_establishments(path)

    assert [str(p) for p in report.problems] == [
        "row 3 (124930): 135 fields where the header has 120; skipped",
        "row 4 (12345X): the URN is not a number of 6 digits; skipped",
        "row 5 (URN 100004): the school has no name; skipped",
    ]
    assert report.created == 2
    assert organisation(urn="124930") is None
    located = organisation(urn="100005")
    assert (located.latitude, located.longitude) == (None, None)


def test_a_second_run_changes_nothing_and_a_newer_file_updates_only_what_changed(app, tmp_path):
    first = files.establishments(tmp_path / "1.csv", files.school(URN="100001"), files.school(URN="100002"))
    importer.import_establishments(first)
    db.session.commit()
    school = organisation(urn="100001")
    slug, updated_at = school.slug, school.updated_at

    again = importer.import_establishments(first)
    db.session.commit()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert organisation(urn="100001").updated_at == updated_at

    newer = files.establishments(
        tmp_path / "2.csv",
        files.school(URN="100001", EstablishmentName="Kirkstall Valley Academy", Postcode="LS5 3XX"),
        files.school(URN="100002"),
    )
    report = importer.import_establishments(newer)
    db.session.commit()
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    renamed = organisation(urn="100001")
    assert (renamed.name, renamed.postcode) == ("Kirkstall Valley Academy", "LS5 3XX")
    assert renamed.slug == slug  # public addresses do not move when a school is renamed


def test_the_import_keeps_what_is_ours_and_gives_clashing_names_distinct_slugs(app, tmp_path):
    existing = MembershipFactory(organisation=OrganisationFactory(urn="100001", name="Old name")).organisation
    suspended_at = existing.verified_at
    path = files.establishments(
        tmp_path / "e.csv",
        files.school(URN="100001", EstablishmentName="St Mary's School"),
        files.school(URN="100002", EstablishmentName="St Mary's School", Town="York"),
        files.school(URN="100003", EstablishmentName="St Mary's School", Town="York"),
    )

    importer.import_establishments(path, batch_size=2)
    db.session.commit()

    school = organisation(urn="100001")
    assert school.verified_at == suspended_at
    assert len(school.memberships) == 1
    slugs = {organisation(urn=urn).slug for urn in ("100001", "100002", "100003")}
    assert len(slugs) == 3
    assert "st-mary-s-school-york" in slugs


def test_a_file_without_the_register_columns_is_refused(app, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,email\nAda,ada@example.org\n", encoding="cp1252")
    with pytest.raises(RegisterFormatError, match="URN"):
        importer.import_establishments(path)


def test_trusts_are_imported_and_their_schools_linked(app, tmp_path):
    files.establishments(tmp_path / "e.csv", files.school(URN="100001"), files.school(URN="100002"))
    importer.import_establishments(tmp_path / "e.csv")
    groups = files.groups(
        tmp_path / "groups.csv",
        files.group(),
        files.group(**{"Group UID": "2059", "Group Name": "LINCOLN FEDERATION", "Group Type": "Federation"}),
        files.group(**{"Group UID": "3000", "Group Name": "A SPONSOR", "Group Type": "School sponsor"}),
        files.group(**{"Group UID": "3001", "Group Name": "A CLOSED TRUST", "Group Status": "Closed"}),
    )
    links = files.links(
        tmp_path / "links.csv", ("100001", "2044"), ("100001", "2059"), ("100002", "3000"), ("999999", "2044")
    )

    report = importer.import_trusts(groups, links)
    db.session.commit()

    assert (report.created, report.skipped, report.linked) == (2, 2, 1)
    trust = organisation(uid="2044")
    assert (trust.kind, trust.name, trust.type_name, trust.town, trust.postcode) == (
        OrganisationKind.TRUST,
        "ABBEY ACADEMIES TRUST",
        "Multi-academy trust",
        "Bourne",
        "PE10 9EP",
    )
    assert organisation(urn="100001").trust_id == trust.id  # the academy trust wins over the federation
    assert organisation(urn="100002").trust_id is None

    again = importer.import_trusts(groups, links)
    assert (again.created, again.updated, again.linked, again.unlinked) == (0, 0, 0, 0)

    importer.import_trusts(groups, files.links(tmp_path / "links2.csv", ("100002", "2044")))
    db.session.commit()
    assert organisation(urn="100001").trust_id is None  # no longer in the trust
    assert organisation(urn="100002").trust_id == trust.id


def test_the_commands_import_and_report(app, tmp_path):
    files.establishments(tmp_path / "e.csv", files.school(URN="100001"), files.school(URN="bad"))
    files.groups(tmp_path / "g.csv", files.group())
    files.links(tmp_path / "l.csv", ("100001", "2044"))
    runner = app.test_cli_runner()

    result = runner.invoke(args=["schools", "import", str(tmp_path / "e.csv")])
    assert result.exit_code == 0, result.output
    assert (
        "Schools: 1 created, 0 updated, 0 unchanged, 0 not open or not kept, 1 rows with problems"
        in result.output
    )
    assert "Skipped row 3 (bad): the URN is not a number of 6 digits; skipped" in result.output

    result = runner.invoke(args=["trusts", "import", str(tmp_path / "g.csv"), str(tmp_path / "l.csv")])
    assert result.exit_code == 0, result.output
    assert "Trusts: 1 created" in result.output
    assert "Schools: 1 linked to a trust" in result.output
    assert organisation(urn="100001").trust.uid == "2044"

    result = runner.invoke(args=["schools", "import", str(tmp_path / "g.csv")])
    assert result.exit_code != 0
    assert "cannot be imported: The file has no column 'URN'" in result.output


def test_the_schools_command_shows_no_progress_off_a_terminal_but_still_sums_up(app, tmp_path):
    files.establishments(tmp_path / "e.csv", *(files.school(URN=str(100001 + n)) for n in range(3)))

    result = app.test_cli_runner().invoke(args=["schools", "import", str(tmp_path / "e.csv")])

    assert result.exit_code == 0, result.output
    assert "\r" not in result.output  # a log file or cron mail gets no redrawn progress lines
    assert "Schools: 3 created" in result.output
    assert "(3 rows in " in result.output


def _refused(app, path) -> str:
    result = app.test_cli_runner().invoke(args=["schools", "import", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert organisation(urn="137042") is None
    return result.output


def test_a_file_in_an_encoding_that_is_not_csv_text_is_refused_naming_the_problem(app, tmp_path):
    utf8 = files.establishments(tmp_path / "e.csv", files.school())
    text = utf8.read_text(encoding="cp1252")

    (tmp_path / "utf16.csv").write_text(text, encoding="utf-16")
    assert 'The file is in UTF-16 (a spreadsheet\'s "Unicode text")' in _refused(app, tmp_path / "utf16.csv")
    (tmp_path / "utf16be.csv").write_bytes(text.encode("utf-16-be"))
    assert "The file is in UTF-16" in _refused(app, tmp_path / "utf16be.csv")
    (tmp_path / "edubase.zip").write_bytes(b"PK\x03\x04" + bytes(100))
    assert "is a zip archive or an Excel workbook" in _refused(app, tmp_path / "edubase.zip")
    (tmp_path / "nul.csv").write_bytes(text.encode("cp1252") + b'"1\x002"\r\n')
    assert "NUL bytes" in _refused(app, tmp_path / "nul.csv")


def test_a_file_that_turns_from_utf8_to_another_encoding_is_refused_at_its_line(app, tmp_path):
    path = files.establishments(
        tmp_path / "e.csv", files.school(EstablishmentName="Ysgol Gymraeg Caerdydd \u2013 Cymraeg")
    )
    body = path.read_bytes().decode("cp1252").encode("utf-8")
    path.write_bytes(body + b"x" * importer.register.SNIFF_BYTES + b"\r\n\xa3\r\n")

    assert "is not UTF-8, though the lines before it are" in _refused(app, path)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_a_file_saved_again_in_utf8_keeps_its_accents(app, tmp_path, encoding):
    # Plain ASCII for longer than one sniffed block: the first accented block decides the encoding.
    rows = [files.school(URN=str(200000 + n), EstablishmentName="Leeds School") for n in range(800)]
    path = files.establishments(tmp_path / "e.csv", *rows, files.school(EstablishmentName="École Française"))
    path.write_text(path.read_text(encoding="cp1252"), encoding=encoding)

    result = app.test_cli_runner().invoke(args=["schools", "import", str(path)])

    assert result.exit_code == 0, result.output
    assert organisation(urn="137042").name == "École Française"


def test_the_benchmark_writes_its_figure(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    output = tmp_path / "result.json"
    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [
            sys.executable,
            str(root / "benchmarks" / "gias_import.py"),
            "--rows",
            "300",
            "--output",
            str(output),
        ],
        check=True,
        capture_output=True,
        cwd=root,
    )
    result = json.loads(output.read_text())
    assert result["rows"] == 300
    assert result["second_run_changed"] == 0
    assert result["created"] + result["not_open"] + result["rows_with_problems"] == 300
