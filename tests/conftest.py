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

from marketplace import create_app
from marketplace.extensions import db

TEST_DATABASE_URL = os.environ.get("MARKETPLACE_TEST_DATABASE_URL", "")
REQUIRE_POSTGRES = os.environ.get("MARKETPLACE_REQUIRE_POSTGRES") == "1"


def pytest_report_header(config):
    return f"database: {'PostgreSQL' if TEST_DATABASE_URL else 'SQLite'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if REQUIRE_POSTGRES and not TEST_DATABASE_URL.startswith("postgresql"):
        pytest.fail("MARKETPLACE_REQUIRE_POSTGRES=1 but MARKETPLACE_TEST_DATABASE_URL is not a PostgreSQL URL")
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
            for table in tables:
                connection.execute(sa.text(f"DELETE FROM {table}"))


@pytest.fixture
def app_config(tmp_path, migrated_database) -> dict:
    """Override in a test module (or parametrise) to change settings for that module's app."""
    return make_config(tmp_path, migrated_database)


@pytest.fixture
def app(app_config):
    application = create_app(app_config)
    with application.app_context():
        yield application
        db.session.remove()
        truncate_all(db.engine)
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()
