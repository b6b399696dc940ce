"""What a person was doing when asked to sign in survives signing in, registering and confirming their
email address: a save, an alert, an application. Only paths on this site are followed, a POST is never
replayed without the person's say-so, and the confirmation link signs in once."""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from marketplace.accounts import tokens
from marketplace.applications.models import SavedJob
from marketplace.db import utcnow
from marketplace.extensions import db
from tests.conftest import sign_in_as
from tests.factories import PASSWORD, UserFactory, VacancyFactory

NEW_PASSWORD = "kettle orbit meadow"


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def signed_in_user_id(client) -> str | None:
    with client.session_transaction() as current:
        return current.get("_user_id")


def confirmation_path(outbox) -> str:
    [message] = outbox(template="verify_email")
    return re.search(r"http://localhost(/confirm-email/\S+)", message.text_body).group(1)


def register(client, next_path: str, email: str = "ada@example.org"):
    data = {
        "account_type": "jobseeker",
        "full_name": "Ada Lovelace",
        "email": email,
        "password": NEW_PASSWORD,
    }
    return client.post(f"/register?next={quote(next_path, safe='')}", data=data)


def test_saving_a_job_while_signed_out_survives_creating_an_account(client, outbox):
    vacancy = VacancyFactory(published=True)

    # The visitor presses "Save" and is asked to sign in, with the save as where to come back to.
    asked = client.post(f"/saved-jobs/{vacancy.id}/save", data={"next": f"/jobs/{vacancy.id}"})
    sign_in_url = asked.headers["Location"]
    assert sign_in_url.startswith("/sign-in?next=")
    sign_in = text_of(client.get(sign_in_url))
    register_link = re.search(r'href="(/register\?next=[^"]+)"', sign_in).group(1)

    # They have no account: registering carries the save into the emailed link.
    register_page = text_of(client.get(html.unescape(register_link)))
    assert "Create an account" in register_page
    assert (
        register(client, f"/saved-jobs/{vacancy.id}/save").headers["Location"] == "/register/check-your-email"
    )
    link = confirmation_path(outbox)
    assert f"next=/saved-jobs/{vacancy.id}/save" in link.replace("%2F", "/")

    # The link signs them in and brings them back to finish saving, with one button.
    back = client.get(link)
    assert back.headers["Location"] == f"/saved-jobs/{vacancy.id}/save"
    assert signed_in_user_id(client) is not None
    confirm = text_of(client.get(back.headers["Location"]))
    assert "Your email address is confirmed" in confirm
    assert db.session.scalar(sa.select(sa.func.count(SavedJob.id))) == 0  # not replayed unasked
    client.post(f"/saved-jobs/{vacancy.id}/save")
    assert db.session.scalar(sa.select(sa.func.count(SavedJob.id))) == 1


def test_an_application_started_while_signed_out_comes_back_after_signing_in(client):
    vacancy = VacancyFactory(published=True, title="Teacher of Geography")
    person = UserFactory(email="priya@example.org")

    asked = client.get(f"/jobs/{vacancy.id}/apply")
    assert asked.headers["Location"] == f"/sign-in?next=/jobs/{vacancy.id}/apply"
    signed_in = client.post(asked.headers["Location"], data={"email": person.email, "password": PASSWORD})

    assert signed_in.headers["Location"] == f"/jobs/{vacancy.id}/apply"
    assert "Review your application" in text_of(client.get(signed_in.headers["Location"]))


def test_an_alert_started_while_signed_out_comes_back_after_registering(client, outbox):
    alert_path = "/job-alerts/new?keyword=geography"
    alert_page = text_of(client.get(alert_path))
    sign_in_link = html.unescape(re.search(r'href="(/sign-in\?next=[^"]+)"', alert_page).group(1))
    register_link = html.unescape(
        re.search(r'href="(/register\?next=[^"]+)"', text_of(client.get(sign_in_link))).group(1)
    )

    data = {
        "account_type": "jobseeker",
        "full_name": "Ada Lovelace",
        "email": "ada@example.org",
        "password": NEW_PASSWORD,
    }
    client.post(register_link, data=data)
    back = client.get(confirmation_path(outbox))

    assert back.headers["Location"] == alert_path
    assert "\u2018geography\u2019" in text_of(client.get(back.headers["Location"]))


def test_an_unconfirmed_person_applying_is_brought_back_once_they_confirm(client, outbox):
    vacancy = VacancyFactory(published=True)
    person = UserFactory(unverified=True)
    sign_in_as(client, person)

    asked = client.get(f"/jobs/{vacancy.id}/apply")
    assert asked.headers["Location"] == f"/confirm-your-email?next=/jobs/{vacancy.id}/apply"
    client.post(asked.headers["Location"])  # send the link again
    back = client.get(confirmation_path(outbox))

    assert back.headers["Location"] == f"/jobs/{vacancy.id}/apply"


@pytest.mark.parametrize(
    "next_path", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_a_next_path_off_this_site_is_never_followed(client, outbox, next_path):
    register(client, next_path)
    link = confirmation_path(outbox)
    assert "next=" not in link

    back = client.get(link)

    assert back.headers["Location"] == "/your-account"


def test_a_next_path_added_to_the_emailed_link_off_this_site_is_ignored(client, outbox):
    register(client, "/jobs")
    link = confirmation_path(outbox).split("?")[0] + "?next=//evil.example/"

    assert client.get(link).headers["Location"] == "/your-account"


def test_the_confirmation_link_signs_in_only_once(client, app, outbox):
    register(client, "/saved-jobs")
    link = confirmation_path(outbox)
    assert client.get(link).status_code == 302

    stranger = app.test_client()
    again = stranger.get(link)

    assert again.status_code == 200
    assert "already confirmed" in text_of(again)
    assert 'href="/sign-in?next=/saved-jobs"' in again.get_data(as_text=True)
    with stranger.session_transaction() as current:
        assert current.get("_user_id") is None


def test_an_expired_confirmation_link_signs_nobody_in(client):
    person = UserFactory(unverified=True)
    token = tokens.make_token(tokens.Purpose.CONFIRM_EMAIL, person, now=utcnow() - dt.timedelta(days=30))

    response = client.get(f"/confirm-email/{token}")

    assert response.status_code == 410
    assert signed_in_user_id(client) is None


def test_confirming_while_signed_in_as_someone_else_says_so_and_switches_nobody(client):
    other = UserFactory(unverified=True, email="ada@example.org")
    me = UserFactory(email="priya@example.org")
    sign_in_as(client, me)

    response = client.get(
        f"/confirm-email/{tokens.make_token(tokens.Purpose.CONFIRM_EMAIL, other)}?next=/saved-jobs"
    )

    assert response.headers["Location"] == "/your-account"
    assert signed_in_user_id(client) == me.get_id()
    page = text_of(client.get("/your-account"))
    assert "We have confirmed ada@example.org. You are signed in as priya@example.org" in page
    db.session.expire_all()
    assert db.session.get(type(other), other.id).email_verified


def test_a_person_already_signed_in_goes_straight_on_from_a_sign_in_link(client):
    vacancy = VacancyFactory(published=True)
    sign_in_as(client, UserFactory())

    assert (
        client.get(f"/sign-in?next=/jobs/{vacancy.id}/apply").headers["Location"]
        == f"/jobs/{vacancy.id}/apply"
    )
    assert client.get("/register?next=//evil.example/").headers["Location"] == "/"
