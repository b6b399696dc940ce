"""Claiming a listing in the review queue: a real race between two moderators is told as such, and a
fault is never passed off as one."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event

from marketplace.audit import AuditAction, AuditEvent
from marketplace.extensions import db
from marketplace.moderation.models import ReviewClaim
from tests.conftest import sign_in_as
from tests.factories import UserFactory, VacancyFactory

RACE_LOST = "another moderator claimed this listing a moment ago"


def _moderator_client(app, name: str):
    moderator = UserFactory(moderator=True, full_name=name)
    client = app.test_client()
    sign_in_as(client, moderator)
    return client, moderator


def _claims_on(vacancy_id: int) -> list[ReviewClaim]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(ReviewClaim).where(ReviewClaim.vacancy_id == vacancy_id)))


def test_two_moderators_claiming_at_the_same_moment_one_wins_and_the_other_is_told(client, app):
    vacancy = VacancyFactory(pending=True)
    first, amira = _moderator_client(app, "Amira Khan")
    second, ben = _moderator_client(app, "Ben Okafor")
    answers = {}

    def amira_claims_first(session, flush_context, instances):
        # Ben has looked and found the listing unclaimed; before his claim reaches the database, Amira's
        # own request claims it and commits (a second request, on its own connection).
        if answers or not any(
            isinstance(new, ReviewClaim) and new.moderator_id == ben.id for new in session.new
        ):
            return
        answers["amira"] = first.post(f"/moderation/vacancies/{vacancy.id}/claim", follow_redirects=True)

    event.listen(db.session, "before_flush", amira_claims_first)
    try:
        bens = second.post(f"/moderation/vacancies/{vacancy.id}/claim", follow_redirects=True)
    finally:
        event.remove(db.session, "before_flush", amira_claims_first)

    assert "You have claimed this listing" in answers["amira"].get_data(as_text=True)
    assert bens.status_code == 200
    assert RACE_LOST in bens.get_data(as_text=True).lower()
    assert [claim.moderator_id for claim in _claims_on(vacancy.id)] == [amira.id]
    claimed = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == AuditAction.VACANCY_CLAIM.value)
    ).all()
    assert [event.actor_id for event in claimed] == [amira.id]
    # Ben can see who has it now.
    assert "Amira Khan is already reviewing" in _refusal_on_second_try(second, vacancy.id)


def _refusal_on_second_try(client, vacancy_id: int) -> str:
    return client.post(f"/moderation/vacancies/{vacancy_id}/claim", follow_redirects=True).get_data(
        as_text=True
    )


def test_a_broken_database_is_not_reported_as_another_moderators_claim(client, app):
    vacancy = VacancyFactory(pending=True)
    moderator = UserFactory(moderator=True)
    sign_in_as(client, moderator)
    db.session.commit()
    # A real fault in the middle of the claim: the claims table is not there for this request.
    with db.engine.begin() as connection:
        connection.execute(sa.text("ALTER TABLE review_claims RENAME TO review_claims_away"))
    try:
        response = client.post(f"/moderation/vacancies/{vacancy.id}/claim")
    finally:
        with db.engine.begin() as connection:
            connection.execute(sa.text("ALTER TABLE review_claims_away RENAME TO review_claims"))

    assert response.status_code in (500, 503)  # the error page, never a redirect with a refusal
    assert RACE_LOST not in response.get_data(as_text=True).lower()
    page = client.get(f"/moderation/vacancies/{vacancy.id}").get_data(as_text=True)
    assert RACE_LOST not in page.lower()
    assert "Nothing was changed" not in page
    assert _claims_on(vacancy.id) == []
