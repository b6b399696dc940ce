"""Alert matching benchmark: 130,000 job alerts with realistic criteria against 500 new listings.

    .venv/bin/python benchmarks/alerts.py [--alerts 130000] [--listings 500] [--runs 3] \
        [--corpus 20000] [--baseline-sample 500]

Builds 500 new listings (the synthetic corpus of benchmarks/search.py: schools across England, realistic
titles, roles, phases, subjects, salaries) and 130,000 alerts whose criteria are drawn from the
vocabulary with skewed popularity, as real alerts are: keyword mixes (subjects, roles, synonyms,
phrases, the odd typo), filters (phases, roles, working patterns, key stages, contract, ECT, visa,
salary), and places from the gazetteer with a radius, so a realistic share of alerts have identical
criteria. Then it stores the alerts and times `marketplace alerts send`'s matching step (reading the
due alerts from the database, then marketplace.alerts.matching through the search port's `match`:
with Whoosh, an in-memory index of the new listings, the search page's own query plan, identical
criteria matched once) over several runs, and prints the median and p95 per distinct criteria, the
loading and the total.

The baseline, measured in the same run, is the naive approach: one full search-page search per alert
(the engine's `run_search` with facets and suggestions, limited to listings posted in the last day)
against a live index of --corpus listings plus the new ones, on a sample of alerts, extrapolated to all
of them (stated as such in the results). Results go to benchmarks/results/alerts.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from benchmarks.search import build_corpus  # noqa: E402
from marketplace import create_app  # noqa: E402
from marketplace.alerts.digest import due_alerts  # noqa: E402
from marketplace.alerts.matching import ListingMatcher, criteria_key, criteria_of, search_of  # noqa: E402
from marketplace.alerts.models import AlertFrequency, JobAlert  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.organisations.models import Organisation  # noqa: E402
from marketplace.search.api import VacancySearch, backend  # noqa: E402
from marketplace.search.geo import gazetteer, resolve  # noqa: E402
from marketplace.vacancies.models import Vacancy  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "alerts.json"

# What people type into an alert's keywords, most popular first (skewed choice below).
KEYWORDS = [
    "teacher", "maths", "english", "primary teacher", "science", "teaching assistant", "senco",
    "physics", "chemistry", "biology", "history", "geography", "mfl", "french", "spanish", "computing",
    "pe", "music", "art", "drama", "re", "head of department", "deputy head", "headteacher",
    "early years", "ks2", "key stage 1", "a level", "part time", "maths teacher", "english teacher",
    "science teacher", "primary", "secondary", "sen", "learning support assistant", "cover supervisor",
    "head of year", "assistant head", "ect", "newly qualified teacher", "design and technology",
    "psychology", "sociology", "business studies", "ict", "religious education", "humanities",
    "mathematics", "physical education", "modern foreign languages", "class teacher", "eyfs",
    "head of maths", "head of science", "slt", "teaching", "teachers", "chemestry", "geograpy",
    "part time teaching assistant", "maths ks3", "primary ks2 teacher", "music teacher", "dance",
    "food technology", "media", "law", "economics", "philosophy", "statistics", "nursery", "sats",
]  # fmt: skip
PHASES = ["primary", "secondary", "sixth_form_or_college", "through", "nursery"]
ROLES = [
    "teacher", "teaching_assistant", "head_of_department_or_curriculum", "sendco", "head_of_year_or_phase",
    "deputy_headteacher", "assistant_headteacher", "headteacher", "education_support",
]  # fmt: skip
SUBJECTS = ["Mathematics", "English", "Science", "Physics", "Chemistry", "Biology", "History", "Geography"]
RADII = [5, 10, 10, 15, 15, 15, 20, 25, 25, 50, 100]


def skewed(rng: random.Random, values: list, power: float = 1.6):
    """A choice where the first values are much more popular than the last (Zipf-like)."""
    return values[min(int(len(values) * rng.random() ** power), len(values) - 1)]


def make_alert_criteria(count: int, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    # Places by a rough popularity: the gazetteer lists cities first.
    places = list(dict.fromkeys(name for name, _ in gazetteer().values()))
    criteria = []
    for _ in range(count):
        options: dict = {}
        if rng.random() < 0.65:
            options["keywords"] = skewed(rng, KEYWORDS)
            if rng.random() < 0.1:
                options["keywords"] += " " + skewed(rng, KEYWORDS)
        if rng.random() < 0.8:
            options["location"] = skewed(rng, places, 2.2)
            options["radius"] = rng.choice(RADII)
        if rng.random() < 0.35:
            options["phases"] = [skewed(rng, PHASES)]
        if rng.random() < 0.25:
            options["job_roles"] = sorted({skewed(rng, ROLES) for _ in range(rng.randint(1, 2))})
        if rng.random() < 0.2:
            options["working_patterns"] = [rng.choice(["full_time", "part_time", "job_share"])]
        if "keywords" not in options and rng.random() < 0.3:
            options["subjects"] = [skewed(rng, SUBJECTS)]
        if rng.random() < 0.08:
            options["key_stages"] = [rng.choice(["ks1", "ks2", "ks3", "ks4", "ks5"])]
        if rng.random() < 0.08:
            options["contract_types"] = ["permanent"]
        if rng.random() < 0.08:
            options["ect_suitable"] = True
        if rng.random() < 0.04:
            options["visa_sponsorship"] = True
        if rng.random() < 0.05:
            options["minimum_salary"] = rng.choice([30000, 35000, 40000, 50000])
        if not options:
            options["keywords"] = "teacher"
        criteria.append(criteria_of(VacancySearch(**options)))
    return criteria


def listings(size: int, *, seed: int, first_id: int, now: dt.datetime, new: bool) -> list[Vacancy]:
    """Transient listings (not in a database): all the in-memory index needs from them."""
    rng = random.Random(seed)
    schools, rows = build_corpus(size, seed=seed)
    organisations = {}
    for school in schools:
        organisations[school["id"]] = Organisation(**{**school, "id": school["id"] + first_id})
    vacancies = []
    for row in rows:
        row = dict(row, id=row["id"] + first_id)
        organisation = organisations[row.pop("organisation_id")]
        if new:  # went live since yesterday's digest
            row["published_at"] = now - dt.timedelta(hours=rng.uniform(0.5, 20))
            row["publish_on"] = row["published_at"].date()
        vacancies.append(Vacancy(**row, organisation=organisation))
    return vacancies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def store_alerts(alerts: list[dict], keys: list[str], now: dt.datetime) -> None:
    """The alerts as `alerts send` finds them: confirmed daily alerts, by address, last sent a day ago."""
    rows = [
        {
            "email": f"alert{number}@example.com",
            "criteria": criteria,
            "criteria_key": key,
            "frequency": AlertFrequency.DAILY,
            "confirmed_at": now,
            "covered_until": now - dt.timedelta(days=1),
            "nonce": f"{number:032d}",
            "created_at": now,
            "updated_at": now,
        }
        for number, (criteria, key) in enumerate(zip(alerts, keys, strict=True))
    ]
    db.session.execute(sa.insert(JobAlert), rows)
    db.session.commit()


def match_all(new: list[Vacancy], now: dt.datetime) -> dict:
    """One matching run as `alerts send` does it: the due alerts read from the database, then one call
    to the search port's `match` for every distinct criteria; per-distinct-criteria timings in
    microseconds."""
    started, cpu_started = time.perf_counter(), time.process_time()
    plans = due_alerts(AlertFrequency.DAILY)
    keys = [plan.criteria_key for plan in plans]
    distinct = {plan.criteria_key: plan.criteria for plan in plans}
    loaded, cpu_loaded = time.perf_counter(), time.process_time()
    db.session.commit()  # as `alerts send` does: the reading transaction ends before matching
    matcher = ListingMatcher(new, now=now, resolve_location=lambda typed: resolve(typed, db.session))
    per_criteria: list[float] = []
    first_pulled: list[float] = []

    def timed():
        # The backend asks for the next criteria once it has matched the last: the time between two
        # asks is one criteria's (its place resolved, then matched).
        last = time.perf_counter()
        first_pulled.append(last)
        for key, criteria in distinct.items():
            yield matcher.alert_criteria(criteria, key)
            now_ = time.perf_counter()
            per_criteria.append((now_ - last) * 1e6)
            last = now_

    matches = backend().match(new, timed(), now=now)
    matched_alerts = deliveries = 0
    for key in keys:
        if matches[key]:
            matched_alerts += 1
            deliveries += len(matches[key])
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu_started,
        "loading_seconds": loaded - started,
        "loading_cpu_seconds": cpu_loaded - cpu_started,
        "matching_cpu_seconds": time.process_time() - cpu_loaded,
        # Before the first criteria is asked for, the backend prepares the listings (an in-memory index).
        "index_seconds": (first_pulled[0] if first_pulled else time.perf_counter()) - loaded,
        "per_criteria_us": per_criteria,
        "alerts_with_matches": matched_alerts,
        "listings_matched": deliveries,
    }


def naive_sample(
    corpus: list[Vacancy], new: list[Vacancy], sample: list[dict], now: dt.datetime
) -> list[float]:
    """One full search per alert, as the search page runs it, over the whole live index.

    The baseline drives the Whoosh engine directly: the search port only searches the live index of
    the database, and these transient listings are in no database.
    """
    from marketplace.search.whoosh.matching import memory_snapshot
    from marketplace.search.whoosh.query import run_search

    new_ids = {vacancy.id for vacancy in new}
    timings = []
    with memory_snapshot([*corpus, *new]) as snapshot:
        for criteria in sample:
            started = time.perf_counter()
            search = VacancySearch(
                **{**search_of(criteria).__dict__, "posted_within_days": 1, "per_page": 100, "sort": "newest"}
            )
            try:
                location = resolve(search.location, db.session) if search.location else None
            except ValueError:
                location = None
            result = run_search(snapshot, search, now=now, location=location, snippets=False)
            found = [vacancy_id for vacancy_id in result.ids if vacancy_id in new_ids]
            timings.append((time.perf_counter() - started) * 1000)
            del found
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--alerts", type=int, default=130_000)
    parser.add_argument("--listings", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=int, default=20_000, help="live listings behind the naive baseline")
    parser.add_argument("--baseline-sample", type=int, default=500)
    arguments = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="alerts-bench-"))
    app = create_app(
        {
            "ENV": "testing",
            "INSTANCE_PATH": str(workdir),
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
            "SECRET_KEY": "benchmark",
            "SEARCH_INDEX_PATH": str(workdir / "search-index"),
            "SERVER_NAME": None,
        }
    )
    now = dt.datetime.now(dt.UTC)
    load_before = os.getloadavg()
    with app.app_context():
        # The alerts are read from here; postcode lookups find nothing (alerts name gazetteer places).
        db.create_all()
        alerts = make_alert_criteria(arguments.alerts)
        keys = [criteria_key(criteria) for criteria in alerts]
        distinct = len(set(keys))
        store_alerts(alerts, keys, now)
        new = listings(arguments.listings, seed=11, first_id=1_000_000, now=now, new=True)
        runs = [match_all(new, now) for _ in range(arguments.runs)]
        seconds = [run["seconds"] for run in runs]
        print(
            f"matching: {[round(value, 2) for value in seconds]} s, {distinct} distinct criteria", flush=True
        )
        per_criteria = [value for run in runs for value in run["per_criteria_us"]]

        corpus = listings(arguments.corpus, seed=7, first_id=0, now=now, new=False)
        rng = random.Random(5)
        sample = rng.sample(alerts, min(arguments.baseline_sample, len(alerts)))
        started = time.perf_counter()
        naive = naive_sample(corpus, new, sample, now)
        naive_build = time.perf_counter() - started - sum(naive) / 1000
    naive_total = statistics.mean(naive) / 1000 * arguments.alerts
    result = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(),
        "alerts": arguments.alerts,
        "distinct_criteria": distinct,
        "identical_criteria_share": round(1 - distinct / arguments.alerts, 3),
        "new_listings": arguments.listings,
        "runs": arguments.runs,
        "matching_seconds_median": round(statistics.median(seconds), 2),
        "matching_seconds_max": round(max(seconds), 2),
        "matching_cpu_seconds_median": round(statistics.median(run["cpu_seconds"] for run in runs), 2),
        # Of which: reading the due alerts from the database, and matching them (index included).
        "loading_seconds_median": round(statistics.median(run["loading_seconds"] for run in runs), 2),
        "loading_cpu_seconds_median": round(statistics.median(run["loading_cpu_seconds"] for run in runs), 2),
        "matching_only_cpu_seconds_median": round(
            statistics.median(run["matching_cpu_seconds"] for run in runs), 2
        ),
        "in_memory_index_seconds_median": round(statistics.median(run["index_seconds"] for run in runs), 2),
        "per_distinct_criteria_us": {
            "p50": round(statistics.median(per_criteria), 1),
            "p95": round(percentile(per_criteria, 0.95), 1),
            "max": round(max(per_criteria), 1),
        },
        "alerts_with_matches": runs[0]["alerts_with_matches"],
        "listings_matched": runs[0]["listings_matched"],
        "baseline": {
            "approach": (
                "naive: one full search-page search per alert (run_search with facets and suggestions, "
                "posted in the last day, newest first) over a live index of corpus + new listings; "
                "measured on a sample of alerts and extrapolated to all of them"
            ),
            "corpus_listings": arguments.corpus + arguments.listings,
            "sample": len(sample),
            "per_alert_ms": {
                "p50": round(statistics.median(naive), 2),
                "p95": round(percentile(naive, 0.95), 2),
            },
            "index_build_seconds": round(naive_build, 1),
            "extrapolated_seconds": round(naive_total, 1),
        },
        "speedup_against_baseline": round(naive_total / statistics.median(seconds), 1),
        "target_seconds": 30,
        "cpu_cores": os.cpu_count(),
        # The machine is shared: 1, 5 and 15 minute load averages before and after.
        "load_average_before": [round(value, 2) for value in load_before],
        "load_average_after": [round(value, 2) for value in os.getloadavg()],
    }
    print(json.dumps(result, indent=2), flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"Written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
