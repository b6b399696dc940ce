"""Settings, read from MARKETPLACE_* environment variables with embedded defaults.

The defaults need no configuration at all: an SQLite database, a search index and an outbox
of email files inside the instance folder. Production refuses to start on those defaults.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from marketplace.db import ENGINE_OPTIONS

ENVIRONMENTS = ("development", "testing", "production")


class SettingsError(RuntimeError):
    """One or more MARKETPLACE_* variables hold a value the marketplace cannot use; each is named."""


# Each parser turns a variable's text into its value, or raises ValueError saying what it accepts.
Parser = Callable[[str], object]


def text(raw: str) -> str:
    return raw


def whole(low: int = 0, high: int | None = None) -> Parser:
    """A whole number in a range, written in ASCII digits (so "²" or "1e3" is refused, not misread)."""

    def parse(raw: str) -> int:
        value = raw.strip()
        if (
            not re.fullmatch(r"\d{1,12}", value)
            or int(value) < low
            or (high is not None and int(value) > high)
        ):
            upper = f" to {high:,}" if high is not None else " or more"
            raise ValueError(f"a whole number from {low}{upper}")
        return int(value)

    return parse


def number(low: float, high: float) -> Parser:
    """A decimal number in a range."""

    def parse(raw: str) -> float:
        try:
            value = float(raw.strip())
        except ValueError:
            value = float("nan")
        if not low <= value <= high:  # also refuses nan and inf
            raise ValueError(f"a number from {low:g} to {high:g}")
        return value

    return parse


def one_of(*choices: str) -> Parser:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in choices:
            raise ValueError("one of " + ", ".join(choices))
        return value

    return parse


def flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value not in _TRUE | _FALSE:
        raise ValueError("yes or no (also true/false, on/off, 1/0)")
    return value in _TRUE


# SEARCH_FOLLOW's third value: the web processes follow the change log but leave applying it to the
# node's own `marketplace search follow` process (see marketplace/search/follow.py).
FOLLOW_AND_READ = "read"


def follow_mode(raw: str) -> bool | str:
    if raw.strip().lower() == FOLLOW_AND_READ:
        return FOLLOW_AND_READ
    try:
        return flag(raw)
    except ValueError:
        raise ValueError(f"yes, no or {FOLLOW_AND_READ}") from None


def rate_limits(raw: str) -> str:
    """Flask-Limiter's notation ("10 per minute;50 per hour"): a misspelt limit must not switch it off."""
    from limits import parse_many

    try:
        parsed = parse_many(raw)
    except ValueError:
        parsed = []
    if not parsed:
        raise ValueError('limits such as "10 per minute;50 per hour"')
    return raw


def url(*schemes: str) -> Parser:
    def parse(raw: str) -> str:
        parts = urlsplit(raw.strip())
        if parts.scheme not in schemes or not (parts.netloc or parts.scheme == "memory"):
            raise ValueError("an address starting " + " or ".join(f"{s}://" for s in schemes))
        return raw.strip()

    return parse


def database_url(raw: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(raw)
    except ArgumentError:
        raise ValueError("an SQLAlchemy URL such as postgresql+psycopg://user@host/name") from None
    return raw


@dataclass(frozen=True)
class Setting:
    """One MARKETPLACE_* variable: the config key it fills, its default, what it is for and how it is read."""

    key: str
    default: str | None
    help: str
    kind: Parser = text


# The single list of settings: the README's table is checked against it by a test.
SETTINGS: tuple[Setting, ...] = (
    Setting("ENV", "development", "development, testing or production", one_of(*ENVIRONMENTS)),
    Setting(
        "INSTANCE_PATH",
        None,
        "folder for the database, index, outbox, uploads and secret key (default: ./instance)",
    ),
    Setting(
        "SECRET_KEY", None, "signs sessions and tokens; generated once into the instance folder when unset"
    ),
    Setting(
        "DATABASE_URL",
        None,
        "SQLAlchemy URL (default: sqlite:///INSTANCE_PATH/marketplace.db)",
        database_url,
    ),
    Setting("SEARCH_INDEX_PATH", None, "Whoosh index folder (default: INSTANCE_PATH/search-index)"),
    Setting("SEARCH_WRITE_TIMEOUT", "10", "seconds to wait for the index write lock", number(0.1, 600)),
    Setting(
        "SEARCH_REBUILD_PROCESSES",
        "0",
        "processes that build a large index at once (0: one per CPU core this process may use)",
        whole(0),
    ),
    Setting(
        "SEARCH_FOLLOW",
        None,
        "each web process applies other nodes' listing changes to its index within 2 seconds "
        "(default: yes except in testing); read: it only reads what the node's `marketplace search "
        "follow` applies, and applies changes itself only when that falls 5 seconds behind",
        follow_mode,
    ),
    Setting(
        "BASE_URL", "http://127.0.0.1:5000", "public address used in emails and feeds", url("http", "https")
    ),
    Setting(
        "MAIL_BACKEND",
        "file",
        "file (INSTANCE_PATH/outbox), console or smtp",
        one_of("file", "console", "smtp"),
    ),
    Setting(
        "MAIL_FROM", "Teacher Vacancy Marketplace <no-reply@marketplace.invalid>", "sender of every email"
    ),
    Setting(
        "MAIL_DELIVER_ON_COMMIT",
        None,
        "deliver new emails right after the transaction commits "
        "(default: yes except in production, where `marketplace worker` sends them)",
        flag,
    ),
    Setting("MAIL_MAX_ATTEMPTS", "8", "delivery attempts before an email is dead-lettered", whole(1, 100)),
    Setting("SMTP_HOST", "localhost", "SMTP server"),
    Setting("SMTP_PORT", "25", "SMTP port", whole(1, 65535)),
    Setting("SMTP_SECURITY", "none", "none, starttls or tls", one_of("none", "starttls", "tls")),
    Setting("SMTP_USERNAME", "", "SMTP user (optional)"),
    Setting("SMTP_PASSWORD", "", "SMTP password (optional)"),
    Setting("SMTP_TIMEOUT", "10", "seconds before an SMTP connection attempt gives up", number(0.1, 600)),
    Setting(
        "RATELIMIT_STORAGE_URL",
        "memory://",
        "where rate-limit counters live (redis://… in production)",
        url("memory", "redis", "rediss", "redis+sentinel", "redis+cluster"),
    ),
    Setting("SIGN_IN_RATE_LIMIT", "10 per minute;50 per hour", "attempts allowed per address", rate_limits),
    Setting(
        "TOKEN_MAX_AGE_HOURS", "24", "lifetime of email verification and password reset links", whole(1, 720)
    ),
    Setting(
        "SESSION_COOKIE_SECURE",
        None,
        "send the session cookie over HTTPS only (default: yes in production)",
        flag,
    ),
    Setting(
        "RETENTION_DRAFT_DAYS", "180", "days after its last edit that an untouched draft is deleted", int
    ),
    Setting(
        "RETENTION_APPLICATION_DAYS",
        "365",
        "days after a listing closes that its applications are anonymised",
        whole(0),
    ),
    Setting(
        "APPLICATION_ACCESS_DAYS",
        "180",
        "days after a listing closes that the school can still see its applications",
        whole(0),
    ),
    Setting(
        "RETENTION_INACTIVE_ACCOUNT_DAYS", "1095", "days without signing in before an account is warned", int
    ),
    Setting(
        "RETENTION_WARNING_DAYS", "30", "days between the inactivity warning and the account's deletion", int
    ),
    Setting(
        "MESSAGES_PER_HOUR",
        "30",
        "messages one person may send about applications in an hour (counted across every process)",
        whole(1),
    ),
    Setting(
        "CANDIDATE_INVITATIONS_PER_DAY",
        "50",
        "invitations to apply one organisation may send to candidates in 24 hours",
        whole(1),
    ),
    Setting(
        "REFERENCE_LINK_DAYS", "21", "days a referee's emailed link to the reference form works", whole(1)
    ),
    Setting(
        "REFERENCE_REMINDER_DAYS",
        "7",
        "days after the request that a referee who has not answered is reminded",
        whole(1),
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
    Setting(
        "API_RATE_LIMIT", "300 per minute", "public API requests allowed per network address", rate_limits
    ),
    Setting(
        "TYPICAL_AGENCY_FEE", "1000", "pounds an agency typically charges per advert, for 'fees saved'", int
    ),
    Setting(
        "LOG_FORMAT",
        None,
        "json (one object a line, with the request id) or text (default: json in production)",
        one_of("json", "text"),
    ),
    Setting(
        "MODERATION_TRUSTED_AFTER_APPROVALS",
        "1",
        "approved listings an organisation needs before its clean listings publish without review",
        whole(1),
    ),
    Setting(
        "MODERATION_RECENT_REJECTIONS_LIMIT",
        "2",
        "rejections or removals in the last 90 days from which every listing of the organisation is reviewed",
        whole(1),
    ),
    Setting(
        "MODERATION_UPHELD_REPORTS_LIMIT",
        "1",
        "upheld reports from which every listing of the organisation is reviewed",
        whole(1),
    ),
    Setting(
        "MODERATION_PERSON_TRUSTED_AFTER",
        "2",
        "a person's listings for an organisation reviewed before theirs publish without review",
        whole(0),
    ),
    Setting(
        "MODERATION_NEW_MEMBER_DAYS",
        "14",
        "days after joining an organisation during which a person's listings are reviewed",
        whole(0),
    ),
    Setting(
        "MODERATION_DUPLICATE_SIMILARITY",
        "0.8",
        "shingle similarity (0 to 1) at which a listing counts as a near-duplicate of the school's own",
        number(0, 1),
    ),
    Setting(
        "REPORTS_TO_HIDE",
        "3",
        "verified reporters, each on a different network, whose open reports hide a live listing "
        "until a moderator decides",
        whole(1),
    ),
    Setting(
        "REPORT_RATE_LIMIT",
        "5 per hour;20 per day",
        "listing reports allowed per network address",
        rate_limits,
    ),
    Setting(
        "REPORT_LISTING_RATE_LIMIT",
        "20 per hour",
        "reports allowed about one listing, from everyone",
        rate_limits,
    ),
    Setting("ATS_RATE_LIMIT", "120 per minute", "ATS API requests allowed per client token", rate_limits),
    Setting(
        "TRUSTED_PROXIES",
        "0",
        "reverse proxies in front of the web nodes whose X-Forwarded-For/-Proto/-Host are believed "
        "(1 behind nginx): rate limits count the real client's address",
        whole(0, 5),
    ),
    Setting(
        "PAGE_CACHE_SECONDS",
        "60",
        "seconds a search page is kept for visitors who are not signed in, by us and by browsers and "
        "proxies (0: never)",
        whole(0, 3600),
    ),
    Setting(
        "PAGE_CACHE_URL",
        "memory://",
        "where those pages are kept: memory:// (each process its own) or redis://… (shared)",
        url("memory", "redis", "rediss"),
    ),
    Setting(
        "PAGE_CACHE_MEMORY_MB", "32", "megabytes of pages each process keeps with memory://", whole(1, 4096)
    ),
    Setting(
        "ANALYTICS_FLUSH_SECONDS",
        None,
        "seconds between writes of the searches and listing views counted for the funnel "
        "(default: 5; 0, the default in testing, writes them as each request ends)",
        number(0, 300),
    ),
    Setting(
        "SESSION_IDLE_HOURS", "12", "hours without a request after which a signed-in session ends", whole(1)
    ),
    Setting(
        "SESSION_MAX_DAYS", "7", "days after signing in that a session ends however active it is", whole(1)
    ),
)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _read(environ, overrides: dict) -> dict:
    """Every setting parsed from its variable (or default); all the problems at once, each named."""
    values: dict = {}
    problems = []
    for setting in SETTINGS:
        raw = environ.get(f"MARKETPLACE_{setting.key}", setting.default)
        if setting.key in overrides or raw in (None, ""):
            values[setting.key] = raw
            continue
        try:
            values[setting.key] = setting.kind(raw)
        except ValueError as error:
            shown = raw if len(raw) <= 60 else raw[:57] + "..."
            problems.append(f"MARKETPLACE_{setting.key} must be {error}, not {shown!r}")
    if problems:
        raise SettingsError("Cannot start: " + "; ".join(problems) + ".")
    return values


def _default(value: object, default: bool) -> bool:
    return default if value in (None, "") else bool(value)


def load(overrides: dict | None = None, environ: dict | None = None) -> dict:
    """Build the Flask config mapping from the environment, then apply explicit overrides."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    config = _read(environ, overrides)
    env = overrides.get("ENV", config["ENV"])
    instance = Path(overrides.get("INSTANCE_PATH") or config["INSTANCE_PATH"] or Path.cwd() / "instance")
    config.update(
        ENV=env,
        INSTANCE_PATH=str(instance.resolve()),
        DATABASE_URL=config["DATABASE_URL"] or f"sqlite:///{instance.resolve() / 'marketplace.db'}",
        SEARCH_INDEX_PATH=config["SEARCH_INDEX_PATH"] or str(instance.resolve() / "search-index"),
        SEARCH_REBUILD_PROCESSES=config["SEARCH_REBUILD_PROCESSES"] or _usable_cores(),
        SEARCH_FOLLOW=(
            FOLLOW_AND_READ
            if config["SEARCH_FOLLOW"] == FOLLOW_AND_READ
            else _default(config["SEARCH_FOLLOW"], env != "testing")
        ),
        MAIL_DELIVER_ON_COMMIT=_default(config["MAIL_DELIVER_ON_COMMIT"], env != "production"),
        SESSION_COOKIE_SECURE=_default(config["SESSION_COOKIE_SECURE"], env == "production"),
        ANALYTICS_FLUSH_SECONDS=(
            config["ANALYTICS_FLUSH_SECONDS"]
            if config["ANALYTICS_FLUSH_SECONDS"] not in (None, "")
            else (0 if env == "testing" else 5)
        ),
        LOG_FORMAT=config["LOG_FORMAT"] or ("json" if env == "production" else "text"),
        OUTBOX_PATH=str(instance.resolve() / "outbox"),
        # Only read by migration fd10c0de0020, which moves documents kept here into the database.
        UPLOAD_PATH=str(instance.resolve() / "uploads"),
        SECRET_KEY_FROM_ENV=bool(config["SECRET_KEY"]),
    )
    config.update(overrides)
    config["TESTING"] = config["ENV"] == "testing"
    config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    # Connections are recycled, and tested only after sitting idle (db.check_idle_connections), rather
    # than pinged before every request.
    config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(ENGINE_OPTIONS)
    config["RATELIMIT_STORAGE_URI"] = config["RATELIMIT_STORAGE_URL"]
    config["RATELIMIT_HEADERS_ENABLED"] = True
    # When the shared counters (Redis) cannot be reached, count in this process and log it, rather than
    # answer 500: sign-in and the API stay up, with limits per process until Redis is back.
    config["RATELIMIT_SWALLOW_ERRORS"] = True
    config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] = True
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
