"""Regenerate marketplace/search/data/places.csv from the GeoNames dump of Great Britain.

    .venv/bin/python scripts/build_places.py GB.txt admin2Codes.txt > marketplace/search/data/places.csv

GB.txt is the tab-separated GeoNames country dump (https://download.geonames.org/export/dump/GB.zip) and
admin2Codes.txt names the second-level divisions. The data is CC BY 4.0: keep the attribution in
marketplace/search/data/README.md. Alternative names already in the current file are kept.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

CURRENT = Path(__file__).resolve().parent.parent / "marketplace" / "search" / "data" / "places.csv"
MIN_POPULATION = 10_000
CITY_CODES = {"PPLC", "PPLA", "PPLA2"}
TOWN_CODES = {"PPL", "PPLA3", "PPLA4"}
# GeoNames dump columns (https://download.geonames.org/export/dump/readme.txt).
NAME, LATITUDE, LONGITUDE, FEATURE_CLASS, FEATURE_CODE, COUNTRY, ADMIN1, ADMIN2, POPULATION = (
    1,
    4,
    5,
    6,
    7,
    8,
    10,
    11,
    14,
)


def admin2_names(path: str) -> dict[str, str]:
    names = {}
    with open(path, encoding="utf-8") as file:
        for line in file:
            code, name, *_ = line.rstrip("\n").split("\t")
            if code.startswith("GB.ENG."):
                names[code.removeprefix("GB.ENG.")] = name
    return names


def current_alternatives() -> dict[str, str]:
    if not CURRENT.exists():
        return {}
    with CURRENT.open(encoding="utf-8", newline="") as file:
        return {row["name"]: row.get("alternative_names", "") for row in csv.DictReader(file)}


def rows(dump: str, counties: dict[str, str]):
    with open(dump, encoding="utf-8") as file:
        for line in file:
            columns = line.rstrip("\n").split("\t")
            if columns[COUNTRY] != "GB" or columns[ADMIN1] != "ENG":
                continue
            code, population = columns[FEATURE_CODE], int(columns[POPULATION] or 0)
            county = counties.get(columns[ADMIN2], "")
            if columns[FEATURE_CLASS] == "A" and code == "ADM2":
                kind = "county"
            elif columns[FEATURE_CLASS] == "P" and code in CITY_CODES:
                kind = "city"
            elif columns[FEATURE_CLASS] == "P" and code in TOWN_CODES and population >= MIN_POPULATION:
                kind = "town"
            else:
                continue
            yield columns[NAME], kind, county, population, columns[LATITUDE], columns[LONGITUDE]


def main(dump: str, admin2: str) -> None:
    alternatives = current_alternatives()
    chosen: dict[str, tuple] = {}
    for name, kind, county, population, latitude, longitude in rows(dump, admin2_names(admin2)):
        # Several places share a name: keep the most populous (a county keeps its own entry).
        key = name.lower()
        if key not in chosen or population > chosen[key][3]:
            chosen[key] = (name, kind, county, population, latitude, longitude)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["name", "kind", "county", "latitude", "longitude", "alternative_names"])
    order = {"city": 0, "town": 1, "county": 2}
    for name, kind, county, _, latitude, longitude in sorted(
        chosen.values(), key=lambda row: (order[row[1]], -row[3], row[0])
    ):
        writer.writerow(
            [
                name,
                kind,
                county,
                f"{float(latitude):.4f}",
                f"{float(longitude):.4f}",
                alternatives.get(name, ""),
            ]
        )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
