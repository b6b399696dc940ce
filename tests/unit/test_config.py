import os
import stat

import pytest

from marketplace import config


def test_defaults_need_no_configuration(tmp_path):
    values = config.load({"INSTANCE_PATH": str(tmp_path)}, environ={})
    assert values["DATABASE_URL"] == f"sqlite:///{tmp_path / 'marketplace.db'}"
    assert values["SEARCH_INDEX_PATH"] == str(tmp_path / "search-index")
    assert values["OUTBOX_PATH"] == str(tmp_path / "outbox")
    assert values["MAIL_BACKEND"] == "file"


def test_environment_variables_override_defaults(tmp_path):
    values = config.load(
        {"INSTANCE_PATH": str(tmp_path)},
        environ={"MARKETPLACE_SMTP_PORT": "2525", "MARKETPLACE_MAIL_BACKEND": "smtp"},
    )
    assert values["SMTP_PORT"] == 2525
    assert values["MAIL_BACKEND"] == "smtp"


def test_a_rebuild_uses_every_core_it_may_unless_told_otherwise(tmp_path):
    overrides = {"INSTANCE_PATH": str(tmp_path)}
    usable = len(os.sched_getaffinity(0))
    assert config.load(overrides, environ={})["SEARCH_REBUILD_PROCESSES"] == usable
    told = config.load(overrides, environ={"MARKETPLACE_SEARCH_REBUILD_PROCESSES": "1"})
    assert told["SEARCH_REBUILD_PROCESSES"] == 1


def test_a_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = config.load({"INSTANCE_PATH": str(tmp_path)}, environ={})
    config.ensure_secret_key(first)
    second = config.load({"INSTANCE_PATH": str(tmp_path)}, environ={})
    config.ensure_secret_key(second)
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert len(first["SECRET_KEY"]) >= 40
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_production_refuses_development_defaults(tmp_path):
    values = config.load({"INSTANCE_PATH": str(tmp_path)}, environ={"MARKETPLACE_ENV": "production"})
    with pytest.raises(RuntimeError) as refused:
        config.refuse_unsafe_production(values)
    message = str(refused.value)
    for problem in ("SECRET_KEY", "SQLite", "smtp", "RATELIMIT", "https"):
        assert problem in message


def test_production_starts_when_configured(tmp_path):
    values = config.load(
        {"INSTANCE_PATH": str(tmp_path)},
        environ={
            "MARKETPLACE_ENV": "production",
            "MARKETPLACE_SECRET_KEY": "x" * 50,
            "MARKETPLACE_DATABASE_URL": "postgresql+psycopg://db.internal/marketplace",
            "MARKETPLACE_MAIL_BACKEND": "smtp",
            "MARKETPLACE_RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379",
            "MARKETPLACE_BASE_URL": "https://jobs.example.org",
        },
    )
    config.refuse_unsafe_production(values)
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["MAIL_DELIVER_ON_COMMIT"] is False


def test_an_unknown_environment_is_refused(tmp_path):
    with pytest.raises(RuntimeError, match="MARKETPLACE_ENV"):
        config.load({"INSTANCE_PATH": str(tmp_path)}, environ={"MARKETPLACE_ENV": "staging"})
