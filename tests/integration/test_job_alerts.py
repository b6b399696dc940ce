"""The job alert digest rules (issue: `marketplace alerts send`), each with its own test."""

from __future__ import annotations

import sqlalchemy as sa
from click.testing import CliRunner

from marketplace.alerts.digest import send_digests
from marketplace.alerts.matching import ListingMatcher, search_of
from marketplace.alerts.models import AlertDelivery, AlertFrequency, JobAlert
from marketplace.analytics.models import Event
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.search.api import find_vacancies
from marketplace.search.geo import resolve
from marketplace.vacancies.models import Vacancy
from tests.alerts_support import BRADFORD, LEEDS, LONDON, ago, listing, make_alert
from tests.factories import ApplicationFactory, UserFactory

DAILY = AlertFrequency.DAILY


def digests(outbox) -> list:
    return [message for message in outbox() if message.template == "job_alert_digest"]


def test_a_digest_lists_only_listings_that_went_live_since_the_alerts_last_digest(app, outbox):
    alert = make_alert(keywords="mathematics", since=ago(days=1))
    listing("Teacher of Mathematics (older)", live_since=ago(days=3))
    listing("Teacher of Mathematics (new)", live_since=ago(hours=3))

    report = send_digests(DAILY)

    assert (report.digests, report.listings) == (1, 1)
    [digest] = digests(outbox)
    assert "Teacher of Mathematics (new)" in digest.text_body
    assert "(older)" not in digest.text_body

    # The next digest starts from this one: only what went live after it.
    listing("Teacher of Mathematics (newest)", live_since=utcnow())
    send_digests(DAILY, now=utcnow())
    latest = digests(outbox)[-1]
    assert "(newest)" in latest.text_body
    assert "Teacher of Mathematics (new)" not in latest.text_body
    assert db.session.get(JobAlert, alert.id).last_digest_at is not None


def test_matching_has_the_search_pages_semantics_synonyms_stemming_filters_and_radius(app, outbox):
    leeds = listing("Teacher of Mathematics", place=LEEDS, phases=["secondary"])
    bradford = listing("Maths teachers needed", place=BRADFORD, phases=["secondary"])
    london = listing("Mathematics teacher", place=LONDON, phases=["secondary"])
    primary = listing("Class teacher", place=LEEDS, phases=["primary"], subjects=[])
    make_alert(email="synonym@example.org", keywords="maths", location="Leeds", radius=5)
    make_alert(email="radius@example.org", keywords="math teaching", location="Leeds", radius=15)
    make_alert(email="filter@example.org", phases=["primary"], location="LS1 1AA", radius=15)

    send_digests(DAILY)

    sent = {message.recipient: message.text_body for message in digests(outbox)}
    # "maths" finds "Mathematics" (a synonym group); 5 miles of Leeds leaves Bradford out.
    assert leeds.title in sent["synonym@example.org"]
    assert bradford.title not in sent["synonym@example.org"]
    # "math" ~ "maths", "teaching" stems like "teachers"; within 15 miles Bradford is in, London never.
    assert bradford.title in sent["radius@example.org"]
    assert london.title not in sent["radius@example.org"]
    assert primary.title in sent["filter@example.org"]
    assert leeds.title not in sent["filter@example.org"]

    # The same searches on the search page's engine find exactly the same listings.
    now = utcnow()
    listings = db.session.scalars(sa.select(Vacancy)).all()
    matcher = ListingMatcher(listings, now=now, resolve_location=lambda typed: resolve(typed, db.session))
    with matcher:
        for alert in db.session.scalars(sa.select(JobAlert)):
            search = search_of(alert.criteria)
            on_search_page = set(find_vacancies(search, now=now, snippets=False).ids)
            assert matcher.matching_ids(alert.criteria) == on_search_page, alert.criteria


def test_listings_the_person_applied_for_are_left_out(app, outbox):
    jobseeker = UserFactory(email="applicant@example.org")
    applied = listing("Teacher of Mathematics (applied)")
    listing("Teacher of Mathematics (not applied)")
    ApplicationFactory(vacancy=applied, jobseeker=jobseeker)
    make_alert(user=jobseeker, keywords="maths")
    # An alert without an account, for the address the application was made from.
    make_alert(email="Applicant@Example.org", keywords="mathematics")

    send_digests(DAILY)

    sent = digests(outbox)
    assert len(sent) == 2
    for message in sent:
        assert "(not applied)" in message.text_body
        assert "(applied)" not in message.text_body


def test_a_listing_is_never_sent_twice_to_the_same_alert(app, outbox):
    alert = make_alert(keywords="maths")
    listing("Teacher of Mathematics")
    send_digests(DAILY)
    # Even if the watermark were wound back (a restored backup, a clock change), the record of
    # deliveries keeps the listing from being sent again.
    db.session.execute(sa.update(JobAlert).values(covered_until=ago(days=5)))
    db.session.commit()

    report = send_digests(DAILY)

    assert report.digests == 0
    assert len(digests(outbox)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AlertDelivery)) == 1
    assert db.session.get(JobAlert, alert.id) is not None


def test_running_again_sends_nothing_twice(app, outbox):
    make_alert(keywords="maths")
    make_alert(keywords="teacher", email="other@example.org")
    listing("Teacher of Mathematics")

    first = send_digests(DAILY)
    again = send_digests(DAILY)

    assert (first.digests, again.digests) == (2, 0)
    assert len(digests(outbox)) == 2


def test_a_crash_halfway_then_a_rerun_never_double_sends(app, outbox):
    alerts = [make_alert(keywords="maths", email=f"person{n}@example.org") for n in range(4)]
    listing("Teacher of Mathematics")

    class Crash(Exception):
        pass

    done = []

    def crash_after_two(alert):
        done.append(alert.id)
        if len(done) == 2:
            raise Crash

    try:
        send_digests(DAILY, progress=crash_after_two)
    except Crash:
        db.session.rollback()
    assert len(digests(outbox)) == 2

    report = send_digests(DAILY)

    assert report.digests == 2
    recipients = sorted(message.recipient for message in digests(outbox))
    assert recipients == sorted(alert.email for alert in alerts)  # each exactly once


def test_a_crash_inside_an_alerts_transaction_sends_nothing_for_it(app, outbox, monkeypatch):
    make_alert(keywords="maths")
    listing("Teacher of Mathematics")
    from marketplace.notifications.messages import alerts as alert_messages

    def broken_queue(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(alert_messages, "queue_email", broken_queue)
    try:
        send_digests(DAILY)
    except RuntimeError:
        db.session.rollback()
    monkeypatch.undo()
    assert digests(outbox) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AlertDelivery)) == 0

    assert send_digests(DAILY).digests == 1
    assert len(digests(outbox)) == 1


def test_unconfirmed_alerts_never_send(app, outbox):
    make_alert(keywords="maths", confirmed=False)
    unverified = UserFactory(unverified=True)
    make_alert(user=unverified, keywords="maths")
    listing("Teacher of Mathematics")

    report = send_digests(DAILY)

    assert report.alerts == 0
    assert digests(outbox) == []


def test_daily_and_weekly_alerts_are_sent_by_their_own_runs(app, outbox):
    make_alert(keywords="maths", frequency=AlertFrequency.WEEKLY, since=ago(days=7))
    listing("Teacher of Mathematics", live_since=ago(days=3))

    assert send_digests(DAILY).digests == 0
    assert send_digests(AlertFrequency.WEEKLY).digests == 1


def test_digest_headers_links_and_events(app, outbox):
    make_alert(keywords="maths")
    vacancy = listing("Teacher of Mathematics")

    send_digests(DAILY)

    [digest] = digests(outbox)
    unsubscribe = digest.headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://localhost/job-alerts/unsubscribe/")
    assert unsubscribe.endswith(">")
    assert digest.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe[1:-1] in digest.text_body
    assert "http://localhost/job-alerts/click/" in digest.html_body
    assert f"/jobs/{vacancy.id}" not in digest.text_body  # every job link is counted on the way
    [event] = db.session.scalars(sa.select(Event).where(Event.name == "alert_sent")).all()
    assert event.properties == {"frequency": "daily", "listings": 1}


def test_the_command_reports_what_it_sent(app, outbox):
    make_alert(keywords="maths")
    listing("Teacher of Mathematics")

    result = CliRunner().invoke(app.cli, ["alerts", "send", "--frequency", "daily"], catch_exceptions=False)

    assert result.exit_code == 0
    assert "1 daily alerts" in result.output
    assert "1 digests queued with 1 listings" in result.output
    assert "(1 alerts in " in result.output  # with the rate, and no progress line off a terminal
    assert "\r" not in result.output
    again = CliRunner().invoke(app.cli, ["alerts", "send", "--frequency", "daily"])
    assert "0 digests queued" in again.output
    bad = CliRunner().invoke(app.cli, ["alerts", "send", "--frequency", "hourly"])
    assert bad.exit_code != 0


def test_the_unsubscribe_headers_arrive_over_real_smtp(app, outbox):
    from tests.integration.outbox_support import running_smtp_server

    servers = running_smtp_server()
    server = next(servers)
    try:
        app.config.update(server.config())
        make_alert(keywords="maths", email="smtp@example.org")
        listing("Teacher of Mathematics")

        send_digests(DAILY)

        [received] = server.received
        assert received.recipients == ["smtp@example.org"]
        assert str(received.message["List-Unsubscribe"]).startswith(
            "<http://localhost/job-alerts/unsubscribe/"
        )
        assert str(received.message["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
    finally:
        servers.close()


def test_an_alert_for_a_place_that_cannot_be_found_matches_nothing(app, outbox):
    listing("Teacher of Mathematics", place=LEEDS)
    make_alert(email="lost@example.org", keywords="maths", location="Atlantis")
    make_alert(email="found@example.org", keywords="maths", location="Leeds")

    send_digests(DAILY)

    assert [message.recipient for message in digests(outbox)] == ["found@example.org"]
