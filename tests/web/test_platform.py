"""Health, robots.txt, the sitemap, request ids and the page shown when the database is down."""

import datetime as dt
import json
import logging
import re

import sqlalchemy as sa

from marketplace import create_app
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.notifications.models import OutboxMessage, OutboxStatus
from marketplace.observability import JsonFormatter, RequestIdFilter
from marketplace.search.models import SearchChange
from tests.conftest import make_config
from tests.factories import OrganisationFactory, VacancyFactory


def test_health_is_ok_when_the_index_has_applied_every_change(client):
    VacancyFactory(published=True)

    response = client.get("/healthz")

    body = response.get_json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["search_index"]["pending_changes"] == 0
    assert body["outbox"] == {"pending": 0, "dead": 0}


def test_health_reports_a_lagging_index_and_dead_letters_as_degraded(client):
    VacancyFactory(published=True)
    # Written straight to the database, as another node would: this node's replica has not applied them.
    with db.engine.begin() as connection:
        connection.execute(sa.insert(SearchChange).values(vacancy_id=999_999, created_at=utcnow()))
        connection.execute(
            sa.insert(OutboxMessage).values(
                recipient="a@example.org",
                subject="s",
                text_body="t",
                html_body="h",
                headers={},
                template="x",
                status=OutboxStatus.DEAD,
                attempts=8,
                next_attempt_at=utcnow(),
                created_at=utcnow(),
            )
        )

    body = client.get("/healthz").get_json()

    assert body["status"] == "degraded"
    assert body["search_index"]["pending_changes"] == 1
    assert body["outbox"]["dead"] == 1


def test_an_unreachable_database_gives_503s_not_crashes(tmp_path):
    app = create_app(make_config(tmp_path, "postgresql+psycopg://nobody@127.0.0.1:1/unreachable"))
    client = app.test_client()

    health = client.get("/healthz")
    page = client.get("/jobs/1")
    api = client.get("/api/v1/vacancies/1")

    assert health.status_code == 503
    assert health.get_json()["database"] == "unreachable"
    assert page.status_code == 503
    assert "the service is unavailable" in page.get_data(as_text=True).lower()
    assert api.status_code == 503
    assert api.get_json()["error"] == "service_unavailable"
    with app.app_context():
        db.engine.dispose()


def test_robots_points_at_the_sitemap_index_and_keeps_private_areas_out(client):
    body = client.get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /school" in body
    assert "Sitemap: http://localhost/sitemap.xml" in body
    assert "<sitemapindex" in client.get("/sitemap.xml").get_data(as_text=True)


def _locations(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    return [loc.removeprefix("http://localhost") for loc in re.findall(r"<loc>([^<]+)</loc>", response.text)]


def test_the_sitemap_lists_live_jobs_and_their_schools_only(client):
    school = OrganisationFactory(name="Oak Hill School")
    live = VacancyFactory(published=True, organisation=school)
    closed = VacancyFactory(published=True, closes_at=utcnow() - dt.timedelta(hours=1))
    draft = VacancyFactory()

    files = _locations(client, "/sitemap.xml")
    assert files == ["/sitemap-pages.xml", "/sitemap-jobs-1.xml", "/sitemap-schools-1.xml"]
    listed = [url for file in files for url in _locations(client, file)]

    assert "/jobs" in listed
    assert f"/jobs/{live.id}" in listed
    assert f"/jobs/{closed.id}" not in listed
    assert f"/jobs/{draft.id}" not in listed
    assert "/schools/oak-hill-school" in listed


def test_the_sitemap_is_split_into_files_of_at_most_the_protocols_limit(app, client):
    app.config["SITEMAP_URLS_PER_FILE"] = 2  # 50,000 in production
    schools = [OrganisationFactory(name=f"School {n}") for n in range(3)]
    jobs = [VacancyFactory(published=True, organisation=schools[n % 3]) for n in range(5)]

    files = _locations(client, "/sitemap.xml")

    assert files == [
        "/sitemap-pages.xml",
        "/sitemap-jobs-1.xml",
        "/sitemap-jobs-2.xml",
        "/sitemap-jobs-3.xml",
        "/sitemap-schools-1.xml",
        "/sitemap-schools-2.xml",
    ]
    pages = {file: _locations(client, file) for file in files[1:]}
    assert all(1 <= len(urls) <= 2 for urls in pages.values())
    listed = [url for urls in pages.values() for url in urls]
    assert sorted(listed) == sorted(
        [f"/jobs/{job.id}" for job in jobs] + [f"/schools/{s.slug}" for s in schools]
    )
    assert client.get("/sitemap-jobs-4.xml").status_code == 404
    assert client.get("/sitemap-schools-0.xml").status_code == 404
    assert client.get("/sitemap-teachers-1.xml").status_code == 404


def test_an_empty_marketplace_still_has_a_valid_sitemap(client):
    assert _locations(client, "/sitemap.xml")[1:] == ["/sitemap-jobs-1.xml", "/sitemap-schools-1.xml"]
    assert _locations(client, "/sitemap-jobs-1.xml") == []


def test_every_response_carries_a_request_id_and_keeps_a_sane_one_from_upstream(client):
    generated = client.get("/").headers["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/", headers={"X-Request-ID": "lb-12345678"}).headers["X-Request-ID"] == "lb-12345678"
    forged = client.get("/", headers={"X-Request-ID": "<script> in a log line"}).headers["X-Request-ID"]
    assert forged != "<script> in a log line"


def test_json_logs_carry_the_request_id(app):
    record = logging.LogRecord("marketplace", logging.INFO, __file__, 1, "Listing %s approved", (7,), None)
    with app.test_request_context("/moderation", headers={"X-Request-ID": "abcdefgh1234"}):
        app.preprocess_request()
        RequestIdFilter().filter(record)
        entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "Listing 7 approved"
    assert entry["request_id"] == "abcdefgh1234"
    assert entry["path"] == "/moderation"
