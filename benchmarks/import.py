"""How long `marketplace vacancies import FILE` takes, and whether it grows linearly with the file.

    .venv/bin/python benchmarks/import.py [--lines 20000 100000] [--database-url URL] [--verified]

For each size it writes that many distinct JSON Lines listings (docs/import-format.md) over schools of
ten listings each on average (a school's listings share its paragraph about the school, as real ones do),
creates an empty database (SQLite in a temporary folder; with --database-url, that PostgreSQL database is
dropped and created again: give it a name of its own), migrates it and runs the real command in a child
process. It prints lines a second, wall and CPU time (the command's process, and on a local PostgreSQL
the server processes serving the import, sampled from /proc) and the load average around the run. After
the largest size it times one submission's screening (the moderation verdict a school's form or the ATS
API asks for, duplicate checks included) against the full table, the same run: p50, p95 and CPU time
over 60 submissions. Results go to benchmarks/results/import.json.

Without --verified the schools are not verified, so every published line is screened, as the slowest
real import is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LISTINGS_PER_SCHOOL = 10
TITLES = [
    ("Teacher of Mathematics", ["Mathematics"], ["secondary"], ["ks3", "ks4"]),
    ("Teacher of English", ["English"], ["secondary"], ["ks3", "ks4"]),
    ("Teacher of Physics", ["Physics"], ["secondary"], ["ks4", "ks5"]),
    ("Teacher of History", ["History"], ["secondary"], ["ks3"]),
    ("Class Teacher", [], ["primary"], ["ks1", "ks2"]),
    ("Year 6 Teacher", [], ["primary"], ["ks2"]),
    ("Teacher of Art and Design", ["Art and design"], ["secondary"], ["ks3", "ks4"]),
    ("Teacher of Geography", ["Geography"], ["secondary"], ["ks3", "ks4"]),
]
ROLE_WORDS = (  # noqa: SIM905 (a sentence's words, easier to read as one)
    "plan teach assess inspire pupils lessons curriculum department colleagues progress learning "
    "enthusiastic reflective practitioner support intervention marking feedback behaviour pastoral "
    "tutor group trips clubs enrichment examination results outstanding developing mentor training "
    "career subject knowledge passion creative resources differentiated classroom practice wellbeing "
    "leadership responsibility collaborate parents community ambitious caring inclusive vision values"
).split()
SCHOOL_WORDS = (  # noqa: SIM905
    "our school is a happy friendly oversubscribed community set in green grounds with modern buildings "
    "a strong tradition of music sport and the arts where every child is known and cared for staff "
    "enjoy generous training time a supportive leadership team and excellent facilities"
).split()


def school(number: int) -> dict:
    return {
        "urn": str(900000 + number),
        "name": f"Benchmark School {number}",
        "town": "Leeds",
        "county": "West Yorkshire",
        "postcode": f"LS{number % 28 + 1} {number % 9 + 1}AB",
        "website": f"https://school{number}.example.org.uk",
        "lat": 53.8 + (number % 100) / 1000,
        "lon": -1.55 + (number % 97) / 1000,
        "organisation_type": "academy",
        "detailed_type": "Academy converter",
        "religious_character": "None",
    }


def listing(number: int, schools: int, rng: random.Random, today: dt.date) -> dict:
    school_number = rng.randrange(schools)
    title, subjects, phases, key_stages = rng.choice(TITLES)
    about_school = random.Random(school_number).sample(SCHOOL_WORDS, 25)
    about_role = [rng.choice(ROLE_WORDS) for _ in range(140)]
    description = (
        f"{' '.join(about_role[:70]).capitalize()}. {' '.join(about_role[70:]).capitalize()}.\n\n"
        f"{' '.join(about_school).capitalize()}. Reference {number}."
    )
    return {
        "external_reference": f"BENCH-{number}",
        "status": "published",
        "title": f"{title} ({number})" if rng.random() < 0.5 else title,
        "job_roles": ["teacher"],
        "phases": phases,
        "key_stages": key_stages,
        "subjects": subjects,
        "working_patterns": ["full_time"],
        "contract_type": "permanent",
        "ect_suitable": True,
        "quick_apply": True,
        "salary": "MPS/UPS (£31,650 to £49,084)",
        "salary_min": 31650,
        "salary_max": 49084,
        "description": description,
        "contact_email": f"recruitment@school{school_number}.example.org.uk",
        "publish_on": today.isoformat(),
        "closes_at": f"{(today + dt.timedelta(days=30)).isoformat()}T12:00:00+00:00",
        "school": school(school_number),
    }


def write_file(path: Path, lines: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    today = dt.datetime.now(dt.UTC).date()
    schools = max(1, lines // LISTINGS_PER_SCHOOL)
    with open(path, "w", encoding="utf-8") as handle:
        for number in range(lines):
            handle.write(json.dumps(listing(number, schools, rng, today)) + "\n")


def empty_database(database_url: str, folder: Path) -> str:
    """A URL to a new, empty database: a file in `folder`, or the PostgreSQL database dropped and created."""
    if not database_url:
        return f"sqlite:///{folder / 'benchmark.db'}"
    import sqlalchemy as sa

    url = sa.make_url(database_url)
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    server.dispose()
    return database_url


def environment(database_url: str, folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "MARKETPLACE_ENV": "development",
        "MARKETPLACE_INSTANCE_PATH": str(folder / "instance"),
        "MARKETPLACE_DATABASE_URL": database_url,
        "MARKETPLACE_SECRET_KEY": "benchmark",
        "PYTHONPATH": str(ROOT),
    }


def marketplace(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", "from marketplace.cli import main; main()", *arguments]
    return subprocess.run(  # noqa: S603 (our own command line)
        command, env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class ServerCpu:
    """The CPU time of the PostgreSQL server processes serving one database, sampled from /proc while a
    command runs (the server must run on this machine; None otherwise). With the command's own CPU time
    it tells the work done from the waiting a busy machine adds."""

    def __init__(self, database_url: str) -> None:
        import sqlalchemy as sa

        self.url = sa.make_url(database_url) if database_url else None
        self.seen: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> ServerCpu:
        if self.url is not None:
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join()

    def _sample(self) -> None:
        import sqlalchemy as sa

        engine = sa.create_engine(self.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        tick = os.sysconf("SC_CLK_TCK")
        with engine.connect() as connection:
            while not self.stop.wait(0.2):
                pids = connection.execute(
                    sa.text("SELECT pid FROM pg_stat_activity WHERE datname = :name"),
                    {"name": self.url.database},
                ).scalars()
                for pid in pids:
                    try:
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue
                    self.seen[pid] = (int(fields[11]) + int(fields[12])) / tick
        engine.dispose()

    @property
    def seconds(self) -> float | None:
        return round(sum(self.seen.values()), 1) if self.url is not None and self.seen else None


def time_import(lines: int, database_url: str, verified: bool) -> dict:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        url = empty_database(database_url, folder)
        env = environment(url, folder)
        migrated = marketplace("db", "upgrade", env=env)
        if migrated.returncode != 0:
            raise SystemExit(migrated.stderr)
        path = folder / "vacancies.jsonl"
        write_file(path, lines)
        load_before = os.getloadavg()
        cpu_before = children_cpu()
        started = time.perf_counter()
        with ServerCpu(database_url) as server:
            run = marketplace(
                "vacancies", "import", str(path), *(["--verified"] if verified else []), env=env
            )
        wall = time.perf_counter() - started
        cpu = children_cpu() - cpu_before
        load_after = os.getloadavg()
        summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-2000:]
        result = {
            "lines": lines,
            "database": url.split(":", 1)[0].split("+")[0],
            "verified": verified,
            "exit_code": run.returncode,
            "wall_seconds": round(wall, 1),
            "cpu_seconds": round(cpu, 1),
            "database_server_cpu_seconds": server.seconds,
            "lines_per_second": round(lines / wall),
            "load_average_before": [round(value, 2) for value in load_before],
            "load_average_after": [round(value, 2) for value in load_after],
            "summary": summary,
        }
        print(
            f"{lines:>7} lines on {result['database']}: {wall:.1f} s wall, {cpu:.1f} s CPU "
            f"(database server {server.seconds} s), "
            f"{result['lines_per_second']} lines/s (load {load_before[0]:.2f} → {load_after[0]:.2f}); "
            f"{summary}",
            flush=True,
        )
        if lines == LARGEST[0]:
            result["screening"] = time_screening(env)
        if database_url:
            import sqlalchemy as sa

            server = sa.create_engine(sa.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
            with server.connect() as connection:
                connection.execute(
                    sa.text(f'DROP DATABASE IF EXISTS "{sa.make_url(url).database}" WITH (FORCE)')
                )
            server.dispose()
        return result


LARGEST = [0]


def time_screening(env: dict[str, str], repeats: int = 60) -> dict:
    """One submission's screening against the imported table: the verdict for a new listing at a school
    with listings of its own (duplicate checks included), timed in a process of its own."""
    script = f"""
import json, os, statistics, time
import sqlalchemy as sa
from marketplace import create_app
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.moderation.screening import verdict_for
from marketplace.vacancies.details import VacancyDetails
from marketplace.vacancies.models import Vacancy

app = create_app()
with app.app_context():
    total = db.session.scalar(sa.select(sa.func.count(Vacancy.id)))
    sample = db.session.scalars(sa.select(Vacancy).order_by(Vacancy.id.desc()).limit({repeats})).all()
    timings = []
    load_before, cpu_before = os.getloadavg(), time.process_time()
    for vacancy in sample:
        details = VacancyDetails.from_vacancy(vacancy)
        details.about_role = details.about_role + " Apply by the closing date."
        started = time.perf_counter()
        verdict_for(details, vacancy.organisation, now=utcnow())
        timings.append((time.perf_counter() - started) * 1000)
    cpu = time.process_time() - cpu_before
    print(json.dumps({{"vacancies": total, "median_ms": round(statistics.median(timings), 2),
                      "p95_ms": round(statistics.quantiles(timings, n=20)[-1], 2),
                      "max_ms": round(max(timings), 2), "runs": len(timings),
                      "cpu_ms_per_run": round(cpu * 1000 / len(timings), 2),
                      "load_average_before": [round(v, 2) for v in load_before],
                      "load_average_after": [round(v, 2) for v in os.getloadavg()]}}))
"""
    run = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if run.returncode != 0:
        return {"error": run.stderr[-2000:]}
    result = json.loads(run.stdout.strip().splitlines()[-1])
    print(
        f"        one submission's screening among {result['vacancies']} listings: "
        f"median {result['median_ms']} ms, p95 {result['p95_ms']} ms, worst {result['max_ms']} ms of "
        f"{result['runs']} ({result['cpu_ms_per_run']} ms CPU each, load {result['load_average_before'][0]})",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--database-url", default="", help="a PostgreSQL URL; its database is recreated")
    parser.add_argument("--verified", action="store_true", help="import with --verified (no screening)")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results" / "import.json"))
    arguments = parser.parse_args()
    LARGEST[0] = max(arguments.lines)
    runs = [time_import(lines, arguments.database_url, arguments.verified) for lines in arguments.lines]
    output = Path(arguments.output)
    previous = json.loads(output.read_text()) if output.exists() else {}
    key = runs[0]["database"] + ("-verified" if arguments.verified else "")
    # Sizes measured in an earlier invocation are kept, so 20,000 and 100,000 can be run one at a time.
    measured = {run["lines"]: run for run in previous.get(key, {}).get("runs", [])}
    measured.update({run["lines"]: run for run in runs})
    previous[key] = {
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "runs": [measured[lines] for lines in sorted(measured)],
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(previous, indent=2, ensure_ascii=False) + "\n")
    if len(runs) > 1:
        first, last = runs[0], runs[-1]
        growth = (last["wall_seconds"] / first["wall_seconds"]) / (last["lines"] / first["lines"])
        print(f"time per line at {last['lines']} ÷ time per line at {first['lines']}: {growth:.2f}")
    print(json.dumps(previous[key], indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
