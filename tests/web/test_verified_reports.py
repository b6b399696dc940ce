"""Reports hide a listing only when verified reporters on different networks make them.

One person with one browser and made-up addresses must not be able to take a live listing down; the
moderator sees a burst from one network as one source and can dismiss it as abuse in one action.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from marketplace.audit import AuditEvent
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.moderation import reports
from marketplace.moderation.models import ListingReport
from marketplace.vacancies.lifecycle import VacancyStatus
from tests.conftest import sign_in_as
from tests.factories import UserFactory, VacancyFactory
from tests.web.report_helpers import confirmation_link, report_from


def _live(client, vacancy) -> bool:
    return client.get(f"/jobs/{vacancy.id}").status_code == 200


def _confirm_every_report(client, outbox) -> None:
    for message in outbox(template="report_confirm"):
        page = client.post(confirmation_link(message)).get_data(as_text=True)
        assert "Your report is confirmed" in page


def _in_search(client, title: str) -> bool:
    return title in client.get("/jobs?keyword=zoology").get_data(as_text=True)


def test_three_confirmed_emails_from_one_network_do_not_hide_a_listing(client, outbox):
    vacancy = VacancyFactory(published=True)

    for name in ("ann", "bob", "cat"):
        page = report_from(client, vacancy.id, "203.0.113.7", f"{name}@example.net").get_data(as_text=True)
        assert "Check your email to confirm your report" in page
    _confirm_every_report(client, outbox)

    assert _live(client, vacancy)
    assert reports.verified_source_count(vacancy.id) == 1


def test_three_networks_with_unconfirmed_emails_do_not_hide_a_listing_but_reach_moderators(client, outbox):
    vacancy = VacancyFactory(published=True)

    for number, name in enumerate(("ann", "bob", "cat"), start=1):
        report_from(client, vacancy.id, f"198.51.100.{number}", f"{name}@example.net")

    assert _live(client, vacancy)
    assert len(outbox(template="report_confirm")) == 3
    sign_in_as(client, UserFactory(moderator=True))
    listing = client.get("/moderation/reports").get_data(as_text=True)
    assert vacancy.title in listing
    assert "0 of 3" in listing


def test_three_confirmed_reporters_on_different_networks_hide_a_listing(client, outbox):
    vacancy = VacancyFactory(published=True)

    for number, name in enumerate(("ann", "bob", "cat"), start=1):
        report_from(client, vacancy.id, f"198.51.100.{number}", f"{name}@example.net")
    assert _live(client, vacancy)
    _confirm_every_report(client, outbox)

    assert not _live(client, vacancy)
    db.session.refresh(vacancy)
    assert vacancy.status is VacancyStatus.PENDING_REVIEW


def test_signed_in_reporters_count_at_once_but_one_network_counts_once(client, outbox):
    vacancy = VacancyFactory(published=True)

    for _ in range(3):  # three accounts from one network: one source
        sign_in_as(client, UserFactory())
        page = report_from(client, vacancy.id, "192.0.2.10").get_data(as_text=True)
        assert "Thank you, a moderator will look at it" in page
    assert _live(client, vacancy)
    for address in ("192.0.2.11", "192.0.2.12"):
        sign_in_as(client, UserFactory())
        report_from(client, vacancy.id, address)

    assert not _live(client, vacancy)
    assert outbox(template="report_confirm") == []  # accounts with confirmed addresses need no link


def test_a_signed_in_account_with_an_unconfirmed_address_confirms_by_email(client, outbox):
    vacancy = VacancyFactory(published=True)
    person = UserFactory(unverified=True)
    sign_in_as(client, person)

    page = report_from(client, vacancy.id, "192.0.2.20").get_data(as_text=True)

    assert "Check your email to confirm your report" in page
    assert outbox(template="report_confirm", recipient=person.email)


def test_a_report_without_an_email_is_thanked_and_never_counted(client):
    vacancy = VacancyFactory(published=True)

    page = report_from(client, vacancy.id, "192.0.2.30").get_data(as_text=True)

    assert "Thank you, a moderator will look at it" in page
    assert "Check your email" not in page
    assert reports.verified_source_count(vacancy.id) == 0


def test_the_confirmation_link_works_once_and_a_bad_one_says_why(client, outbox):
    vacancy = VacancyFactory(published=True, title="Teacher of Zoology")
    report_from(client, vacancy.id, "198.51.100.9", "ann@example.net")
    link = confirmation_link(outbox(template="report_confirm")[0])

    shown = client.get(link)
    assert "Confirm my report" in shown.get_data(as_text=True)
    assert shown.headers["Referrer-Policy"] == "no-referrer"
    assert db.session.scalar(sa.select(ListingReport.confirmed_at)) is None  # opening it changes nothing
    assert "Your report is confirmed" in client.post(link).get_data(as_text=True)
    again = client.post(link)
    assert again.status_code == 200
    assert "Your report is already confirmed" in again.get_data(as_text=True)
    assert "already confirmed" in client.get(link).get_data(as_text=True)
    confirmations = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "report.confirm"))
    assert len(list(confirmations)) == 1

    forged = client.get(link[:-3] + "abc")
    assert forged.status_code == 404
    assert "This link is not valid" in forged.get_data(as_text=True)
    assert client.post("/reports/confirm/nonsense").status_code == 404


def test_an_expired_confirmation_link_says_so_and_reporting_again_sends_a_new_one(client, app, outbox):
    vacancy = VacancyFactory(published=True)
    report_from(client, vacancy.id, "198.51.100.9", "ann@example.net")
    report = db.session.scalar(sa.select(ListingReport))
    old = utcnow() - dt.timedelta(hours=app.config["TOKEN_MAX_AGE_HOURS"] + 1)
    with app.test_request_context():
        expired = reports.CONFIRM_PATH + reports.confirmation_token(report, now=old)

    page = client.post(expired)

    assert page.status_code == 410
    assert "This link has expired" in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(ListingReport.confirmed_at)) is None
    resent = report_from(client, vacancy.id, "198.51.100.9", "ann@example.net").get_data(as_text=True)
    assert "We have sent a new link" in resent
    assert db.session.scalar(sa.select(sa.func.count(ListingReport.id))) == 1
    assert "Your report is confirmed" in client.post(
        confirmation_link(outbox(template="report_confirm")[-1])
    ).get_data(as_text=True)


def test_bad_report_input_is_shown_again_with_what_was_typed(client):
    vacancy = VacancyFactory(published=True)

    page = client.post(
        f"/jobs/{vacancy.id}/report",
        data={"details": "They want £40 for a DBS check.", "email": "ann at example"},
    )

    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "There is a problem" in text
    assert "Select what is wrong with this listing" in text
    assert "Enter an email address in the correct format" in text
    assert "They want £40 for a DBS check." in text
    assert "ann at example" in text


def test_moderators_see_reports_grouped_by_source_and_dismiss_a_burst_as_abuse(client, app, outbox):
    app.config["REPORTS_TO_HIDE"] = 2
    vacancy = VacancyFactory(published=True, title="Teacher of Zoology")
    assert _in_search(client, "Teacher of Zoology")
    for name in ("ann", "bob", "cat"):  # one person, one network, three made-up addresses
        report_from(client, vacancy.id, "203.0.113.7", f"{name}@example.net")
    _confirm_every_report(client, outbox)
    report_from(client, vacancy.id, "203.0.113.7")  # and once more without an address
    sign_in_as(client, UserFactory(email="real@example.org"))
    report_from(client, vacancy.id, "198.51.100.23", category="misleading")
    assert not _live(client, vacancy)
    assert not _in_search(client, "Teacher of Zoology")

    moderator = UserFactory(moderator=True)
    sign_in_as(client, moderator)
    page = client.get(f"/moderation/vacancies/{vacancy.id}").get_data(as_text=True)
    burst = reports.source_label(reports.network_key("203.0.113.7", secret_key=app.config["SECRET_KEY"]))
    single = reports.source_label(reports.network_key("198.51.100.23", secret_key=app.config["SECRET_KEY"]))
    assert f"{burst}: 4 reports" in page
    assert f"{single}: 1 report" in page
    assert "Confirmed email: 3; No email given: 1." in page
    assert "Signed-in account: 1." in page
    assert "203.0.113.7" not in page  # the address itself is never stored or shown
    assert page.index(burst) < page.index(single)  # the biggest source first

    source = db.session.scalar(
        sa.select(ListingReport.network_key).where(ListingReport.reporter_email == "ann@example.net")
    )
    refused = client.post(
        f"/moderation/vacancies/{vacancy.id}/reports/dismiss-as-abuse",
        data={"abuse-source": source, "abuse-reason": ""},
    )
    assert refused.status_code == 400
    assert "Enter why these reports are abuse" in refused.get_data(as_text=True)
    assert not _live(client, vacancy)

    done = client.post(
        f"/moderation/vacancies/{vacancy.id}/reports/dismiss-as-abuse",
        data={"abuse-source": source, "abuse-reason": "One network, four made-up reporters in a minute."},
        follow_redirects=True,
    )

    text = done.get_data(as_text=True)
    assert f"Dismissed 4 reports from {burst} as abuse" in text
    assert "is live again" in text
    assert _live(client, vacancy)
    assert _in_search(client, "Teacher of Zoology")  # back in search at once
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "report.dismiss_abuse"))
    assert event.actor_id == moderator.id
    assert event.reason == "One network, four made-up reporters in a minute."
    assert len(event.data["report_ids"]) == 4
    open_left = db.session.scalars(sa.select(ListingReport).where(ListingReport.status == "open")).all()
    assert [r.reporter_email for r in open_left] == ["real@example.org"]  # the genuine one still waits
    assert outbox(template="report_closed") == []  # nobody in the burst hears anything


def test_dismissing_a_burst_leaves_a_listing_hidden_while_other_sources_still_reach_the_threshold(
    client, app, outbox
):
    app.config["REPORTS_TO_HIDE"] = 2
    vacancy = VacancyFactory(published=True)
    report_from(client, vacancy.id, "192.0.2.2", "ann@example.net")
    report_from(client, vacancy.id, "192.0.2.3", "bob@example.net")
    for _ in range(2):
        sign_in_as(client, UserFactory())
        report_from(client, vacancy.id, "192.0.2.1")
    assert _live(client, vacancy)
    _confirm_every_report(client, outbox)  # the second confirmation arrives after the listing is hidden
    assert not _live(client, vacancy)
    assert reports.verified_source_count(vacancy.id) == 3

    sign_in_as(client, UserFactory(moderator=True))
    source = reports.network_key("192.0.2.1", secret_key=app.config["SECRET_KEY"])
    done = client.post(
        f"/moderation/vacancies/{vacancy.id}/reports/dismiss-as-abuse",
        data={"abuse-source": source, "abuse-reason": "Two accounts from one office."},
        follow_redirects=True,
    )

    assert "Dismissed 2 reports" in done.get_data(as_text=True)
    assert "is live again" not in done.get_data(as_text=True)
    assert not _live(client, vacancy)
    again = client.post(
        f"/moderation/vacancies/{vacancy.id}/reports/dismiss-as-abuse",
        data={"abuse-source": source, "abuse-reason": "Twice."},
        follow_redirects=True,
    )
    assert "no longer open" in again.get_data(as_text=True)
