"""The admin page where the service team sees emails given up on, and sends them again."""

import sqlalchemy as sa

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.notifications.models import OutboxMessage, OutboxStatus
from marketplace.permissions import Role
from tests.conftest import sign_in_as
from tests.factories import UserFactory


def _dead_email(recipient: str) -> int:
    message = OutboxMessage(
        recipient=recipient,
        subject="Your listing is approved",
        text_body="t",
        html_body="h",
        headers={},
        template="vacancy_approved",
        status=OutboxStatus.DEAD,
        attempts=8,
        next_attempt_at=utcnow(),
        last_error="550 mailbox unavailable",
    )
    db.session.add(message)
    db.session.commit()
    return message.id


def test_an_admin_sees_dead_letters_and_sends_them_again(client):
    message_id = _dead_email("head@school.example.org")
    sign_in_as(client, UserFactory(role=Role.ADMIN))

    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "head@school.example.org" in page
    assert "550 mailbox unavailable" in page

    response = client.post(
        "/admin/outbox/resend", data={"message_ids": [str(message_id), "junk"]}, follow_redirects=True
    )

    assert "1 email queued to be sent again" in response.get_data(as_text=True)
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message_id)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)


def test_resending_with_nothing_selected_explains_what_to_do(client):
    sign_in_as(client, UserFactory(role=Role.ADMIN))
    response = client.post("/admin/outbox/resend", data={}, follow_redirects=True)
    assert "Select the emails to send again" in response.get_data(as_text=True)


def test_only_admins_see_the_outbox(client):
    _dead_email("someone@example.org")
    for user in (UserFactory(moderator=True), UserFactory(hiring_staff=True), UserFactory()):
        sign_in_as(client, user)
        assert client.get("/admin/outbox").status_code == 403
        assert client.post("/admin/outbox/resend", data={"message_ids": ["1"]}).status_code == 403
    assert db.session.scalar(sa.select(OutboxMessage.status)) == OutboxStatus.DEAD
