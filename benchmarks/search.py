"""Search benchmark: the search page's own call, cold, warm and with writes in flight, beside PostgreSQL
full-text search done well and tantivy, plus the web server's throughput and the index rebuild.

    .venv/bin/python -m benchmarks search \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/marketplace_bench --sizes 20000 100000

The database named in --database-url is emptied and filled with a synthetic corpus of live vacancies at
each size (schools across England, realistic titles, roles, phases, subjects, salaries). At each size:

- rebuild: `marketplace search rebuild`'s code path, wall and CPU time (its worker processes included).
- engine: `search_vacancies`, as the search page calls it (snippets on, the result list's columns
  loaded from the database: `queries.RESULT_LIST`), over --queries distinct queries from `queries()`
  (keywords, keywords with filters, a place and radius, a place or salary typed among the keywords,
  common words such as "teacher"). Each pass runs in a fresh process, so nothing is remembered from an
  earlier one:
  cold = each query's first use after the index opens; warm = the same queries again;
  with writes = the same queries again while another process (another node, with its own copy of the
  index) publishes or closes one listing a second through the marketplace's services, the node's index
  writer (`marketplace search follow`, a process of its own) applies each change to this one's replica,
  and this process's follower reads each new generation, as a web worker of a node does (the systemd
  kit's MARKETPLACE_SEARCH_FOLLOW=read); without writes = the same pass, in the same process, for as
  long, just before the writes begin: its control.
- postgres: the same queries as PostgreSQL full-text search would answer them done well: a table built
  here with a weighted stored tsvector (title A, roles and subjects B, school C, description D), GIN
  indexes, `websearch_to_tsquery` and `ts_rank_cd`; one statement for the top 20 and one for the count
  and every facet (FILTER aggregates).
- tantivy: the same corpus and queries (top 20 with the count, then with facet aggregations), as the
  speed of a compiled search library.
- wrk: gunicorn with 2 workers (`marketplace.wsgi:app`), `wrk -t2 -c8` against the search page with
  repeated queries (cache hits) and never-seen ones (cache misses) reported apart and an 80/20 mix, the
  JSON API, a job page, the home page and /robots.txt; worker CPU per request from /proc, and SQL
  statements per request counted in-process with the test client.

The load average is recorded at the start and end of each part. The figures are printed as a table and
written to benchmarks/results/search.json. `--quick` is a smoke run (small corpus, few queries, short wrk).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import multiprocessing
import os
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from urllib.request import urlopen

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from marketplace import create_app, prepare_worker  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.search.api import (  # noqa: E402
    LABELS,
    ORGANISATION_TYPE_GROUPS,
    VacancySearch,
    backend_for,
    search_vacancies,
    understand_keywords,
)
from marketplace.search.geo import METRES_PER_MILE, Location, UnknownLocation, gazetteer, resolve  # noqa: E402
from marketplace.vacancies import vocabulary  # noqa: E402
from marketplace.vacancies.queries import RESULT_LIST  # noqa: E402
from marketplace.web.search_args import search_from_args  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "search.json"
PARTS = ("rebuild", "engine", "postgres", "tantivy", "wrk")
PAGE_SIZE = 20

# --- The corpus -------------------------------------------------------------------------------------

SUBJECTS = [
    "Mathematics", "English", "Science", "Physics", "Chemistry", "Biology", "History", "Geography",
    "French", "Spanish", "German", "Computing", "Art and design", "Music", "Drama", "Physical education",
    "Religious education", "Design and technology", "Psychology", "Sociology", "Business studies",
]  # fmt: skip
ROLES = ["teacher"] * 8 + [
    "head_of_department_or_curriculum", "head_of_year_or_phase", "assistant_headteacher",
    "deputy_headteacher", "headteacher", "sendco", "teaching_assistant", "education_support",
]  # fmt: skip
ROLE_TITLES = {
    "teacher": "Teacher of {subject}",
    "head_of_department_or_curriculum": "Head of {subject}",
    "head_of_year_or_phase": "Head of Year {year}",
    "assistant_headteacher": "Assistant Headteacher",
    "deputy_headteacher": "Deputy Headteacher",
    "headteacher": "Headteacher",
    "sendco": "SENCO",
    "teaching_assistant": "Teaching Assistant (Level {year})",
    "education_support": "Cover Supervisor",
}
PHRASES = [
    "We are looking for an enthusiastic and committed {role} to join our friendly team.",
    "The successful candidate will teach {subject} across key stage {ks} and contribute to enrichment.",
    "Our school is a happy, inclusive community where every pupil is known and valued.",
    "We offer excellent professional development, a supportive leadership team and a generous CPD budget.",
    "Applications from early career teachers are welcome; a full ECT induction programme is provided.",
    "Part time and flexible working requests will be considered for the right candidate.",
    "The school is easily reached by public transport and has free parking on site.",
    "Safeguarding is at the heart of everything we do; an enhanced DBS check is required.",
    "Pupils with special educational needs, including autism, are supported by a skilled SEND team.",
    "Maternity cover until July, with the possibility of a permanent post for the right person.",
]


def build_corpus(size: int, seed: int = 7) -> tuple[list[dict], list[dict]]:
    """Schools (one per five listings) placed at the gazetteer's places, and `size` live listings."""
    rng = random.Random(seed)
    places = sorted({name: point for name, point in gazetteer().values()}.items())
    now = dt.datetime.now(dt.UTC)
    schools = []
    for number in range(max(size // 5, 10)):
        name, point = rng.choice(places)
        phase = rng.choice(
            ["primary", "primary", "secondary", "secondary", "sixth_form_or_college", "through"]
        )
        schools.append(
            {
                "id": number + 1,
                "kind": "school",
                "urn": str(100000 + number),
                "name": f"{rng.choice(['St Mary', 'Oak', 'Riverside', 'Hill', 'Park', 'Kings', 'Abbey'])} "
                f"{rng.choice(['Academy', 'Primary School', 'High School', 'School', 'College'])} {number}",
                "slug": f"school-{number}",
                "phase": phase,
                "type_group": rng.choice(["Academies", "Local authority maintained schools", "Free Schools"]),
                "type_name": "Academy converter",
                "religious_character": rng.choice(["None", "None", "Church of England", "Roman Catholic"]),
                "town": name,
                "postcode": f"ZZ{number % 99} {number % 9}AA",
                "latitude": point.latitude + rng.uniform(-0.08, 0.08),
                "longitude": point.longitude + rng.uniform(-0.08, 0.08),
                "created_at": now,
                "updated_at": now,
            }
        )
    vacancies = []
    for number in range(size):
        school = rng.choice(schools)
        role = rng.choice(ROLES)
        subject = rng.choice(SUBJECTS)
        primary = school["phase"] == "primary"
        ks = rng.choice(["1", "2"]) if primary else rng.choice(["3", "4", "5"])
        title = ROLE_TITLES[role].format(subject=subject, year=rng.randint(1, 13))
        if primary and role == "teacher":
            title = rng.choice(["Class Teacher", "Year 3 Teacher", "KS2 Teacher", "Reception Teacher"])
        body = " ".join(
            rng.choice(PHRASES).format(role=title.lower(), subject=subject.lower(), ks=ks) for _ in range(6)
        )
        salary_minimum = rng.choice([24000, 31650, 35000, 42000, 55000])
        vacancies.append(
            {
                "id": number + 1,
                "organisation_id": school["id"],
                "title": title,
                "job_roles": [role],
                "phases": [school["phase"]],
                "key_stages": [f"ks{ks}"],
                "subjects": [] if primary else [subject],
                "working_patterns": [rng.choice(["full_time", "full_time", "part_time"])],
                "job_share": rng.random() < 0.1,
                "contract_type": rng.choice(["permanent", "permanent", "fixed_term", "casual"]),
                "parental_leave_cover": False,
                "salary": "Main pay range",
                "salary_minimum": salary_minimum,
                "salary_maximum": salary_minimum + 12000,
                "publish_on": (now - dt.timedelta(days=rng.randint(0, 30))).date(),
                "closes_at": now + dt.timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 23)),
                "published_at": now - dt.timedelta(days=rng.randint(0, 30)),
                "ect_status": rng.choice(["ect_suitable", "ect_unsuitable"]),
                "visa_sponsorship": rng.random() < 0.2,
                "about_role": body,
                "what_school_offers": rng.choice(PHRASES),
                "how_to_apply": rng.choice(["marketplace", "website"]),
                "contact_email": "jobs@example.org",
                "status": "published",
                "status_changed_at": now,
                "created_at": now,
                "updated_at": now,
            }
        )
    return schools, vacancies


def load(app, schools: list[dict], vacancies: list[dict]) -> None:
    """Empty the database and fill it with the corpus (the search change log left empty)."""
    from marketplace.organisations.models import Organisation
    from marketplace.vacancies.models import Vacancy

    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
        with db.engine.begin() as connection:
            connection.execute(sa.insert(Organisation.__table__), schools)
            for start in range(0, len(vacancies), 5000):
                connection.execute(sa.insert(Vacancy.__table__), vacancies[start : start + 5000])
            # The rows came with their ids: the sequences carry on after them, for the listings and
            # the school the writing node creates.
            for table in ("organisations", "vacancies"):
                connection.execute(
                    sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")  # noqa: S608
                )
            connection.execute(sa.text("ANALYZE"))
        db.session.remove()
        db.engine.dispose()


# --- The queries ------------------------------------------------------------------------------------

# What people type into the keywords box, common words first (each is used in several shapes below).
KEYWORDS = [
    "teacher", "teaching assistant", "maths", "maths teacher", "english", "english teacher", "science",
    "science teacher", "primary teacher", "physics", "chemistry", "biology", "history", "geography",
    "computing", "computer science", "music", "drama", "pe teacher", "physical education", "art", "french",
    "spanish", "mfl", "senco", "send", "head of department", "head of maths", "head of science",
    "head of english", "head of year", "deputy head", "deputy headteacher", "assistant head", "headteacher",
    "head teacher", "class teacher", "reception teacher", "year 3 teacher", "ks2", "key stage 2",
    "key stage 4", "eyfs", "early years", "cover supervisor", "learning support", "ect", "nqt",
    "part time", "part time teacher", "maternity cover", "job share", "sixth form", "a level", "gcse",
    "pastoral", "safeguarding", "autism", "psychology", "sociology", "business studies", "religious studies",
    "design and technology", "dt teacher", "teacher of english", "teacher of maths", "teacher of science",
    "teacher of history", "leadership", "flexible working", "permanent teacher", "mathematics teacher",
    "chemestry", "mathmatics", "scince", "physcis", "teachr", "geograpy", "hisotry", "primary", "secondary",
]  # fmt: skip
# Places that resolve to one point (towns and cities), and radii the page offers.
PLACES = [
    "Leeds", "Manchester", "London", "Bristol", "Birmingham", "Norwich", "York", "Sheffield", "Liverpool",
    "Nottingham", "Leicester", "Brighton", "Plymouth", "Exeter", "Cambridge", "Oxford", "Reading",
    "Southampton", "Derby", "Coventry", "Bradford", "Preston", "Ipswich", "Bath", "Gloucester", "Luton",
]  # fmt: skip
RADII = ["5", "10", "15", "25", "50"]
FILTER_VALUES: list[tuple[str, str]] = [
    ("phases", "primary"), ("phases", "secondary"), ("phases", "sixth_form_or_college"),
    ("working_patterns", "part_time"), ("working_patterns", "full_time"), ("contract_types", "permanent"),
    ("contract_types", "fixed_term"), ("ect_suitable", "true"), ("visa_sponsorship", "true"),
    ("quick_apply", "true"), ("job_roles", "teacher"), ("job_roles", "teaching_assistant"),
    ("key_stages", "ks2"), ("key_stages", "ks4"), ("subjects", "Mathematics"), ("subjects", "English"),
    ("subjects", "Science"), ("organisation_types", "academy"), ("school_types", "faith_school"),
    ("minimum_salary", "35000"), ("posted_within_days", "7"),
]  # fmt: skip
# The searches most people make: the cache hits of the throughput runs come from these.
POPULAR: list[list[tuple[str, str]]] = [
    [],
    [("keyword", "teacher")],
    [("keyword", "teaching assistant")],
    [("keyword", "maths")],
    [("keyword", "english")],
    [("keyword", "science")],
    [("keyword", "primary teacher")],
    [("keyword", "senco")],
    [("phases", "primary")],
    [("phases", "secondary")],
    [("location", "London"), ("radius", "10")],
    [("location", "Manchester"), ("radius", "15")],
    [("location", "Leeds"), ("radius", "15")],
    [("location", "Birmingham"), ("radius", "15")],
    [("keyword", "teacher"), ("location", "Bristol"), ("radius", "25")],
    [("keyword", "maths teacher"), ("location", "London"), ("radius", "10")],
    [("keyword", "teacher"), ("working_patterns", "part_time")],
    [("keyword", "head of department")],
    [("keyword", "cover supervisor")],
    [("job_roles", "teaching_assistant"), ("phases", "primary")],
]

Query = list[tuple[str, str]]  # the search page's query string, as pairs


def queries(count: int, seed: int = 11) -> list[Query]:
    """`count` distinct searches, in the proportions a job board sees: keywords alone (many of them common
    words), keywords with a filter or two, filters alone, a place and radius with or without keywords, a
    place or salary typed among the keywords, another sort order, the next page."""
    rng = random.Random(seed)
    made: dict[str, Query] = {}

    def keywords() -> str:
        # Earlier words are commoner: the head of the list is what most people type.
        return KEYWORDS[min(int(rng.expovariate(1 / 18)), len(KEYWORDS) - 1)]

    def filters(most: int) -> Query:
        return sorted(set(rng.sample(FILTER_VALUES, rng.randint(1, most))))

    shapes: list[tuple[float, Callable[[], Query]]] = [
        (0.28, lambda: [("keyword", keywords())]),
        (0.18, lambda: [("keyword", keywords()), *filters(2)]),
        (0.08, lambda: filters(3)),
        (0.12, lambda: [("location", rng.choice(PLACES)), ("radius", rng.choice(RADII))]),
        (
            0.16,
            lambda: [
                ("keyword", keywords()),
                ("location", rng.choice(PLACES)),
                ("radius", rng.choice(RADII)),
            ],
        ),
        (0.07, lambda: [("keyword", f"{keywords()} {rng.choice(['', 'in ', 'near '])}{rng.choice(PLACES)}")]),
        (0.04, lambda: [("keyword", f"{keywords()} £{rng.choice([30, 35, 40, 45])}k")]),
        (0.05, lambda: [("keyword", keywords()), ("sort", rng.choice(["newest", "closing_date"]))]),
        (0.02, lambda: [("keyword", keywords()), ("page", str(rng.randint(2, 4)))]),
    ]
    weights = [weight for weight, _ in shapes]
    for pairs in POPULAR:
        made.setdefault(urlencode(pairs), pairs)
    while len(made) < count:
        shape = rng.choices(shapes, weights)[0][1]
        pairs = [(name, " ".join(value.split())) for name, value in shape()]
        made.setdefault(urlencode(pairs), pairs)
    mixed = list(made.values())
    rng.shuffle(mixed)
    return mixed[:count]


def query_string(pairs: Query) -> str:
    return urlencode(pairs)


def as_search(pairs: Query) -> VacancySearch:
    """The search the page makes of the query string."""
    return search_from_args(MultiDict(pairs))


def understood(pairs: Query, session) -> tuple[VacancySearch, Location | None]:
    """The search as the engine runs it (a place or salary typed among the keywords taken out), with its
    place resolved; for the baselines, which have no such understanding of their own."""
    search, _ = understand_keywords(as_search(pairs), session)
    try:
        location = resolve(search.location, session) if search.location else None
    except UnknownLocation:
        location = None
    return search, location


# --- Measuring --------------------------------------------------------------------------------------


def loadavg() -> list[float]:
    return [float(value) for value in Path("/proc/loadavg").read_text().split()[:3]]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(timings: list[float]) -> dict[str, Any]:
    if not timings:
        return {}
    return {
        "n": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
        "max_ms": round(max(timings), 2),
    }


def ratio(a: dict, b: dict, key: str) -> float | None:
    if not a or not b or not b.get(key):
        return None
    return round(a[key] / b[key], 2)


def cpu_seconds() -> float:
    return own_cpu_seconds() + children_cpu_seconds()


def own_cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def children_cpu_seconds() -> float:
    """The CPU time of the child processes that have ended (the rebuild's workers, once it returns)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


@contextlib.contextmanager
def part(record: dict, name: str) -> Iterator[dict]:
    """A part of the run: its figures, its wall time and the load average at its start and end."""
    figures: dict[str, Any] = {"load_average_start": loadavg()}
    started = time.perf_counter()
    print(f"  {name}…", flush=True)
    try:
        yield figures
    finally:
        figures["seconds"] = round(time.perf_counter() - started, 1)
        figures["measured_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        figures["load_average_end"] = loadavg()
        record[name] = figures


def make_app(database_url: str, workdir: Path, index_path: Path):
    return create_app(
        {
            "ENV": "testing",
            "INSTANCE_PATH": str(workdir),
            "DATABASE_URL": database_url,
            "SECRET_KEY": "benchmark",
            "SEARCH_INDEX_PATH": str(index_path),
            "SEARCH_WRITE_TIMEOUT": "60",
            "SERVER_NAME": None,
        }
    )


# --- Rebuild ----------------------------------------------------------------------------------------


def rebuild(app) -> dict:
    """`marketplace search rebuild`'s code path: wall time and the CPU time of its processes."""
    with app.app_context():
        started, own_started, workers_started = time.perf_counter(), own_cpu_seconds(), children_cpu_seconds()
        report = backend_for(app).rebuild(db.session)
        seconds = time.perf_counter() - started
        own, workers = own_cpu_seconds() - own_started, children_cpu_seconds() - workers_started
        db.session.remove()
    return {
        "indexed": report.vacancies,
        "processes": app.config.get("SEARCH_REBUILD_PROCESSES"),
        "wall_seconds": round(seconds, 1),
        "cpu_seconds": round(own + workers, 1),
        # This process indexes the first part itself; the workers index the others.
        "this_process_cpu_seconds": round(own, 1),
        "workers_cpu_seconds": round(workers, 1),
    }


# --- The engine, as the search page calls it ---------------------------------------------------------


def _time_searches(app, mix: list[Query], totals: list[int] | None = None) -> tuple[list[float], list[float]]:
    """Each search's wall time and the CPU time of the thread that ran it (on a shared machine the wall
    time also counts waiting for a core; the CPU time does not, nor the follower thread's work)."""
    timings, cpu = [], []
    for pairs in mix:
        with app.test_request_context(f"/jobs?{query_string(pairs)}"):
            search = as_search(pairs)
            started, cpu_started = time.perf_counter(), time.thread_time()
            page = search_vacancies(search, load=RESULT_LIST)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - cpu_started) * 1000)
            if totals is not None:
                totals.append(page.total)
            db.session.remove()  # the request ends: its session goes back to the pool
    return timings, cpu


def _time_searches_for(app, mix: list[Query], seconds: float) -> tuple[list[float], list[float]]:
    """The mix, in turn, for at least `seconds` and at least once."""
    timings: list[float] = []
    cpu: list[float] = []
    started = time.monotonic()
    while time.monotonic() - started < seconds or len(timings) < len(mix):
        more, more_cpu = _time_searches(app, mix)
        timings.extend(more)
        cpu.extend(more_cpu)
    return timings, cpu


def _open_index(app) -> float:
    """The first search in a fresh process, which opens the index and the database pool: a search for
    a school that does not exist, so that none of the mix's answers is made here."""
    with app.test_request_context("/jobs"):
        started = time.perf_counter()
        search_vacancies(VacancySearch(organisation="no-such-school-anywhere"))
        # The place tables load on the first place looked up: a place none of the queries names.
        resolve("Carlisle", db.session)
        seconds = time.perf_counter() - started
        db.session.remove()
    return seconds * 1000


def engine_cold_warm(database_url: str, workdir: str, index_path: str, mix: list[Query], out) -> None:
    """In a fresh process prepared as a web worker is (marketplace.wsgi): open the index, then each
    query once (cold) and again (warm)."""
    app = make_app(database_url, Path(workdir), Path(index_path))
    prepare_worker()
    opening = _open_index(app)
    totals: list[int] = []
    cold, cold_cpu = _time_searches(app, mix, totals)
    warm, warm_cpu = _time_searches(app, mix)
    out.put(
        {
            "open_ms": round(opening, 1),
            "cold": cold,
            "warm": warm,
            "cold_cpu": cold_cpu,
            "warm_cpu": warm_cpu,
            "totals": totals,
        }
    )


def engine_with_writes(
    database_url: str,
    workdir: str,
    index_path: str,
    mix: list[Query],
    seconds: float,
    out,
    set_up,
    ready,
    stop,
) -> None:
    """In a fresh process that follows the change log as a web worker does (reading the generations
    the node's index writer commits): the mix, in turn, for at least `seconds` with nothing changing,
    then as long again while the writer process changes one listing a second. The first pass is the
    second's control: the same process, follower, caches and machine, only without the writes; it
    starts once the other processes have started up (`set_up`), so that it does not meet their start."""
    from marketplace.search import follow

    app = make_app(database_url, Path(workdir), Path(index_path))
    prepare_worker()
    _time_searches(app, mix)  # warm, as the warm pass was
    follower = follow.start(app, applies=False)
    set_up.wait(600)
    quiet, quiet_cpu = _time_searches_for(app, mix, seconds)
    ready.set()
    timings, cpu = _time_searches_for(app, mix, seconds)
    stop.set()
    time.sleep(2.5)  # the last change reaches the follower
    with app.app_context():
        applied = backend_for(app).applied_change_id()
    follower.stop()
    out.put(
        {
            "without_writes": quiet,
            "without_writes_cpu": quiet_cpu,
            "with_writes": timings,
            "with_writes_cpu": cpu,
            # Changes this process applied itself (only if the index writer fell behind).
            "follower_syncs": follower.syncs,
            "generations_read": follower.reads,
            "applied_change_id": applied,
        }
    )


def index_writer(database_url: str, workdir: str, index_path: str, set_up, stop, out) -> None:
    """The node's index writer, as `marketplace search follow` runs: applies each change to the replica
    the searching process reads."""
    from marketplace.search import follow

    app = make_app(database_url, Path(workdir), Path(index_path))
    follower = follow.start(app, applies=True)
    set_up.wait(600)
    stop.wait()
    time.sleep(2.5)  # the last change is applied
    follower.stop()
    out.put(follower.syncs)


def _writer_listing(number: int, today: dt.date) -> str:
    return json.dumps(
        {
            "external_reference": f"BENCH-WRITE-{number}",
            "status": "published",
            "title": "Teacher of Mathematics" if number % 4 else "Primary Class Teacher",
            "job_roles": ["teacher"],
            "phases": ["secondary"] if number % 4 else ["primary"],
            "key_stages": ["ks3", "ks4"] if number % 4 else ["ks2"],
            "subjects": ["Mathematics"] if number % 4 else [],
            "working_patterns": ["full_time"],
            "contract_type": "permanent",
            "ect_suitable": True,
            "quick_apply": True,
            "salary": "MPS/UPS (£31,650 to £49,084)",
            "salary_min": 31650,
            "salary_max": 49084,
            "description": "We are looking for an enthusiastic maths teacher to join our friendly team. "
            "Our school is a happy, inclusive community where every pupil is known and valued.",
            "contact_email": "recruitment@writer.example.org.uk",
            "publish_on": today.isoformat(),
            "closes_at": f"{(today + dt.timedelta(days=30)).isoformat()}T12:00:00+00:00",
            "school": {
                "urn": "990001",
                "name": "Benchmark Writer Academy",
                "town": "Leeds",
                "county": "West Yorkshire",
                "postcode": "LS1 1AB",
                "website": "https://writer.example.org.uk",
                "lat": 53.8,
                "lon": -1.55,
                "organisation_type": "academy",
                "detailed_type": "Academy converter",
                "religious_character": "None",
            },
        }
    )


def writer(
    database_url: str, workdir: str, index_path: str, interval: float, set_up, ready, stop, out
) -> None:
    """Another node: every `interval` seconds publish a new listing (the listing import's use-case) or
    close a live one (the lifecycle's CLOSE transition), each in its own unit of work."""
    from marketplace.publishing.importer import import_lines
    from marketplace.unit_of_work import unit_of_work
    from marketplace.vacancies.lifecycle import VacancyAction
    from marketplace.vacancies.models import Vacancy
    from marketplace.vacancies.services import transition

    app = make_app(database_url, Path(workdir), Path(index_path))
    published = closed = failed = 0
    latencies: list[float] = []
    with app.app_context():
        live = list(
            db.session.scalars(sa.select(Vacancy.id).where(Vacancy.status == "published").limit(5000))
        )
        random.Random(3).shuffle(live)
        db.session.remove()
        set_up.wait(600)
        ready.wait(600)
        number = 0
        while not stop.is_set():
            started = time.monotonic()
            try:
                with unit_of_work():
                    if number % 2:
                        vacancy = db.session.get(Vacancy, live.pop())
                        transition(vacancy, VacancyAction.CLOSE, actor=None, reason="Ended early")
                        closed += 1
                    else:
                        report = import_lines(
                            [_writer_listing(number, dt.datetime.now(dt.UTC).date())], verified=True
                        )
                        if report.problems:
                            raise RuntimeError(report.problems)
                        published += 1
            except Exception as error:  # counted and reported: the run goes on
                failed += 1
                print(f"    writer: {error}", flush=True)
            finally:
                db.session.remove()
            latencies.append((time.monotonic() - started) * 1000)
            number += 1
            stop.wait(max(0.0, interval - (time.monotonic() - started)))
    out.put({"published": published, "closed": closed, "failed": failed, "write_ms": summary(latencies)})


def run_engine(database_url: str, workdir: Path, index_path: Path, mix: list[Query], seconds: float) -> dict:
    spawn = multiprocessing.get_context("spawn")
    out = spawn.Queue()
    process = spawn.Process(
        target=engine_cold_warm, args=(database_url, str(workdir), str(index_path), mix, out)
    )
    process.start()
    first = out.get()
    process.join()

    # The writing node keeps its own replica: a copy of this index, made before anything changes.
    other_index = workdir / "other-node-index"
    shutil.rmtree(other_index, ignore_errors=True)
    shutil.copytree(index_path, other_index)
    ready, stop, writes, applied = spawn.Event(), spawn.Event(), spawn.Queue(), spawn.Queue()
    set_up = spawn.Barrier(3)  # the three processes below have started up
    node_writer = spawn.Process(
        target=index_writer, args=(database_url, str(workdir), str(index_path), set_up, stop, applied)
    )
    reader = spawn.Process(
        target=engine_with_writes,
        args=(database_url, str(workdir), str(index_path), mix, seconds, out, set_up, ready, stop),
    )
    writing = spawn.Process(
        target=writer,
        args=(database_url, str(workdir), str(other_index), 1.0, set_up, ready, stop, writes),
    )
    node_writer.start()
    reader.start()
    writing.start()
    second = out.get()
    written = writes.get()
    index_syncs = applied.get()
    for process in (reader, writing, node_writer):
        process.join()
    shutil.rmtree(other_index, ignore_errors=True)
    cold, warm = summary(first["cold"]), summary(first["warm"])
    quiet, busy = summary(second["without_writes"]), summary(second["with_writes"])
    return {
        "function": "marketplace.search.api.search_vacancies (snippets on, the result list's columns loaded)",
        "distinct_queries": len(mix),
        "index_open_ms": first["open_ms"],
        # How many listings the queries matched, on average: what the baselines match differs (they
        # know no synonyms, spelling corrections or places as areas).
        "mean_matches": round(statistics.mean(first["totals"]), 1),
        "cold": cold,
        "warm": warm,
        "without_writes": quiet,
        "with_writes": busy,
        "with_writes_to_without": {key: ratio(busy, quiet, key) for key in ("p50_ms", "p95_ms", "max_ms")},
        "with_writes_to_warm": {key: ratio(busy, warm, key) for key in ("p50_ms", "p95_ms", "max_ms")},
        "with_writes_to_cold": {key: ratio(busy, cold, key) for key in ("p50_ms", "p95_ms", "max_ms")},
        # The searching thread's CPU time per search: what the figures above would be on an idle machine,
        # less the waits for the database and the disk.
        "cpu": {
            "cold": summary(first["cold_cpu"]),
            "warm": summary(first["warm_cpu"]),
            "without_writes": summary(second["without_writes_cpu"]),
            "with_writes": summary(second["with_writes_cpu"]),
        },
        "writes": {
            **written,
            "index_writer_syncs": index_syncs,
            "generations_read": second["generations_read"],
            "taken_over": second["follower_syncs"],
        },
    }


# --- PostgreSQL full-text search --------------------------------------------------------------------

FACET_VALUES: dict[str, tuple[str, ...]] = {
    "job_roles": tuple(vocabulary.JOB_ROLES),
    "phases": tuple(vocabulary.PHASES),
    "key_stages": tuple(vocabulary.KEY_STAGES),
    "subjects": tuple(vocabulary.ALL_SUBJECTS),
    "working_patterns": (*vocabulary.WORKING_PATTERNS, "job_share"),
    "contract_types": tuple(vocabulary.CONTRACT_TYPES),
    "organisation_types": tuple(ORGANISATION_TYPE_GROUPS),
    "school_types": tuple(LABELS["school_types"]),
}
FLAG_COLUMNS = ("ect_suitable", "visa_sponsorship", "quick_apply")


def _groups_case() -> str:
    cases = " ".join(
        f"WHEN o.type_group IN ({', '.join(repr(group) for group in groups)}) THEN '{name}'"
        for name, groups in ORGANISATION_TYPE_GROUPS.items()
    )
    return f"CASE {cases} END"


# Each live listing's searchable text and filter values, read once by both baselines.
SOURCE = f"""SELECT
    v.id,
    v.title,
    translate(v.job_roles::text || ' ' || v.subjects::text, '[]",_', '    ') AS roles_and_subjects,
    o.name AS school,
    v.about_role || ' ' || v.what_school_offers AS about_role,
    ARRAY(SELECT jsonb_array_elements_text(v.job_roles::jsonb)) AS job_roles,
    ARRAY(SELECT jsonb_array_elements_text(v.phases::jsonb)) AS phases,
    ARRAY(SELECT jsonb_array_elements_text(v.key_stages::jsonb)) AS key_stages,
    ARRAY(SELECT jsonb_array_elements_text(v.subjects::jsonb)) AS subjects,
    ARRAY(SELECT jsonb_array_elements_text(v.working_patterns::jsonb))
      || CASE WHEN v.job_share THEN ARRAY['job_share'] ELSE ARRAY[]::text[] END AS working_patterns,
    ARRAY[v.contract_type]::text[] AS contract_types,
    ARRAY_REMOVE(ARRAY[{_groups_case()}], NULL)::text[] AS organisation_types,
    ARRAY_REMOVE(ARRAY[
      CASE WHEN coalesce(o.religious_character, 'None') NOT IN ('None', 'Does not apply', '')
           THEN 'faith_school' END,
      CASE WHEN o.type_group = 'Special schools' THEN 'special_school' END], NULL)::text[] AS school_types,
    v.ect_status = 'ect_suitable' AS ect_suitable,
    v.visa_sponsorship,
    v.how_to_apply = 'marketplace' AS quick_apply,
    coalesce(v.salary_maximum, v.salary_minimum, 0) AS salary,
    v.publish_on, v.closes_at, v.published_at, o.latitude, o.longitude
  FROM vacancies v JOIN organisations o ON o.id = v.organisation_id
  WHERE v.status = 'published'"""  # noqa: S608 (this file's own text)


def build_postgres(connection) -> float:
    """A search table as a PostgreSQL expert would keep it beside the vacancies: a weighted stored
    tsvector, the filters as text arrays, GIN indexes on both, btree on the orderings and the place."""
    started = time.perf_counter()
    lists = ", ".join((*FACET_VALUES, *FLAG_COLUMNS))
    statements = [
        "DROP TABLE IF EXISTS pg_vacancy_search",
        f"""CREATE TABLE pg_vacancy_search AS SELECT
            id,
            setweight(to_tsvector('english', title), 'A')
              || setweight(to_tsvector('english', roles_and_subjects), 'B')
              || setweight(to_tsvector('english', school), 'C')
              || setweight(to_tsvector('english', about_role), 'D') AS document,
            {lists}, salary, publish_on, closes_at, published_at, latitude, longitude
          FROM ({SOURCE}) AS source""",  # noqa: S608 (this file's own text)
        "ALTER TABLE pg_vacancy_search ADD PRIMARY KEY (id)",
        "CREATE INDEX pg_vacancy_search_document ON pg_vacancy_search USING gin (document)",
        *(
            f"CREATE INDEX pg_vacancy_search_{name} ON pg_vacancy_search USING gin ({name})"
            for name in ("job_roles", "phases", "key_stages", "subjects", "working_patterns")
        ),
        "CREATE INDEX pg_vacancy_search_closes_at ON pg_vacancy_search (closes_at)",
        "CREATE INDEX pg_vacancy_search_published_at ON pg_vacancy_search (published_at)",
        "CREATE INDEX pg_vacancy_search_place ON pg_vacancy_search (latitude, longitude)",
        "ANALYZE pg_vacancy_search",
    ]
    for statement in statements:
        connection.execute(sa.text(statement))
    connection.commit()
    return time.perf_counter() - started


def postgres_statements(search: VacancySearch, location: Location | None) -> tuple[str, str, dict]:
    """The top 20 and the count with every facet, for one search. Fragments are this file's own; every
    typed value is a bound parameter."""
    where = ["closes_at > now()", "publish_on <= current_date"]
    params: dict[str, Any] = {"limit": search.per_page, "offset": (search.page - 1) * search.per_page}
    source = "pg_vacancy_search"
    if search.has_keywords:
        source += ", websearch_to_tsquery('english', :q) AS q"
        where.append("document @@ q")
        params["q"] = search.keywords
    for name in FACET_VALUES:
        values = getattr(search, name)
        if values:
            where.append(f"{name} && :{name}")
            params[name] = list(values)
    for name in FLAG_COLUMNS:
        if getattr(search, name):
            where.append(name)
    if search.minimum_salary:
        where.append("salary >= :salary")
        params["salary"] = search.minimum_salary
    if search.posted_within_days:
        where.append("published_at >= now() - make_interval(days => :days)")
        params["days"] = search.posted_within_days
    distance = None
    if location is not None and location.point is not None:
        degrees = search.radius * METRES_PER_MILE / 111_000
        params.update(lat=location.point.latitude, lon=location.point.longitude, d=degrees)
        params["wide"] = degrees / max(0.1, math.cos(math.radians(location.point.latitude)))
        params["metres"] = search.radius * METRES_PER_MILE
        distance = (
            "6371000 * 2 * asin(sqrt(power(sin(radians(latitude - :lat) / 2), 2) + cos(radians(:lat)) * "
            "cos(radians(latitude)) * power(sin(radians(longitude - :lon) / 2), 2)))"
        )
        where.append(
            "latitude BETWEEN :lat - :d AND :lat + :d AND longitude BETWEEN :lon - :wide AND :lon + :wide"
        )
        where.append(f"{distance} <= :metres")
    sort = search.effective_sort
    if sort == "relevance" and search.has_keywords:
        order = "ts_rank_cd(document, q) DESC, closes_at"
    elif sort == "distance" and distance:
        order = f"{distance}, closes_at"
    elif sort == "newest":
        order = "published_at DESC"
    else:
        order = "closes_at"
    condition = " AND ".join(where)
    top = f"SELECT id FROM {source} WHERE {condition} ORDER BY {order}, id LIMIT :limit OFFSET :offset"  # noqa: S608
    facets = ", ".join(
        f"count(*) FILTER (WHERE {name} @> ARRAY['{value}'])"
        for name, values in FACET_VALUES.items()
        for value in values
        if "'" not in value
    )
    flags = ", ".join(f"count(*) FILTER (WHERE {name})" for name in FLAG_COLUMNS)
    count = f"SELECT count(*), {facets}, {flags} FROM {source} WHERE {condition}"  # noqa: S608
    return top, count, params


def postgres_pass(
    connection, prepared: list[tuple[str, str, dict]], totals: list[int] | None = None
) -> list[float]:
    timings = []
    for top, count, params in prepared:
        started = time.perf_counter()
        connection.execute(sa.text(top), params).all()
        counted = connection.execute(sa.text(count), params).one()
        timings.append((time.perf_counter() - started) * 1000)
        if totals is not None:
            totals.append(counted[0])
    connection.rollback()
    return timings


def run_postgres(app, searches: list[tuple[VacancySearch, Location | None]]) -> dict:
    with app.app_context(), db.engine.connect() as connection:
        build_seconds = build_postgres(connection)
        prepared = [postgres_statements(search, location) for search, location in searches]
        first = postgres_pass(connection, prepared)
        totals: list[int] = []
        second = postgres_pass(connection, prepared, totals)
        rows = connection.execute(sa.text("SELECT count(*) FROM pg_vacancy_search")).scalar_one()
    return {
        "method": "weighted stored tsvector + GIN, websearch_to_tsquery, ts_rank_cd; "
        "top 20 in one statement, count + all facets (FILTER aggregates) in another",
        "rows": rows,
        "build_seconds": round(build_seconds, 1),
        "first_pass": summary(first),
        "second_pass": summary(second),
        "mean_matches": round(statistics.mean(totals), 1),
    }


# --- tantivy ----------------------------------------------------------------------------------------

TANTIVY_LISTS = (*FACET_VALUES, "flags")


def run_tantivy(app, searches: list[tuple[VacancySearch, Location | None]], workdir: Path) -> dict:
    try:
        import tantivy
    except ImportError:
        return {"skipped": "tantivy is not installed (pip install -e '.[benchmarks]')"}
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("title", tokenizer_name="en_stem")
    builder.add_text_field("body", tokenizer_name="en_stem")
    for name in TANTIVY_LISTS:
        builder.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    for name in ("salary", "closes_at", "publish_on", "published_at"):
        builder.add_integer_field(name, indexed=True, fast=True)
    for name in ("latitude", "longitude"):
        builder.add_float_field(name, indexed=True, fast=True)
    schema = builder.build()
    folder = workdir / "tantivy"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    index = tantivy.Index(schema, path=str(folder))
    started, cpu_started = time.perf_counter(), cpu_seconds()
    with app.app_context(), db.engine.connect() as connection:
        rows = connection.execute(sa.text(SOURCE)).mappings()
        writer = index.writer(heap_size=200_000_000)
        for row in rows:
            document = tantivy.Document(
                id=row["id"],
                title=row["title"],
                body=f"{row['roles_and_subjects']} {row['school']} {row['about_role']}",
                salary=row["salary"],
                closes_at=int(row["closes_at"].timestamp()),
                publish_on=row["publish_on"].toordinal(),
                published_at=int(row["published_at"].timestamp()),
                latitude=float(row["latitude"] or 0),
                longitude=float(row["longitude"] or 0),
            )
            for name in FACET_VALUES:
                for value in row[name]:
                    document.add_text(name, value)
            for name in FLAG_COLUMNS:
                if row[name]:
                    document.add_text("flags", name)
            writer.add_document(document)
        writer.commit()
        writer.wait_merging_threads()
    index.reload()
    build = {
        "wall_seconds": round(time.perf_counter() - started, 1),
        "cpu_seconds": round(cpu_seconds() - cpu_started, 1),
    }
    prepared = [_tantivy_query(tantivy, index, schema, search, location) for search, location in searches]
    aggregations = {name: {"terms": {"field": name, "size": 200}} for name in TANTIVY_LISTS}

    totals: list[int] = []

    def one_pass(facets: bool) -> list[float]:
        timings = []
        for query, search, relevance in prepared:
            started = time.perf_counter()
            searcher = index.searcher()
            offset = (search.page - 1) * search.per_page
            if relevance:
                found = searcher.search(query, search.per_page, count=True, offset=offset)
            else:
                order = tantivy.Order.Desc if search.effective_sort == "newest" else tantivy.Order.Asc
                field = "published_at" if search.effective_sort == "newest" else "closes_at"
                found = searcher.search(
                    query, search.per_page, count=True, order_by_field=field, order=order, offset=offset
                )
            _ = [address for _, address in found.hits]
            totals.append(found.count)
            if facets:
                searcher.aggregate(query, aggregations)
            timings.append((time.perf_counter() - started) * 1000)
        return timings

    one_pass(False)
    totals.clear()
    plain = one_pass(False)
    matches = statistics.mean(totals)
    faceted = one_pass(True)
    return {
        "version": getattr(tantivy, "__version__", "?"),
        "method": "en_stem title (boost 3) + body, AND of the keywords, raw list fields as filters; "
        "top 20 + count, then also terms aggregations over every list field",
        "build": build,
        "top20_and_count": summary(plain),
        "mean_matches": round(matches, 1),
        "with_facets": summary(faceted),
    }


def _tantivy_query(tantivy, index, schema, search: VacancySearch, location: Location | None):
    now = dt.datetime.now(dt.UTC)
    must = [
        tantivy.Query.range_query(
            schema, "closes_at", tantivy.FieldType.Integer, lower_bound=int(now.timestamp()) + 1
        ),
        tantivy.Query.range_query(
            schema, "publish_on", tantivy.FieldType.Integer, upper_bound=now.date().toordinal()
        ),
    ]
    relevance = search.has_keywords and search.effective_sort == "relevance"
    if search.has_keywords:
        words = re.sub(r"[^\w\s]", " ", search.keywords)
        parsed, _errors = index.parse_query_lenient(
            words, ["title", "body"], field_boosts={"title": 3.0}, conjunction_by_default=True
        )
        must.append(parsed)
    for name in FACET_VALUES:
        values = getattr(search, name)
        if values:
            must.append(tantivy.Query.term_set_query(schema, name, list(values)))
    for name in FLAG_COLUMNS:
        if getattr(search, name):
            must.append(tantivy.Query.term_query(schema, "flags", name))
    if search.minimum_salary:
        must.append(
            tantivy.Query.range_query(
                schema, "salary", tantivy.FieldType.Integer, lower_bound=search.minimum_salary
            )
        )
    if search.posted_within_days:
        since = int((now - dt.timedelta(days=search.posted_within_days)).timestamp())
        must.append(
            tantivy.Query.range_query(schema, "published_at", tantivy.FieldType.Integer, lower_bound=since)
        )
    if location is not None and location.point is not None:
        degrees = search.radius * METRES_PER_MILE / 111_000
        wide = degrees / max(0.1, math.cos(math.radians(location.point.latitude)))
        must.append(
            tantivy.Query.range_query(
                schema,
                "latitude",
                tantivy.FieldType.Float,
                lower_bound=location.point.latitude - degrees,
                upper_bound=location.point.latitude + degrees,
            )
        )
        must.append(
            tantivy.Query.range_query(
                schema,
                "longitude",
                tantivy.FieldType.Float,
                lower_bound=location.point.longitude - wide,
                upper_bound=location.point.longitude + wide,
            )
        )
    query = tantivy.Query.boolean_query([(tantivy.Occur.Must, clause) for clause in must])
    return query, search, relevance


# --- Throughput under wrk ---------------------------------------------------------------------------

WRK_MISSING = "wrk is not installed (on Debian: apt-get install -y wrk)"
# Each wrk thread takes every other path (thread 0 the odd places, thread 1 the even ones), so a list
# of distinct paths is a list of cache misses: no path is asked for twice until the list runs out.
WRK_SCRIPT = """local paths = {%s}
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  i = 0
  if id == nil then id = 0 end
end
function request()
  local index = (i * 2 + id) %% #paths + 1
  i = i + 1
  return wrk.format("GET", paths[index])
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def worker_pids(server_pid: int) -> list[int]:
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def cpu_ticks(pids: list[int]) -> int:
    ticks = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return round(float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit], 2)


def wrk(base: str, paths: list[str], seconds: int, workdir: Path, pids: list[int]) -> dict:
    """wrk -t2 -c8 over `paths`; requests per second, latency percentiles, errors, worker CPU."""
    script = workdir / "paths.lua"
    script.write_text(WRK_SCRIPT % ", ".join(json.dumps(path) for path in paths))
    command = [
        "wrk",
        "-t2",
        "-c8",
        "--latency",
        "--timeout",
        "10s",
        f"-d{seconds}s",
        "-s",
        str(script),
        base + "/",
    ]
    ticks = cpu_ticks(pids)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    ticks = cpu_ticks(pids) - ticks
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s*([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "requests": requests,
        "distinct_paths": len(set(paths)),
        "p50_ms": _milliseconds(latency["50"]) if "50" in latency else None,
        "p99_ms": _milliseconds(latency["99"]) if "99" in latency else None,
        "non_2xx_3xx": int(bad.group(1)) if bad else 0,
        **({"socket_errors": errors.group(1).strip()} if errors else {}),
        "worker_cpu_ms_per_request": round(ticks / os.sysconf("SC_CLK_TCK") / max(requests, 1) * 1000, 2),
    }


def warm_up(base: str, paths: list[str], rounds: int) -> None:
    def fetch(path: str) -> None:
        with urlopen(base + path, timeout=120):  # noqa: S310 (our own local server)
            pass

    with ThreadPoolExecutor(2) as pool:
        for _ in range(rounds):
            list(pool.map(fetch, [path for path in paths for _ in range(2)]))


def statements_per_request(app, paths: dict[str, list[str]]) -> dict[str, float]:
    """SQL statements per request for each kind of page, counted in this process with the test client."""
    counted = [0]

    def count(*_args: object, **_kwargs: object) -> None:
        counted[0] += 1

    figures = {}
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        client = app.test_client()
        for name, sample in paths.items():
            counted[0] = 0
            for path in sample:
                response = client.get(path)
                assert response.status_code in (200, 302), (path, response.status_code)
            figures[name] = round(counted[0] / len(sample), 1)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return figures


def _no_redirect(app, mix: list[Query]) -> list[Query]:
    """The searches the page answers without a redirect (a place or salary typed among the keywords is
    redirected to the address that names it as a filter; wrk would count the redirect alone)."""
    kept = []
    with app.app_context():
        for pairs in mix:
            if not understand_keywords(as_search(pairs), db.session)[1]:
                kept.append(pairs)
        db.session.remove()
    return kept


def run_wrk(app, database_url: str, workdir: Path, index_path: Path, seconds: int, used: list[Query]) -> dict:
    if shutil.which("wrk") is None:
        return {"skipped": WRK_MISSING}
    from marketplace.vacancies.models import Vacancy

    popular = [f"/jobs?{query_string(pairs)}" if pairs else "/jobs" for pairs in POPULAR]
    seen = {query_string(pairs) for pairs in used} | {query_string(pairs) for pairs in POPULAR}
    fresh = [pairs for pairs in queries(6000, seed=23) if query_string(pairs) not in seen]
    fresh = _no_redirect(app, fresh)
    half = len(fresh) // 2
    misses = [f"/jobs?{query_string(pairs)}" for pairs in fresh[:half]]
    rng = random.Random(5)
    unseen = iter(fresh[half:])
    mixed = []
    for _ in range(half):
        if rng.random() < 0.8:
            mixed.append(rng.choice(popular))
        else:
            mixed.append(f"/jobs?{query_string(next(unseen))}")
    api = [f"/api/v1/vacancies?{query_string(pairs)}" for pairs in POPULAR]
    with app.app_context():
        job = db.session.scalar(
            sa.select(Vacancy.id)
            .where(Vacancy.status == "published")
            .order_by(Vacancy.closes_at.desc())
            .limit(1)
        )
        db.session.remove()
    pages = {
        "search_page_cache_hits": popular,
        "search_page_cache_misses": misses,
        "search_page_mix_80_percent_repeated": mixed,
        "json_api": api,
        "job_page": [f"/jobs/{job}"],
        "home_page": ["/"],
        "robots_txt": ["/robots.txt"],
    }
    statements = statements_per_request(
        app,
        {
            "search_page": popular[:5] + misses[-5:],
            "json_api": api[:5],
            "job_page": [f"/jobs/{job}"] * 3,
            "home_page": ["/"] * 3,
            "robots_txt": ["/robots.txt"] * 3,
        },
    )
    port = free_port()
    environment = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        MARKETPLACE_ENV="development",
        MARKETPLACE_INSTANCE_PATH=str(workdir),
        MARKETPLACE_DATABASE_URL=database_url,
        MARKETPLACE_SEARCH_INDEX_PATH=str(index_path),
        MARKETPLACE_SECRET_KEY="benchmark",  # noqa: S106 (a throwaway local server)
        MARKETPLACE_BASE_URL=f"http://127.0.0.1:{port}",
        # wrk is one address sending everything: the per-address API limit would answer most with 429.
        MARKETPLACE_API_RATE_LIMIT="10000000 per minute",
        # As the systemd kit runs a node: the workers read what the node's index writer applies.
        MARKETPLACE_SEARCH_FOLLOW="read",
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603 (our own command line)
        [str(gunicorn), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "marketplace.wsgi:app"],
        cwd=ROOT, env=environment,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    results: dict[str, Any] = {
        "server": "gunicorn --workers 2 marketplace.wsgi:app (MARKETPLACE_ENV=development)",
        "client": f"wrk -t2 -c8 -d{seconds}s",
        "sql_statements_per_request": statements,
    }
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urlopen(f"{base}/robots.txt", timeout=5):  # noqa: S310 (our own local server)
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        pids = worker_pids(server.pid)
        # Each worker opens the index and meets every popular search before anything is measured: each
        # path is asked for six times by two clients at once, so both workers almost surely answer it.
        warm_up(base, popular + api + ["/", "/robots.txt", f"/jobs/{job}"], rounds=3)
        for name, paths in pages.items():
            results[name] = wrk(base, paths, seconds, workdir, pids)
            if name == "search_page_cache_misses" and results[name]["requests"] > len(paths):
                results[name]["note"] = "the list ran out: some requests repeated a path"
        results["search_page_mix_with_a_write_a_second"] = _wrk_with_writes(
            base, mixed, seconds, workdir, pids, database_url, index_path
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def _wrk_with_writes(
    base: str,
    paths: list[str],
    seconds: int,
    workdir: Path,
    pids: list[int],
    database_url: str,
    index_path: Path,
) -> dict:
    """The realistic mix again while another node publishes or closes a listing a second and this node's
    index writer applies each change: every commit gives the page cache a new generation to key by."""
    spawn = multiprocessing.get_context("spawn")
    other_index = workdir / "other-node-index"
    shutil.rmtree(other_index, ignore_errors=True)
    shutil.copytree(index_path, other_index)
    set_up, ready, stop = spawn.Barrier(3), spawn.Event(), spawn.Event()
    applied, written = spawn.Queue(), spawn.Queue()
    processes = [
        spawn.Process(
            target=index_writer, args=(database_url, str(workdir), str(index_path), set_up, stop, applied)
        ),
        spawn.Process(
            target=writer,
            args=(database_url, str(workdir), str(other_index), 1.0, set_up, ready, stop, written),
        ),
    ]
    for process in processes:
        process.start()
    try:
        set_up.wait(600)
        ready.set()
        figures = wrk(base, paths, seconds, workdir, pids)
    finally:
        stop.set()
    figures["writes"] = {**written.get(), "index_writer_syncs": applied.get()}
    for process in processes:
        process.join()
    shutil.rmtree(other_index, ignore_errors=True)
    return figures


# --- The run ----------------------------------------------------------------------------------------


def run_size(arguments: argparse.Namespace, size: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="search-bench-"))
    index_path = workdir / "search-index"
    app = make_app(arguments.database_url, workdir, index_path)
    record: dict[str, Any] = {"vacancies": size, "cpu_cores": os.cpu_count()}
    try:
        with part(record, "load") as figures:
            schools, vacancies = build_corpus(size)
            load(app, schools, vacancies)
            figures["schools"] = len(schools)
        with part(record, "rebuild") as figures:
            figures.update(rebuild(app))
        mix = queries(arguments.queries)
        with app.app_context():
            searches = [understood(pairs, db.session) for pairs in mix]
            db.session.remove()
        record["queries"] = {"distinct": len({query_string(pairs) for pairs in mix}), "sample": mix[:12]}
        if "postgres" in arguments.parts:
            with part(record, "postgres") as figures:
                figures.update(run_postgres(app, searches))
        if "tantivy" in arguments.parts:
            with part(record, "tantivy") as figures:
                figures.update(run_tantivy(app, searches, workdir))
        if "engine" in arguments.parts:
            with part(record, "engine") as figures:
                figures.update(
                    run_engine(arguments.database_url, workdir, index_path, mix, arguments.write_seconds)
                )
        if "wrk" in arguments.parts:
            with part(record, "wrk") as figures:
                figures.update(
                    run_wrk(app, arguments.database_url, workdir, index_path, arguments.wrk_seconds, mix)
                )
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        shutil.rmtree(workdir, ignore_errors=True)  # the index alone takes over 100 MB at 100,000
    if "rebuild" not in arguments.parts:
        record.pop("rebuild", None)
    return record


def _cells(figures: dict | None) -> list[Any]:
    return [(figures or {}).get(key, "") for key in ("p50_ms", "p95_ms", "max_ms")]


def table(results: list[dict]) -> str:
    """The figures as a plain-text table."""
    lines = []

    def add(size: str, measure: str, cells: list[Any], note: str = "") -> None:
        lines.append(f"{size:<9} {measure:<44} {cells[0]!s:>9} {cells[1]!s:>9} {cells[2]!s:>9}  {note}")

    add("listings", "measure", ["p50 ms", "p95 ms", "max ms"], "notes")
    for result in results:
        size = f"{result['vacancies']:,}"
        built = result.get("rebuild")
        if built:
            note = f"{built['wall_seconds']} s wall, {built['cpu_seconds']} s CPU"
            if "workers_cpu_seconds" in built:
                here, workers = built["this_process_cpu_seconds"], built["workers_cpu_seconds"]
                note += f" ({here} here, {workers} in workers)"
            note += f", {built['processes']} processes"
            add(size, "index rebuild", ["", "", ""], note)
        engine = result.get("engine")
        if engine:
            writes, ratios = engine["writes"], engine["with_writes_to_without"]
            add(
                size,
                "engine (search page's call) cold",
                _cells(engine["cold"]),
                f"{engine['distinct_queries']} distinct queries; index open {engine['index_open_ms']} ms",
            )
            add(
                size,
                "engine (search page's call) warm",
                _cells(engine["warm"]),
                f"mean matches {engine['mean_matches']}",
            )
            add(
                size,
                "engine (search page's call) without writes",
                _cells(engine["without_writes"]),
                f"the with-writes pass's control: {engine['without_writes']['n']} searches",
            )
            add(
                size,
                "engine (search page's call) with writes",
                _cells(engine["with_writes"]),
                f"÷ without: p50 {ratios['p50_ms']}, p95 {ratios['p95_ms']}; "
                f"÷ warm: p95 {engine['with_writes_to_warm']['p95_ms']}; {writes['published']} published, "
                f"{writes['closed']} closed, {writes['failed']} failed; {writes['index_writer_syncs']} "
                f"syncs by the index writer, {writes['generations_read']} generations read",
            )
        if engine and "cpu" in engine:
            for name in ("cold", "warm", "without_writes", "with_writes"):
                add(
                    size,
                    f"engine CPU time {name.replace('_', ' ')}",
                    _cells(engine["cpu"][name]),
                    "thread CPU",
                )
        postgres = result.get("postgres")
        if postgres:
            add(size, "PostgreSQL FTS first pass", _cells(postgres["first_pass"]), "top 20, count + facets")
            add(
                size,
                "PostgreSQL FTS second pass",
                _cells(postgres["second_pass"]),
                f"mean matches {postgres['mean_matches']}",
            )
        tantivy = result.get("tantivy")
        if tantivy and "skipped" not in tantivy:
            build = tantivy["build"]
            add(
                size,
                "tantivy top 20 + count",
                _cells(tantivy["top20_and_count"]),
                f"build {build['wall_seconds']} s",
            )
            add(
                size,
                "tantivy + facet aggregations",
                _cells(tantivy["with_facets"]),
                f"mean matches {tantivy['mean_matches']}",
            )
        throughput = result.get("wrk")
        if throughput and "skipped" not in throughput:
            statements = throughput["sql_statements_per_request"]
            for name, figures in throughput.items():
                if not isinstance(figures, dict) or "requests_per_second" not in figures:
                    continue
                kind = "search_page" if name.startswith("search_page") else name
                add(
                    size,
                    f"wrk {name}",
                    [figures["p50_ms"], "", ""],
                    f"{figures['requests_per_second']} req/s ({figures['requests']} requests), "
                    f"p99 {figures['p99_ms']} ms, "
                    f"CPU {figures['worker_cpu_ms_per_request']} ms/req, "
                    f"SQL {statements.get(kind, '?')}/req, "
                    f"non-2xx {figures['non_2xx_3xx']}",
                )
        for name in ("load", "rebuild", "postgres", "tantivy", "engine", "wrk"):
            if name in result:
                figures = result[name]
                add(
                    size,
                    f"load average during {name}",
                    ["", "", ""],
                    f"{figures['load_average_start']} → {figures['load_average_end']} "
                    f"({figures['seconds']} s)",
                )
    return "\n".join(lines)


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks search",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("MARKETPLACE_BENCHMARK_DATABASE_URL"),
        help="a PostgreSQL database the benchmark may empty (default: $MARKETPLACE_BENCHMARK_DATABASE_URL)",
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=None, help="listings (default: 20000 100000)")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated, of {','.join(PARTS)}")
    parser.add_argument("--queries", type=int, default=None, help="distinct queries (default 300)")
    parser.add_argument("--wrk-seconds", type=int, default=None, help="length of each wrk run (default 15)")
    parser.add_argument(
        "--write-seconds", type=float, default=None, help="least length of the with-writes pass"
    )
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 2,000 listings, 60 queries, short runs"
    )
    parser.add_argument(
        "--output", type=Path, default=None, help="where to write (default benchmarks/results/search.json)"
    )
    arguments = parser.parse_args(argv)
    if not arguments.database_url:
        parser.error("--database-url (or MARKETPLACE_BENCHMARK_DATABASE_URL) is required")
    if not arguments.database_url.startswith("postgresql"):
        parser.error("the baselines need PostgreSQL: --database-url postgresql+psycopg://…")
    arguments.parts = [name.strip() for name in arguments.parts.split(",") if name.strip()]
    unknown = set(arguments.parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    quick = arguments.quick
    arguments.sizes = arguments.sizes or ([2_000] if quick else [20_000, 100_000])
    arguments.queries = arguments.queries or (60 if quick else 300)
    arguments.wrk_seconds = arguments.wrk_seconds or (3 if quick else 15)
    arguments.write_seconds = arguments.write_seconds or (5.0 if quick else 30.0)
    # A smoke run leaves the measured figures alone.
    arguments.output = arguments.output or (None if quick else RESULTS)
    return arguments


def merged(earlier: dict, document: dict) -> dict:
    """The earlier results with the parts measured now put in their place (each part keeps its own
    measured_at and load averages), for a run of some of the parts."""
    by_size = {result["vacancies"]: result for result in earlier.get("results", [])}
    for result in document["results"]:
        by_size.setdefault(result["vacancies"], {}).update(result)
    runs = [*earlier.get("runs", [{k: earlier[k] for k in ("measured_at", "command") if k in earlier}])]
    runs.append({"measured_at": document["measured_at"], "command": document["command"]})
    return {**document, "runs": runs, "results": sorted(by_size.values(), key=lambda r: r["vacancies"])}


def main(argv: list[str] | None = None) -> None:
    arguments = parse_arguments(argv)
    results = []
    started = loadavg()
    for size in arguments.sizes:
        print(f"{size:,} listings", flush=True)
        results.append(run_size(arguments, size))
    print(table(results), flush=True)
    if arguments.output is not None:
        document = {
            "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": "python -m benchmarks search " + " ".join(sys.argv[1:]),
            "load_average_start": started,
            "load_average_end": loadavg(),
            "results": results,
        }
        if set(arguments.parts) < set(PARTS) and arguments.output.exists():
            document = merged(json.loads(arguments.output.read_text()), document)
        arguments.output.parent.mkdir(parents=True, exist_ok=True)
        arguments.output.write_text(json.dumps(document, indent=2, default=str) + "\n")
        print(f"Written to {arguments.output}")


if __name__ == "__main__":
    main()
