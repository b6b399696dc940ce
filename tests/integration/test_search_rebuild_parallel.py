"""A large rebuild is shared between processes. The index they build together answers every search as
one built in a single process does, and a worker that dies, or a rebuild killed outright, leaves the
live index whole and no process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from marketplace.extensions import db
from marketplace.search.api import VacancySearch, find_vacancies
from marketplace.search.whoosh import build
from marketplace.search.whoosh.backend import current_index
from marketplace.search.whoosh.replica import rebuild, verify
from tests.factories import OrganisationFactory, VacancyFactory
from tests.integration.search_support import (
    finish,
    indexed_total,
    marketplace,
    publish_behind_the_index,
    published_ids,
)

SUBJECTS = ["Mathematics", "English", "History", "Chemistry", "Music", "Geography"]
SEARCHES = [
    VacancySearch(),
    VacancySearch(keywords="teacher"),
    VacancySearch(keywords="history"),
    VacancySearch(keywords="head of department"),
    VacancySearch(keywords="teacher", phases=("primary",)),
    VacancySearch(location="Leeds", radius=30),
    VacancySearch(keywords="teacher", sort="newest", page=2, per_page=5),
]


def what_searches_show() -> list[tuple]:
    answers = []
    for search in SEARCHES:
        result = find_vacancies(search, snippets=False)
        answers.append((result.ids, result.total, result.facets, result.distances))
    return answers


def segment_count() -> int:
    with current_index().searcher() as searcher:
        return len(searcher.reader().leaf_readers())


def varied_listings(count: int) -> None:
    places = [
        OrganisationFactory(name="Leeds Grammar", postcode="LS1 1AA", latitude=53.8, longitude=-1.55),
        OrganisationFactory(name="Bristol Academy", postcode="BS1 1AA", latitude=51.45, longitude=-2.59),
    ]
    for number in range(count):
        subject = SUBJECTS[number % len(SUBJECTS)]
        VacancyFactory(
            published=True,
            organisation=places[number % 2],
            title=("Head of " if number % 5 == 0 else "Teacher of ") + subject,
            subjects=[subject],
            phases=["primary"] if number % 3 == 0 else ["secondary"],
            about_role=f"Teach {subject.lower()} to classes of every age. " * (1 + number % 4),
        )


def test_an_index_built_by_several_processes_answers_as_one_built_by_one(app, monkeypatch):
    monkeypatch.setattr(build, "MINIMUM_PER_PROCESS", 5)
    varied_listings(24)

    rebuild(current_index(), db.session, processes=1)
    assert segment_count() == 1
    built_alone = what_searches_show()

    rebuild(current_index(), db.session, processes=3)

    assert segment_count() == 3
    assert what_searches_show() == built_alone  # same order, so the same scores
    report = verify(current_index(), db.session)
    assert report.in_sync, report
    assert report.indexed == 24


def test_listings_that_share_titles_schools_and_filters_are_found_as_when_each_is_analysed_alone(
    app, monkeypatch
):
    varied_listings(24)  # two schools, twelve titles, six subjects, two phases
    monkeypatch.setattr(build, "ANALYSED_VALUES_PER_FIELD", 0)  # nothing remembered
    rebuild(current_index(), db.session, processes=1)
    analysed_each_time = what_searches_show()
    monkeypatch.undo()

    rebuild(current_index(), db.session, processes=1)

    assert what_searches_show() == analysed_each_time  # same order, so the same scores
    assert verify(current_index(), db.session).in_sync


def test_every_process_reports_its_progress_while_it_builds(app, monkeypatch):
    monkeypatch.setattr(build, "MINIMUM_PER_PROCESS", 5)
    varied_listings(15)
    told = []

    report = rebuild(current_index(), db.session, processes=3, progress=told.append)

    assert report.vacancies == 15
    assert sum(told) == 15
    assert len(told) == 3  # this process's part and each worker's, passed on as they are printed


def test_a_small_index_is_built_by_one_process(app):
    varied_listings(3)
    rebuild(current_index(), db.session, processes=4)
    assert segment_count() == 1


@pytest.mark.parametrize(
    ("ids", "processes", "expected"),
    [
        ([], 4, [(0, None)]),
        (list(range(1, 1500)), 4, [(0, None)]),  # too few for a second process
        (list(range(1, 4001)), 2, [(0, 2000), (2001, None)]),
        (list(range(1, 4001)), 3, [(0, 1333), (1334, 2666), (2667, None)]),
        ([5, 9, 40, 41, *range(100, 2096)], 2, [(0, 1095), (1096, None)]),  # 1,000 ids each
    ],
)
def test_the_ranges_cover_every_id_in_balanced_parts(ids, processes, expected, tmp_path):
    parts = build.plan_parts(ids, tmp_path, processes)
    assert [part.id_range for part in parts] == expected
    assert [part.folder for part in parts] == [
        tmp_path,
        *(tmp_path / f"part-{n}" for n in range(1, len(parts))),
    ]


# --- Real processes, killed ---------------------------------------------------------------------------

# Two parts of 1,250 listings: each takes a few seconds to index, long enough to kill one midway.
LARGE_BACKLOG = 2500


def living_processes(group: int) -> set[int]:
    """The processes of a process group that are still running (zombies excluded)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _, process_group = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue  # ended while being read
        if int(process_group) == group and state != "Z":
            found.add(int(stat.parent.name))
    return found


def rebuild_at_work(app) -> tuple[subprocess.Popen, Path, int]:
    """Three listings in the index and LARGE_BACKLOG behind it, and a two-process rebuild running.

    Returns the rebuild's process, the index folder and the worker's process id, once the worker has
    started indexing its part.
    """
    for _ in range(3):
        VacancyFactory(published=True)
    publish_behind_the_index(LARGE_BACKLOG)
    index_path = current_index().path
    rebuild_process = marketplace(app, "search", "rebuild", SEARCH_REBUILD_PROCESSES="2")
    deadline = time.monotonic() + 60
    while True:
        assert rebuild_process.poll() is None, rebuild_process.stdout.read()
        assert time.monotonic() < deadline, "no worker started"
        workers = living_processes(rebuild_process.pid) - {rebuild_process.pid}
        parts = list(index_path.parent.glob(f".{index_path.name}-rebuild-*/part-1"))
        if workers and parts:
            return rebuild_process, index_path, workers.pop()
        time.sleep(0.01)


def test_a_worker_that_dies_fails_the_rebuild_and_leaves_the_live_index_whole(app):
    rebuild_process, index_path, worker = rebuild_at_work(app)

    os.kill(worker, signal.SIGKILL)  # as the system's out-of-memory killer would
    output, _ = rebuild_process.communicate(timeout=120)

    assert rebuild_process.returncode == 1
    assert "failed (exit status -9)" in output
    assert "The live index is unchanged." in output
    assert indexed_total() == 3
    assert list(index_path.parent.glob(f".{index_path.name}-rebuild-*")) == []


def test_kill_9_of_a_rebuild_stops_its_workers_and_leaves_the_live_index_whole(app):
    rebuild_process, _, _ = rebuild_at_work(app)

    os.kill(rebuild_process.pid, signal.SIGKILL)
    assert rebuild_process.wait(timeout=30) == -signal.SIGKILL
    rebuild_process.stdout.close()

    # Each worker notices at its next listing that the rebuild it worked for is gone.
    deadline = time.monotonic() + 20
    while living_processes(rebuild_process.pid):
        assert time.monotonic() < deadline, "a worker outlived its rebuild"
        time.sleep(0.05)
    assert indexed_total() == 3

    assert "Rebuilt the search index" in finish(
        marketplace(app, "search", "rebuild", SEARCH_REBUILD_PROCESSES="2")
    )
    report = verify(current_index(), db.session)
    assert report.in_sync, report
    assert indexed_total() == len(published_ids()) == 3 + LARGE_BACKLOG
