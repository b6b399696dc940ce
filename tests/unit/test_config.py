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


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("SIGN_IN_RATE_LIMIT", "ten per minute", 'limits such as "10 per minute;50 per hour"'),
        ("SMTP_PORT", "abc", "a whole number from 1 to 65,535"),
        ("SMTP_PORT", "²", "a whole number from 1 to 65,535"),
        ("SMTP_PORT", "70000", "a whole number from 1 to 65,535"),
        ("SMTP_TIMEOUT", "nan", "a number from 0.1 to 600"),
        ("MAIL_BACKEND", "carrier pigeon", "one of file, console, smtp"),
        ("BASE_URL", "jobs.example.org", "an address starting http:// or https://"),
        ("RATELIMIT_STORAGE_URL", "localhost:6379", "an address starting memory:// or redis://"),
        ("SESSION_COOKIE_SECURE", "maybe", "yes or no"),
        ("MODERATION_DUPLICATE_SIMILARITY", "1.5", "a number from 0 to 1"),
        ("REPORTS_TO_HIDE", "0", "a whole number from 1 or more"),
        ("DATABASE_URL", "not a url", "an SQLAlchemy URL"),
        ("SEARCH_FOLLOW", "reader", "yes, no or read"),
    ],
)
def test_a_mistyped_setting_stops_the_start_and_names_the_variable(tmp_path, variable, value, says):
    with pytest.raises(config.SettingsError) as refused:
        config.load({"INSTANCE_PATH": str(tmp_path)}, environ={f"MARKETPLACE_{variable}": value})
    assert f"MARKETPLACE_{variable} must be {says}" in str(refused.value)
    assert repr(value) in str(refused.value)


def test_every_mistake_is_named_at_once(tmp_path):
    environ = {"MARKETPLACE_SMTP_PORT": "abc", "MARKETPLACE_API_RATE_LIMIT": "lots"}
    with pytest.raises(config.SettingsError) as refused:
        config.load({"INSTANCE_PATH": str(tmp_path)}, environ=environ)
    assert "MARKETPLACE_SMTP_PORT" in str(refused.value)
    assert "MARKETPLACE_API_RATE_LIMIT" in str(refused.value)


def test_well_formed_values_are_read(tmp_path):
    environ = {
        "MARKETPLACE_SESSION_COOKIE_SECURE": "off",
        "MARKETPLACE_RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/0",
        "MARKETPLACE_TRUSTED_PROXIES": "1",
        "MARKETPLACE_SMTP_SECURITY": "STARTTLS",
    }
    values = config.load({"INSTANCE_PATH": str(tmp_path)}, environ=environ)
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["TRUSTED_PROXIES"] == 1
    assert values["SMTP_SECURITY"] == "starttls"


def test_web_processes_follow_the_search_change_log_except_in_tests(tmp_path):
    def follows(**environ: str) -> bool:
        return config.load({"INSTANCE_PATH": str(tmp_path)}, environ=environ)["SEARCH_FOLLOW"]

    assert follows() is True  # the development server
    assert follows(MARKETPLACE_ENV="production") is True
    assert follows(MARKETPLACE_ENV="testing") is False
    assert follows(MARKETPLACE_ENV="testing", MARKETPLACE_SEARCH_FOLLOW="yes") is True
    assert follows(MARKETPLACE_ENV="production", MARKETPLACE_SEARCH_FOLLOW="no") is False
    # A node whose `marketplace search follow` applies the log: its web processes only read.
    assert follows(MARKETPLACE_ENV="production", MARKETPLACE_SEARCH_FOLLOW="Read") == "read"
