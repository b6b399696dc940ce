"""Moderation in a real browser: a flagged listing is returned for changes, sent back with a reply and
published once a moderator approves the fix; a reported listing is hidden once its reporter confirms,
removed, appealed by the school and put back by a second moderator."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.notifications.models import OutboxMessage
from tests.browser.pages import sign_in, sign_out
from tests.factories import MembershipFactory, UserFactory, VacancyFactory

pytestmark = pytest.mark.browser


def form_with_button(page, name: str):
    return page.locator("form").filter(has=page.get_by_role("button", name=name, exact=True))


def emailed_path(template: str, recipient: str) -> str:
    db.session.expire_all()
    message = db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.template == template, OutboxMessage.recipient == recipient
        )
    ).first()
    return re.search(r"https?://[^/\s]+(/\S+)", message.text_body).group(1)


def test_a_flagged_listing_goes_back_for_changes_and_is_published_once_fixed(page, live_server):
    membership = MembershipFactory()
    VacancyFactory(
        organisation=membership.organisation, published=True, title="Caretaker", about_role="Site."
    )
    flagged = VacancyFactory(
        pending=True,
        organisation=membership.organisation,
        created_by=membership.user,
        title="Teacher of Chemistry",
        about_role="We want a young and dynamic chemist to join us.",
    )

    moderator = UserFactory(moderator=True)
    sign_in(page, live_server, moderator.email)
    page.goto(f"{live_server}/moderation")
    page.get_by_role("link", name="Teacher of Chemistry").click()
    expect(page.locator("mark", has_text="young and dynamic").first).to_be_visible()
    page.get_by_label("What should the school change?").fill("Describe the skills you need, not an age.")
    page.get_by_role("button", name="Request changes").click()
    expect(page.get_by_text("Returned to the school for changes")).to_be_visible()
    sign_out(page)

    sign_in(page, live_server, membership.user.email)
    page.goto(f"{live_server}/school/vacancies/{flagged.id}/edit")
    expect(page.get_by_text("Describe the skills you need, not an age.")).to_be_visible()
    page.get_by_role("link", name="Change about the role").first.click()
    page.get_by_label("About the role").fill("We want an enthusiastic chemist to join us.")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Send back to the moderator").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your reply to the moderator")
    page.get_by_label("Your reply to the moderator").fill("Reworded, thank you.")
    page.get_by_role("button", name="Send back to the moderator").click()
    expect(page.get_by_text("Teacher of Chemistry").first).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    sign_out(page)
    # It waits for the moderator, who sees the reply and what changed, and approves it.
    assert page.goto(f"{live_server}/jobs/{flagged.id}").status == 404

    sign_in(page, live_server, moderator.email)
    page.goto(f"{live_server}/moderation/vacancies/{flagged.id}")
    expect(page.locator("#returned")).to_contain_text("Reworded, thank you.")
    expect(page.locator("#changes")).to_contain_text("About the role")
    expect(page.locator("#changes")).to_contain_text("We want an enthusiastic chemist to join us.")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved: Teacher of Chemistry")).to_be_visible()
    sign_out(page)

    page.goto(f"{live_server}/jobs/{flagged.id}")
    expect(page.get_by_role("heading", name="Teacher of Chemistry")).to_be_visible()


def test_a_reported_listing_is_hidden_removed_appealed_and_reinstated(page, live_server, app):
    app.config["REPORTS_TO_HIDE"] = 1
    membership = MembershipFactory()
    listing = VacancyFactory(
        published=True,
        organisation=membership.organisation,
        created_by=membership.user,
        title="Teacher of Art",
    )

    # A visitor, not signed in, reports it and confirms their address: with one verified report
    # needed, it is hidden as soon as they confirm.
    page.goto(f"{live_server}/jobs/{listing.id}")
    page.get_by_role("link", name="Report this listing").click()
    page.get_by_label("It looks like a scam (fees, bank details, no interview)").check()
    page.get_by_label("Tell us more (optional)").fill("They asked me to pay for a DBS check.")
    page.get_by_label("Your email address (optional)").fill("visitor@example.org")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Check your email to confirm your report")).to_be_visible()
    assert page.goto(f"{live_server}/jobs/{listing.id}").status == 200  # not until it is confirmed
    page.goto(live_server + emailed_path("report_confirm", "visitor@example.org"))
    page.get_by_role("button", name="Confirm my report").click()
    expect(page.get_by_role("heading", name="Your report is confirmed")).to_be_visible()
    assert page.goto(f"{live_server}/jobs/{listing.id}").status == 404

    remover = UserFactory(moderator=True)
    sign_in(page, live_server, remover.email)
    page.goto(f"{live_server}/moderation/reports")
    page.get_by_role("link", name="Teacher of Art").click()
    decide = form_with_button(page, "Decide reports")
    decide.get_by_label("Remove the listing", exact=True).check()
    decide.get_by_label("Reason").fill("Asking candidates for a fee.")
    page.get_by_role("button", name="Decide reports").click()
    sign_out(page)
    assert page.goto(f"{live_server}/jobs/{listing.id}").status == 410

    sign_in(page, live_server, membership.user.email)
    page.goto(live_server + emailed_path("vacancy_removed", membership.user.email))
    page.goto(f"{live_server}/school/vacancies/{listing.id}/appeal")
    page.get_by_label("Why should the decision change?").fill("The DBS line was a mistake and is gone.")
    page.get_by_role("button", name="Send appeal").click()
    sign_out(page)

    sign_in(page, live_server, UserFactory(moderator=True).email)
    page.goto(f"{live_server}/moderation/appeals")
    page.get_by_role("link", name=re.compile(r"^Appeal \d+")).first.click()
    page.get_by_label("Overturn: put the listing back").check()
    page.get_by_label("Reason").fill("The school fixed the listing.")
    page.get_by_role("button", name="Decide appeal").click()
    sign_out(page)

    response = page.goto(f"{live_server}/jobs/{listing.id}")
    assert response.status == 200
    expect(page.get_by_role("heading", name="Teacher of Art")).to_be_visible()


def test_a_moderator_dismisses_a_burst_of_reports_and_the_listing_comes_back(page, live_server, app):
    from marketplace.moderation import reports
    from marketplace.moderation.models import ReportCategory

    app.config["REPORTS_TO_HIDE"] = 2
    listing = VacancyFactory(published=True, title="Teacher of Music")
    for _ in range(3):  # three accounts, one network: they count once
        reports.report_listing(
            listing,
            category=ReportCategory.SCAM,
            details="Scam.",
            reporter_email=None,
            reporter=UserFactory(),
            network_address="203.0.113.7",
            hide_after=2,
        )
    reports.report_listing(
        listing,
        category=ReportCategory.MISLEADING,
        details="Wrong salary.",
        reporter_email=None,
        reporter=UserFactory(),
        network_address="198.51.100.23",
        hide_after=2,
    )
    db.session.commit()
    assert page.goto(f"{live_server}/jobs/{listing.id}").status == 404
    burst = reports.source_label(reports.network_key("203.0.113.7", secret_key=app.config["SECRET_KEY"]))

    sign_in(page, live_server, UserFactory(moderator=True).email)
    page.goto(f"{live_server}/moderation/reports")
    page.get_by_role("link", name="Teacher of Music").click()
    expect(page.get_by_role("heading", name=f"{burst}: 3 reports")).to_be_visible()
    dismiss = form_with_button(page, f"Dismiss 3 open reports from {burst} as abuse")
    dismiss.get_by_label("Why are these reports abuse?").fill("Three accounts on one network in a minute.")
    dismiss.get_by_role("button").click()
    expect(page.get_by_text(f"Dismissed 3 reports from {burst} as abuse")).to_be_visible()
    sign_out(page)

    assert page.goto(f"{live_server}/jobs/{listing.id}").status == 200
