"""A live server and Debian's Chromium driven by Playwright.

Without Chromium these tests skip, saying why; with MARKETPLACE_REQUIRE_BROWSER=1 (as in CI) they fail
instead.
The browser is never downloaded: Playwright drives /usr/bin/chromium.
"""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("MARKETPLACE_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("MARKETPLACE_REQUIRE_BROWSER") == "1"


def _unavailable(reason: str):
    if REQUIRE_BROWSER:
        pytest.fail(f"MARKETPLACE_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(f"{reason} (install Debian's chromium package to run the browser journeys)")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        _unavailable(f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield chromium
        chromium.close()


def buffered(app):
    """Each response read in full (and its file closed) before the server writes it.

    When the browser drops a connection mid-request (a favicon request cut short by a page change),
    the development server can fail before it closes the response, leaving a file handle to the
    garbage collector and a ResourceWarning that filterwarnings=error turns into a failure elsewhere.
    """

    def application(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return application


@pytest.fixture
def live_server(app):
    """Serve the test app on a free loopback port for the length of one test."""
    server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.console_problems = problems
    yield page
    context.close()
