"""Pages for visitors who are not signed in are the same for all of them: no session, no per-response
nonce, kept whole by the page cache and cacheable by browsers and proxies. Signed-in pages never are."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from marketplace import create_app
from marketplace.analytics.models import Event
from marketplace.extensions import db
from marketplace.search.whoosh.engine import forget_snapshots
from tests.conftest import make_config, sign_in_as
from tests.factories import PASSWORD, UserFactory, VacancyFactory


def _vary(response) -> set[str]:
    return {part.strip().lower() for part in response.headers.get("Vary", "").split(",") if part.strip()}


def _searches() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).where(Event.name == "search_performed"))


def test_a_visitor_without_a_session_gets_no_cookie_and_no_vary_cookie(client):
    vacancy = VacancyFactory(published=True, title="Teacher of Chemistry")

    for url in ("/", "/jobs", "/jobs?keyword=chemistry", f"/jobs/{vacancy.id}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url
        assert "cookie" not in _vary(response), url
        page = response.get_data(as_text=True)
        assert "nonce" not in page, url
        assert "csrf_token" not in page, url


def test_a_visitor_is_offered_saving_as_a_link_that_asks_them_to_sign_in(client):
    vacancy = VacancyFactory(published=True, title="Teacher of Chemistry")

    page = client.get("/jobs?keyword=chemistry").get_data(as_text=True)
    [link] = re.findall(rf'<a href="(/saved-jobs/{vacancy.id}/save[^"]*)"[^>]*role="button"', page)
    assert 'Save<span class="govuk-visually-hidden"> this job</span>' in page
    link = link.replace("&amp;", "&")

    asked = client.get(link)
    assert asked.status_code == 302
    assert "/sign-in?next=" in asked.headers["Location"]
    assert f"/saved-jobs/{vacancy.id}/save" in asked.headers["Location"]

    person = UserFactory()
    sign_in_as(client, person)
    # Back from signing in: one button finishes saving, and the results page is where it returns to.
    confirm = client.get(link).get_data(as_text=True)
    assert "Save this job" in confirm
    saved = client.post(link)
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith("/jobs?keyword=chemistry")
    assert "Saved</strong>" in client.get("/jobs?keyword=chemistry").get_data(as_text=True)


def test_the_search_page_is_served_from_the_cache_with_an_etag_and_a_304(client):
    VacancyFactory(published=True, title="Teacher of Chemistry")

    first = client.get("/jobs?keyword=chemistry&location=&phases=")
    # The same search in another order, with another empty parameter: the same page.
    again = client.get("/jobs?location=&keyword=chemistry")
    unchanged = client.get("/jobs?keyword=chemistry", headers={"If-None-Match": first.headers["ETag"]})

    assert first.headers["X-Cache"] == "miss"
    assert first.headers["Cache-Control"] == "public, max-age=60"
    assert again.headers["X-Cache"] == "hit"
    assert again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == "public, max-age=60"
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in again.headers
    assert "cookie" not in _vary(again)
    assert unchanged.status_code == 304
    assert unchanged.get_data() == b""
    assert client.get("/jobs?keyword=history").headers["X-Cache"] == "miss"


def test_a_listing_published_shows_at_once_as_the_index_generation_moves_on(client):
    VacancyFactory(published=True, title="Teacher of Chemistry")
    before = client.get("/jobs?keyword=chemistry")
    assert "1 job found" in before.get_data(as_text=True)

    VacancyFactory(published=True, title="Head of Chemistry")
    after = client.get("/jobs?keyword=chemistry", headers={"If-None-Match": before.headers["ETag"]})

    assert after.status_code == 200
    assert after.headers["X-Cache"] == "miss"
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "2 jobs found" in after.get_data(as_text=True)


def test_every_search_is_counted_even_when_the_cache_answers(client):
    VacancyFactory(published=True, title="Teacher of Chemistry")
    first = client.get("/jobs?keyword=chemistry")
    client.get("/jobs?keyword=chemistry")
    client.get("/jobs?keyword=chemistry", headers={"If-None-Match": first.headers["ETag"]})

    assert _searches() == 3
    [event] = db.session.scalars(sa.select(Event).where(Event.name == "search_performed").limit(1))
    assert event.properties == {"has_keywords": True, "results": 1}


def test_a_signed_in_jobseeker_never_gets_the_visitors_page_and_nobody_keeps_theirs(client):
    VacancyFactory(published=True, title="Teacher of Chemistry")
    assert client.get("/jobs?keyword=chemistry").headers["X-Cache"] == "miss"  # now cached for visitors

    sign_in_as(client, UserFactory())
    response = client.get("/jobs?keyword=chemistry")

    page = response.get_data(as_text=True)
    assert response.headers["X-Cache"] == "bypass"
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers
    assert "Sign out" in page
    assert 'name="csrf_token"' in page
    assert "cookie" in _vary(response)


def test_a_visitor_with_a_message_waiting_sees_it_and_it_is_never_cached(app, client):
    VacancyFactory(published=True, title="Teacher of Chemistry")
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "You have signed out")]

    response = client.get("/jobs?keyword=chemistry")

    assert response.headers["X-Cache"] == "bypass"
    assert "public" not in response.headers.get("Cache-Control", "")
    assert "You have signed out" in response.get_data(as_text=True)
    other_visitor = app.test_client().get("/jobs?keyword=chemistry")
    assert other_visitor.headers["X-Cache"] == "miss"
    assert "You have signed out" not in other_visitor.get_data(as_text=True)


class TestWithoutThePageCache:
    @pytest.fixture
    def app_config(self, tmp_path, migrated_database):
        return make_config(tmp_path, migrated_database, PAGE_CACHE_SECONDS=0)

    def test_pages_are_rendered_each_time_and_not_offered_to_other_caches(self, client):
        VacancyFactory(published=True, title="Teacher of Chemistry")
        for _ in range(2):
            response = client.get("/jobs?keyword=chemistry")
            assert response.headers["X-Cache"] == "bypass"
            assert "public" not in response.headers.get("Cache-Control", "")
            assert "Set-Cookie" not in response.headers


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TestWhenRedisIsUnreachable:
    @pytest.fixture
    def app_config(self, tmp_path, migrated_database):
        return make_config(
            tmp_path, migrated_database, PAGE_CACHE_URL=f"redis://127.0.0.1:{_closed_port()}/0"
        )

    def test_the_page_is_rendered_never_an_error(self, client, caplog):
        VacancyFactory(published=True, title="Teacher of Chemistry")
        for _ in range(2):
            response = client.get("/jobs?keyword=chemistry")
            assert response.status_code == 200
            assert "1 job found" in response.get_data(as_text=True)
        assert "Page cache read failed" in caplog.text


@pytest.fixture
def redis_url(tmp_path):
    """A real Redis server of our own, on a free port, gone after the test."""
    server = shutil.which("redis-server")
    if server is None:
        reason = "redis-server is not installed (Debian: apt-get install redis-server)"
        if os.environ.get("MARKETPLACE_REQUIRE_REDIS") == "1":  # CI: two nodes sharing pages must be tested
            pytest.fail(f"MARKETPLACE_REQUIRE_REDIS=1 but {reason}")
        pytest.skip(reason)
    port = _closed_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(host="127.0.0.1", port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


class TestSharedThroughRedis:
    @pytest.fixture
    def app_config(self, tmp_path, migrated_database, redis_url):
        return make_config(tmp_path, migrated_database, PAGE_CACHE_URL=redis_url)

    def test_a_page_rendered_by_one_node_is_served_by_another(self, app, app_config, client):
        VacancyFactory(published=True, title="Teacher of Chemistry")
        other_node = create_app({**app_config, "SEARCH_INDEX_PATH": app.config["SEARCH_INDEX_PATH"]})
        other_node.test_client_class = type(client)

        first = client.get("/jobs?keyword=chemistry")
        from_other = other_node.test_client().get("/jobs?keyword=chemistry")

        assert first.headers["X-Cache"] == "miss"
        assert from_other.headers["X-Cache"] == "hit"
        assert from_other.get_data() == first.get_data()
        assert from_other.headers["ETag"] == first.headers["ETag"]
        assert _searches() == 2
        with other_node.app_context():
            db.engine.dispose()


def test_signing_in_tells_the_browser_to_drop_the_visitor_pages_it_kept(client):
    person = UserFactory()
    assert "Clear-Site-Data" not in client.get("/jobs").headers

    response = client.post("/sign-in", data={"email": person.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache"'
    assert "Clear-Site-Data" not in client.get("/jobs").headers


# Whoosh leaves an unreadable table of contents open until the error's traceback is released.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_the_databases_simpler_answer_is_never_kept(app, client):
    VacancyFactory(published=True, title="Teacher of Mathematics", about_role="Algebra and geometry.")
    assert client.get("/jobs").headers["X-Cache"] == "miss"
    for toc in Path(app.config["SEARCH_INDEX_PATH"]).glob("_MAIN_*.toc"):
        toc.write_bytes(b"\x00" * 10)
    forget_snapshots()  # as a new process would: the index must be read again, and cannot be

    for _ in range(2):
        response = client.get("/jobs?keyword=mathematics")
        assert "Search is running in a simpler mode" in response.get_data(as_text=True)
        assert response.headers.get("X-Cache") != "hit"
        assert "public" not in response.headers.get("Cache-Control", "")
