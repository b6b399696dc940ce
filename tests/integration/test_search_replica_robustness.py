"""The replica survives real processes: two writers at once, and kill -9 in the middle of a sync or a
rebuild. Readers only ever see a complete index, and `search verify` / `search sync` bring it back to
exactly the database's state.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from whoosh.filedb.filestore import FileStorage

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.search.index import INDEX_NAME
from marketplace.search.models import SearchChange
from marketplace.search.query import VacancySearch
from marketplace.search.replica import verify
from marketplace.search.service import current_index, find_vacancies
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from tests.factories import OrganisationFactory, VacancyFactory

ROOT = Path(__file__).resolve().parents[2]
CLI = "from marketplace.cli import main; main()"
# Enough listings that applying them takes a few seconds, so a kill lands in the middle.
BACKLOG = 1500
PARAGRAPH = (
    "We are looking for an enthusiastic and committed teacher to join our friendly department. "
    "The successful candidate will teach across key stages 3 and 4 and contribute to enrichment. "
    "We offer excellent professional development and a supportive leadership team. "
) * 4


def child_environment(app) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        MARKETPLACE_ENV="testing",
        MARKETPLACE_INSTANCE_PATH=app.config["INSTANCE_PATH"],
        MARKETPLACE_DATABASE_URL=app.config["DATABASE_URL"],
        MARKETPLACE_SEARCH_INDEX_PATH=app.config["SEARCH_INDEX_PATH"],
        MARKETPLACE_SECRET_KEY=app.config["SECRET_KEY"],
        MARKETPLACE_MAIL_BACKEND="file",
    )
    return environment


def marketplace(app, *args: str) -> subprocess.Popen:
    """`marketplace ARGS` in a process of its own, on this test's database and index."""
    return subprocess.Popen(
        [sys.executable, "-c", CLI, *args],
        cwd=ROOT,
        env=child_environment(app),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def published_ids() -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(sa.select(Vacancy.id).where(Vacancy.status == VacancyStatus.PUBLISHED)))


def indexed_ids() -> set[int]:
    result = find_vacancies(VacancySearch(per_page=100), snippets=False)
    assert result.total <= 100 or result.total == len(published_ids()), result.total
    return set(result.ids) if result.total <= 100 else {-result.total}


def indexed_total() -> int:
    return find_vacancies(VacancySearch(), snippets=False).total


def publish_behind_the_index(count: int) -> None:
    """Publish listings and log them, in plain SQL: the change log has them, the index not yet."""
    organisation = OrganisationFactory()
    now = utcnow()
    rows = [
        {
            "organisation_id": organisation.id,
            "title": f"Teacher of Geography {number}",
            "job_roles": ["teacher"],
            "phases": ["secondary"],
            "key_stages": ["ks3", "ks4"],
            "subjects": ["Geography"],
            "working_patterns": ["full_time"],
            "job_share": False,
            "contract_type": "permanent",
            "parental_leave_cover": False,
            "salary": "Main pay range",
            "salary_minimum": 32916,
            "salary_maximum": 45352,
            "publish_on": now.date(),
            "closes_at": now + dt.timedelta(days=21),
            "published_at": now,
            "ect_status": "ect_suitable",
            "visa_sponsorship": False,
            "about_role": PARAGRAPH,
            "what_school_offers": "Supportive colleagues and a generous training budget.",
            "how_to_apply": "marketplace",
            "contact_email": "recruitment@riverside.example.org",
            "status": "published",
            "status_changed_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for number in range(count)
    ]
    with db.engine.begin() as connection:
        connection.execute(sa.insert(Vacancy.__table__), rows)
        new_ids = connection.scalars(
            sa.select(Vacancy.id).where(Vacancy.title.like("Teacher of Geography %"))
        )
        connection.execute(sa.insert(SearchChange), [{"vacancy_id": vacancy_id} for vacancy_id in new_ids])


def writer_holds_the_index(path: Path) -> bool:
    lock = FileStorage(str(path)).lock(f"{INDEX_NAME}_WRITELOCK")
    if lock.acquire(blocking=False):
        lock.release()
        return False
    return True


def kill_when(process: subprocess.Popen, ready, *, seen_by_readers: int, settle: float) -> None:
    """Wait until `ready()`, let the process work `settle` seconds longer, then kill -9 it.

    Searches run all the while, and must keep seeing the complete index they saw before.
    """
    deadline = time.monotonic() + 60
    while not ready():
        assert process.poll() is None, f"it finished before it could be killed: {process.stdout.read()}"
        assert time.monotonic() < deadline, "it never got going"
        assert indexed_total() == seen_by_readers
        time.sleep(0.01)
    settle_until = time.monotonic() + settle
    while time.monotonic() < settle_until:
        assert indexed_total() == seen_by_readers
        time.sleep(0.01)
    assert process.poll() is None, "it finished before it could be killed: make the backlog larger"
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL
    process.stdout.close()


def finish(process: subprocess.Popen) -> str:
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, output
    return output


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
