"""Where a search is centred, offline: a postcode, a place, or an area a school belongs to.

What a person types resolves, in this order, to:

* a full postcode ("YO1 7HH"): the centre of its sector ("YO1 7"), else the school register's own
  postcode, else the centre of its district; a sector ("YO1 7") or district ("M1") to its centre.
  Centres of every district and sector in Great Britain ship with the package
  (data/postcodes.csv.gz, from Ordnance Survey's Code-Point Open: see data/README.md);
* a county or region ("Kent", "North Yorkshire", "Yorkshire", "Yorkshire and the Humber"): an *area*,
  matched by membership (a school is in Kent when its local authority is; see areas.py), not a circle;
* a town, city or locality: the shipped gazetteer of cities and large towns (data/places.csv) and
  every town and locality of a school in the register (its Town and Locality columns, averaged from
  the schools' own coordinates, so an import keeps it current). A name that means places far apart
  ("Newport", "Richmond") is not guessed: `AmbiguousLocation` lists the choices, each a name that
  resolves on its own ("Newport, Isle of Wight"). Words after the name narrow it ("Leeds West
  Yorkshire", "York UK");
* a local authority of the register ("Calderdale"): an area again.

Nothing here calls out to the network: the data files are read once from the package, and the
register is the organisations table.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
import string
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from marketplace.search.areas import Area, county_of, find_area, local_authority_area

METRES_PER_MILE = 1609
DEFAULT_RADIUS_MILES = 15
MAX_RADIUS_MILES = 200
RADIUS_CHOICES = (0, 1, 5, 10, 15, 20, 25, 50, 100, 200)
NATIONWIDE = frozenset({"england", "uk", "united kingdom", "britain", "great britain", "gb"})
DATA = Path(__file__).parent / "data"
PLACES_FILE = DATA / "places.csv"
POSTCODES_FILE = DATA / "postcodes.csv.gz"
# Places of one name closer than this are one place (a town spanning two local authorities, or the
# gazetteer's centre and the register's schools); further apart they are different places.
SAME_PLACE_MILES = 10
# Longest place name tried, in words, and longest text looked at: anything longer is not a place.
_MAX_WORDS = 8
_MAX_CHARACTERS = 200
_MAX_LOCALITY_WORDS = 4

_EARTH_RADIUS_METRES = 6_371_000
_FULL_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9])([A-Z]{2})$")
_SECTOR = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ([0-9])$")
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Location:
    """What a typed location resolved to: a point to measure from, an area to be in, or the whole
    country (neither)."""

    name: str
    point: Point | None = None
    area: Area | None = None

    @property
    def nationwide(self) -> bool:
        return self.point is None and self.area is None


class UnknownLocation(ValueError):
    """A location that is neither a postcode, a place nor an area we know."""

    def __init__(self, typed: str, message: str | None = None):
        self.typed = typed
        super().__init__(
            message
            or f"We could not find \u2018{typed}\u2019. Try a town, city or county in England, or a postcode."
        )


class AmbiguousLocation(UnknownLocation):
    """A name shared by places far apart: `choices` are names that each resolve to one of them."""

    def __init__(self, typed: str, choices: Sequence[str]):
        self.choices = list(choices)
        listed = ", ".join(self.choices[:-1]) + f" or {self.choices[-1]}"
        super().__init__(
            typed, f"\u2018{typed}\u2019 is the name of more than one place. Did you mean {listed}?"
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


# --- Shipped data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Postcode:
    """The centre of a postcode district or sector, and the country most of it is in (E, W or S)."""

    code: str
    point: Point
    country: str


@cache
def postcodes() -> dict[str, Postcode]:
    """Every postcode district ("YO1") and sector ("YO1 7") in Great Britain, by code."""
    found: dict[str, Postcode] = {}
    with io.TextIOWrapper(gzip.open(POSTCODES_FILE), encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            point = Point(float(row["latitude"]), float(row["longitude"]))
            found[row["code"]] = Postcode(row["code"], point, row["country"])
    return found


@dataclass(frozen=True)
class GazetteerPlace:
    name: str
    kind: str  # city, town or county
    county: str
    point: Point


@cache
def gazetteer_places() -> dict[str, tuple[GazetteerPlace, ...]]:
    """Cities and towns of the shipped gazetteer by lowercase name (and alternative name).

    Its counties are left out: a county is an area (areas.py), matched by membership.
    """
    places: dict[str, list[GazetteerPlace]] = {}
    with PLACES_FILE.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            if row["kind"] == "county":
                continue
            place = GazetteerPlace(
                row["name"],
                row["kind"],
                row["county"],
                Point(float(row["latitude"]), float(row["longitude"])),
            )
            for name in (row["name"], *filter(None, row.get("alternative_names", "").split("|"))):
                places.setdefault(tidy(name), []).append(place)
    return {name: tuple(found) for name, found in places.items()}


def gazetteer() -> dict[str, tuple[str, Point]]:
    """Place names (lowercase) -> (name as written, point): the first place of each name."""
    return {name: (found[0].name, found[0].point) for name, found in gazetteer_places().items()}


# --- Resolving -------------------------------------------------------------------------------------


@dataclass
class Candidate:
    """One place a name may mean: a label that names it alone, its centre and what narrows to it."""

    name: str
    qualifier: str
    point: Point
    schools: int  # how many schools of the register it was averaged from (0: the gazetteer's)
    qualifiers: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return f"{self.name}, {self.qualifier}" if self.qualifier else self.name


# Resolving a place name reads the school register (up to three queries), and the search page asks for
# the place typed as a location and for any place at the end of the keywords on every request: each
# process remembers its answers for RESOLVED_SECONDS. An organisation written through this process
# forgets them at once; another process's school register import is seen within RESOLVED_SECONDS.
RESOLVED_SECONDS = 60.0
_RESOLVED_LIMIT = 4096
_resolved: dict[tuple[str, str], tuple[float, Location | UnknownLocation | None]] = {}


def resolve(typed: str, session: Session) -> Location | None:
    """The location a person typed: None when they typed none, Location() without point or area for
    nationwide.

    Raises UnknownLocation when it cannot be found, AmbiguousLocation (an UnknownLocation) when it
    names several places far apart.
    """
    key = (str(session.get_bind().url), typed or "")
    now = time.monotonic()
    remembered = _resolved.get(key)
    if remembered is not None and now - remembered[0] < RESOLVED_SECONDS:
        answer = remembered[1]
    else:
        try:
            answer = _resolve(typed, session)
        except UnknownLocation as problem:
            answer = problem
        if len(_resolved) >= _RESOLVED_LIMIT:
            _resolved.clear()
        _resolved[key] = (now, answer)
    if isinstance(answer, AmbiguousLocation):
        raise AmbiguousLocation(answer.typed, answer.choices)
    if isinstance(answer, UnknownLocation):
        raise UnknownLocation(answer.typed, str(answer))
    return answer


def forget_resolved() -> None:
    """Forget every place name resolved so far (the register changed)."""
    _resolved.clear()


@sa.event.listens_for(Session, "after_flush")
def _forget_on_organisation_change(session: Session, flush_context) -> None:
    from marketplace.organisations.models import Organisation

    if any(isinstance(o, Organisation) for o in (*session.new, *session.dirty, *session.deleted)):
        forget_resolved()


_WRITES_ORGANISATIONS = re.compile(r"^\s*(?:insert|update|delete|truncate)\b.*\borganisations\b", re.I | re.S)


@sa.event.listens_for(sa.Engine, "after_execute")
def _forget_on_organisation_statement(conn, clauseelement, multiparams, params, options, result) -> None:
    # Bulk writes (the register import) and SQL text (a restore, emptying the tables) bypass the session.
    if isinstance(clauseelement, sa.sql.dml.UpdateBase):
        if getattr(clauseelement.table, "name", "") == "organisations":
            forget_resolved()
    elif isinstance(clauseelement, sa.TextClause) and _WRITES_ORGANISATIONS.match(clauseelement.text):
        forget_resolved()


def _resolve(typed: str, session: Session) -> Location | None:
    # No place name holds a control character (and PostgreSQL refuses a NUL in a query): drop them.
    printable = "".join(
        character for character in (typed or "") if character.isprintable() or character.isspace()
    )
    shown = " ".join(printable.split())[:_MAX_CHARACTERS]
    text = tidy(shown)
    if not text:
        return None
    if text in NATIONWIDE:
        return Location(name=shown)
    location = _postcode(text, session)
    if location:
        return location
    words = text.split()
    if len(words) > _MAX_WORDS + 2:
        raise UnknownLocation(shown)
    prefixes = [" ".join(words[:end]) for end in range(min(len(words), _MAX_WORDS), 0, -1)]
    register = _Register(session, prefixes)
    for name in prefixes:
        rest = text[len(name) :].strip()
        whole = not rest or rest in NATIONWIDE
        area = find_area(name) if whole else None
        places = gazetteer_places().get(name, ())
        if area and not places:
            return Location(name=area.name, area=area)
        candidates = _candidates(name, places, register)
        if candidates:
            return _choose(shown, candidates, rest if not whole else "")
        if whole:
            local_authority = _local_authority(session, name)
            if local_authority:
                area = local_authority_area(local_authority)
                return Location(name=area.name, area=area)
    raise UnknownLocation(shown)


def _postcode(text: str, session: Session) -> Location | None:
    """A full postcode, sector or district as typed, or None when the text is none of them."""
    known = postcodes()
    upper = text.upper()
    compact = upper.replace(" ", "")
    full = _FULL_POSTCODE.match(compact)
    if full:
        district, sector = full.group(1), f"{full.group(1)} {full.group(2)}"
        postcode = f"{sector}{full.group(3)}"
        point = (
            (known[sector].point if sector in known else None)
            or _register_point(session, postcode=postcode)
            or (known[district].point if district in known else None)
            or _register_point(session, district=district)
        )
        if point is None:
            raise UnknownLocation(upper)
        return Location(name=postcode, point=point)
    sector = _SECTOR.match(upper)
    if sector and upper in known:
        return Location(name=upper, point=known[upper].point)
    if _DISTRICT.match(compact):
        point = (known[compact].point if compact in known else None) or _register_point(
            session, district=compact
        )
        if point:
            return Location(name=compact, point=point)
    return None


def _candidates(name: str, places: Iterable[GazetteerPlace], register: _Register) -> list[Candidate]:
    """The distinct places a name means: the gazetteer's, then the register's towns, else its localities.

    A register town far from every gazetteer place of its name counts as another place only when
    more than one school is there: one school's mistyped town must not make "Leeds" ambiguous.
    """
    candidates = [
        Candidate(place.name, place.county, place.point, 0, {tidy(place.county)}) for place in places
    ]
    known = bool(candidates)
    for group in register.towns(name):
        _add(candidates, group, lone_ok=not known)
    if not candidates:
        for group in register.localities(name):
            _add(candidates, group, lone_ok=True)
    return _labelled(candidates)


@dataclass(frozen=True)
class _Group:
    """Schools of one register town or locality within one local authority and county."""

    name: str
    town: str
    local_authority: str
    county: str
    region: str
    point: Point
    schools: int

    @property
    def qualifiers(self) -> set[str]:
        ceremonial = county_of(self.local_authority, self.county) or ""
        return {
            tidy(value) for value in (self.town, self.local_authority, self.county, ceremonial, self.region)
        }

    @property
    def qualifier(self) -> str:
        if self.town and tidy(self.town) != tidy(self.name):
            return self.town  # a locality: "Headingley, Leeds"
        return county_of(self.local_authority, self.county) or self.local_authority or self.county


def _add(candidates: list[Candidate], group: _Group, *, lone_ok: bool) -> None:
    for candidate in candidates:
        if miles(distance_metres(candidate.point, group.point)) <= SAME_PLACE_MILES:
            if candidate.schools:  # two register groups: the centre of all their schools
                total = candidate.schools + group.schools
                candidate.point = Point(
                    (candidate.point.latitude * candidate.schools + group.point.latitude * group.schools)
                    / total,
                    (candidate.point.longitude * candidate.schools + group.point.longitude * group.schools)
                    / total,
                )
                candidate.schools = total
            candidate.qualifiers |= group.qualifiers
            return
    if lone_ok or group.schools > 1:
        candidates.append(
            Candidate(group.name, group.qualifier, group.point, group.schools, group.qualifiers)
        )


def _labelled(candidates: list[Candidate]) -> list[Candidate]:
    """Candidates whose labels differ (two far-apart places labelled alike keep the bigger one)."""
    by_label: dict[str, Candidate] = {}
    for candidate in sorted(candidates, key=lambda one: -one.schools if one.schools else -math.inf):
        candidate.qualifiers.discard("")
        by_label.setdefault(candidate.label.lower(), candidate)
    return sorted(by_label.values(), key=lambda one: one.label)


def _choose(shown: str, candidates: list[Candidate], rest: str) -> Location:
    """The one candidate meant, narrowed by the words after the name; AmbiguousLocation otherwise."""
    several = len(candidates) > 1
    if rest:
        narrowed = [
            one
            for one in candidates
            if any(rest == q or q.startswith(rest) or rest.startswith(q) for q in one.qualifiers)
        ]
        if narrowed:
            candidates = narrowed
    if len(candidates) > 1:
        raise AmbiguousLocation(shown, [one.label for one in candidates])
    chosen = candidates[0]
    # A place chosen among several of its name keeps the name that tells it apart.
    return Location(name=chosen.label if several else chosen.name, point=chosen.point)


class _Register:
    """The register's towns and localities called any of `names`, grouped by local authority and
    county; each kind is read in one query, on first use (a county or a postcode needs neither)."""

    def __init__(self, session: Session, names: list[str]):
        self.session = session
        self.names = names
        self._towns: dict[str, list[_Group]] | None = None
        self._localities: dict[str, list[_Group]] | None = None

    def towns(self, name: str) -> list[_Group]:
        if self._towns is None:
            self._towns = self._read_towns()
        return self._towns.get(name, [])

    def localities(self, name: str) -> list[_Group]:
        if self._localities is None:
            self._localities = self._read_localities()
        return self._localities.get(name, [])

    @staticmethod
    def _located():
        from marketplace.organisations.models import Organisation, OrganisationKind

        o = Organisation
        return (o.kind == OrganisationKind.SCHOOL, o.latitude.is_not(None), o.longitude.is_not(None))

    @staticmethod
    def _centre():
        from marketplace.organisations.models import Organisation as o

        return (sa.func.avg(o.latitude), sa.func.avg(o.longitude), sa.func.count(), sa.func.min(o.region))

    def _read_towns(self) -> dict[str, list[_Group]]:
        from marketplace.organisations.models import Organisation as o

        town = sa.func.lower(o.town)
        found: dict[str, list[_Group]] = {}
        rows = self.session.execute(
            sa.select(town, sa.func.min(o.town), o.local_authority, o.county, *self._centre())
            .where(*self._located(), town.in_(self.names))
            .group_by(town, o.local_authority, o.county)
        )
        for key, spelled, local_authority, county, latitude, longitude, count, region in rows:
            point = Point(float(latitude), float(longitude))
            group = _Group(spelled, spelled, local_authority or "", county or "", region or "", point, count)
            found.setdefault(key, []).append(group)
        return found

    def _read_localities(self) -> dict[str, list[_Group]]:
        from marketplace.organisations.models import Organisation as o

        # The register's locality may carry a second address line after a comma ("Headingley, Far Side").
        # Localities are short names: longer prefixes are not looked for, which keeps the scan cheap.
        names = [name for name in self.names if len(name.split()) <= _MAX_LOCALITY_WORDS]
        if not names:
            return {}
        locality = sa.func.lower(o.locality)
        matches = [locality.in_(names)]
        for name in names:
            pattern = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            matches.append(locality.like(f"{pattern}, %", escape="\\"))
        rows = self.session.execute(
            sa.select(locality, o.town, o.local_authority, o.county, *self._centre())
            .where(*self._located(), sa.or_(*matches))
            .group_by(locality, o.town, o.local_authority, o.county)
        )
        found: dict[str, list[_Group]] = {}
        for value, town, local_authority, county, latitude, longitude, count, region in rows:
            for part in (value, value.split(",")[0].strip()):
                if part in names:
                    point = Point(float(latitude), float(longitude))
                    group = _Group(
                        string.capwords(part),
                        town or "",
                        local_authority or "",
                        county or "",
                        region or "",
                        point,
                        count,
                    )
                    found.setdefault(part, []).append(group)
                    break
        return found


def _local_authority(session: Session, name: str) -> str | None:
    from marketplace.organisations.models import Organisation

    return session.scalar(
        sa.select(sa.func.min(Organisation.local_authority)).where(
            sa.func.lower(Organisation.local_authority) == name
        )
    )


def _register_point(
    session: Session, *, postcode: str | None = None, district: str | None = None
) -> Point | None:
    """The centre of the register's schools at a postcode or in a district."""
    from marketplace.organisations.models import Organisation

    upper = sa.func.upper(Organisation.postcode)
    condition = upper == postcode if postcode else upper.like(f"{district} %")
    latitude, longitude = session.execute(
        sa.select(sa.func.avg(Organisation.latitude), sa.func.avg(Organisation.longitude)).where(
            condition, Organisation.latitude.is_not(None), Organisation.longitude.is_not(None)
        )
    ).one()
    if latitude is None or longitude is None:
        return None
    return Point(float(latitude), float(longitude))
