"""Search engine latency: cold, after one commit, warm, and with a write a second in flight.

    PYTHONPATH=. .venv/bin/python benchmarks/search_engine.py --size 20000

Builds (once, then reuses from --workdir) a SQLite database and index holding the synthetic corpus of
benchmarks/search.py, then times `search_vacancies`, the call the search page makes (ranked ids, total,
every facet count, snippets on, rows loaded), over the distinct searches of benchmarks/search.py's
`queries()`:
- cold: the first use of each search after the index is opened in a fresh process state (while the
  index's large segments are being warmed in the background; with --after-warming, once they are);
- after one commit: one new listing is published and synced, then each search once more (the caches
  of the index's earlier segments are kept; only the new segment is read);
- warm: each search again;
- with writes: each search again while another thread publishes one listing a second.
Reports p50/p95 wall and CPU milliseconds (the CPU time of the searching thread: on a busy machine the
wall time also counts waiting for a core), and the load average. Nothing is written to the project.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import search as search_module  # noqa: E402
from search import _open_index, _time_searches, build_corpus, queries  # noqa: E402

from marketplace import create_app, prepare_worker  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.search import api  # noqa: E402
from marketplace.search.api import backend_for  # noqa: E402
from marketplace.search.whoosh.engine import forget_snapshots  # noqa: E402


def make_app(workdir: Path):
    return create_app(
        {
            "ENV": "testing",
            "INSTANCE_PATH": str(workdir),
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
            "SECRET_KEY": "benchmark",
            "SEARCH_INDEX_PATH": str(workdir / "search-index"),
            "SEARCH_WRITE_TIMEOUT": "60",
            "SERVER_NAME": None,
        }
    )


def prepare(folder: Path, size: int) -> None:
    """The database and index of the corpus, built once into `folder`."""
    if (folder / "ready").exists():
        return
    from marketplace.organisations.models import Organisation
    from marketplace.search.models import SearchChange
    from marketplace.vacancies.models import Vacancy

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    app = make_app(folder)
    schools, vacancies = build_corpus(size)
    with app.app_context():
        db.create_all()
        with db.engine.begin() as connection:
            connection.execute(sa.insert(Organisation.__table__), schools)
            for start in range(0, len(vacancies), 5000):
                connection.execute(sa.insert(Vacancy.__table__), vacancies[start : start + 5000])
            connection.execute(sa.delete(SearchChange.__table__))
        backend_for(app).rebuild(db.session)
        db.session.remove()
        db.engine.dispose()
    (folder / "ready").write_text("")


def publish_one(app, number: int) -> None:
    """One new live listing, committed with its change log entry and synced into the index."""
    from marketplace.search.models import SearchChange
    from marketplace.vacancies.models import Vacancy

    with app.app_context():
        template = db.session.get(Vacancy, 1)
        assert template is not None
        row = {
            column.name: getattr(template, column.key)
            for column in Vacancy.__table__.columns
            if column.name != "id"
        }
        row["title"] = f"Teacher of Mathematics {number}"
        row["published_at"] = dt.datetime.now(dt.UTC)
        with db.engine.begin() as connection:
            vacancy_id = connection.execute(sa.insert(Vacancy.__table__).values(**row)).inserted_primary_key[
                0
            ]
            connection.execute(sa.insert(SearchChange.__table__).values(vacancy_id=vacancy_id))
        backend_for(app).apply_pending_changes(db.session)
        db.session.remove()


def timed_pass(app, mix) -> tuple[list[float], list[float]]:
    return _time_searches(app, mix)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(timings: tuple[list[float], list[float]]) -> dict:
    wall, cpu = timings
    return {
        "p50_ms": round(statistics.median(wall), 2),
        "p95_ms": round(percentile(wall, 0.95), 2),
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        "cpu_p95_ms": round(percentile(cpu, 0.95), 2),
        "cpu_total_ms": round(sum(cpu), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "search-engine-bench")
    parser.add_argument("--queries", type=int, default=200, help="distinct searches (default 200)")
    parser.add_argument("--no-snippets", action="store_true", help="leave out the highlighted snippets")
    parser.add_argument(
        "--after-warming",
        action="store_true",
        help="start the cold pass once the index's background warming has ended (a process that has been up "
        "a few seconds), not as soon as the index opens",
    )
    arguments = parser.parse_args()
    snippets = not arguments.no_snippets
    if not snippets:
        search_module.search_vacancies = functools.partial(api.search_vacancies, snippets=False)
    prepared = arguments.workdir / str(arguments.size)
    prepare(prepared, arguments.size)
    run = Path(tempfile.mkdtemp(prefix="search-engine-run-"))
    try:
        shutil.copytree(prepared, run, dirs_exist_ok=True)
        app = make_app(run)
        prepare_worker()  # as a web worker does (marketplace.wsgi)
        searches = queries(arguments.queries)
        load_before = os.getloadavg()
        results: dict = {"vacancies": arguments.size, "searches": len(searches), "snippets": snippets}
        results["open_ms"] = round(_open_index(app), 1)
        if arguments.after_warming:
            started = time.perf_counter()
            for thread in threading.enumerate():
                if thread.name == "search-warm-segments":
                    thread.join()
            results["waited_for_warming_ms"] = round((time.perf_counter() - started) * 1000, 1)
        results["cold"] = summary(timed_pass(app, searches))
        results["warm"] = summary(timed_pass(app, searches))
        publish_one(app, 1)
        results["after_one_commit"] = summary(timed_pass(app, searches))
        results["warm_after_commit"] = summary(timed_pass(app, searches))
        stop = threading.Event()

        def writer() -> None:
            number = 2
            while not stop.is_set():
                publish_one(app, number)
                number += 1
                stop.wait(1.0)

        thread = threading.Thread(target=writer)
        thread.start()
        try:
            timings: tuple[list[float], list[float]] = ([], [])
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                wall, cpu = timed_pass(app, searches)
                timings[0].extend(wall)
                timings[1].extend(cpu)
        finally:
            stop.set()
            thread.join()
        results["with_a_write_a_second"] = summary(timings)
        results["load_average_before"] = [round(value, 2) for value in load_before]
        results["load_average_after"] = [round(value, 2) for value in os.getloadavg()]
        print(json.dumps(results, indent=2))
        forget_snapshots()
    finally:
        shutil.rmtree(run, ignore_errors=True)


if __name__ == "__main__":
    main()
