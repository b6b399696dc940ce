"""The replica survives real processes: two writers at once, and kill -9 in the middle of a sync or a
rebuild. Readers only ever see a complete index, and `search verify` / `search sync` bring it back to
exactly the database's state.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

from marketplace.extensions import db
from marketplace.search.api import VacancySearch, find_vacancies
from marketplace.search.whoosh.backend import current_index
from marketplace.search.whoosh.replica import verify
from tests.factories import VacancyFactory
from tests.integration.search_support import (
    BACKLOG,
    ROOT,
    finish,
    indexed_ids,
    indexed_total,
    kill_when,
    marketplace,
    publish_behind_the_index,
    published_ids,
    writer_holds_the_index,
)


def test_kill_9_in_the_middle_of_a_sync_is_reported_by_verify_and_repaired_by_the_next_sync(app):
    for _ in range(3):
        VacancyFactory(published=True)  # indexed after each commit
    before = published_ids()
    assert indexed_ids() == before
    publish_behind_the_index(BACKLOG)

    index_path = current_index().path
    sync = marketplace(app, "search", "sync")
    kill_when(sync, lambda: writer_holds_the_index(index_path), seen_by_readers=3, settle=0.5)

    assert indexed_ids() == before  # the killed writer's work never became visible
    verified = app.test_cli_runner().invoke(args=["search", "verify"])
    assert verified.exit_code == 1
    assert f"missing from the index ({BACKLOG})" in verified.output
    assert f"{BACKLOG} changes not applied yet" in verified.output

    assert "Applied" in finish(marketplace(app, "search", "sync"))

    report = verify(current_index(), db.session)
    assert report.in_sync, report
    assert report.pending_changes == 0
    assert report.indexed == report.expected == 3 + BACKLOG
    assert indexed_total() == len(published_ids()) == 3 + BACKLOG


def test_kill_9_in_the_middle_of_a_rebuild_leaves_the_live_index_whole(app):
    for _ in range(3):
        VacancyFactory(published=True)
    publish_behind_the_index(BACKLOG)
    index_path = current_index().path

    def building() -> bool:
        return any(path.is_dir() for path in index_path.parent.glob(f".{index_path.name}-rebuild-*"))

    rebuild = marketplace(app, "search", "rebuild")
    kill_when(rebuild, building, seen_by_readers=3, settle=0.5)

    assert indexed_total() == 3
    verified = app.test_cli_runner().invoke(args=["search", "verify"])
    assert verified.exit_code == 1
    assert f"missing from the index ({BACKLOG})" in verified.output

    # A complete rebuild swaps in whole: readers see the old index, then the new one, nothing between.
    rebuild = marketplace(app, "search", "rebuild")
    seen = set()
    while rebuild.poll() is None:
        seen.add(indexed_total())
        time.sleep(0.01)
    assert "Rebuilt the search index" in finish(rebuild)
    seen.add(indexed_total())
    assert seen <= {3, 3 + BACKLOG}
    assert 3 + BACKLOG in seen

    report = verify(current_index(), db.session)
    assert report.in_sync, report
    assert report.indexed == 3 + BACKLOG


def test_two_writers_at_once_lose_no_change(app, tmp_path):
    shared = [VacancyFactory(published=True, title=f"Shared listing {number}") for number in range(3)]
    config = {
        key: app.config[key]
        for key in ("ENV", "INSTANCE_PATH", "DATABASE_URL", "SECRET_KEY", "SEARCH_INDEX_PATH", "MAIL_BACKEND")
    }
    start = tmp_path / "start"
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.integration.search_processes",
                "write",
                json.dumps(config),
                str(start),
                name,
                "12",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name in ("Alpha", "Beta")
    ]
    time.sleep(1.5)  # both processes started and waiting
    start.touch()
    for writer in writers:
        finish(writer)

    # No sync since: each writer's commits were applied by the writers themselves, under the lock.
    report = verify(current_index(), db.session)
    assert report.in_sync, report
    assert report.indexed == report.expected == 3 + 2 * 12
    assert indexed_ids() == published_ids()
    db.session.expire_all()
    for vacancy in shared:
        # Each shared listing was edited by both writers: the index holds the last committed title.
        indexed = find_vacancies(VacancySearch(keywords=vacancy.title), snippets=False).ids
        assert vacancy.id in indexed
