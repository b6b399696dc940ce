"""How long `marketplace schools import` takes on a register file the size of England's.

    .venv/bin/python benchmarks/gias_import.py [--rows 50000] [--database-url URL]

Writes a realistic establishments file (the register's 120-column header, Windows-1252, about 10% closed
schools, a few rows with shifted extra fields as the real exports have), imports it into a fresh database
(SQLite in a temporary folder unless --database-url is given), imports it again (nothing should change),
prints both timings and writes them to benchmarks/results/gias_import.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from marketplace.organisations.register import ENCODING, ESTABLISHMENTS_HEADER  # noqa: E402

TOWNS = [
    ("Leeds", "West Yorkshire", "Leeds", "Yorkshire and the Humber", 430000, 433000, "LS"),
    ("Manchester", "Greater Manchester", "Manchester", "North West", 384000, 398000, "M"),
    ("Birmingham", "West Midlands", "Birmingham", "West Midlands", 407000, 287000, "B"),
    ("Bristol", "Avon", "Bristol, City of", "South West", 359000, 173000, "BS"),
    ("Norwich", "Norfolk", "Norfolk", "East of England", 623000, 308000, "NR"),
    ("London", "", "Camden", "London", 529000, 184000, "NW"),
    ("Newcastle upon Tyne", "Tyne and Wear", "Newcastle upon Tyne", "North East", 424000, 565000, "NE"),
    ("Brighton", "East Sussex", "Brighton and Hove", "South East", 531000, 105000, "BN"),
]
TYPES = [
    ("Community school", "Local authority maintained schools"),
    ("Voluntary aided school", "Local authority maintained schools"),
    ("Academy converter", "Academies"),
    ("Academy sponsor led", "Academies"),
    ("Free schools", "Free Schools"),
    ("Other independent school", "Independent schools"),
]
PHASES = [
    ("2", "Primary", 4, 11),
    ("4", "Secondary", 11, 18),
    ("1", "Nursery", 2, 5),
    ("7", "All-through", 4, 18),
    ("0", "Not applicable", 7, 18),
]
RELIGIONS = ["Does not apply", "Church of England", "Roman Catholic", "None", "Jewish", "Muslim"]
NAMES = [
    "St Mary's",
    "Oakwood",
    "Hillside",
    "Riverside",
    "Kingsmead",
    "Brontë",
    "Saint-Étienne",
    "Queen's Park",
]
KINDS = ["Primary School", "Academy", "High School", "Infant School", "C of E Primary School", "College"]


def establishment_row(number: int, rng: random.Random) -> list[str]:
    town, county, authority, region, easting, northing, area = rng.choice(TOWNS)
    type_name, type_group = rng.choice(TYPES)
    phase_code, phase_name, low, high = rng.choice(PHASES)
    is_open = rng.random() > 0.1
    name = f"{rng.choice(NAMES)} {rng.choice(KINDS)} {number}"
    values = dict.fromkeys(ESTABLISHMENTS_HEADER, "")
    values.update(
        {
            "URN": str(100000 + number),
            "LA (name)": authority,
            "EstablishmentName": name,
            "TypeOfEstablishment (name)": type_name,
            "EstablishmentTypeGroup (name)": type_group,
            "EstablishmentStatus (code)": "1" if is_open else "2",
            "EstablishmentStatus (name)": "Open" if is_open else "Closed",
            "PhaseOfEducation (code)": phase_code,
            "PhaseOfEducation (name)": phase_name,
            "StatutoryLowAge": str(low),
            "StatutoryHighAge": str(high),
            "ReligiousCharacter (name)": rng.choice(RELIGIONS),
            "Street": f"{rng.randint(1, 200)} School Lane",
            "Locality": rng.choice(["", "Headingley", "Kirkstall"]),
            "Town": town,
            "County (name)": county,
            "Postcode": f"{area}{rng.randint(1, 20)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            "SchoolWebsite": f"www.school{number}.example.org.uk",
            "GOR (name)": region,
            "Easting": str(easting + rng.randint(-8000, 8000)),
            "Northing": str(northing + rng.randint(-8000, 8000)),
            "Country (name)": "United Kingdom",
        }
    )
    row = [values[column] for column in ESTABLISHMENTS_HEADER]
    if rng.random() < 0.001:  # the real exports carry the odd row with its fields shifted along
        row = row[:60] + [""] * 15 + row[60:]
    return row


def write_file(path: Path, rows: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding=ENCODING, newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(ESTABLISHMENTS_HEADER)
        for number in range(rows):
            writer.writerow(establishment_row(number, rng))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results" / "gias_import.json"))
    arguments = parser.parse_args()

    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.organisations import importer

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        register_file = work / "edubasealldata.csv"
        write_file(register_file, arguments.rows)
        database_url = arguments.database_url or f"sqlite:///{work / 'benchmark.db'}"
        app = create_app(
            {
                "ENV": "development",
                "INSTANCE_PATH": str(work / "instance"),
                "DATABASE_URL": database_url,
                "SEARCH_INDEX_PATH": str(work / "instance" / "search-index"),
                "SECRET_KEY": "benchmark",
            }
        )
        with app.app_context():
            upgrade(revision="heads")
            timings = []
            reports = []
            for _ in range(2):
                started = time.perf_counter()
                report = importer.import_establishments(register_file, after_batch=db.session.commit)
                db.session.commit()
                timings.append(time.perf_counter() - started)
                reports.append(report)
            db.session.remove()
            db.engine.dispose()

    first, second = reports
    result = {
        "rows": arguments.rows,
        "database": database_url.split(":", 1)[0],
        "first_import_seconds": round(timings[0], 2),
        "rows_per_second": round(arguments.rows / timings[0]),
        "second_import_seconds": round(timings[1], 2),
        "created": first.created,
        "not_open": first.skipped,
        "rows_with_problems": first.problem_count,
        "second_run_changed": second.created + second.updated,
        "python": platform.python_version(),
    }
    output = Path(arguments.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"{arguments.rows} register rows imported in {timings[0]:.1f} s ({result['rows_per_second']} rows/s) "
        f"on {result['database']}; re-import in {timings[1]:.1f} s "
        f"changed {result['second_run_changed']} schools"
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
