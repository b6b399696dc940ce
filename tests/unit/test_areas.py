"""Areas a school belongs to (counties by local authority, regions) and the names people type for them."""

from __future__ import annotations

import csv

import pytest

from marketplace.search.areas import STATIC_AREAS, area_ids, county_of, find_area
from marketplace.search.geo import PLACES_FILE


@pytest.mark.parametrize(
    ("local_authority", "county", "expected"),
    [
        ("York", "", "North Yorkshire"),
        ("Medway", "Kent", "Kent"),
        ("Bromley", "Kent", "Greater London"),  # a postal county is not the county a school is in
        ("Kingston upon Hull, City of", None, "East Riding of Yorkshire"),
        ("Somewhere New", "Cumbria", "Cumbria"),  # a local authority the table does not know yet
        (None, "Not recorded", None),
    ],
)
def test_the_county_of_a_school_comes_from_its_local_authority(local_authority, county, expected):
    assert county_of(local_authority, county) == expected


def test_a_school_is_in_its_local_authority_county_and_region():
    assert area_ids("York", "North Yorkshire", "Yorkshire and the Humber") == [
        "la:york",
        "county:north-yorkshire",
        "region:yorkshire-and-the-humber",
    ]
    assert area_ids(None, None, None) == []


def test_names_people_type_for_areas():
    assert find_area("yorkshire").ids == (
        "county:north-yorkshire",
        "county:west-yorkshire",
        "county:south-yorkshire",
        "county:east-riding-of-yorkshire",
    )
    assert find_area("Yorkshire & the Humber").ids == ("region:yorkshire-and-the-humber",)
    assert find_area("Herts").name == "Hertfordshire"
    assert find_area("West Midlands").ids == ("county:west-midlands",)
    assert find_area("London") is None  # a city, searched with a radius
    assert find_area("Leeds") is None


def test_every_county_the_gazetteer_names_is_an_area():
    with PLACES_FILE.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            if row["kind"] == "county":
                for name in (row["name"], *filter(None, row["alternative_names"].split("|"))):
                    assert find_area(name) is not None, name
    assert len(STATIC_AREAS) > 60
