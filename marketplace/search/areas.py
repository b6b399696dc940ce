"""Areas a school belongs to: its local authority, its county and its region, as the register says.

A search for "Kent" finds the listings at schools *in* Kent, not those within some miles of a point
in the middle of it. Each listing is indexed with the area ids of its schools (`area_ids`), and a
typed area name turns into the ids it covers (`find_area`). Pure data and functions, no database.

Counties are the ceremonial counties of England, each with the local authorities (as the school
register spells them in its "LA (name)" column) that lie in it: a school's county comes from its
local authority, so York (a unitary authority) is in North Yorkshire and Medway is in Kent, whatever
the postal county in its address says. A local authority this table does not know (a new one) falls
back to the register's "County (name)" column. Regions are the register's "GOR (name)" column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Ceremonial county -> the local authorities in it, spelled as the register's "LA (name)" column.
COUNTIES: dict[str, tuple[str, ...]] = {
    "Bedfordshire": ("Bedford", "Central Bedfordshire", "Luton"),
    "Berkshire": (
        "Bracknell Forest",
        "Reading",
        "Slough",
        "West Berkshire",
        "Windsor and Maidenhead",
        "Wokingham",
    ),
    "Bristol": ("Bristol, City of",),
    "Buckinghamshire": ("Buckinghamshire", "Milton Keynes"),
    "Cambridgeshire": ("Cambridgeshire", "Peterborough"),
    "Cheshire": ("Cheshire East", "Cheshire West and Chester", "Halton", "Warrington"),
    "Cornwall": ("Cornwall", "Isles of Scilly"),
    "Cumbria": ("Cumbria", "Cumberland", "Westmorland and Furness"),
    "Derbyshire": ("Derbyshire", "Derby"),
    "Devon": ("Devon", "Plymouth", "Torbay"),
    "Dorset": ("Dorset", "Bournemouth, Christchurch and Poole", "Bournemouth", "Poole"),
    "County Durham": ("County Durham", "Durham", "Darlington", "Hartlepool", "Stockton-on-Tees"),
    "East Riding of Yorkshire": ("East Riding of Yorkshire", "Kingston upon Hull, City of"),
    "East Sussex": ("East Sussex", "Brighton and Hove"),
    "Essex": ("Essex", "Southend-on-Sea", "Thurrock"),
    "Gloucestershire": ("Gloucestershire", "South Gloucestershire"),
    "Greater London": (
        "City of London",
        "Barking and Dagenham",
        "Barnet",
        "Bexley",
        "Brent",
        "Bromley",
        "Camden",
        "Croydon",
        "Ealing",
        "Enfield",
        "Greenwich",
        "Hackney",
        "Hammersmith and Fulham",
        "Haringey",
        "Harrow",
        "Havering",
        "Hillingdon",
        "Hounslow",
        "Islington",
        "Kensington and Chelsea",
        "Kingston upon Thames",
        "Lambeth",
        "Lewisham",
        "Merton",
        "Newham",
        "Redbridge",
        "Richmond upon Thames",
        "Southwark",
        "Sutton",
        "Tower Hamlets",
        "Waltham Forest",
        "Wandsworth",
        "Westminster",
    ),
    "Greater Manchester": (
        "Bolton",
        "Bury",
        "Manchester",
        "Oldham",
        "Rochdale",
        "Salford",
        "Stockport",
        "Tameside",
        "Trafford",
        "Wigan",
    ),
    "Hampshire": ("Hampshire", "Portsmouth", "Southampton"),
    "Herefordshire": ("Herefordshire, County of", "Herefordshire"),
    "Hertfordshire": ("Hertfordshire",),
    "Isle of Wight": ("Isle of Wight",),
    "Kent": ("Kent", "Medway"),
    "Lancashire": ("Lancashire", "Blackburn with Darwen", "Blackpool"),
    "Leicestershire": ("Leicestershire", "Leicester"),
    "Lincolnshire": ("Lincolnshire", "North Lincolnshire", "North East Lincolnshire"),
    "Merseyside": ("Knowsley", "Liverpool", "St. Helens", "St Helens", "Sefton", "Wirral"),
    "Norfolk": ("Norfolk",),
    "North Yorkshire": ("North Yorkshire", "York", "Middlesbrough", "Redcar and Cleveland"),
    "Northamptonshire": ("Northamptonshire", "North Northamptonshire", "West Northamptonshire"),
    "Northumberland": ("Northumberland",),
    "Nottinghamshire": ("Nottinghamshire", "Nottingham"),
    "Oxfordshire": ("Oxfordshire",),
    "Rutland": ("Rutland",),
    "Shropshire": ("Shropshire", "Telford and Wrekin"),
    "Somerset": ("Somerset", "Bath and North East Somerset", "North Somerset"),
    "South Yorkshire": ("Barnsley", "Doncaster", "Rotherham", "Sheffield"),
    "Staffordshire": ("Staffordshire", "Stoke-on-Trent"),
    "Suffolk": ("Suffolk",),
    "Surrey": ("Surrey",),
    "Tyne and Wear": ("Gateshead", "Newcastle upon Tyne", "North Tyneside", "South Tyneside", "Sunderland"),
    "Warwickshire": ("Warwickshire",),
    "West Midlands": ("Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall", "Wolverhampton"),
    "West Sussex": ("West Sussex",),
    "West Yorkshire": ("Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield"),
    "Wiltshire": ("Wiltshire", "Swindon"),
    "Worcestershire": ("Worcestershire",),
}
# The register's regions ("GOR (name)").
REGIONS = (
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)
# Names people type for a group of counties or another spelling of one area: name -> (kind, names).
ALIASES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Yorkshire": (
        "county",
        ("North Yorkshire", "West Yorkshire", "South Yorkshire", "East Riding of Yorkshire"),
    ),
    "East Yorkshire": ("county", ("East Riding of Yorkshire",)),
    "Durham County": ("county", ("County Durham",)),
    "Co Durham": ("county", ("County Durham",)),
    "Cumberland": ("county", ("Cumbria",)),
    "Westmorland": ("county", ("Cumbria",)),
    "Yorkshire and Humber": ("region", ("Yorkshire and the Humber",)),
    "Yorkshire & the Humber": ("region", ("Yorkshire and the Humber",)),
    "Yorkshire & Humber": ("region", ("Yorkshire and the Humber",)),
    "The North East": ("region", ("North East",)),
    "North East England": ("region", ("North East",)),
    "The North West": ("region", ("North West",)),
    "North West England": ("region", ("North West",)),
    "East of England": ("region", ("East of England",)),
    "East Anglia": ("region", ("East of England",)),
    "The South East": ("region", ("South East",)),
    "South East England": ("region", ("South East",)),
    "The South West": ("region", ("South West",)),
    "South West England": ("region", ("South West",)),
    "The Midlands": ("region", ("East Midlands", "West Midlands")),
    "Midlands": ("region", ("East Midlands", "West Midlands")),
    # "West Midlands" alone is the county (Birmingham, Coventry, Wolverhampton and their neighbours).
    "West Midlands region": ("region", ("West Midlands",)),
    "Greater London": ("county", ("Greater London",)),
    "Sussex": ("county", ("East Sussex", "West Sussex")),
    # Short forms people write on envelopes.
    **{
        short: ("county", (county,))
        for short, county in {
            "Beds": "Bedfordshire",
            "Bucks": "Buckinghamshire",
            "Cambs": "Cambridgeshire",
            "Devonshire": "Devon",
            "Glos": "Gloucestershire",
            "Hants": "Hampshire",
            "Herts": "Hertfordshire",
            "Kernow": "Cornwall",
            "Lancs": "Lancashire",
            "Leics": "Leicestershire",
            "Lincs": "Lincolnshire",
            "Northants": "Northamptonshire",
            "Notts": "Nottinghamshire",
            "Oxon": "Oxfordshire",
            "Staffs": "Staffordshire",
            "Wilts": "Wiltshire",
            "Worcs": "Worcestershire",
        }.items()
    },
}
# Region names that are a county or a place when typed alone ("London" is a city with a radius).
_REGION_NAMES_TAKEN = frozenset({"west midlands", "london"})

_LA_COUNTY = {la.lower(): county for county, las in COUNTIES.items() for la in las}
KNOWN_LOCAL_AUTHORITIES = tuple(_LA_COUNTY)  # lowercase
_NOT_RECORDED = frozenset({"", "not recorded", "not applicable", "unknown"})


def slug(name: str) -> str:
    """An area name as part of an id: "Bristol, City of" -> "bristol-city-of"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("&", "and")).strip("-")


def _tidy(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9&]+", " ", name.lower()).replace("&", "and").split())


def county_of(local_authority: str | None, county: str | None = None) -> str | None:
    """The ceremonial county of a school: from its local authority, else the register's county column."""
    found = _LA_COUNTY.get((local_authority or "").strip().lower())
    if found:
        return found
    county = (county or "").strip()
    return county if county.lower() not in _NOT_RECORDED else None


def area_ids(local_authority: str | None, county: str | None, region: str | None) -> list[str]:
    """The ids of the areas a school is in: "la:leeds", "county:west-yorkshire", "region:…"."""
    ids = []
    if (local_authority or "").strip().lower() not in _NOT_RECORDED:
        ids.append(f"la:{slug(local_authority or '')}")
    ceremonial = county_of(local_authority, county)
    if ceremonial:
        ids.append(f"county:{slug(ceremonial)}")
    if (region or "").strip().lower() not in _NOT_RECORDED:
        ids.append(f"region:{slug(region or '')}")
    return [one for one in ids if not one.endswith(":")]


@dataclass(frozen=True)
class Area:
    """A typed area, resolved: its name as we write it and the area ids a listing must have one of."""

    name: str
    ids: tuple[str, ...]
    kind: str  # "county", "region" or "local authority"


def _static_areas() -> dict[str, Area]:
    areas: dict[str, Area] = {}
    for region in REGIONS:
        if region.lower() not in _REGION_NAMES_TAKEN:
            areas[_tidy(region)] = Area(region, (f"region:{slug(region)}",), "region")
    for county in COUNTIES:
        areas[_tidy(county)] = Area(county, (f"county:{slug(county)}",), "county")
    for alias, (kind, names) in ALIASES.items():
        areas[_tidy(alias)] = Area(
            alias if len(names) > 1 else names[0], tuple(f"{kind}:{slug(name)}" for name in names), kind
        )
    return areas


STATIC_AREAS = _static_areas()


def find_area(typed: str) -> Area | None:
    """The county or region a typed name means ("Kent", "yorkshire", "Yorkshire and the Humber")."""
    return STATIC_AREAS.get(_tidy(typed))


def local_authority_area(name: str) -> Area:
    """A local authority as an area (the register's spelling)."""
    return Area(name, (f"la:{slug(name)}",), "local authority")


def register_values(area: Area) -> tuple[list[str], list[str], list[str]]:
    """The register's (lowercase) local authorities, counties and regions an area covers, for a
    database query: a county covers its local authorities and the schools whose county column names it."""
    by_slug = {slug(name): name for name in (*COUNTIES, *REGIONS)}
    local_authorities: list[str] = []
    counties: list[str] = []
    regions: list[str] = []
    for one in area.ids:
        kind, _, value = one.partition(":")
        if kind == "la":
            local_authorities.append(area.name.lower())
        elif kind == "county" and value in by_slug:
            counties.append(by_slug[value].lower())
            local_authorities += [name.lower() for name in COUNTIES[by_slug[value]]]
        elif kind == "region" and value in by_slug:
            regions.append(by_slug[value].lower())
    return local_authorities, counties, regions
