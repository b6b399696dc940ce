"""Settings, read from MARKETPLACE_* environment variables with embedded defaults.

The defaults need no configuration at all: an SQLite database, a search index and an outbox
of email files inside the instance folder. Production refuses to start on those defaults.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ENVIRONMENTS = ("development", "testing", "production")


@dataclass(frozen=True)
class Setting:
    """One MARKETPLACE_* variable: the config key it fills, its default and what it is for."""

    key: str
    default: str | None
    help: str
    kind: type = str


# The single list of settings: the README's table is checked against it by a test.
SETTINGS: tuple[Setting, ...] = (
    Setting("ENV", "development", "development, testing or production"),
    Setting(
        "INSTANCE_PATH",
        None,
        "folder for the database, index, outbox, uploads and secret key (default: ./instance)",
    ),
    Setting(
        "SECRET_KEY", None, "signs sessions and tokens; generated once into the instance folder when unset"
    ),
    Setting("DATABASE_URL", None, "SQLAlchemy URL (default: sqlite:///INSTANCE_PATH/marketplace.db)"),
    Setting("SEARCH_INDEX_PATH", None, "Whoosh index folder (default: INSTANCE_PATH/search-index)"),
    Setting("SEARCH_WRITE_TIMEOUT", "10", "seconds to wait for the index write lock", float),
    Setting(
        "SEARCH_REBUILD_PROCESSES",
        "0",
        "processes that build a large index at once (0: one per CPU core this process may use)",
        int,
    ),
    Setting("BASE_URL", "http://127.0.0.1:5000", "public address used in emails and feeds"),
    Setting("MAIL_BACKEND", "file", "file (INSTANCE_PATH/outbox), console or smtp"),
    Setting(
        "MAIL_FROM", "Teacher Vacancy Marketplace <no-reply@marketplace.invalid>", "sender of every email"
    ),
    Setting(
        "MAIL_DELIVER_ON_COMMIT",
        None,
        "deliver new emails right after the transaction commits "
        "(default: yes except in production, where `marketplace worker` sends them)",
    ),
    Setting("MAIL_MAX_ATTEMPTS", "8", "delivery attempts before an email is dead-lettered", int),
    Setting("SMTP_HOST", "localhost", "SMTP server"),
    Setting("SMTP_PORT", "25", "SMTP port", int),
    Setting("SMTP_SECURITY", "none", "none, starttls or tls"),
    Setting("SMTP_USERNAME", "", "SMTP user (optional)"),
    Setting("SMTP_PASSWORD", "", "SMTP password (optional)"),
    Setting("SMTP_TIMEOUT", "10", "seconds before an SMTP connection attempt gives up", float),
    Setting("RATELIMIT_STORAGE_URL", "memory://", "where rate-limit counters live (redis://… in production)"),
    Setting("SIGN_IN_RATE_LIMIT", "10 per minute;50 per hour", "attempts allowed per address"),
    Setting("TOKEN_MAX_AGE_HOURS", "24", "lifetime of email verification and password reset links", int),
    Setting(
        "SESSION_COOKIE_SECURE", None, "send the session cookie over HTTPS only (default: yes in production)"
    ),
    Setting(
        "RETENTION_DRAFT_DAYS", "180", "days after its last edit that an untouched draft is deleted", int
    ),
    Setting(
        "RETENTION_APPLICATION_DAYS",
        "365",
        "days after a listing closes that its applications are anonymised",
        int,
    ),
    Setting(
        "APPLICATION_ACCESS_DAYS",
        "180",
        "days after a listing closes that the school can still see its applications",
        int,
    ),
    Setting(
        "RETENTION_INACTIVE_ACCOUNT_DAYS", "1095", "days without signing in before an account is warned", int
    ),
    Setting(
        "RETENTION_WARNING_DAYS", "30", "days between the inactivity warning and the account's deletion", int
    ),
    Setting(
        "SAVED_JOB_REMINDER_DAYS", "3", "days before a saved job closes that its reminder is emailed", int
    ),
    Setting(
        "ALERT_CONFIRMATION_DAYS", "7", "lifetime of the link that confirms an email-only job alert", int
    ),
    Setting(
        "ALERT_RATE_LIMIT", "10 per hour;50 per day", "job alerts that can be set up per network address"
    ),
    Setting("API_RATE_LIMIT", "300 per minute", "public API requests allowed per network address"),
    Setting(
        "TYPICAL_AGENCY_FEE", "1000", "pounds an agency typically charges per advert, for 'fees saved'", int
    ),
    Setting(
        "LOG_FORMAT",
        None,
        "json (one object a line, with the request id) or text (default: json in production)",
    ),
    Setting(
        "MODERATION_TRUSTED_AFTER_APPROVALS",
        "1",
        "approved listings an organisation needs before its clean listings publish without review",
        int,
    ),
    Setting(
        "MODERATION_RECENT_REJECTIONS_LIMIT",
        "2",
        "rejections or removals in the last 90 days from which every listing of the organisation is reviewed",
        int,
    ),
    Setting(
        "MODERATION_UPHELD_REPORTS_LIMIT",
        "1",
        "upheld reports from which every listing of the organisation is reviewed",
        int,
    ),
    Setting(
        "MODERATION_PERSON_TRUSTED_AFTER",
        "2",
        "a person's listings for an organisation reviewed before theirs publish without review",
        int,
    ),
    Setting(
        "MODERATION_NEW_MEMBER_DAYS",
        "14",
        "days after joining an organisation during which a person's listings are reviewed",
        int,
    ),
    Setting(
        "MODERATION_DUPLICATE_SIMILARITY",
        "0.8",
        "shingle similarity (0 to 1) at which a listing counts as a near-duplicate of the school's own",
        float,
    ),
    Setting(
        "REPORTS_TO_HIDE",
        "3",
        "verified reporters, each on a different network, whose open reports hide a live listing "
        "until a moderator decides",
        int,
    ),
    Setting("REPORT_RATE_LIMIT", "5 per hour;20 per day", "listing reports allowed per network address"),
    Setting("REPORT_LISTING_RATE_LIMIT", "20 per hour", "reports allowed about one listing, from everyone"),
    Setting("ATS_RATE_LIMIT", "120 per minute", "ATS API requests allowed per client token"),
    Setting("SESSION_IDLE_HOURS", "12", "hours without a request after which a signed-in session ends", int),
    Setting("SESSION_MAX_DAYS", "7", "days after signing in that a session ends however active it is", int),
)

_TRUE = {"1", "true", "yes", "on"}


def _coerce(setting: Setting, raw: str) -> object:
    if setting.kind is bool:
        return raw.strip().lower() in _TRUE
    return setting.kind(raw)


def _bool(value: str | None, default: bool) -> bool:
    return default if value in (None, "") else value.strip().lower() in _TRUE


def load(overrides: dict | None = None, environ: dict | None = None) -> dict:
    """Build the Flask config mapping from the environment, then apply explicit overrides."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    raw = {s.key: environ.get(f"MARKETPLACE_{s.key}", s.default) for s in SETTINGS}
    config: dict = {}
    for setting in SETTINGS:
        value = raw[setting.key]
        config[setting.key] = _coerce(setting, value) if value not in (None, "") else value

    env = overrides.get("ENV", config["ENV"])
    if env not in ENVIRONMENTS:
        raise RuntimeError(f"MARKETPLACE_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    instance = Path(overrides.get("INSTANCE_PATH") or config["INSTANCE_PATH"] or Path.cwd() / "instance")
    config.update(
        ENV=env,
        INSTANCE_PATH=str(instance.resolve()),
        DATABASE_URL=config["DATABASE_URL"] or f"sqlite:///{instance.resolve() / 'marketplace.db'}",
        SEARCH_INDEX_PATH=config["SEARCH_INDEX_PATH"] or str(instance.resolve() / "search-index"),
        SEARCH_REBUILD_PROCESSES=config["SEARCH_REBUILD_PROCESSES"] or _usable_cores(),
        MAIL_DELIVER_ON_COMMIT=_bool(raw["MAIL_DELIVER_ON_COMMIT"], env != "production"),
        SESSION_COOKIE_SECURE=_bool(raw["SESSION_COOKIE_SECURE"], env == "production"),
        LOG_FORMAT=config["LOG_FORMAT"] or ("json" if env == "production" else "text"),
        OUTBOX_PATH=str(instance.resolve() / "outbox"),
        UPLOAD_PATH=str(instance.resolve() / "uploads"),
        SECRET_KEY_FROM_ENV=bool(config["SECRET_KEY"]),
    )
    config.update(overrides)
    config["TESTING"] = config["ENV"] == "testing"
    config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    config["RATELIMIT_STORAGE_URI"] = config["RATELIMIT_STORAGE_URL"]
    config["RATELIMIT_HEADERS_ENABLED"] = True
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["REMEMBER_COOKIE_HTTPONLY"] = True
    config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]
    config["WTF_CSRF_TIME_LIMIT"] = None  # tied to the session instead: a slow form-filler loses nothing
    config["MAX_CONTENT_LENGTH"] = 12 * 1024 * 1024
    return config


def _usable_cores() -> int:
    """The CPU cores this process may run on (a container or taskset may allow fewer than the machine has)."""
    if hasattr(os, "sched_getaffinity"):  # not on macOS
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def ensure_secret_key(config: dict) -> None:
    """Use the configured key, or generate one once into the instance folder and reuse it."""
    if config.get("SECRET_KEY"):
        return
    path = Path(config["INSTANCE_PATH"]) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting together must not write two different keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
    config["SECRET_KEY"] = path.read_text().strip()


def refuse_unsafe_production(config: dict) -> None:
    """Production must not run on the development defaults: fail loudly at start-up instead."""
    if config["ENV"] != "production":
        return
    problems = []
    if not config["SECRET_KEY_FROM_ENV"]:
        problems.append("MARKETPLACE_SECRET_KEY is not set")
    if config["DATABASE_URL"].startswith("sqlite"):
        problems.append("MARKETPLACE_DATABASE_URL points at the embedded SQLite database")
    if config["MAIL_BACKEND"] != "smtp":
        problems.append("MARKETPLACE_MAIL_BACKEND is not smtp")
    if config["RATELIMIT_STORAGE_URL"].startswith("memory"):
        problems.append("MARKETPLACE_RATELIMIT_STORAGE_URL keeps counters in one process's memory")
    if config["BASE_URL"].startswith("http://"):
        problems.append("MARKETPLACE_BASE_URL is not https")
    if problems:
        raise RuntimeError("Refusing to start in production: " + "; ".join(problems) + ".")
