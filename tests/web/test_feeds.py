"""Atom feeds of new listings, for everything or for one search."""

import datetime as dt
import xml.etree.ElementTree as ET

from marketplace.db import utcnow
from tests.factories import VacancyFactory

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response):
    feed = ET.fromstring(response.get_data())
    return feed, [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]


def test_the_feed_lists_live_jobs_newest_first(client):
    VacancyFactory(published=True, title="Teacher of Art", published_at=utcnow() - dt.timedelta(days=3))
    VacancyFactory(published=True, title="Teacher of Drama", published_at=utcnow() - dt.timedelta(days=1))
    VacancyFactory(title="Draft teacher of Music")

    response = client.get("/jobs/feed")

    assert response.mimetype == "application/atom+xml"
    feed, titles = entries(response)
    assert [t.split(",")[0] for t in titles] == ["Teacher of Drama", "Teacher of Art"]
    assert feed.findtext(f"{ATOM}title") == "New teaching jobs"


def test_a_search_has_its_own_feed_with_the_same_query(client):
    VacancyFactory(published=True, title="Teacher of Art")
    VacancyFactory(published=True, title="Teacher of Drama")

    feed, titles = entries(client.get("/jobs/feed?keyword=drama"))

    assert [t.split(",")[0] for t in titles] == ["Teacher of Drama"]
    assert feed.findtext(f"{ATOM}title") == "Teaching jobs: drama"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["alternate"].endswith("/jobs?keyword=drama")
    assert links["self"].endswith("/jobs/feed?keyword=drama")


def test_text_is_escaped_so_the_feed_stays_valid(client):
    VacancyFactory(published=True, title="Teacher of D&T <Design & Technology>")
    _, titles = entries(client.get("/jobs/feed"))
    assert titles[0].startswith("Teacher of D&T <Design & Technology>")


def test_the_search_page_offers_the_feed_of_the_same_search(client):
    page = client.get("/jobs?keyword=drama&phases=secondary").get_data(as_text=True)
    assert 'type="application/atom+xml"' in page
    assert "/jobs/feed?keyword=drama&amp;phases=secondary" in page
