"""Where a search is centred, offline: a place name from the shipped gazetteer (data/places.csv), or a
full postcode or postcode district from the school register's own postcodes and coordinates.

Nothing here calls out to the network: the gazetteer is read once from the package, and postcodes are
looked up in the organisations table.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

METRES_PER_MILE = 1609
DEFAULT_RADIUS_MILES = 15
MAX_RADIUS_MILES = 200
RADIUS_CHOICES = (0, 1, 5, 10, 15, 20, 25, 50, 100, 200)
NATIONWIDE = frozenset({"england", "uk", "united kingdom", "britain", "great britain"})
PLACES_FILE = Path(__file__).parent / "data" / "places.csv"

_EARTH_RADIUS_METRES = 6_371_000
_FULL_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Location:
    """What a typed location resolved to: a point to measure from, or the whole country."""

    name: str
    point: Point | None = None

    @property
    def nationwide(self) -> bool:
        return self.point is None


class UnknownLocation(ValueError):
    """A location that is neither a place we know nor a postcode in the school register."""

    def __init__(self, typed: str):
        self.typed = typed
        super().__init__(
            f"We could not find \u2018{typed}\u2019. Try a town, city or county in England, or a postcode."
        )


def distance_metres(a: Point, b: Point) -> float:
    """Great-circle distance (haversine) between two points, in metres."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * _EARTH_RADIUS_METRES * math.asin(min(1.0, math.sqrt(h)))


def miles(metres: float) -> float:
    return metres / METRES_PER_MILE


def radius_miles(value: object) -> int:
    """A radius as typed: a whole number of miles up to 200; 0, missing or not a whole number is 15."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return DEFAULT_RADIUS_MILES
    if number <= 0:
        return DEFAULT_RADIUS_MILES
    return min(number, MAX_RADIUS_MILES)


def tidy(typed: str) -> str:
    return " ".join(typed.replace(",", " ").split()).lower()


@cache
def gazetteer() -> dict[str, tuple[str, Point]]:
    """Place names (lowercase) -> (name as written, point), from the shipped gazetteer."""
    places: dict[str, tuple[str, Point]] = {}
    with PLACES_FILE.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            point = Point(float(row["latitude"]), float(row["longitude"]))
            for name in (row["name"], *filter(None, row.get("alternative_names", "").split("|"))):
                places.setdefault(tidy(name), (row["name"], point))
    return places


def resolve(typed: str, session: Session) -> Location | None:
    """The location a person typed: None when they typed none, Location(point=None) for nationwide.

    Raises UnknownLocation when it cannot be found.
    """
    text = tidy(typed or "")
    if not text:
        return None
    if text in NATIONWIDE:
        return Location(name=typed.strip())
    postcode = text.upper().replace(" ", "")
    full = _FULL_POSTCODE.match(postcode)
    if full:
        point = _postcode_point(session, f"{full.group(1)} {full.group(2)}") or _district_point(
            session, full.group(1)
        )
        if point:
            return Location(name=f"{full.group(1)} {full.group(2)}", point=point)
        raise UnknownLocation(typed.strip())
    if _DISTRICT.match(postcode):
        point = _district_point(session, postcode)
        if point:
            return Location(name=postcode, point=point)
    place = _place(text)
    if place:
        return Location(name=place[0], point=place[1])
    point = _town_point(session, text)
    if point:
        return Location(name=typed.strip().title(), point=point)
    raise UnknownLocation(typed.strip())


def _place(text: str) -> tuple[str, Point] | None:
    """A gazetteer place, also when more follows its name ("Leeds West Yorkshire", "York UK")."""
    places = gazetteer()
    words = text.split()
    for end in range(len(words), 0, -1):
        found = places.get(" ".join(words[:end]))
        if found:
            return found
    return None


def _average(session: Session, condition) -> Point | None:
    from marketplace.organisations.models import Organisation

    latitude, longitude = session.execute(
        sa.select(sa.func.avg(Organisation.latitude), sa.func.avg(Organisation.longitude)).where(
            condition, Organisation.latitude.is_not(None), Organisation.longitude.is_not(None)
        )
    ).one()
    if latitude is None or longitude is None:
        return None
    return Point(float(latitude), float(longitude))


def _postcode_point(session: Session, postcode: str) -> Point | None:
    from marketplace.organisations.models import Organisation

    return _average(session, sa.func.upper(Organisation.postcode) == postcode)


def _district_point(session: Session, district: str) -> Point | None:
    from marketplace.organisations.models import Organisation

    return _average(session, sa.func.upper(Organisation.postcode).like(f"{district} %"))


def _town_point(session: Session, town: str) -> Point | None:
    from marketplace.organisations.models import Organisation

    return _average(session, sa.func.lower(Organisation.town) == town)
