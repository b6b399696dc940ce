"""The shape of the search index: its fields, and how a vacancy becomes a document.

Times and dates are stored as integer columns (a sortable float column crashes Whoosh, and integers compare
exactly): `closes_at` and `published_at` in microseconds since the Unix epoch, `publish_on` as YYYYMMDD.
Besides one document per published vacancy the index holds one bookmark document, which records the
last change from the log that the index has applied; it is written by the same commit as the documents.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from marketplace.search.api import ORGANISATION_TYPE_GROUPS
from marketplace.search.areas import area_ids
from marketplace.search.whoosh.analysis import vacancy_text_analyzer
from marketplace.vacancies.pay import yearly_pay
from marketplace.vacancies.richtext import plain_text

if TYPE_CHECKING:
    from marketplace.organisations.models import Organisation
    from marketplace.vacancies.models import Vacancy

# Raise whenever a field or its analysis changes: an index built with another version must be rebuilt.
SCHEMA_VERSION = 7  # 5: the `area` field (local authority, county and region of each school); 6: `pay`;
# 7: `salary` is the listing's yearly pay (vacancies/pay.py), and term time only is a working pattern

VACANCY_KIND = "vacancy"
BOOKMARK_KIND = "bookmark"
BOOKMARK_ID = "bookmark"

SPECIAL_SCHOOL_TYPES = frozenset(
    {
        "Community special school",
        "Foundation special school",
        "Non-maintained special school",
        "Academy special converter",
        "Academy special sponsor led",
        "Free schools special",
    }
)
NOT_FAITH = frozenset({"", "none", "does not apply"})

# Coordinates are indexed as whole microdegrees (a sortable float column crashes Whoosh).
COORDINATE_SCALE = 1_000_000

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def _integer_column() -> COLUMN:
    """A signed 64-bit integer per document, stored as a column and nothing else."""
    return COLUMN(NumericColumn("q", default=0))


def build_schema() -> Schema:
    text = vacancy_text_analyzer()
    return Schema(
        # Every document: its key ("42" for vacancy 42, "bookmark" for the bookmark) and its kind.
        id=ID(stored=True, unique=True),
        kind=ID(),
        # Full text, ranked (weights are applied at query time: see keywords.TEXT_FIELD_WEIGHTS).
        title=TEXT(analyzer=text, stored=True),
        subjects=TEXT(analyzer=text),
        organisation=TEXT(analyzer=text),
        body=TEXT(analyzer=text, stored=True),
        pay=TEXT(analyzer=text),  # the salary as the school wrote it ("MPS/UPS + TLR 2b")
        # Filters: one term per vocabulary identifier.
        job_role=KEYWORD(),
        phase=KEYWORD(),
        key_stage=KEYWORD(),
        subject=KEYWORD(),
        working_pattern=KEYWORD(),
        contract_type=KEYWORD(),
        ect_status=KEYWORD(),
        visa_sponsorship=KEYWORD(),
        quick_apply=KEYWORD(),
        organisation_type=KEYWORD(),
        school_type=KEYWORD(),
        organisation_slug=KEYWORD(),  # the school's slug, its trust's, and those of the schools it covers
        area=KEYWORD(),  # "la:kent county:kent region:south-east" for each school the job is at
        # Per-document values read as columns (engine.py builds its arrays from them); 0 means none.
        # Columns only, not indexed: nothing searches them by range, and a NUMERIC field would index
        # up to 16 terms per value, most of a rebuild's postings.
        vacancy_id=_integer_column(),
        publish_on=_integer_column(),
        closes_at=_integer_column(),
        published_at=_integer_column(),
        salary=_integer_column(),
        latitude=_integer_column(),
        longitude=_integer_column(),
        # A listing at several schools of a trust: the first school's coordinates are the columns above,
        # the others' are stored here as [latitude, longitude] pairs (scaled like them); `several_places`
        # marks these documents so the engine reads only theirs.
        several_places=ID(),
        other_points=STORED(),
        # A digest of the fields above, so `verify` can tell a stale document from a current one.
        fingerprint=STORED(),
        # The bookmark document only.
        last_change_id=STORED(),
        schema_version=STORED(),
    )


SCHEMA = build_schema()


def epoch_microseconds(moment: dt.datetime) -> int:
    """An aware datetime as whole microseconds since the Unix epoch (exact, unlike a float timestamp)."""
    return (moment - _EPOCH) // _MICROSECOND


def day_number(day: dt.date) -> int:
    """A date as the integer YYYYMMDD, which orders like the date."""
    return day.year * 10_000 + day.month * 100 + day.day


def subject_term(subject: str) -> str:
    """A subject name as one filter term: "Hotel, catering and travel" -> "hotel_catering_and_travel"."""
    return re.sub(r"[^a-z0-9]+", "_", subject.lower()).strip("_")


def vacancy_document(vacancy: Vacancy) -> dict[str, Any]:
    """The index document of a published vacancy (its organisation must be loaded or loadable)."""
    # "Newest" and "posted within" go by the listing's publish date, not the day an import ran.
    published_at = vacancy.posted_at
    # Job share and term time only are flags on the vacancy; the filter offers them as more working patterns.
    working_patterns = [
        *vacancy.working_patterns,
        *(["job_share"] if vacancy.job_share else []),
        *(["term_time_only"] if vacancy.term_time_only else []),
    ]
    organisation = vacancy.organisation
    points = located_points(vacancy)
    latitude, longitude = points[0] if points else (0, 0)
    document: dict[str, Any] = {
        "id": str(vacancy.id),
        "kind": VACANCY_KIND,
        "title": vacancy.title,
        "subjects": "\n".join(vacancy.subjects),
        "organisation": vacancy.organisation.name,
        # The role description may be rich text: index its words, never its markup.
        "body": "\n\n".join(
            part for part in (plain_text(vacancy.about_role), vacancy.what_school_offers) if part
        ),
        "pay": vacancy.salary or "",
        "job_role": " ".join(vacancy.job_roles),
        "phase": " ".join(vacancy.phases),
        "key_stage": " ".join(vacancy.key_stages),
        "subject": " ".join(subject_term(subject) for subject in vacancy.subjects),
        "working_pattern": " ".join(working_patterns),
        "contract_type": vacancy.contract_type,
        "ect_status": vacancy.ect_status,
        "visa_sponsorship": _yes_no(vacancy.visa_sponsorship),
        "quick_apply": _yes_no(vacancy.applies_through_marketplace),
        "organisation_type": " ".join(organisation_types(organisation)),
        "school_type": " ".join(school_types(organisation)),
        "organisation_slug": " ".join(
            dict.fromkeys(
                [
                    *organisation_slugs(organisation),
                    *(school.slug for school in vacancy.additional_schools if school.slug),
                ]
            )
        ),
        "area": " ".join(areas_of(vacancy)),
        "vacancy_id": vacancy.id,
        "publish_on": day_number(vacancy.publish_on),
        "closes_at": epoch_microseconds(vacancy.closes_at),
        "published_at": epoch_microseconds(published_at),
        # The most the job pays a year for its hours (vacancies/pay.py), so "at least £X" keeps a range
        # that reaches X, and a part-time post counts at its actual pay.
        "salary": yearly_pay(vacancy) or 0,
        "latitude": latitude,
        "longitude": longitude,
    }
    if len(points) > 1:
        document["several_places"] = "yes"
        document["other_points"] = [list(point) for point in points[1:]]
    document["fingerprint"] = fingerprint(document)
    return document


def _yes_no(flag: bool) -> str:
    return "true" if flag else "false"


def located_points(vacancy: Vacancy) -> list[tuple[int, int]]:
    """The scaled coordinates of every place the job is at that has them, without repeats."""
    points = (
        (_scaled(place.latitude), _scaled(place.longitude))
        for place in vacancy.places
        if place.latitude is not None and place.longitude is not None
    )
    return list(dict.fromkeys(points))


def areas_of(vacancy: Vacancy) -> list[str]:
    """The ids of the areas (local authority, county, region) of every school the job is at."""
    ids = (
        one for place in vacancy.places for one in area_ids(place.local_authority, place.county, place.region)
    )
    return list(dict.fromkeys(ids))


def _scaled(coordinate: float | None) -> int:
    return round(coordinate * COORDINATE_SCALE) if coordinate is not None else 0


def organisation_types(organisation: Organisation) -> list[str]:
    """The organisation-type filter values of a school or trust (from its register group)."""
    group = organisation.type_group or ""
    return [value for value, groups in ORGANISATION_TYPE_GROUPS.items() if group in groups]


def school_types(organisation: Organisation) -> list[str]:
    """faith_school when it has a religious character, special_school for the special school types."""
    types = []
    if (organisation.religious_character or "").strip().lower() not in NOT_FAITH:
        types.append("faith_school")
    if organisation.type_name in SPECIAL_SCHOOL_TYPES:
        types.append("special_school")
    return types


def organisation_slugs(organisation: Organisation) -> list[str]:
    """The school's own slug and its trust's: the `organisation` filter finds a trust's listings too."""
    slugs = [organisation.slug] if organisation.slug else []
    if organisation.trust_id is not None and organisation.trust is not None and organisation.trust.slug:
        slugs.append(organisation.trust.slug)
    return slugs


def fingerprint(document: dict[str, Any]) -> str:
    """A short digest of a document's indexed values (and of the schema version that indexed them)."""
    values = {name: value for name, value in document.items() if name != "fingerprint"}
    canonical = json.dumps([SCHEMA_VERSION, values], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Bookmark:
    """What the bookmark document says: the last change applied, by which version of the schema."""

    last_change_id: int
    schema_version: int

    @classmethod
    def from_stored(cls, stored: dict[str, Any] | None) -> Bookmark | None:
        if not stored:
            return None
        return cls(last_change_id=int(stored["last_change_id"]), schema_version=int(stored["schema_version"]))

    def document(self) -> dict[str, Any]:
        return {
            "id": BOOKMARK_ID,
            "kind": BOOKMARK_KIND,
            "last_change_id": self.last_change_id,
            "schema_version": self.schema_version,
        }
