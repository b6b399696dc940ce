"""Moderation through the web layer: the school, the moderators and the public, as each of them meets it."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.audit import AuditEvent
from marketplace.extensions import db
from marketplace.moderation.models import Appeal, ListingMessage, ListingReport
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from tests.conftest import sign_in_as
from tests.factories import MembershipFactory, UserFactory, VacancyFactory, listing_history
from tests.web.downloads import csv_rows
from tests.web.listing_wizard import post_listing
from tests.web.report_helpers import confirmation_link
from tests.web.test_vacancy_journey import vacancy_form


def _school_with_history():
    """A verified school with listings approved before, posted by this long-standing member."""
    membership = MembershipFactory()
    listing_history(membership)
    return membership


def test_a_trusted_school_publishes_a_clean_listing_at_once(client):
    membership = _school_with_history()
    sign_in_as(client, membership.user)

    response = post_listing(client, vacancy_form(membership.organisation_id), submit=True)

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your listing is live" in page
    vacancy = db.session.scalar(sa.select(Vacancy).where(Vacancy.title == "Teacher of Chemistry"))
    assert vacancy.status is VacancyStatus.PUBLISHED
    assert client.get(f"/jobs/{vacancy.id}").status_code == 200


def test_a_blocked_listing_is_saved_as_a_draft_and_the_school_sees_what_to_fix(client):
    membership = _school_with_history()
    sign_in_as(client, membership.user)
    form = vacancy_form(
        membership.organisation_id, submit="1", about_role="Candidates must pay a £40 DBS fee."
    )

    response = post_listing(client, form, submit=True)

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "cannot be published until you fix 2 problems" in page
    assert "Check your listing" in page
    assert "Must fix" in page
    assert "Never ask candidates to pay" in page
    vacancy = db.session.scalar(sa.select(Vacancy).where(Vacancy.title == "Teacher of Chemistry"))
    assert vacancy.status is VacancyStatus.DRAFT


def test_flagged_listing_request_changes_resubmit_and_approve(client, outbox):
    membership = _school_with_history()
    moderator = UserFactory(moderator=True)
    sign_in_as(client, membership.user)
    flagged = vacancy_form(
        membership.organisation_id, submit="1", about_role="We want a young and dynamic chemist."
    )
    post_listing(client, flagged, submit=True)
    vacancy = db.session.scalar(sa.select(Vacancy).where(Vacancy.title == "Teacher of Chemistry"))
    assert vacancy.status is VacancyStatus.PENDING_REVIEW

    sign_in_as(client, moderator)
    queue = client.get("/moderation?rule=equality.age&severity=review").get_data(as_text=True)
    assert "Teacher of Chemistry" in queue
    assert "Age" in queue
    assert "Teacher of Chemistry" not in client.get("/moderation?rule=scam.fees").get_data(as_text=True)
    review = client.get(f"/moderation/vacancies/{vacancy.id}").get_data(as_text=True)
    assert "<mark>young and dynamic</mark>" in review
    assert client.post(f"/moderation/vacancies/{vacancy.id}/claim").status_code == 302
    assert "Claimed by" in client.get("/moderation").get_data(as_text=True)
    client.post(
        f"/moderation/vacancies/{vacancy.id}/request-changes",
        data={"message": "Please describe the skills rather than age."},
    )
    db.session.refresh(vacancy)
    assert vacancy.status is VacancyStatus.DRAFT
    [email] = outbox(template="vacancy_changes_requested", recipient=membership.user.email)
    assert "describe the skills" in email.text_body

    sign_in_as(client, membership.user)
    edit = client.get(f"/school/vacancies/{vacancy.id}/edit", follow_redirects=True).get_data(as_text=True)
    assert "Please describe the skills rather than age." in edit
    assert "Needs a moderator" in edit
    fixed = vacancy_form(
        membership.organisation_id,
        submit="1",
        about_role="We want an enthusiastic chemist.",
        message_to_moderator="Done, thank you.",
    )
    post_listing(client, fixed, vacancy_id=vacancy.id, submit=True)
    db.session.refresh(vacancy)
    # A school with a record and now a clean listing, but a moderator asked: it goes back to them.
    assert vacancy.status is VacancyStatus.PENDING_REVIEW
    assert client.get(f"/jobs/{vacancy.id}").status_code == 404

    sign_in_as(client, moderator)
    review = client.get(f"/moderation/vacancies/{vacancy.id}").get_data(as_text=True)
    assert "Done, thank you." in review
    assert "About the role" in review
    assert "We want an enthusiastic chemist." in review
    client.post(f"/moderation/vacancies/{vacancy.id}/approve", data={"note": ""})
    db.session.refresh(vacancy)
    assert vacancy.status is VacancyStatus.PUBLISHED
    messages = db.session.scalars(sa.select(ListingMessage).order_by(ListingMessage.id)).all()
    assert [(m.from_moderator, m.body) for m in messages] == [
        (True, "Please describe the skills rather than age."),
        (False, "Done, thank you."),
    ]
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.subject_id == vacancy.id).order_by(AuditEvent.id)
    ).all()
    # The wizard records one edit per section saved: one entry per run of them is enough here.
    actions = [a for i, a in enumerate(actions) if not (a == "vacancy.edit" and actions[i - 1] == a)]
    assert actions == [
        "vacancy.create",
        "vacancy.edit",
        "vacancy.submit",
        "policy.review",
        "vacancy.claim",
        "vacancy.request_changes",
        "vacancy.edit",
        "vacancy.submit",
        "policy.review",
        "vacancy.approve",
    ]


def test_canned_reasons_and_free_text_make_the_rejection(client, outbox):
    membership = MembershipFactory()
    vacancy = VacancyFactory(pending=True, organisation=membership.organisation, created_by=membership.user)
    sign_in_as(client, UserFactory(moderator=True))

    client.post(
        f"/moderation/vacancies/{vacancy.id}/reject", data={"reasons": ["pay"], "reason": "Say the grade."}
    )

    [email] = outbox(template="vacancy_rejected", recipient=membership.user.email)
    assert "does not say what the job pays" in email.text_body
    assert "Say the grade." in email.text_body


def test_bulk_approve_skips_what_someone_else_decided(client):
    first, second = VacancyFactory(pending=True), VacancyFactory(pending=True)
    decided = VacancyFactory(published=True)
    sign_in_as(client, UserFactory(moderator=True))

    response = client.post(
        "/moderation/bulk",
        data={"vacancy_ids": [str(first.id), str(second.id), str(decided.id)], "decision": "approve"},
        follow_redirects=True,
    )

    page = response.get_data(as_text=True)
    assert "Approved 2 listings" in page
    assert f"Listing {decided.id} was skipped" in page
    assert "cannot be approved" in page
    for vacancy in (first, second):
        db.session.refresh(vacancy)
        assert vacancy.status is VacancyStatus.PUBLISHED
    refused = client.post(
        "/moderation/bulk", data={"vacancy_ids": [str(first.id)], "decision": "reject"}, follow_redirects=True
    )
    assert "Enter the reason for rejecting these listings" in refused.get_data(as_text=True)


def test_report_hide_remove_appeal_reinstate(client, app, outbox):
    app.config["REPORTS_TO_HIDE"] = 2
    membership = MembershipFactory()
    vacancy = VacancyFactory(published=True, organisation=membership.organisation, created_by=membership.user)
    assert "Report this listing" in client.get(f"/jobs/{vacancy.id}").get_data(as_text=True)

    bad = client.post(f"/jobs/{vacancy.id}/report", data={"category": "nonsense", "email": "not an email"})
    assert bad.status_code == 400
    assert "There is a problem" in bad.get_data(as_text=True)
    report = {"category": "scam", "details": "They asked me for a DBS fee.", "email": "reporter@example.org"}
    sent = client.post(f"/jobs/{vacancy.id}/report", data=report, follow_redirects=True)
    assert "Check your email to confirm your report" in sent.get_data(as_text=True)
    again = client.post(f"/jobs/{vacancy.id}/report", data=report, follow_redirects=True)
    assert "already reported" in again.get_data(as_text=True)
    link = confirmation_link(outbox(template="report_confirm", recipient="reporter@example.org")[-1])
    assert "Your report is confirmed" in client.post(link).get_data(as_text=True)
    assert client.get(f"/jobs/{vacancy.id}").status_code == 200  # one reporter is not enough to hide it
    sign_in_as(client, UserFactory(email="second@example.org"))
    thanked = client.post(
        f"/jobs/{vacancy.id}/report",
        data={"category": "scam"},
        environ_base={"REMOTE_ADDR": "10.1.1.1"},
        follow_redirects=True,
    )
    assert "Thank you, a moderator will look at it" in thanked.get_data(as_text=True)
    assert client.get(f"/jobs/{vacancy.id}").status_code in (404, 410)  # hidden until a moderator decides

    remover = UserFactory(moderator=True)
    sign_in_as(client, remover)
    assert vacancy.title in client.get("/moderation/reports").get_data(as_text=True)
    client.post(
        f"/moderation/vacancies/{vacancy.id}/reports", data={"outcome": "remove", "reason": "Fee scam."}
    )
    db.session.refresh(vacancy)
    assert vacancy.status is VacancyStatus.REMOVED
    assert {r.status for r in db.session.scalars(sa.select(ListingReport))} == {"upheld"}
    # Both reporters are verified, so both hear the outcome.
    closed = [m.recipient for m in outbox(template="report_closed")]
    assert closed == ["reporter@example.org", "second@example.org"]
    assert outbox(template="vacancy_removed", recipient=membership.user.email)

    sign_in_as(client, membership.user)
    client.post(
        f"/school/vacancies/{vacancy.id}/appeal", data={"statement": "The fee line was a typo; removed."}
    )
    appeal = db.session.scalar(sa.select(Appeal))
    assert (
        client.post(f"/school/vacancies/{vacancy.id}/appeal", data={"statement": "Again"}).status_code == 200
    )
    assert db.session.scalar(sa.select(sa.func.count(Appeal.id))) == 1

    sign_in_as(client, remover)
    own = client.post(f"/moderation/appeals/{appeal.id}", data={"outcome": "overturn", "reason": "Fine."})
    assert own.status_code == 400
    assert "different moderator" in own.get_data(as_text=True)
    sign_in_as(client, UserFactory(moderator=True))
    client.post(
        f"/moderation/appeals/{appeal.id}", data={"outcome": "overturn", "reason": "Fixed by the school."}
    )
    db.session.refresh(vacancy)
    assert vacancy.status is VacancyStatus.PUBLISHED
    assert client.get(f"/jobs/{vacancy.id}").status_code == 200
    assert outbox(template="appeal_decided", recipient=membership.user.email)
    actions = set(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.subject_id == vacancy.id)))
    assert {"report.create", "vacancy.hold", "vacancy.remove", "report.uphold", "appeal.create"} <= actions
    assert {"appeal.overturn", "vacancy.reinstate"} <= actions


def test_dismissing_reports_puts_a_hidden_listing_back(client, app):
    app.config["REPORTS_TO_HIDE"] = 1
    vacancy = VacancyFactory(published=True)
    sign_in_as(client, UserFactory())  # a signed-in account with a confirmed address counts at once
    client.post(f"/jobs/{vacancy.id}/report", data={"category": "misleading"})
    assert client.get(f"/jobs/{vacancy.id}").status_code in (404, 410)

    sign_in_as(client, UserFactory(moderator=True))
    client.post(
        f"/moderation/vacancies/{vacancy.id}/reports", data={"outcome": "dismiss", "reason": "It is fine."}
    )

    assert client.get(f"/jobs/{vacancy.id}").status_code == 200


def test_suspending_an_organisation_from_the_sanctions_pages(client):
    vacancy = VacancyFactory(published=True)
    sign_in_as(client, UserFactory(moderator=True))
    assert vacancy.organisation.name in client.get(
        f"/moderation/sanctions?q={vacancy.organisation.urn}"
    ).get_data(as_text=True)

    client.post(f"/moderation/organisations/{vacancy.organisation_id}", data={"reason": "Fake school."})

    assert client.get(f"/jobs/{vacancy.id}").status_code in (404, 410)
    client.post(f"/moderation/organisations/{vacancy.organisation_id}", data={"reason": "Checked."})
    assert client.get(f"/jobs/{vacancy.id}").status_code == 200


def test_the_audit_log_filters_and_exports_csv_and_the_metrics_page_adds_up(client):
    vacancy = VacancyFactory(pending=True)
    moderator = UserFactory(moderator=True)
    sign_in_as(client, moderator)
    client.post(f"/moderation/vacancies/{vacancy.id}/reject", data={"reason": '=HYPERLINK("x")'})

    page = client.get(f"/moderation/audit-log?action=vacancy.&actor={moderator.email}").get_data(as_text=True)
    assert "vacancy.reject" in page
    assert "pending_review → rejected" in page
    assert "1 event." in page
    download = client.get("/moderation/audit-log/download?action=vacancy.reject")
    rows = csv_rows(download)
    assert rows[0][:4] == ["id", "occurred_at", "actor", "action"]
    assert rows[1][2:8] == [
        moderator.email,
        "vacancy.reject",
        "vacancy",
        str(vacancy.id),
        "pending_review",
        "rejected",
    ]
    assert rows[1][8].startswith("'=")  # never a live formula in a spreadsheet
    assert (
        client.get("/moderation/audit-log?since=nonsense&page=x&subject_id=99999999999999").status_code == 200
    )

    metrics = client.get("/moderation/metrics").get_data(as_text=True)
    assert 'id="queue-length">0<' in metrics
    assert "Decisions by moderators: 1" in metrics


def test_the_public_and_schools_cannot_reach_moderation(client):
    vacancy = VacancyFactory(pending=True)
    sign_in_as(client, MembershipFactory().user)
    for url in (
        "/moderation/audit-log",
        "/moderation/metrics",
        "/moderation/sanctions",
        "/moderation/reports",
    ):
        assert client.get(url).status_code == 403
    assert client.post(f"/moderation/vacancies/{vacancy.id}/claim").status_code == 403


def test_a_moderator_verifies_an_organisation_and_the_decision_is_audited(client):
    school = MembershipFactory(organisation__verified_at=None).organisation
    moderator = UserFactory(moderator=True)
    sign_in_as(client, moderator)

    page = client.get(f"/moderation/organisations/{school.id}").get_data(as_text=True)
    assert "Verify organisation" in page
    client.post(f"/moderation/organisations/{school.id}/verify", data={"reason": "Phoned the school office."})
    again = client.post(f"/moderation/organisations/{school.id}/verify", follow_redirects=True)

    db.session.refresh(school)
    assert school.verified
    assert "already verified" in again.get_data(as_text=True)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "organisation.verified"))
    assert (event.actor_id, event.reason) == (moderator.id, "Phoned the school office.")
    sign_in_as(client, school.memberships[0].user)
    assert client.post(f"/moderation/organisations/{school.id}/verify").status_code == 403
