"""With CSRF protection on, as in production: forms carry a token, and a new session gets a new one."""

import re

import pytest

from tests.conftest import make_config
from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def app_config(tmp_path, migrated_database):
    return make_config(tmp_path, migrated_database, WTF_CSRF_ENABLED=True)


def csrf_token(response) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))
    assert match, "the page has no CSRF token"
    return match.group(1)


def signed_in_user_id(client) -> str | None:
    with client.session_transaction() as current:
        return current.get("_user_id")


@pytest.mark.parametrize("url", ["/sign-in", "/register", "/reset-password", "/sign-out"])
def test_a_form_posted_without_its_token_gets_the_friendly_page(client, url):
    response = client.post(url, data={"email": "ada@example.org", "password": PASSWORD})

    assert response.status_code == 400
    assert "Your form could not be sent" in response.get_data(as_text=True)


def test_a_token_from_another_session_is_refused(client, app):
    UserFactory(email="ada@example.org")
    token = csrf_token(app.test_client().get("/sign-in"))

    response = client.post(
        "/sign-in", data={"email": "ada@example.org", "password": PASSWORD, "csrf_token": token}
    )

    assert response.status_code == 400
    assert signed_in_user_id(client) is None


def test_signing_in_replaces_the_session_and_its_token_and_the_new_one_works(client):
    user = UserFactory(email="ada@example.org", unverified=True)
    anonymous_token = csrf_token(client.get("/sign-in"))

    response = client.post(
        "/sign-in", data={"email": "ada@example.org", "password": PASSWORD, "csrf_token": anonymous_token}
    )
    assert response.status_code == 302
    assert signed_in_user_id(client) == user.get_id()

    # The token of the anonymous session died with it...
    assert client.post("/confirm-your-email", data={"csrf_token": anonymous_token}).status_code == 400
    # ...and the pages of the new session carry one that works.
    new_token = csrf_token(client.get("/confirm-your-email"))
    assert new_token != anonymous_token
    assert client.post("/confirm-your-email", data={"csrf_token": new_token}).status_code == 302

    response = client.post("/sign-out", data={"csrf_token": csrf_token(client.get("/confirm-your-email"))})
    assert response.status_code == 302
    assert signed_in_user_id(client) is None
