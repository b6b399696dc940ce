"""Register files for tests, in the layout and encoding of Get Information About Schools."""

from __future__ import annotations

import csv
from pathlib import Path

from marketplace.organisations.register import ENCODING, ESTABLISHMENTS_HEADER, GROUPS_HEADER, LINKS_HEADER

SCHOOL = {
    "URN": "137042",
    "LA (name)": "Leeds",
    "EstablishmentName": "Kirkstall Valley Primary School",
    "TypeOfEstablishment (name)": "Academy converter",
    "EstablishmentTypeGroup (name)": "Academies",
    "EstablishmentStatus (code)": "1",
    "EstablishmentStatus (name)": "Open",
    "PhaseOfEducation (code)": "2",
    "PhaseOfEducation (name)": "Primary",
    "StatutoryLowAge": "3",
    "StatutoryHighAge": "11",
    "ReligiousCharacter (name)": "Does not apply",
    "Street": "Kirkstall Lane",
    "Locality": "Kirkstall",
    "Address3": "",
    "Town": "Leeds",
    "County (name)": "West Yorkshire",
    "Postcode": "ls5 3ab",
    "SchoolWebsite": "www.kirkstallvalley.leeds.sch.uk",
    "GOR (name)": "Yorkshire and the Humber",
    "Easting": "426000",
    "Northing": "435500",
}


def write(path: Path, header: tuple[str, ...], rows: list[dict[str, str] | list[str]]) -> Path:
    """A CSV with the register's header; a dict row fills the named columns, a list row is written as is."""
    with open(path, "w", encoding=ENCODING, newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(column, "") for column in header] if isinstance(row, dict) else row)
    return path


def establishments(path: Path, *rows: dict[str, str] | list[str]) -> Path:
    return write(path, ESTABLISHMENTS_HEADER, list(rows))


def school(**changes: str) -> dict[str, str]:
    return {**SCHOOL, **changes}


def groups(path: Path, *rows: dict[str, str]) -> Path:
    return write(path, GROUPS_HEADER, list(rows))


def group(**changes: str) -> dict[str, str]:
    return {
        "Group UID": "2044",
        "Group ID": "TR00261",
        "Group Name": "ABBEY ACADEMIES TRUST",
        "Group Type (code)": "06",
        "Group Type": "Multi-academy trust",
        "Group Status (code)": "OPEN",
        "Group Status": "Open",
        "Group Street": "Abbey Road",
        "Group Town": "Bourne",
        "Group Postcode": "PE10 9EP",
        **changes,
    }


def links(path: Path, *pairs: tuple[str, str]) -> Path:
    return write(
        path,
        LINKS_HEADER,
        [{"URN": urn, "Group UID": uid, "Group Type": "Multi-academy trust"} for urn, uid in pairs],
    )
