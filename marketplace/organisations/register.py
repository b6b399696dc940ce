"""Reading the official register of schools in England ("Get Information About Schools", GIAS).

Pure parsing, no database: each reader streams a CSV file in the register's own layout and encoding
(Windows-1252) and yields, for every data row, either the record we keep or a `RowProblem` saying why
the row cannot be used. Row numbers count the header as row 1, as a spreadsheet shows them.

The register is published as three files:

* establishments (`edubasealldata*.csv`): one row per school, about 50,000 rows and 120-odd columns;
* groups (`allgroupsdata*.csv`): trusts, federations and sponsors;
* links (`alllinksdata*.csv`): which school (URN) belongs to which group (UID).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pyproj import Transformer

from marketplace.numbers import whole_number

ENCODING = "cp1252"

# The register's phase names and our phase identifiers (marketplace.vacancies.vocabulary.PHASES).
PHASES = {
    "nursery": "nursery",
    "primary": "primary",
    "middle deemed primary": "primary",
    "secondary": "secondary",
    "middle deemed secondary": "secondary",
    "16 plus": "sixth_form_or_college",
    "all-through": "through",
    "all through": "through",
}

# Establishments that are running today: "Open", and "Open, but proposed to close".
OPEN_STATUSES = {"open", "open, but proposed to close"}

# Answers the register gives where it has nothing to say.
NOTHING = {"", "not applicable", "not recorded", "does not apply", "none", "null", "(blank)"}

# Groups whose members act as one employer: their staff may post for every school of the group.
TRUST_TYPES = {
    "multi-academy trust": 1,
    "single-academy trust": 1,
    "federation": 2,
    "trust": 3,
}
OPEN_GROUP_STATUSES = {"open", "proposed to open"}

# The published layouts, column for column: tests and the benchmark build their files from these.
ESTABLISHMENTS_HEADER = (
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (code)",
    "TypeOfEstablishment (name)",
    "EstablishmentTypeGroup (code)",
    "EstablishmentTypeGroup (name)",
    "EstablishmentStatus (code)",
    "EstablishmentStatus (name)",
    "ReasonEstablishmentOpened (code)",
    "ReasonEstablishmentOpened (name)",
    "OpenDate",
    "ReasonEstablishmentClosed (code)",
    "ReasonEstablishmentClosed (name)",
    "CloseDate",
    "PhaseOfEducation (code)",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "Boarders (code)",
    "Boarders (name)",
    "NurseryProvision (name)",
    "OfficialSixthForm (code)",
    "OfficialSixthForm (name)",
    "Gender (code)",
    "Gender (name)",
    "ReligiousCharacter (code)",
    "ReligiousCharacter (name)",
    "ReligiousEthos (name)",
    "Diocese (code)",
    "Diocese (name)",
    "AdmissionsPolicy (code)",
    "AdmissionsPolicy (name)",
    "SchoolCapacity",
    "SpecialClasses (code)",
    "SpecialClasses (name)",
    "CensusDate",
    "NumberOfPupils",
    "NumberOfBoys",
    "NumberOfGirls",
    "PercentageFSM",
    "TrustSchoolFlag (code)",
    "TrustSchoolFlag (name)",
    "Trusts (code)",
    "Trusts (name)",
    "SchoolSponsorFlag (name)",
    "SchoolSponsors (name)",
    "FederationFlag (name)",
    "Federations (code)",
    "Federations (name)",
    "UKPRN",
    "FEHEIdentifier",
    "FurtherEducationType (name)",
    "OfstedLastInsp",
    "OfstedSpecialMeasures (code)",
    "OfstedSpecialMeasures (name)",
    "LastChangedDate",
    "Street",
    "Locality",
    "Address3",
    "Town",
    "County (name)",
    "Postcode",
    "SchoolWebsite",
    "TelephoneNum",
    "HeadTitle (name)",
    "HeadFirstName",
    "HeadLastName",
    "HeadHonours",
    "HeadPreferredJobTitle",
    "InspectorateName (name)",
    "InspectorateReport",
    "DateOfLastInspectionVisit",
    "NextInspectionVisit",
    "TeenMoth (name)",
    "TeenMothPlaces",
    "CCF (name)",
    "SENPRU (name)",
    "EBD (name)",
    "PlacesPRU",
    "FTProv (name)",
    "EdByOther (name)",
    "Section41Approved (name)",
    "SEN1 (name)",
    "TypeOfResourcedProvision (name)",
    "ResourcedProvisionOnRoll",
    "ResourcedProvisionCapacity",
    "SenUnitOnRoll",
    "SenUnitCapacity",
    "GOR (code)",
    "GOR (name)",
    "DistrictAdministrative (code)",
    "DistrictAdministrative (name)",
    "AdministrativeWard (code)",
    "AdministrativeWard (name)",
    "ParliamentaryConstituency (code)",
    "ParliamentaryConstituency (name)",
    "UrbanRural (code)",
    "UrbanRural (name)",
    "GSSLACode (name)",
    "Easting",
    "Northing",
    "CensusAreaStatisticWard (name)",
    "MSOA (name)",
    "LSOA (name)",
    "Inspectorate (name)",
    "SENStat",
    "SENNoStat",
    "BoardingEstablishment (name)",
    "PropsName",
    "PreviousLA (code)",
    "PreviousLA (name)",
    "PreviousEstablishmentNumber",
    "OfstedRating (name)",
    "RSCRegion (name)",
    "Country (name)",
    "UPRN",
    "SiteName",
)
GROUPS_HEADER = (
    "Group UID",
    "Group ID",
    "Group Name",
    "Companies House Number",
    "Group Type (code)",
    "Group Type",
    "Closed Date",
    "Open date",
    "Incorporated on (open date)",
    "Group Status (code)",
    "Group Status",
    "Group Street",
    "Group Locality",
    "Group Address 3",
    "Group Town",
    "Group County",
    "Group Postcode",
    "Head of Group Title",
    "Head of Group First Name",
    "Head of Group Last Name",
    "UKPRN",
)
LINKS_HEADER = (
    "URN",
    "Group UID",
    "Group ID",
    "Group Name",
    "Companies House Number",
    "Group Type (code)",
    "Group Type",
    "Closed Date",
    "Open date",
    "Incorporated on (open date)",
    "Group Status (code)",
    "Group Status",
    "Joined date",
    "EstablishmentName",
    "TypeOfEstablishment (code)",
    "TypeOfEstablishment (name)",
    "PhaseOfEducation (code)",
    "PhaseOfEducation (name)",
    "LA (code)",
    "LA (name)",
)

URN_PATTERN = re.compile(r"^\d{6}$")
UID_PATTERN = re.compile(r"^\d{1,10}$")
POSTCODE_PATTERN = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})$")

# British National Grid (OSGB36) to latitude/longitude on WGS84, as used by maps and GPS.
_GRID_TO_LATLON = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
# Easting and northing are metres from the grid's false origin; anything outside this box is not in Britain.
_GRID_LIMITS = (0, 700_000, 0, 1_300_000)


@dataclass(frozen=True)
class RowProblem:
    """A row that cannot be imported, and why, in words for the person running the import."""

    row: int
    reference: str
    message: str

    def __str__(self) -> str:
        reference = f" ({self.reference})" if self.reference else ""
        return f"row {self.row}{reference}: {self.message}"


@dataclass(frozen=True)
class Establishment:
    """What we keep of one open school from the register."""

    urn: str
    name: str
    type_name: str | None
    type_group: str | None
    phase: str | None
    statutory_low_age: int | None
    statutory_high_age: int | None
    religious_character: str | None
    street: str | None
    locality: str | None
    town: str | None
    county: str | None
    postcode: str | None
    local_authority: str | None
    region: str | None
    website: str | None
    easting: int | None
    northing: int | None


@dataclass(frozen=True)
class Group:
    """An open trust or federation from the register."""

    uid: str
    name: str
    type_name: str
    street: str | None
    locality: str | None
    town: str | None
    county: str | None
    postcode: str | None


@dataclass(frozen=True)
class Link:
    """One school's membership of one group."""

    urn: str
    uid: str
    group_type: str


class RegisterFormatError(Exception):
    """The file is not in the layout we expect (for example, a column we need is missing)."""


# Enough of the start of a file to tell its encoding (the register's header alone is about 3 KB).
SNIFF_BYTES = 64 * 1024
SAVE_AS_CSV = (
    'save it again as "CSV (comma delimited)" or "CSV UTF-8", or use the file as downloaded from '
    "Get Information About Schools"
)


def file_encoding(path: Path | str) -> str:
    """The encoding to read a register file in: the register's own Windows-1252, or UTF-8 when the file
    says so (a byte-order mark) or reads as UTF-8 (a file saved again by a spreadsheet).

    Raises RegisterFormatError naming the problem for a file that is not CSV text at all: UTF-16 (a
    spreadsheet's "Unicode text"), a zip archive or a spreadsheet workbook.
    """
    with open(path, "rb") as handle:
        start = handle.read(SNIFF_BYTES)
    if start.startswith((b"\xff\xfe", b"\xfe\xff")) or (start[:2].count(b"\x00") == 1):
        raise RegisterFormatError(f'The file is in UTF-16 (a spreadsheet\'s "Unicode text"): {SAVE_AS_CSV}')
    if start.startswith(b"PK\x03\x04"):
        raise RegisterFormatError(
            "The file is a zip archive or an Excel workbook, not a CSV file: unzip it, or " + SAVE_AS_CSV
        )
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        raise RegisterFormatError(f"The file is an old-style Excel workbook, not a CSV file: {SAVE_AS_CSV}")
    if b"\x00" in start:
        raise RegisterFormatError(f"The file holds binary data (NUL bytes), not CSV text: {SAVE_AS_CSV}")
    if start.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    # The first block with a byte beyond ASCII decides: most of the register is plain ASCII.
    with open(path, "rb") as handle:
        while block := handle.read(SNIFF_BYTES):
            if block.isascii():
                continue
            try:
                block.decode("utf-8")
            except UnicodeDecodeError as error:
                # A character cut in two by the end of the block is still UTF-8.
                if error.start < len(block) - 3:
                    return ENCODING
            return "utf-8"
    return ENCODING


def read_rows(path: Path | str, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str] | RowProblem]]:
    """Stream a register CSV as (row number, {column: value}) pairs, one row in memory at a time.

    A row with more or fewer fields than the header cannot be matched to its columns safely (the
    register's own exports sometimes shift a row's fields), so it comes out as a RowProblem instead.
    A file that cannot be read as CSV text (see `file_encoding`) is a RegisterFormatError naming why.
    """
    encoding = file_encoding(path)
    # Windows-1252 leaves five byte values undefined: replaced, as the register has always been read.
    # A file that began as UTF-8 and stops being so is refused, rather than imported half garbled.
    errors = "replace" if encoding == ENCODING else "strict"
    with open(path, encoding=encoding, errors=errors, newline="") as handle:
        reader = csv.reader(handle)
        try:
            yield from _rows(reader, required)
        except UnicodeDecodeError:
            raise RegisterFormatError(
                f"Line {reader.line_num + 1:,} is not UTF-8, though the lines before it are: {SAVE_AS_CSV}"
            ) from None
        except csv.Error as error:
            raise RegisterFormatError(
                f"Line {reader.line_num:,} is not CSV the file can hold: {error}"
            ) from None


def _rows(reader, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str] | RowProblem]]:
    header = next(reader, None)
    if header is None:
        raise RegisterFormatError("The file is empty")
    header = [name.strip().lstrip("\ufeff") for name in header]
    missing = [name for name in required if name not in header]
    if missing:
        raise RegisterFormatError(f"The file has no column {', '.join(repr(m) for m in missing)}")
    width = len(header)
    for row_number, fields in enumerate(reader, start=2):
        if not fields or fields == [""]:
            continue
        if len(fields) != width:
            reference = fields[0].strip() if fields else ""
            yield (
                row_number,
                RowProblem(
                    row_number,
                    reference,
                    f"{len(fields)} fields where the header has {width}; skipped",
                ),
            )
            continue
        yield row_number, dict(zip(header, fields, strict=True))


def _text(value: str | None, limit: int) -> str | None:
    cleaned = " ".join((value or "").split())
    if cleaned.lower() in NOTHING:
        return None
    return cleaned[:limit]


def _age(value: str) -> int | None:
    value = value.strip()
    return whole_number(value, highest=99)


def _grid(value: str) -> int | None:
    return whole_number(value)


def normalise_postcode(value: str | None) -> str | None:
    """A UK postcode in its usual form ("LS1 1AA"), or None if it does not look like one."""
    compact = "".join((value or "").upper().split())
    match = POSTCODE_PATTERN.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else None


def normalise_website(value: str | None) -> str | None:
    """A link that works in a browser: the register often leaves out the scheme ("www.school.org.uk")."""
    website = (value or "").strip()
    if not website or website.lower() in NOTHING or " " in website or "." not in website:
        return None
    if not re.match(r"^https?://", website, re.IGNORECASE):
        website = f"http://{website}"
    return website if len(website) <= 300 else None


def phase_for(name: str | None) -> str | None:
    """Our phase identifier for the register's phase name; None for "Not applicable" and unknown names."""
    return PHASES.get((name or "").strip().lower())


def parse_establishment(row_number: int, row: dict[str, str]) -> Establishment | RowProblem | None:
    """The school in a register row; None for one that is not open; a RowProblem for a row we cannot use."""
    urn = row["URN"].strip()
    if not URN_PATTERN.match(urn):
        return RowProblem(row_number, urn, "the URN is not a number of 6 digits; skipped")
    status = " ".join(row["EstablishmentStatus (name)"].split()).lower()
    if status not in OPEN_STATUSES:
        return None
    name = _text(row["EstablishmentName"], 300)
    if not name:
        return RowProblem(row_number, f"URN {urn}", "the school has no name; skipped")
    low, high = _age(row["StatutoryLowAge"]), _age(row["StatutoryHighAge"])
    if low is not None and high is not None and low > high:
        low = high = None  # one of them is wrong and we cannot tell which
    easting, northing = _grid(row["Easting"]), _grid(row["Northing"])
    west, east, south, north = _GRID_LIMITS
    if easting is None or northing is None or not (west < easting < east and south < northing < north):
        easting = northing = None
    locality = ", ".join(
        part for part in (_text(row.get("Locality"), 200), _text(row.get("Address3"), 200)) if part
    )
    return Establishment(
        urn=urn,
        name=name,
        type_name=_text(row["TypeOfEstablishment (name)"], 120),
        type_group=_text(row["EstablishmentTypeGroup (name)"], 120),
        phase=phase_for(row["PhaseOfEducation (name)"]),
        statutory_low_age=low,
        statutory_high_age=high,
        religious_character=_text(row["ReligiousCharacter (name)"], 120),
        street=_text(row["Street"], 200),
        locality=locality[:200] or None,
        town=_text(row["Town"], 120),
        county=_text(row["County (name)"], 120),
        postcode=normalise_postcode(row["Postcode"]),
        local_authority=_text(row["LA (name)"], 120),
        region=_text(row["GOR (name)"], 120),
        website=normalise_website(row["SchoolWebsite"]),
        easting=easting,
        northing=northing,
    )


ESTABLISHMENT_COLUMNS = (
    "URN",
    "EstablishmentName",
    "EstablishmentStatus (name)",
    "TypeOfEstablishment (name)",
    "EstablishmentTypeGroup (name)",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "ReligiousCharacter (name)",
    "Street",
    "Town",
    "County (name)",
    "Postcode",
    "LA (name)",
    "GOR (name)",
    "SchoolWebsite",
    "Easting",
    "Northing",
)


def read_establishments(path: Path | str) -> Iterator[tuple[int, Establishment | RowProblem | None]]:
    """Stream the establishments file: (row number, Establishment | RowProblem | None for a closed school)."""
    for row_number, row in read_rows(path, ESTABLISHMENT_COLUMNS):
        if isinstance(row, RowProblem):
            yield row_number, row
        else:
            yield row_number, parse_establishment(row_number, row)


def to_latitude_longitude(
    points: list[tuple[int, int]],
) -> list[tuple[float, float]]:
    """Latitude and longitude (WGS84, 6 decimal places: about 10 cm) for British National Grid points."""
    if not points:
        return []
    eastings, northings = zip(*points, strict=True)
    longitudes, latitudes = _GRID_TO_LATLON.transform(eastings, northings)
    return [(round(lat, 6), round(lon, 6)) for lat, lon in zip(latitudes, longitudes, strict=True)]


GROUP_COLUMNS = ("Group UID", "Group Name", "Group Type", "Group Status")


def read_groups(path: Path | str) -> Iterator[tuple[int, Group | RowProblem | None]]:
    """Stream the groups file: open trusts and federations; None for groups we do not keep."""
    for row_number, row in read_rows(path, GROUP_COLUMNS):
        if isinstance(row, RowProblem):
            yield row_number, row
            continue
        uid = row["Group UID"].strip()
        if not UID_PATTERN.match(uid):
            yield row_number, RowProblem(row_number, uid, "the group UID is not a number; skipped")
            continue
        type_name = " ".join(row["Group Type"].split())
        status = row["Group Status"].strip().lower()
        if type_name.lower() not in TRUST_TYPES or status not in OPEN_GROUP_STATUSES:
            yield row_number, None
            continue
        name = _text(row["Group Name"], 300)
        if not name:
            yield row_number, RowProblem(row_number, f"UID {uid}", "the group has no name; skipped")
            continue
        locality = ", ".join(
            part
            for part in (_text(row.get("Group Locality"), 200), _text(row.get("Group Address 3"), 200))
            if part
        )
        yield (
            row_number,
            Group(
                uid=uid,
                name=name,
                type_name=type_name,
                street=_text(row.get("Group Street"), 200),
                locality=locality[:200] or None,
                town=_text(row.get("Group Town"), 120),
                county=_text(row.get("Group County"), 120),
                postcode=normalise_postcode(row.get("Group Postcode")),
            ),
        )


LINK_COLUMNS = ("URN", "Group UID")


def read_links(path: Path | str) -> Iterator[tuple[int, Link | RowProblem]]:
    """Stream the links file: which school belongs to which group."""
    for row_number, row in read_rows(path, LINK_COLUMNS):
        if isinstance(row, RowProblem):
            yield row_number, row
            continue
        urn, uid = row["URN"].strip(), row["Group UID"].strip()
        if not URN_PATTERN.match(urn) or not UID_PATTERN.match(uid):
            yield row_number, RowProblem(row_number, urn, "the URN or group UID is not a number; skipped")
            continue
        yield row_number, Link(urn=urn, uid=uid, group_type=" ".join(row.get("Group Type", "").split()))
