"""Searches and listing views are counted in memory and written together, off the page's path: within
a few seconds, when the process exits, and after the database comes back."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest
import sqlalchemy as sa

from marketplace.analytics.buffer import flush_events, record_soon
from marketplace.analytics.events import EventName
from marketplace.analytics.models import Event
from marketplace.extensions import db
from tests.conftest import make_config
from tests.factories import VacancyFactory


def _written() -> list[Event]:
    db.session.rollback()  # see what other connections committed since
    return list(db.session.scalars(sa.select(Event).order_by(Event.id)))


@pytest.fixture
def app_config(tmp_path, migrated_database):
    return make_config(tmp_path, migrated_database, ANALYTICS_FLUSH_SECONDS=30)


def test_a_job_page_view_waits_in_memory_until_the_batch_is_written(app, client):
    vacancy = VacancyFactory(published=True)

    client.get(f"/jobs/{vacancy.id}", headers={"Referer": "https://www.google.co.uk/"})
    client.get("/jobs?keyword=teacher")

    assert _written() == []
    assert flush_events(app) == 2
    view, search = _written()
    assert (view.name, view.vacancy_id, view.organisation_id) == (
        "vacancy_viewed",
        vacancy.id,
        vacancy.organisation_id,
    )
    assert view.properties == {"source": "search_engine"}
    assert (search.name, search.properties) == ("search_performed", {"has_keywords": True, "results": 1})
    assert view.occurred_at <= search.occurred_at


def test_events_the_database_could_not_take_wait_for_the_next_try(app):
    with app.test_request_context():
        record_soon(EventName.SEARCH_PERFORMED, has_keywords=False, results=3)
    with db.engine.begin() as connection:
        connection.execute(sa.text("ALTER TABLE events RENAME TO events_away"))
    try:
        assert flush_events(app) == 0
    finally:
        with db.engine.begin() as connection:
            connection.execute(sa.text("ALTER TABLE events_away RENAME TO events"))

    assert flush_events(app) == 1
    assert [event.properties for event in _written()] == [{"has_keywords": False, "results": 3}]


class TestWrittenByItself:
    @pytest.fixture
    def app_config(self, tmp_path, migrated_database):
        return make_config(tmp_path, migrated_database, ANALYTICS_FLUSH_SECONDS=0.2)

    def test_the_background_writer_writes_the_batch_within_its_interval(self, client):
        for _ in range(3):
            client.get("/jobs")
        deadline = time.monotonic() + 15
        while len(_written()) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [event.name for event in _written()] == ["search_performed"] * 3


def test_what_is_waiting_is_written_when_the_process_exits(app, tmp_path):
    script = textwrap.dedent(
        """
        import sys
        from marketplace import create_app
        from tests.conftest import make_config
        from pathlib import Path

        app = create_app(make_config(Path(sys.argv[1]), sys.argv[2], ANALYTICS_FLUSH_SECONDS=300))
        client = app.test_client()
        for _ in range(4):
            assert client.get("/jobs").status_code == 200
        """
    )
    environment = {**os.environ, "PYTHONPATH": os.getcwd()}
    finished = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "exiting"), app.config["DATABASE_URL"]],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert finished.returncode == 0, finished.stderr
    assert [event.name for event in _written()] == ["search_performed"] * 4
