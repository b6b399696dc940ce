"""Every node's replica follows the change log: a listing published or removed through one node is found,
or gone, in another node's search within 2 seconds, with no cron sync.

Two app instances share the test database, each with its own index folder, as two web nodes do. Node A is
the test's app (its commits apply to A's replica only); node B runs a real follower thread.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from marketplace import create_app
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.search import follow
from marketplace.search.api import VacancySearch, backend_for, find_vacancies
from marketplace.search.models import SearchChange
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from tests.conftest import make_config
from tests.factories import OrganisationFactory, VacancyFactory

WITHIN = 2.0  # seconds: what DESIGN.md promises
NEVER = 3600.0  # a poll interval no test outlasts: only a notification can bring a change in time


@pytest.fixture
def node_b(app, tmp_path, migrated_database) -> Iterator:
    """A second node: the same database, its own index folder, no follower until a test starts one."""
    other = create_app(make_config(tmp_path / "node-b", migrated_database))
    yield other
    follow.stop_all()
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def no_follower_left_running() -> Iterator[None]:
    yield
    follow.stop_all()
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("search-follower")]


def found_on(node, keywords: str) -> list[int]:
    with node.app_context():
        return find_vacancies(VacancySearch(keywords=keywords), backend=backend_for(node)).ids


def seconds_until(condition: Callable[[], bool], limit: float = 10.0) -> float:
    """How long until `condition` holds (checked every 20 ms); fails the test after `limit` seconds."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > limit:
            pytest.fail(f"still not true after {limit} s")
        time.sleep(0.02)
    return time.monotonic() - started


def publish(title: str, organisation=None) -> int:
    """Publish a listing through node A (the test's app); its commit applies it to A's replica only."""
    return VacancyFactory(published=True, title=title, organisation=organisation or OrganisationFactory()).id


def remove(vacancy_id: int) -> None:
    db.session.get(Vacancy, vacancy_id).status = VacancyStatus.REMOVED
    db.session.commit()


def log_by_hand(change_id: int, vacancy_id: int, title: str) -> None:
    """Retitle a listing and log the change with a chosen id, in plain SQL (no session hooks run)."""
    vacancies = Vacancy.__table__
    with db.engine.begin() as connection:
        connection.execute(sa.update(vacancies).where(vacancies.c.id == vacancy_id).values(title=title))
        connection.execute(
            sa.insert(SearchChange), [{"id": change_id, "vacancy_id": vacancy_id, "created_at": utcnow()}]
        )


def b_follows_a_within_two_seconds(node_b) -> None:
    vacancy_id = publish("Teacher of Astronomy")
    assert seconds_until(lambda: found_on(node_b, "astronomy") == [vacancy_id]) < WITHIN

    remove(vacancy_id)
    assert seconds_until(lambda: found_on(node_b, "astronomy") == []) < WITHIN


@pytest.mark.postgres_only
def test_a_listing_published_and_removed_on_one_node_is_found_and_gone_on_another_by_notification(
    app, node_b
):
    follower = follow.start(node_b, poll_interval=NEVER)
    seconds_until(lambda: follower.listening)
    found_on(node_b, "astronomy")  # B's replica exists and is caught up before the change

    b_follows_a_within_two_seconds(node_b)


def test_a_listing_published_and_removed_on_one_node_is_found_and_gone_on_another_by_polling(app, node_b):
    follower = follow.start(node_b, listen=False)
    assert not follower.listen

    b_follows_a_within_two_seconds(node_b)


def test_without_a_follower_another_node_waits_for_the_next_sync(app, node_b):
    vacancy_id = publish("Teacher of Astronomy")
    time.sleep(WITHIN)
    assert found_on(node_b, "astronomy") == []  # the behaviour the follower replaces

    follow.start(node_b)
    assert seconds_until(lambda: found_on(node_b, "astronomy") == [vacancy_id]) < WITHIN


@pytest.mark.postgres_only
def test_the_follower_survives_a_dropped_connection(app, node_b):
    follower = follow.start(node_b, poll_interval=NEVER)
    seconds_until(lambda: follower.listening)
    dropped = follower.backend_pid
    with db.engine.begin() as connection:  # as a failover or an idle-connection killer would
        assert connection.scalar(sa.select(sa.func.pg_terminate_backend(dropped)))

    # The change committed while nobody listened is applied on reconnecting...
    vacancy_id = publish("Teacher of Astronomy")
    seconds_until(lambda: follower.connections == 2 and follower.listening)
    assert follower.backend_pid != dropped
    assert seconds_until(lambda: found_on(node_b, "astronomy") == [vacancy_id]) < WITHIN
    # ...and the new connection hears the next one.
    other_id = publish("Teacher of Astrophysics")
    assert seconds_until(lambda: found_on(node_b, "astrophysics") == [other_id]) < WITHIN
    assert follower.running


def test_the_follower_keeps_trying_while_the_database_is_unreachable(tmp_path, caplog):
    unreachable = create_app(
        make_config(tmp_path / "cut-off", "postgresql+psycopg://nobody@127.0.0.1:1/unreachable")
    )
    follower = follow.start(unreachable)

    seconds_until(lambda: "Could not follow the search change log" in caplog.text)
    assert follower.running
    with unreachable.app_context():
        db.engine.dispose()


def test_one_follower_per_process_and_index(app, node_b):
    first = follow.start(node_b, listen=False)
    assert follow.start(node_b, listen=False) is first
    assert len([t for t in threading.enumerate() if t.name.startswith("search-follower")]) == 1

    follow.stop_all()
    assert not first.running
    assert follow.start(node_b, listen=False) is not first  # a stopped follower can be replaced


def test_the_test_app_runs_no_follower_unless_asked(app, client):
    assert app.config["SEARCH_FOLLOW"] is False
    client.get("/robots.txt")
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("search-follower")]


def test_a_node_that_serves_starts_following_on_its_first_request(app, tmp_path, migrated_database):
    serving = create_app(make_config(tmp_path / "serving", migrated_database, SEARCH_FOLLOW=True))

    serving.test_client().get("/robots.txt")
    serving.test_client().get("/robots.txt")

    followers = [thread for thread in threading.enumerate() if thread.name.startswith("search-follower")]
    assert len(followers) == 1
    follow.stop_all()
    with serving.app_context():
        db.engine.dispose()


def test_two_workers_sharing_an_index_folder_apply_the_same_changes_harmlessly(app, node_b):
    # Two gunicorn workers of node B: two followers on one index folder.
    with node_b.app_context():
        engine = db.engine
    workers = [follow.Follower(backend_for(node_b), engine, listen=False) for _ in range(2)]
    for worker in workers:
        worker.start()
    try:
        organisation = OrganisationFactory()
        ids = [publish(f"Teacher of Astronomy {n}", organisation) for n in range(10)]
        remove(ids[0])
        seconds_until(lambda: sorted(found_on(node_b, "astronomy")) == ids[1:])
    finally:
        for worker in workers:
            worker.stop()

    with node_b.app_context():
        report = backend_for(node_b).verify(db.session)
    assert report.in_sync
    assert report.pending_changes == 0


def test_changes_waiting_behind_a_gap_are_not_applied_again_every_second(app, node_b):
    """A transaction that took a change id and has not committed leaves a gap; what comes after it is
    applied, and then left alone until something new arrives (not a new index generation each poll)."""
    first, second = publish("Teacher of Astronomy"), publish("Teacher of Astrophysics")
    follower = follow.start(node_b, listen=False)
    seconds_until(lambda: found_on(node_b, "astrophysics") == [second])
    gap = (db.session.scalar(sa.select(sa.func.max(SearchChange.id))) or 0) + 1
    db.session.commit()
    log_by_hand(gap + 1, first, "Teacher of Geology")
    # Two syncs: the catch-up at start and the retitle. The count goes up just after the index commits,
    # so a search can see the change a moment before the count does.
    seconds_until(lambda: found_on(node_b, "geology") == [first] and follower.syncs == 2)

    time.sleep(2.5)
    assert follower.syncs == 2

    # The transaction holding the gap commits: applied like any other change.
    log_by_hand(gap, second, "Teacher of Botany")
    assert seconds_until(lambda: found_on(node_b, "botany") == [second]) < WITHIN


def test_health_counts_the_changes_this_node_has_not_applied(app, node_b):
    publish("Teacher of Astronomy")
    health = node_b.test_client().get("/healthz").get_json()
    assert health["search_index"]["pending_changes"] >= 1
    assert health["status"] == "degraded"

    follow.start(node_b, listen=False)

    def healthy() -> bool:
        body = node_b.test_client().get("/healthz").get_json()
        return body["search_index"]["pending_changes"] == 0 and body["status"] == "ok"

    assert seconds_until(healthy) < WITHIN


def node_b_environment(node_b) -> dict[str, str]:
    """The environment of a command run for node B (its folder and index, the shared database)."""
    config = node_b.config
    return {
        **os.environ,
        "MARKETPLACE_ENV": "testing",
        "MARKETPLACE_INSTANCE_PATH": config["INSTANCE_PATH"],
        "MARKETPLACE_DATABASE_URL": config["DATABASE_URL"],
        "MARKETPLACE_SEARCH_INDEX_PATH": config["SEARCH_INDEX_PATH"],
    }


def test_in_read_mode_a_node_searches_what_its_search_follow_process_applies(app, node_b, monkeypatch):
    monkeypatch.setattr(follow, "TAKE_OVER_AFTER", NEVER)  # the web process never writes here
    assert found_on(node_b, "astronomy") == []  # B has searched: it keeps a snapshot to bring up to date
    reader = follow.start(node_b, listen=False, applies=False)
    writer = subprocess.Popen(
        [str(Path(sys.executable).parent / "marketplace"), "search", "follow"],
        env=node_b_environment(node_b),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert "Applying listing changes to" in writer.stdout.readline()
        vacancy_id = publish("Teacher of Astronomy")
        # The follower thread reads the generation the writer committed: no search waits for it.
        assert seconds_until(lambda: reader.reads >= 1) < WITHIN
        assert found_on(node_b, "astronomy") == [vacancy_id]
        assert reader.syncs == 0
    finally:
        writer.send_signal(signal.SIGTERM)
        out, err = writer.communicate(timeout=30)
    assert writer.returncode == 0, err
    assert "Stopped, after applying changes" in out


def test_in_read_mode_a_node_applies_the_log_itself_when_its_writer_falls_behind(app, node_b, monkeypatch):
    monkeypatch.setattr(follow, "TAKE_OVER_AFTER", 1.0)
    vacancy_id = publish("Teacher of Astronomy")
    reader = follow.start(node_b, listen=False, applies=False)

    time.sleep(0.5)  # the change waits for the node's writer (none runs)
    assert reader.syncs == 0
    assert found_on(node_b, "astronomy") == []

    assert seconds_until(lambda: found_on(node_b, "astronomy") == [vacancy_id]) < 1.0 + WITHIN
    assert reader.syncs == 1
