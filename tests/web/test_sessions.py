"""Signed-in sessions live on the server: signing out, a password reset or a suspension ends them at once,
even for someone holding a copy of the cookie."""

import datetime as dt

import sqlalchemy as sa
from flask_login.utils import encode_cookie

from marketplace.accounts import sessions
from marketplace.accounts.models import UserSession
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.permissions import Role
from marketplace.publishing import retention
from tests.conftest import sign_in_as
from tests.factories import PASSWORD, UserFactory

ACCOUNT_PAGE = "/your-applications"


def sign_in(client, email: str) -> None:
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302


def copy_of_cookie(app, client):
    """Another browser holding an exact copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def signed_in(client) -> bool:
    return client.get(ACCOUNT_PAGE).status_code == 200


def records_for(user) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
    )


def test_signing_out_stops_a_copied_session_cookie_working(app, client):
    user = UserFactory(email="ada@example.org")
    sign_in(client, "ada@example.org")
    thief = copy_of_cookie(app, client)
    assert signed_in(thief)

    client.post("/sign-out")

    assert not signed_in(client)
    response = thief.get(ACCOUNT_PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert records_for(user) == 0


def test_each_sign_in_is_its_own_session_and_signing_out_ends_only_that_one(app, client):
    user = UserFactory(email="ada@example.org")
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, "ada@example.org")
    sign_in(phone, "ada@example.org")
    assert records_for(user) == 2

    laptop.post("/sign-out")

    assert not signed_in(laptop)
    assert signed_in(phone)


def test_a_password_reset_ends_every_session_of_the_account(app, client, outbox):
    user = UserFactory(email="ada@example.org")
    elsewhere = app.test_client()
    sign_in(elsewhere, "ada@example.org")
    thief = copy_of_cookie(app, elsewhere)

    client.post("/reset-password", data={"email": "ada@example.org"})
    link = outbox(template="reset_password")[0].text_body.split("http://localhost", 1)[1].split()[0]
    assert client.post(link, data={"password": "a brand new passphrase"}).status_code == 302

    assert not signed_in(elsewhere)
    assert not signed_in(thief)
    assert records_for(user) == 0


def test_suspending_a_person_ends_all_their_sessions(app, client):
    person = UserFactory(email="someone@example.org")
    theirs, copied = app.test_client(), None
    sign_in(theirs, "someone@example.org")
    copied = copy_of_cookie(app, theirs)
    sign_in_as(client, UserFactory(moderator=True))

    response = client.post(f"/moderation/users/{person.id}", data={"reason": "Fake applications"})

    assert response.status_code == 302
    assert records_for(person) == 0
    assert not signed_in(theirs)
    assert not signed_in(copied)


def test_disabling_an_account_ends_all_its_sessions(app, client):
    person = UserFactory(email="someone@example.org")
    theirs = app.test_client()
    sign_in(theirs, "someone@example.org")
    sign_in_as(client, UserFactory(role=Role.ADMIN))

    client.post(f"/admin/users/{person.id}/access", data={"action": "disable", "reason": "Spam"})

    assert records_for(person) == 0
    assert not signed_in(theirs)


def test_a_remember_me_cookie_signs_nobody_in(app, client):
    user = UserFactory()

    client.set_cookie("remember_token", encode_cookie(user.get_id()))

    assert not signed_in(client)


def test_a_session_unused_for_too_long_has_ended_and_retention_deletes_its_record(app, client):
    user = UserFactory()
    sign_in_as(client, user)
    idle = dt.timedelta(hours=app.config["SESSION_IDLE_HOURS"], minutes=1)
    db.session.execute(sa.update(UserSession).values(last_seen_at=utcnow() - idle))
    db.session.commit()

    assert not signed_in(client)

    report = retention.run()
    db.session.commit()
    assert report.deleted_sessions == 1
    assert records_for(user) == 0


def test_a_session_ends_after_its_longest_lifetime_however_active(app, client):
    user = UserFactory()
    sign_in_as(client, user)
    started = utcnow() - dt.timedelta(days=app.config["SESSION_MAX_DAYS"], minutes=1)
    db.session.execute(sa.update(UserSession).values(created_at=started))
    db.session.commit()

    assert not signed_in(client)


def test_last_seen_is_written_at_most_every_few_minutes(app, client):
    user = UserFactory()
    sign_in_as(client, user)
    a_minute_ago = utcnow() - dt.timedelta(minutes=1)
    db.session.execute(sa.update(UserSession).values(last_seen_at=a_minute_ago))
    db.session.commit()

    assert signed_in(client)
    db.session.expire_all()
    assert db.session.scalar(sa.select(UserSession.last_seen_at)) == a_minute_ago

    a_while_ago = utcnow() - sessions.SEEN_EVERY - dt.timedelta(seconds=1)
    db.session.execute(sa.update(UserSession).values(last_seen_at=a_while_ago))
    db.session.commit()
    assert signed_in(client)
    db.session.expire_all()
    assert db.session.scalar(sa.select(UserSession.last_seen_at)) > a_while_ago + sessions.SEEN_EVERY


def test_deleting_an_account_deletes_its_sessions(app, client):
    UserFactory(email="ada@example.org")
    sign_in(client, "ada@example.org")

    client.post("/your-account/delete-account", data={"password": PASSWORD})

    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 0


def test_a_tampered_or_odd_session_id_signs_nobody_in_and_breaks_nothing(client):
    user = UserFactory()
    for odd in ("not-a-session", 12345, None, ["a"], "x" * 5000):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["sid"] = odd
        response = client.get(ACCOUNT_PAGE)
        assert response.status_code == 302
        assert client.get("/").status_code == 200
