"""Whole pages kept for visitors who are not signed in, and the HTTP headers that let others keep them.

A visitor without a session cookie sees the same search page as every other such visitor, so the page
is rendered once per search and index generation and then served from a cache: in this process (a
bounded LRU) by default, or in Redis shared by every process and node (`MARKETPLACE_PAGE_CACHE_URL`).
The key holds the index's generation (the last change-log entry it applied), so a listing published,
edited or withdrawn is a new key at once; entries also expire after `PAGE_CACHE_SECONDS`, which bounds
how long a listing is shown after its closing time. The response says `Cache-Control: public` with an
ETag, answers a matching If-None-Match with 304, and tells whether the cache served it
(`X-Cache: hit`, `miss`, or `bypass` for a signed-in visitor or anyone with a session).

A visitor with a session (signed in, or an anonymous one holding a message or a form token) is never
served from the cache or cached: the page may show things that are theirs. A cache that fails (Redis
down) is skipped for a few seconds and the page is rendered: never a 500.

The funnel still counts every search answered here: the events a rendering records are kept with the
page and counted again each time the cache serves it (a browser or proxy serving its own copy is not
counted: that request never reaches us).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Flask, current_app, g, make_response, request, session
from flask.sessions import SecureCookieSessionInterface

from marketplace.analytics.buffer import capture_events, replay_events
from marketplace.search.api import backend

logger = logging.getLogger(__name__)

EXTENSION = "marketplace.web.page_cache"
_RETRY_AFTER_FAILURE = 5.0  # seconds a failed shared cache is left alone before it is tried again


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    content_type: str
    etag: str
    stored_at: float
    events: list[list[Any]]

    def dumps(self) -> bytes:
        head = {"type": self.content_type, "etag": self.etag, "at": self.stored_at, "events": self.events}
        return json.dumps(head).encode() + b"\n" + self.body

    @classmethod
    def loads(cls, raw: bytes) -> CachedPage:
        head, _, body = raw.partition(b"\n")
        fields = json.loads(head)
        return cls(body, fields["type"], fields["etag"], float(fields["at"]), fields["events"])


class PageStore(Protocol):
    def get(self, key: str) -> CachedPage | None: ...

    def set(self, key: str, page: CachedPage, ttl: int) -> None: ...


class MemoryStore:
    """A least-recently-used cache in this process, bounded by the bytes of the pages it holds."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.pages: OrderedDict[str, tuple[float, CachedPage]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> CachedPage | None:
        with self.lock:
            found = self.pages.get(key)
            if found is None:
                return None
            expires, page = found
            if expires <= time.time():
                self._drop(key)
                return None
            self.pages.move_to_end(key)
            return page

    def set(self, key: str, page: CachedPage, ttl: int) -> None:
        if len(page.body) > self.max_bytes:
            return
        with self.lock:
            if key in self.pages:
                self._drop(key)
            self.pages[key] = (time.time() + ttl, page)
            self.size += len(page.body)
            while self.size > self.max_bytes:
                self._drop(next(iter(self.pages)))

    def _drop(self, key: str) -> None:
        _, page = self.pages.pop(key)
        self.size -= len(page.body)


class RedisStore:
    """Pages shared by every process and node. Short timeouts: a slow cache must not slow the page.

    Pages are compressed (HTML shrinks about tenfold for a fraction of a millisecond): Redis holds every
    page asked for in the last `PAGE_CACHE_SECONDS`, however many distinct searches that is.
    """

    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)

    def get(self, key: str) -> CachedPage | None:
        raw = self.client.get(key)
        return CachedPage.loads(zlib.decompress(raw)) if raw else None  # type: ignore[arg-type]

    def set(self, key: str, page: CachedPage, ttl: int) -> None:
        self.client.set(key, zlib.compress(page.dumps(), 1), ex=ttl)


class PageCache:
    """The configured store, skipped for a few seconds after it fails."""

    def __init__(self, store: PageStore, seconds: int):
        self.store = store
        self.seconds = seconds
        self.down_until = 0.0

    def get(self, key: str) -> CachedPage | None:
        if time.monotonic() < self.down_until:
            return None
        try:
            return self.store.get(key)
        except Exception as error:  # any failure of the cache is a miss, never an error page
            self._failed("read", error)
            return None

    def set(self, key: str, page: CachedPage) -> None:
        if time.monotonic() < self.down_until:
            return
        try:
            self.store.set(key, page, self.seconds)
        except Exception as error:
            self._failed("write", error)

    def _failed(self, what: str, error: Exception) -> None:
        self.down_until = time.monotonic() + _RETRY_AFTER_FAILURE
        logger.warning(
            "Page cache %s failed (%s); rendering pages for the next %gs", what, error, _RETRY_AFTER_FAILURE
        )


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without `Vary: Cookie` for a visitor who has no session.

    Finding out that nobody is signed in reads the (empty) session, and Flask then adds `Vary: Cookie`
    to every response, which keeps shared caches from storing any page. A request that brought no
    session cookie and gets none back was answered for "a visitor without a session": such an answer
    is public only on pages that chose to be (the rest carry no freshness, so nobody reuses them), and
    a visitor with a session is never served from the page cache here.
    """

    def save_session(self, app, session, response) -> None:  # type: ignore[no-untyped-def]
        super().save_session(app, session, response)
        if "Set-Cookie" not in response.headers and self.get_cookie_name(app) not in request.cookies:
            response.vary.discard("Cookie")


def init_app(app: Flask) -> None:
    seconds = int(app.config["PAGE_CACHE_SECONDS"])
    url = app.config["PAGE_CACHE_URL"]
    store: PageStore
    if url.startswith("memory"):
        store = MemoryStore(int(app.config["PAGE_CACHE_MEMORY_MB"]) * 1024 * 1024)
    else:
        store = RedisStore(url)
    app.extensions[EXTENSION] = PageCache(store, seconds)
    app.session_interface = _SessionInterface()


def dont_cache_this_page() -> None:
    """Called by a view whose page must not be kept (a fallback answer, something temporary)."""
    g.page_not_cacheable = True


def _has_session() -> bool:
    return current_app.config["SESSION_COOKIE_NAME"] in request.cookies


def _normalised_query() -> str:
    """The query string with empty parameters left out and the rest in a fixed order."""
    pairs = sorted((name, value) for name, value in request.args.items(multi=True) if value != "")
    return "&".join(f"{name}={value}" for name, value in pairs)


def _generation() -> str | None:
    """Which listings the index holds: the last change-log entry it applied (None: cannot tell)."""
    try:
        return str(backend().applied_change_id() or 0)
    except Exception:  # an unreadable index: the page explains it, uncached
        logger.warning("Cannot read the search index generation; page not cached", exc_info=True)
        return None


def _served(page: CachedPage, seconds: int, *, status: int = 200, hit: str = "hit"):
    response = make_response(page.body if status == 200 else b"", status)
    if status == 200:
        response.headers["Content-Type"] = page.content_type
    response.set_etag(page.etag)
    response.headers["Cache-Control"] = f"public, max-age={seconds}"
    age = int(max(0.0, time.time() - page.stored_at))
    if age:
        response.headers["Age"] = str(age)
    response.headers["X-Cache"] = hit
    return response


def cached_for_visitors(view: Callable) -> Callable:
    """Serve `view`'s page from the page cache to visitors without a session (see the module)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        cache: PageCache | None = current_app.extensions.get(EXTENSION)
        if cache is None or cache.seconds <= 0 or request.method not in ("GET", "HEAD") or _has_session():
            response = make_response(view(*args, **kwargs))
            response.headers.setdefault("X-Cache", "bypass")
            return response
        generation = _generation()
        if generation is None:
            return make_response(view(*args, **kwargs))
        digest = hashlib.sha256(f"{request.endpoint}|{_normalised_query()}".encode()).hexdigest()[:32]
        key = f"page:{generation}:{digest}"
        page = cache.get(key)
        if page is not None:
            replay_events(page.events)
            if request.if_none_match.contains_weak(page.etag):
                return _served(page, cache.seconds, status=304)
            return _served(page, cache.seconds)
        with capture_events() as events:
            response = make_response(view(*args, **kwargs))
        if (
            response.status_code != 200
            or response.direct_passthrough
            or session.modified
            or g.get("page_not_cacheable")
        ):
            return response
        body = response.get_data()
        etag = hashlib.sha256(f"{key}|{time.time()}".encode()).hexdigest()[:24]
        page = CachedPage(body, response.content_type or "text/html", etag, time.time(), events)
        cache.set(key, page)
        response.set_etag(etag)
        response.headers["Cache-Control"] = f"public, max-age={cache.seconds}"
        response.headers["X-Cache"] = "miss"
        return response

    return wrapper
