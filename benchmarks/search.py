"""Search benchmark: the engine against PostgreSQL full-text search, on the same corpus and query mix.

    .venv/bin/python benchmarks/search.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_search --sizes 20000 100000

The database named in --database-url is emptied and filled with a synthetic corpus of live vacancies at
each size (schools across England, realistic titles, roles, phases, subjects, salaries). For each size it
reports:
- the full rebuild time of the index (`marketplace search rebuild`'s code path) with
  SEARCH_REBUILD_PROCESSES processes (one per core by default), and in one process as a baseline;
- the engine call's latency (ranked ids + total + facet counts, no snippets) over a fixed mix of 200
  queries, p50 and p95, first pass (cold caches for this index generation) and second pass (warm);
- the same mix against PostgreSQL (a weighted tsvector column with a GIN index, ranked by ts_rank, plus
  a count and one facet), as a ratio;
- the search page's throughput under wrk against gunicorn with 2 workers (the query mix in turn) beside
  /robots.txt, a trivial endpoint of the same app. Throughput needs wrk (on Debian: apt-get install -y
  wrk) and is skipped with a message without it.
The machine's load average is recorded with each size. Results go to benchmarks/results/search.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import urlopen

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from marketplace import create_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.search.api import SearchBackend, VacancySearch, backend_for  # noqa: E402
from marketplace.search.geo import gazetteer, resolve  # noqa: E402

# The first pass starts from cold caches: forgetting them is the Whoosh engine's own business.
from marketplace.search.whoosh.engine import forget_snapshots  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "search.json"
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
]
QUERY_MIX = [
    {"keywords": "teacher"},
    {"keywords": "teaching"},
    {"keywords": "maths"},
    {"keywords": "physics teacher"},
    {"keywords": "head of department"},
    {"keywords": "key stage 2"},
    {"keywords": "mfl"},
    {"keywords": "science"},
    {"keywords": "senco"},
    {"keywords": "teaching assistant", "working_patterns": ("part_time",)},
    {"keywords": "chemestry"},
    {"keywords": "english", "phases": ("secondary",), "contract_types": ("permanent",)},
    {"keywords": "teacher", "phases": ("primary",)},
    {"keywords": "deputy head", "visa_sponsorship": True},
    {"keywords": "history", "ect_suitable": True, "minimum_salary": 35000},
    {"phases": ("secondary",), "subjects": ("Mathematics",)},
    {"job_roles": ("teacher",), "working_patterns": ("full_time",)},
    {},
    {"location": "Leeds", "radius": 15},
    {"location": "Manchester", "radius": 25, "keywords": "teacher"},
    {"location": "London", "radius": 10, "phases": ("primary",)},
    {"location": "Bristol", "radius": 50},
    {"location": "Norwich", "radius": 5, "keywords": "maths"},
    {"location": "Birmingham", "radius": 100, "sort": "newest"},
    {"keywords": "teacher", "sort": "newest"},
]


def build_corpus(size: int, seed: int = 7) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    places = [(name, point) for name, point in {v[0]: v[1] for v in gazetteer().values()}.items()]
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
                "created_at": dt.datetime.now(dt.UTC),
                "updated_at": dt.datetime.now(dt.UTC),
            }
        )
    now = dt.datetime.now(dt.UTC)
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


def timed_rebuild(app, *, processes: int) -> tuple:
    """The rebuild's report, its wall time and the CPU time of its processes (workers included)."""
    started = time.perf_counter()
    cpu_started = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    app.config["SEARCH_REBUILD_PROCESSES"] = processes
    report = backend_for(app).rebuild(db.session)
    seconds = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds = (
        time.process_time()
        - cpu_started[0]
        + (children.ru_utime - cpu_started[1].ru_utime)
        + (children.ru_stime - cpu_started[1].ru_stime)
    )
    return report, seconds, cpu_seconds


def load(app, schools, vacancies) -> None:
    from marketplace.organisations.models import Organisation
    from marketplace.search.models import SearchChange
    from marketplace.vacancies.models import Vacancy

    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
        with db.engine.begin() as connection:
            connection.execute(sa.insert(Organisation.__table__), schools)
            for start in range(0, len(vacancies), 5000):
                connection.execute(sa.insert(Vacancy.__table__), vacancies[start : start + 5000])
            connection.execute(sa.delete(SearchChange.__table__))
            connection.execute(
                sa.text(
                    "ALTER TABLE vacancies ADD COLUMN search tsvector GENERATED ALWAYS AS ("
                    "setweight(to_tsvector('english', title), 'A') || "
                    "setweight(to_tsvector('english', coalesce(subjects::text, '')), 'B') || "
                    "setweight(to_tsvector('english', about_role), 'D')) STORED"
                )
            )
            connection.execute(sa.text("CREATE INDEX vacancies_search ON vacancies USING gin (search)"))
            connection.execute(sa.text("ANALYZE"))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def engine_pass(app, engine: SearchBackend, searches) -> list[float]:
    timings = []
    with app.app_context():
        for search, location in searches:
            started = time.perf_counter()
            engine.find(search, now=dt.datetime.now(dt.UTC), location=location, snippets=False)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def postgres_pass(app, searches) -> list[float]:
    timings = []
    with app.app_context(), db.engine.connect() as connection:
        for search, location in searches:
            where = ["status = 'published'", "closes_at > now()", "publish_on <= current_date"]
            params: dict = {}
            rank = "0"
            if search.keywords:
                where.append("search @@ websearch_to_tsquery('english', :q)")
                params["q"] = search.keywords
                rank = "ts_rank(search, websearch_to_tsquery('english', :q))"
            for name in ("phases", "working_patterns", "job_roles"):
                values = getattr(search, name)
                if values:
                    where.append(f"({name}::jsonb) ?| :{name}")
                    params[name] = list(values)
            if search.contract_types:
                where.append("contract_type = ANY(:contracts)")
                params["contracts"] = list(search.contract_types)
            if search.visa_sponsorship:
                where.append("visa_sponsorship")
            if search.ect_suitable:
                where.append("ect_status = 'ect_suitable'")
            if search.minimum_salary:
                where.append("salary_maximum >= :salary")
                params["salary"] = search.minimum_salary
            join = ""
            if location is not None and location.point is not None:
                join = " JOIN organisations o ON o.id = vacancies.organisation_id"
                degrees = search.radius * 1609 / 111_000
                where.append(
                    "o.latitude BETWEEN :lat - :d AND :lat + :d AND "
                    "6371000 * 2 * asin(sqrt(power(sin(radians(o.latitude - :lat) / 2), 2) + "
                    "cos(radians(:lat)) * cos(radians(o.latitude)) * "
                    "power(sin(radians(o.longitude - :lon) / 2), 2))) <= :metres"
                )
                params.update(lat=location.point.latitude, lon=location.point.longitude, d=degrees,
                              metres=search.radius * 1609)  # fmt: skip
            condition = " AND ".join(where)
            order = f"{rank} DESC, closes_at" if search.keywords else "closes_at"
            started = time.perf_counter()
            # Assembled from this file's own fragments; every typed value is a bound parameter.
            top = f"SELECT vacancies.id FROM vacancies{join} WHERE {condition} ORDER BY {order} LIMIT 20"  # noqa: S608
            count = f"SELECT count(*) FROM vacancies{join} WHERE {condition}"  # noqa: S608
            facet = (
                f"SELECT phase, count(*) FROM vacancies{join}, "  # noqa: S608
                f"jsonb_array_elements_text(phases::jsonb) phase WHERE {condition} GROUP BY phase"
            )
            connection.execute(sa.text(top), params).all()
            connection.execute(sa.text(count), params).one()
            connection.execute(sa.text(facet), params).all()
            timings.append((time.perf_counter() - started) * 1000)
    return timings


WRK_MISSING = "wrk is not installed (on Debian: apt-get install -y wrk)"


def query_string(options: dict) -> str:
    """A search of the mix as the search page's query string (the API's parameter names)."""
    pairs = []
    for name, value in options.items():
        name = "keyword" if name == "keywords" else name
        if isinstance(value, tuple):
            pairs.extend((name, item) for item in value)
        else:
            pairs.append((name, "true" if value is True else str(value)))
    return urlencode(pairs)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wrk(url: str, seconds: int, script: Path | None = None) -> float:
    """Requests per second that wrk measured (2 threads, 8 connections)."""
    command = ["wrk", "-t2", "-c8", "--timeout", "10s", f"-d{seconds}s", url]
    if script is not None:
        command[1:1] = ["-s", str(script)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    return float(re.search(r"Requests/sec:\s*([\d.]+)", output).group(1))


def throughput(database_url: str, index_path: Path, workdir: Path, seconds: int) -> dict:
    """The search page under load (gunicorn, 2 workers, the query mix in turn) beside /robots.txt."""
    if shutil.which("wrk") is None:
        print(f"Throughput skipped: {WRK_MISSING}.", flush=True)
        return {"skipped": WRK_MISSING}
    port = free_port()
    environment = dict(
        os.environ,
        MARKETPLACE_ENV="development",
        MARKETPLACE_INSTANCE_PATH=str(workdir),
        MARKETPLACE_DATABASE_URL=database_url,
        MARKETPLACE_SEARCH_INDEX_PATH=str(index_path),
        MARKETPLACE_SECRET_KEY="benchmark",  # noqa: S106 (a throwaway local server)
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603 (our own command line)
        [str(gunicorn), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "marketplace:create_app()"],
        cwd=ROOT, env=environment,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
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
        paths = [f"/jobs?{query_string(options)}" for options in QUERY_MIX]
        script = workdir / "search-mix.lua"
        script.write_text(
            "local paths = {" + ", ".join(json.dumps(path) for path in paths) + "}\n"
            "local i = 0\n"
            "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n"
        )
        # Warm-up, long enough for each worker to open the index and meet every search of the mix once.
        wrk(f"{base}/jobs", max(seconds, 20), script)
        search = wrk(f"{base}/jobs", seconds, script)
        trivial = wrk(f"{base}/robots.txt", seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "search_page_requests_per_second": round(search, 1),
        "robots_txt_requests_per_second": round(trivial, 1),
        "search_to_trivial_ratio": round(search / trivial, 3),
        "seconds": seconds,
        "tool": "wrk -t2 -c8, gunicorn --workers 2",
    }


def summary(timings: list[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
        "max_ms": round(max(timings), 2),
    }


def run_size(database_url: str, size: int, queries: int, throughput_seconds: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="search-bench-"))
    app = create_app(
        {
            "ENV": "testing",
            "INSTANCE_PATH": str(workdir),
            "DATABASE_URL": database_url,
            "SECRET_KEY": "benchmark",
            "SEARCH_INDEX_PATH": str(workdir / "search-index"),
            "SEARCH_WRITE_TIMEOUT": "60",
            "SERVER_NAME": None,
        }
    )
    schools, vacancies = build_corpus(size)
    started = time.perf_counter()
    load(app, schools, vacancies)
    load_seconds = time.perf_counter() - started
    load_before = os.getloadavg()
    processes = app.config["SEARCH_REBUILD_PROCESSES"]
    with app.app_context():
        one_process = timed_rebuild(app, processes=1)
        report, rebuild_seconds, rebuild_cpu_seconds = timed_rebuild(app, processes=processes)
        engine = backend_for(app)
        searches = []
        for number in range(queries):
            options = QUERY_MIX[number % len(QUERY_MIX)]
            search = VacancySearch(**options)
            location = resolve(search.location, db.session) if search.location else None
            searches.append((search, location))
    forget_snapshots()
    started = time.perf_counter()
    with app.app_context():
        engine.find(VacancySearch(), now=dt.datetime.now(dt.UTC), snippets=False)  # reads the index in
    snapshot_seconds = time.perf_counter() - started
    cold = engine_pass(app, engine, searches)
    warm = engine_pass(app, engine, searches)
    postgres_pass(app, searches[:10])  # warm PostgreSQL's buffers too
    baseline = postgres_pass(app, searches)
    result = {
        "vacancies": size,
        "indexed": report.vacancies,
        "load_seconds": round(load_seconds, 1),
        # `marketplace search rebuild`, with SEARCH_REBUILD_PROCESSES (one per core by default).
        "rebuild_processes": processes,
        "rebuild_seconds": round(rebuild_seconds, 1),
        # CPU time of the rebuild's processes: on a shared machine the wall time also counts waiting
        # for a core.
        "rebuild_cpu_seconds": round(rebuild_cpu_seconds, 1),
        # The same rebuild in one process, as the baseline of the split.
        "rebuild_seconds_one_process": round(one_process[1], 1),
        "rebuild_cpu_seconds_one_process": round(one_process[2], 1),
        "snapshot_seconds": round(snapshot_seconds, 2),
        "engine_first_pass": summary(cold),
        "engine_warm": summary(warm),
        "postgres_tsvector": summary(baseline),
        "p95_ratio_postgres_to_engine_first_pass": round(
            percentile(baseline, 0.95) / percentile(cold, 0.95), 2
        ),
        "p50_ratio_postgres_to_engine_first_pass": round(
            statistics.median(baseline) / statistics.median(cold), 2
        ),
        "queries": queries,
        "cpu_cores": os.cpu_count(),
        # 1, 5 and 15 minute load averages before the rebuild and after the last query.
        "load_average_before": [round(value, 2) for value in load_before],
        "load_average_after": [round(value, 2) for value in os.getloadavg()],
    }
    forget_snapshots()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if throughput_seconds:
        result["throughput"] = throughput(
            database_url, Path(app.config["SEARCH_INDEX_PATH"]), workdir, throughput_seconds
        )
    shutil.rmtree(workdir, ignore_errors=True)  # the index alone takes over 100 MB at 100,000
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database the benchmark may empty")
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--throughput-seconds", type=int, default=10, help="length of each wrk run (0 skips throughput)"
    )
    arguments = parser.parse_args()
    results = []
    for size in arguments.sizes:
        result = run_size(arguments.database_url, size, arguments.queries, arguments.throughput_seconds)
        print(json.dumps(result, indent=2), flush=True)
        results.append(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"measured_at": dt.datetime.now(dt.UTC).isoformat(), "results": results}, indent=2) + "\n"
    )
    print(f"Written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
