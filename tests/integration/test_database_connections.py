"""Pooled database connections: no round trip per request while busy, and a connection the database
dropped while it sat idle is replaced before a request meets it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace import db as database
from marketplace.extensions import db


@pytest.fixture
def pings(app, monkeypatch):
    """How many times a pooled connection was tested with a round trip."""
    counted = []
    real_ping = db.engine.dialect.do_ping

    def counting_ping(dbapi_connection):
        counted.append(dbapi_connection)
        return real_ping(dbapi_connection)

    monkeypatch.setattr(db.engine.dialect, "do_ping", counting_ping)
    return counted


def test_pre_ping_is_off_and_connections_are_recycled(app):
    assert db.engine.pool._pre_ping is False
    assert db.engine.pool._recycle == database.RECYCLE_SECONDS


def test_a_busy_process_sends_no_ping_per_request(client, pings):
    for _ in range(3):
        assert client.get("/api/v1/vacancies").status_code == 200

    assert pings == []


def test_a_connection_that_sat_idle_is_tested_before_use(client, pings, monkeypatch):
    assert client.get("/api/v1/vacancies").status_code == 200
    monkeypatch.setattr(database, "CHECK_AFTER_IDLE_SECONDS", 0)

    assert client.get("/api/v1/vacancies").status_code == 200

    assert len(pings) >= 1


@pytest.mark.postgres_only
def test_a_connection_dropped_while_idle_is_replaced_before_a_request_uses_it(app, client, monkeypatch):
    with app.app_context():
        dropped = db.session.scalar(sa.text("select pg_backend_pid()"))
        db.session.remove()  # back to the pool, where it sits idle
    # As a failover, a restart or an idle-connection killer would: from another connection.
    killer = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.NullPool)
    with killer.begin() as connection:
        assert connection.scalar(sa.select(sa.func.pg_terminate_backend(dropped)))
    killer.dispose()
    monkeypatch.setattr(database, "CHECK_AFTER_IDLE_SECONDS", 0)

    response = client.get("/api/v1/vacancies")

    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.text("select pg_backend_pid()")) != dropped
