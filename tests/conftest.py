"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when configured), an app per test,
and a clean slate after every test.

Set MARKETPLACE_TEST_DATABASE_URL to run the suite on PostgreSQL. With MARKETPLACE_REQUIRE_POSTGRES=1
the suite fails, rather than quietly using SQLite, when that URL is missing or unreachable.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from hypothesis import settings
from jinja2 import BytecodeCache

from marketplace import create_app
from marketplace.extensions import db

# Property tests assert what the code does, never how fast: speed lives in benchmarks/. Without this, a
# first example that warms caches on a busy machine fails Hypothesis's 200 ms deadline.
settings.register_profile("marketplace", deadline=None)
settings.load_profile("marketplace")

TEST_DATABASE_URL = os.environ.get("MARKETPLACE_TEST_DATABASE_URL", "")
REQUIRE_POSTGRES = os.environ.get("MARKETPLACE_REQUIRE_POSTGRES") == "1"


def pytest_report_header(config):
    return f"database: {'PostgreSQL' if TEST_DATABASE_URL else 'SQLite'}"


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres_only run on PostgreSQL and are skipped, saying so, on SQLite. CI's
    PostgreSQL pass sets MARKETPLACE_REQUIRE_POSTGRES=1, where the database fixture fails rather than
    fall back to SQLite: they are never skipped there."""
    if TEST_DATABASE_URL.startswith("postgresql") or REQUIRE_POSTGRES:
        return
    skip = pytest.mark.skip(reason="PostgreSQL only: set MARKETPLACE_TEST_DATABASE_URL to run it")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if REQUIRE_POSTGRES and not TEST_DATABASE_URL.startswith("postgresql"):
        pytest.fail(
            "MARKETPLACE_REQUIRE_POSTGRES=1 but MARKETPLACE_TEST_DATABASE_URL is not a PostgreSQL URL"
        )
    if TEST_DATABASE_URL:
        engine = sa.create_engine(TEST_DATABASE_URL)
        try:
            with engine.connect() as connection:
                connection.execute(sa.text("select 1"))
        except sa.exc.OperationalError as error:
            pytest.fail(f"Cannot reach the test database {TEST_DATABASE_URL}: {error}")
        finally:
            engine.dispose()
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def make_config(tmp_path: Path, database_url: str, **overrides) -> dict:
    config = {
        "ENV": "testing",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test secret key",
        "SEARCH_INDEX_PATH": str(tmp_path / "instance" / "search-index"),
        "MAIL_BACKEND": "file",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "BASE_URL": "http://localhost",
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return config


def reset_database(url: str, workdir: Path) -> None:
    """Drop everything, then build the schema the way production does: by running the migrations."""
    from flask_migrate import upgrade

    app = create_app(make_config(workdir, url))
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            db.metadata.drop_all(connection)
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_database(database_url, tmp_path_factory) -> str:
    reset_database(database_url, tmp_path_factory.mktemp("migrate"))
    return database_url


def truncate_all(engine: sa.Engine) -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in db.metadata.sorted_tables[::-1]:
                connection.execute(table.delete())


@pytest.fixture
def app_config(tmp_path, migrated_database) -> dict:
    """Override in a test module (or parametrise) to change settings for that module's app."""
    return make_config(tmp_path, migrated_database)


class SharedBytecodeCache(BytecodeCache):
    """Compiled templates kept across the suite's many apps, so each test doesn't recompile them."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = SharedBytecodeCache()


@pytest.fixture
def app(app_config):
    application = create_app(app_config)
    application.jinja_env.bytecode_cache = TEMPLATE_CACHE
    with application.app_context():
        yield application
        db.session.remove()
        truncate_all(db.engine)
        db.engine.dispose()


class IsolatedClient(FlaskClient):
    """Runs each request in its own application context, as a real server does.

    Without this, requests would share the test's context: its `g` (and so Flask-Login's cached user)
    and its database session, hiding bugs that only appear across requests.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


def sign_in_as(client, user) -> None:
    """Start a signed-in session for `user` (the sign-in form itself is tested in tests/web/test_auth*)."""
    from marketplace.accounts import sessions

    session_id = sessions.start(user)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["sid"] = session_id


@pytest.fixture
def outbox():
    """The emails queued so far, oldest first."""
    from marketplace.notifications.models import OutboxMessage

    def messages(**filters):
        db.session.expire_all()  # the worker writes on its own connections
        query = sa.select(OutboxMessage).filter_by(**filters).order_by(OutboxMessage.id)
        return list(db.session.scalars(query))

    return messages
