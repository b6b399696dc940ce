"""Behind the proxy the rate limits count each real client, and a lost Redis degrades without a 500."""

import socket

import pytest

from marketplace import create_app
from marketplace.extensions import db, limiter
from tests.conftest import make_config

ATTEMPTS = 3
WRONG = {"email": "ada@example.org", "password": "a wrong guess"}


def _closed_port() -> int:
    with socket.socket() as probe:  # a port nothing listens on: Redis is "down"
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def app_config(tmp_path, migrated_database):
    return make_config(
        tmp_path,
        migrated_database,
        RATELIMIT_ENABLED=True,
        SIGN_IN_RATE_LIMIT=f"{ATTEMPTS} per minute",
        TRUSTED_PROXIES=1,
    )


@pytest.fixture
def separate_app():
    """An app with settings of its own; its database connections are closed after the test."""
    made = []

    def make(tmp_path, database, **settings):
        app = create_app(make_config(tmp_path, database, **settings))
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _sign_in_from(client, address: str, forwarded_for: str | None = None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post("/sign-in", data=WRONG, headers=headers, environ_base={"REMOTE_ADDR": address})


def test_two_clients_behind_the_proxy_do_not_share_one_allowance(client):
    proxy = "10.0.0.2"
    for _ in range(ATTEMPTS):
        assert _sign_in_from(client, proxy, "203.0.113.10").status_code == 200
    assert _sign_in_from(client, proxy, "203.0.113.10").status_code == 429

    assert _sign_in_from(client, proxy, "198.51.100.20").status_code == 200


def test_a_client_cannot_pick_its_own_address_past_the_proxy(client):
    proxy = "10.0.0.2"
    # The client sends its own X-Forwarded-For; nginx appends the address it saw. Only the last hop counts.
    for fake in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
        _sign_in_from(client, proxy, f"{fake}, 203.0.113.10")
    assert _sign_in_from(client, proxy, "4.4.4.4, 203.0.113.10").status_code == 429


def test_without_trusted_proxies_the_header_is_ignored(tmp_path, migrated_database, separate_app):
    app = separate_app(tmp_path, migrated_database, RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT="1 per minute")
    client = app.test_client()
    _sign_in_from(client, "198.51.100.7", "203.0.113.1")
    assert _sign_in_from(client, "198.51.100.7", "203.0.113.2").status_code == 429


@pytest.fixture
def forget_dead_storage():
    """Flask-Limiter keeps "storage is dead, use memory" on its one extension object across init_app calls
    (a process serves one app in production); the next test's app must start with its storage alive."""
    yield
    limiter._storage_dead = False


@pytest.mark.usefixtures("forget_dead_storage")
def test_when_redis_is_unreachable_sign_in_still_answers_and_healthz_says_so(
    tmp_path, migrated_database, separate_app
):
    app = separate_app(
        tmp_path,
        migrated_database,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URL=f"redis://127.0.0.1:{_closed_port()}",
        SIGN_IN_RATE_LIMIT=f"{ATTEMPTS} per minute",
    )
    client = app.test_client()

    answers = [client.post("/sign-in", data=WRONG).status_code for _ in range(ATTEMPTS + 1)]
    health = client.get("/healthz")

    assert 500 not in answers
    assert answers[-1] == 429  # still limited, counted in this process meanwhile
    assert health.status_code == 200
    assert health.get_json()["rate_limits"] == "unreachable"
    assert health.get_json()["status"] == "degraded"
