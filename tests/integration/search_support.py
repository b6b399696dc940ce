"""What the search replica tests that run real processes share: the `marketplace` command in a process
of its own, listings published behind the index's back, and reading what the index holds."""

from __future__ import annotations

import datetime as dt
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
from marketplace.search.api import VacancySearch, find_vacancies
from marketplace.search.models import SearchChange
from marketplace.search.whoosh.index import INDEX_NAME
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from tests.factories import OrganisationFactory

ROOT = Path(__file__).resolve().parents[2]
CLI = "from marketplace.cli import main; main()"
# Enough listings that applying them takes a few seconds, so a kill lands in the middle.
BACKLOG = 1500
PARAGRAPH = (
    "We are looking for an enthusiastic and committed teacher to join our friendly department. "
    "The successful candidate will teach across key stages 3 and 4 and contribute to enrichment. "
    "We offer excellent professional development and a supportive leadership team. "
) * 4


def child_environment(app, **settings: str) -> dict[str, str]:
    """This process's environment, with the test app's settings and `settings` (NAME=value, for
    MARKETPLACE_NAME) on top."""
    environment = dict(os.environ)
    environment.update(
        MARKETPLACE_ENV="testing",
        MARKETPLACE_INSTANCE_PATH=app.config["INSTANCE_PATH"],
        MARKETPLACE_DATABASE_URL=app.config["DATABASE_URL"],
        MARKETPLACE_SEARCH_INDEX_PATH=app.config["SEARCH_INDEX_PATH"],
        MARKETPLACE_SECRET_KEY=app.config["SECRET_KEY"],
        MARKETPLACE_MAIL_BACKEND="file",
    )
    environment.update({f"MARKETPLACE_{name}": value for name, value in settings.items()})
    return environment


def marketplace(app, *args: str, **settings: str) -> subprocess.Popen:
    """`marketplace ARGS` in a process of its own, on this test's database and index, leading a process
    group of its own (the processes it starts join that group)."""
    return subprocess.Popen(
        [sys.executable, "-c", CLI, *args],
        cwd=ROOT,
        env=child_environment(app, **settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
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
