"""Vacancy use-cases against the database: lifecycle, scoping and the worker's housekeeping."""

import datetime as dt

import pytest
import sqlalchemy as sa

from marketplace.audit import AuditEvent
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.moderation import services as moderation
from marketplace.publishing.submission import submit_for_review
from marketplace.vacancies import services
from marketplace.vacancies.details import VacancyDetails
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from marketplace.worker import tasks
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, VacancyFactory

pytestmark = pytest.mark.usefixtures("app")


def test_a_trust_member_may_post_for_any_school_of_the_trust():
    trust = OrganisationFactory(kind="trust", urn=None, uid="TR01234")
    school = OrganisationFactory(trust=trust)
    membership = MembershipFactory(organisation=trust)
    template = VacancyFactory.build(organisation=school)

    vacancy = services.create_draft(membership.user, school.id, VacancyDetails.from_vacancy(template))
    db.session.commit()

    assert vacancy.organisation_id == school.id


def test_nobody_posts_for_a_school_they_do_not_belong_to():
    outsider = MembershipFactory()
    other_school = OrganisationFactory()
    details = VacancyDetails.from_vacancy(VacancyFactory.build(organisation=other_school))

    with pytest.raises(services.VacancyError, match="you belong to"):
        services.create_draft(outsider.user, other_school.id, details)


def test_submitting_rechecks_a_draft_that_has_gone_stale():
    membership = MembershipFactory()
    vacancy = VacancyFactory(
        organisation=membership.organisation,
        publish_on=dt.date(2020, 1, 1),
        closes_at=dt.datetime(2020, 2, 1, tzinfo=dt.UTC),
    )

    with pytest.raises(services.InvalidDetails) as stale:
        submit_for_review(membership.user, vacancy)

    assert "publish_on" in stale.value.problems
    db.session.rollback()
    assert db.session.get(Vacancy, vacancy.id).status is VacancyStatus.DRAFT


def test_editing_a_rejected_listing_makes_it_a_draft_again_and_audits_each_step():
    membership = MembershipFactory()
    vacancy = VacancyFactory(pending=True, organisation=membership.organisation)
    moderator = UserFactory(moderator=True)
    moderation.reject(moderator, vacancy, reason="Say which key stages.")
    db.session.commit()

    details = VacancyDetails.from_vacancy(vacancy)
    details.key_stages = ["ks3", "ks4"]
    services.update_draft(membership.user, vacancy, details)
    db.session.commit()

    assert vacancy.status is VacancyStatus.DRAFT
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.subject_id == vacancy.id).order_by(AuditEvent.id)
    ).all()
    assert actions == ["vacancy.reject", "vacancy.revise", "vacancy.edit"]


def test_a_live_listing_cannot_be_edited_or_deleted_as_if_it_were_a_draft():
    membership = MembershipFactory()
    vacancy = VacancyFactory(published=True, organisation=membership.organisation)

    with pytest.raises(services.VacancyError):
        services.update_draft(membership.user, vacancy, VacancyDetails.from_vacancy(vacancy))
    with pytest.raises(services.VacancyError):
        services.delete_draft(membership.user, vacancy)


def test_approving_before_the_publish_date_schedules_then_the_worker_publishes_on_the_day():
    tomorrow = utcnow().date() + dt.timedelta(days=1)
    vacancy = VacancyFactory(pending=True, publish_on=tomorrow)
    moderation.approve(UserFactory(moderator=True), vacancy)
    db.session.commit()
    assert vacancy.status is VacancyStatus.SCHEDULED
    assert vacancy.published_at is None

    assert services.publish_due() == 0
    assert services.publish_due(now=utcnow() + dt.timedelta(days=2)) == 1
    db.session.commit()

    assert vacancy.status is VacancyStatus.PUBLISHED
    assert vacancy.published_at is not None


def test_the_worker_expires_listings_past_their_closing_time():
    closed_id = VacancyFactory(published=True, closes_at=utcnow() - dt.timedelta(minutes=5)).id
    open_id = VacancyFactory(published=True).id

    outcomes = {outcome.name: outcome for outcome in tasks.run_iteration()}

    assert outcomes["expire closed vacancies"].result == 1
    assert db.session.get(Vacancy, closed_id).status is VacancyStatus.EXPIRED
    assert db.session.get(Vacancy, open_id).status is VacancyStatus.PUBLISHED


def test_a_decided_listing_cannot_be_decided_again():
    vacancy = VacancyFactory(published=True)
    with pytest.raises(services.VacancyError, match="This listing is live, so it cannot be approved"):
        moderation.approve(UserFactory(moderator=True), vacancy)
