"""Moderation against the database: demo corpus, duplicates, policy on submit, races, sanctions, appeals."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from marketplace import audit
from marketplace.audit import AuditEvent
from marketplace.db import utcnow
from marketplace.demo import load_demo_world
from marketplace.extensions import db
from marketplace.moderation import appeals, reports, sanctions, services
from marketplace.moderation.models import ModerationDecision, ReportCategory, Suspension
from marketplace.moderation.rules import Severity
from marketplace.moderation.screening import ListingBlocked, findings_for
from marketplace.publishing.submission import submit_for_review
from marketplace.vacancies import services as vacancy_services
from marketplace.vacancies.details import VacancyDetails
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    VacancyFactory,
    listing_history,
)

pytestmark = pytest.mark.usefixtures("app")


def test_the_demo_corpus_of_clean_listings_raises_no_block_and_no_review():
    load_demo_world()
    db.session.commit()
    vacancies = db.session.scalars(sa.select(Vacancy)).all()
    assert len(vacancies) > 50

    serious = []
    for vacancy in vacancies:
        # Judge each listing as on the morning it was published, when its dates were all ahead.
        as_at = dt.datetime.combine(vacancy.publish_on, dt.time(6), dt.UTC)
        for finding in findings_for(
            VacancyDetails.from_vacancy(vacancy), vacancy.organisation, now=as_at, vacancy_id=vacancy.id
        ):
            if finding.severity is not Severity.ADVISE:
                serious.append((vacancy.title, vacancy.organisation.name, finding.rule, finding.text))
    assert serious == []


def test_a_near_duplicate_of_the_schools_own_live_listing_needs_review():
    live = VacancyFactory(
        published=True, about_role="We are looking for an enthusiastic teacher of mathematics " * 3
    )
    again = VacancyDetails.from_vacancy(live)
    again.about_role = live.about_role + " Apply soon."
    different = VacancyDetails.from_vacancy(live)
    different.title, different.about_role = "Site manager", "Look after our buildings and grounds."

    rules = {f.rule for f in findings_for(again, live.organisation)}
    assert "duplicate.same_organisation" in rules
    assert "duplicate.same_organisation" not in {f.rule for f in findings_for(different, live.organisation)}
    assert findings_for(again, live.organisation, vacancy_id=live.id) == []


def test_an_exact_copy_of_another_organisations_listing_needs_review_but_not_within_a_trust():
    text = (
        "Join our friendly mathematics department teaching key stages three and four with a supportive team "
        * 2
    )
    original = VacancyFactory(published=True, about_role=text)
    copier = OrganisationFactory()
    copy = VacancyDetails.from_vacancy(original)

    assert "duplicate.other_organisation" in {f.rule for f in findings_for(copy, copier)}
    trust = OrganisationFactory(kind="trust", urn=None, uid="TR1")
    sister_a, sister_b = OrganisationFactory(trust=trust), OrganisationFactory(trust=trust)
    VacancyFactory(published=True, organisation=sister_a, about_role=text + " Trust.")
    shared = VacancyDetails.from_vacancy(original)
    shared.about_role = text + " Trust."
    assert "duplicate.other_organisation" not in {f.rule for f in findings_for(shared, sister_b)}


def _approved_history(organisation):
    VacancyFactory(
        organisation=organisation, published=True, title="Caretaker", about_role="Look after the site."
    )


def test_a_verified_school_with_a_clean_record_and_a_clean_listing_publishes_at_once():
    membership = MembershipFactory()
    listing_history(membership)  # the school's record, and this member's own
    draft = VacancyFactory(organisation=membership.organisation, created_by=membership.user)

    submit_for_review(membership.user, draft)
    db.session.commit()

    assert draft.status is VacancyStatus.PUBLISHED
    decision = db.session.scalar(
        sa.select(ModerationDecision).where(ModerationDecision.vacancy_id == draft.id)
    )
    assert (decision.outcome, decision.moderator_id) == ("approved", None)
    actions = [e.action for e in audit.history("vacancy", draft.id)]
    assert actions == ["vacancy.submit", "policy.publish", "vacancy.approve"]


def test_new_unverified_or_flagged_listings_wait_for_a_moderator():
    new_school = MembershipFactory()
    unverified = MembershipFactory(organisation__verified_at=None)
    _approved_history(unverified.organisation)
    flagged = MembershipFactory()
    _approved_history(flagged.organisation)
    drafts = [
        VacancyFactory(organisation=new_school.organisation),
        VacancyFactory(organisation=unverified.organisation),
        VacancyFactory(organisation=flagged.organisation, about_role="A young and dynamic teacher wanted."),
    ]
    for membership, draft in zip((new_school, unverified, flagged), drafts, strict=True):
        submit_for_review(membership.user, draft)
    db.session.commit()

    assert [d.status for d in drafts] == [VacancyStatus.PENDING_REVIEW] * 3
    event = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.subject_id == drafts[2].id, AuditEvent.action == "policy.review"
        )
    )
    assert event.actor_id is None
    assert event.data["findings"][0]["rule"] == "equality.age"


def test_a_blocked_listing_stays_a_draft_and_the_refusal_is_audited():
    membership = MembershipFactory()
    draft = VacancyFactory(
        organisation=membership.organisation, about_role="Send your bank details to apply."
    )

    with pytest.raises(ListingBlocked) as blocked:
        submit_for_review(membership.user, draft)
    db.session.commit()

    assert [f.rule for f in blocked.value.verdict.blocking] == ["scam.bank_details"]
    assert draft.status is VacancyStatus.DRAFT
    assert [e.action for e in audit.history("vacancy", draft.id)] == ["policy.block"]


def _decide_concurrently(app, vacancy_id: int, deciders) -> list[str]:
    """Each decider runs in its own thread, app context, session and connection; all start together."""
    barrier = threading.Barrier(len(deciders))
    outcomes: list[str] = []

    def run(decide):
        with app.app_context():
            vacancy = db.session.get(Vacancy, vacancy_id)
            assert vacancy.status is VacancyStatus.PENDING_REVIEW  # both saw it waiting
            barrier.wait()
            try:
                decide(vacancy)
                db.session.commit()
                outcomes.append("won")
            except services.DecidedElsewhere as error:
                db.session.rollback()
                outcomes.append(str(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(decide,)) for decide in deciders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_moderators_deciding_at_once_one_wins_and_the_other_is_told(app):
    vacancy_id = VacancyFactory(pending=True).id
    first_id, second_id = UserFactory(moderator=True).id, UserFactory(moderator=True).id

    def approve(vacancy):
        services.approve(_user(first_id), vacancy)

    def reject(vacancy):
        services.reject(_user(second_id), vacancy, reason="Add the pay range.")

    outcomes = _decide_concurrently(app, vacancy_id, [approve, reject])

    assert len(outcomes) == 2
    assert outcomes.count("won") == 1
    assert "Another moderator decided this listing a moment ago" in next(o for o in outcomes if o != "won")
    db.session.expire_all()
    decisions = db.session.scalars(sa.select(ModerationDecision)).all()
    assert len(decisions) == 1
    status = db.session.get(Vacancy, vacancy_id).status
    assert status is (
        VacancyStatus.PUBLISHED if decisions[0].outcome == "approved" else VacancyStatus.REJECTED
    )
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(
                AuditEvent.action.in_(["vacancy.approve", "vacancy.reject"])
            )
        )
        == 1
    )


def _user(user_id):
    from marketplace.accounts.models import User

    return db.session.get(User, user_id)


def test_suspending_an_organisation_unpublishes_its_listings_and_reinstating_brings_back_the_open_ones():
    from werkzeug.datastructures import MultiDict

    from marketplace.search.api import search_vacancies
    from marketplace.web.search_args import search_from_args

    moderator = UserFactory(moderator=True)
    live = VacancyFactory(published=True, title="Teacher of Astronomy")
    closed_since = VacancyFactory(published=True, organisation=live.organisation, title="Teacher of Latin")
    other = VacancyFactory(published=True, title="Teacher of Astronomy")

    def found():
        return {
            v.id for v in search_vacancies(search_from_args(MultiDict({"keyword": "astronomy"}))).vacancies
        }

    assert found() == {live.id, other.id}
    removed = sanctions.suspend_organisation(moderator, live.organisation, reason="Fake school.")
    db.session.commit()

    assert {v.id for v in removed} == {live.id, closed_since.id}
    assert live.status is VacancyStatus.REMOVED
    assert found() == {other.id}
    membership = MembershipFactory(organisation=live.organisation)
    draft = VacancyFactory(organisation=live.organisation)
    with pytest.raises(ListingBlocked):
        submit_for_review(membership.user, draft)
    db.session.rollback()

    closed_since.closes_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    restored = sanctions.reinstate_organisation(moderator, live.organisation, reason="Verified by phone.")
    db.session.commit()
    assert [v.id for v in restored] == [live.id]
    assert live.status is VacancyStatus.PUBLISHED
    assert found() == {live.id, other.id}
    suspension = db.session.scalar(sa.select(Suspension))
    assert (suspension.reason, suspension.lift_reason) == ("Fake school.", "Verified by phone.")
    assert suspension.lifted_at is not None


def test_a_user_can_be_suspended_and_reinstated_but_not_a_moderator():
    moderator = UserFactory(moderator=True)
    person = UserFactory()
    sanctions.suspend_user(moderator, person, reason="Spam reports.")
    db.session.commit()
    assert person.disabled
    assert not person.is_active
    sanctions.reinstate_user(moderator, person, reason="Appealed.")
    assert not person.disabled
    with pytest.raises(vacancy_services.VacancyError):
        sanctions.suspend_user(moderator, UserFactory(moderator=True), reason="No.")


def test_a_removal_is_appealed_once_and_a_different_moderator_decides():
    membership = MembershipFactory()
    vacancy = VacancyFactory(published=True, organisation=membership.organisation, created_by=membership.user)
    remover, other = UserFactory(moderator=True), UserFactory(moderator=True)
    services.remove(remover, vacancy, reason="Looks like an agency.")
    db.session.commit()

    lodged = appeals.appeal(membership.user, vacancy, statement="We are the school; see our website.")
    db.session.commit()
    with pytest.raises(vacancy_services.VacancyError, match="already appealed"):
        appeals.appeal(membership.user, vacancy, statement="Again.")
    with pytest.raises(vacancy_services.VacancyError, match="different moderator"):
        appeals.decide_appeal(remover, lodged, overturn=True, reason="I was wrong.")
    appeals.decide_appeal(other, lodged, overturn=True, reason="Confirmed with the school.")
    db.session.commit()

    assert vacancy.status is VacancyStatus.PUBLISHED
    assert lodged.status == "overturned"
    with pytest.raises(vacancy_services.VacancyError, match="a moment ago"):
        appeals.decide_appeal(other, lodged, overturn=False, reason="Changed my mind.")


def test_verified_reporters_on_distinct_networks_hide_a_listing_and_the_same_reporter_counts_once():
    vacancy = VacancyFactory(published=True)

    def report(reporter=None, **who):
        return reports.report_listing(
            vacancy,
            category=ReportCategory.SCAM,
            details="Asks for a fee.",
            hide_after=2,
            reporter=reporter,
            **who,
        )

    first = report(reporter_email="a@example.org", network_address="10.0.0.1")
    assert first.needs_confirmation
    reports.confirm_report(reports.confirmation_token(first.report), hide_after=2)
    with pytest.raises(reports.AlreadyReported):
        report(reporter_email="A@example.org", network_address="10.0.0.2")
    second = report(reporter_email="b@example.org", network_address="10.0.0.1")
    reports.confirm_report(reports.confirmation_token(second.report), hide_after=2)
    report(reporter_email=None, network_address="10.0.0.3")  # anonymous: seen, never counted
    assert reports.verified_source_count(vacancy.id) == 1  # two confirmed reporters, one network
    assert vacancy.status is VacancyStatus.PUBLISHED
    report(reporter=UserFactory(), reporter_email=None, network_address="10.0.0.4")
    db.session.commit()

    assert vacancy.status is VacancyStatus.PENDING_REVIEW
    assert not vacancy.is_live()


def test_an_ipv6_connection_is_one_network_however_many_addresses_it_uses():
    key = reports.network_key
    assert key("2001:db8:1:2::1", secret_key="k") == key("2001:db8:1:2:ffff::9", secret_key="k")
    assert key("2001:db8:1:2::1", secret_key="k") != key("2001:db8:1:3::1", secret_key="k")
    assert key("::ffff:192.0.2.7", secret_key="k") == key("192.0.2.7", secret_key="k")
    assert key("192.0.2.7", secret_key="k") != key("192.0.2.8", secret_key="k")
    assert key("192.0.2.7", secret_key="k") != key("192.0.2.7", secret_key="another key")
    assert key(None, secret_key="k") == key("not an address", secret_key="k")
    assert "192.0.2.7" not in key("192.0.2.7", secret_key="k")


def test_the_audit_log_cannot_be_changed_or_deleted():
    event = audit.record(
        audit.AuditAction.VACANCY_EDIT, subject_type=audit.AuditSubject.VACANCY, subject_id=1
    )
    db.session.commit()

    event.reason = "rewritten"
    with pytest.raises(audit.AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(audit.AuditLogIsAppendOnly):
        db.session.execute(sa.delete(AuditEvent))
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(audit.AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 1
