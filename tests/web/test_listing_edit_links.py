"""A school can reach the listing wizard from a live or scheduled listing, not only from a draft."""

import datetime as dt

import pytest

from marketplace.db import uk_today
from marketplace.vacancies.lifecycle import VacancyStatus
from tests.conftest import sign_in_as
from tests.factories import MembershipFactory, VacancyFactory


@pytest.fixture
def member(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)
    return membership


def test_a_live_listing_offers_edit_on_its_page_and_on_the_dashboard(client, member):
    live = VacancyFactory(organisation=member.organisation, published=True, title="Teacher of Maths")
    edit = f'href="/school/vacancies/{live.id}/edit"'

    assert edit in client.get(f"/school/vacancies/{live.id}").get_data(as_text=True)
    assert edit in client.get("/school").get_data(as_text=True)
    assert client.get(f"/school/vacancies/{live.id}/edit").status_code in (200, 302)


def test_a_scheduled_listing_offers_edit_but_one_in_review_does_not(client, member):
    scheduled = VacancyFactory(
        organisation=member.organisation,
        status=VacancyStatus.SCHEDULED,
        publish_on=uk_today() + dt.timedelta(days=3),
    )
    in_review = VacancyFactory(
        organisation=member.organisation, status=VacancyStatus.PENDING_REVIEW, published_at=None
    )

    assert f'href="/school/vacancies/{scheduled.id}/edit"' in client.get("/school?tab=scheduled").get_data(
        as_text=True
    )
    assert f'href="/school/vacancies/{scheduled.id}/edit"' in client.get(
        f"/school/vacancies/{scheduled.id}"
    ).get_data(as_text=True)
    page = client.get(f"/school/vacancies/{in_review.id}").get_data(as_text=True)
    assert f'href="/school/vacancies/{in_review.id}/edit"' not in page
