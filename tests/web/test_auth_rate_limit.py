"""Sign-in, registration and reset requests are limited per address: no guessing passwords at speed."""

import pytest

from tests.conftest import make_config
from tests.factories import PASSWORD, UserFactory

ATTEMPTS = 3


@pytest.fixture
def app_config(tmp_path, migrated_database):
    return make_config(
        tmp_path, migrated_database, RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT=f"{ATTEMPTS} per minute"
    )


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/sign-in", {"email": "ada@example.org", "password": "a wrong guess"}),
        (
            "/register",
            {
                "account_type": "jobseeker",
                "full_name": "Ada Lovelace",
                "email": "ada@example.org",
                "password": "short",
            },
        ),
        ("/reset-password", {"email": "ada@example.org"}),
    ],
)
def test_too_many_attempts_are_refused_with_the_too_many_attempts_page(client, url, data):
    for _ in range(ATTEMPTS):
        assert client.post(url, data=data).status_code in (200, 302)

    response = client.post(url, data=data)

    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert client.get(url).status_code == 200  # reading the form is not an attempt


def test_once_limited_even_the_right_password_waits(client):
    user = UserFactory(email="ada@example.org")
    for _ in range(ATTEMPTS):
        client.post("/sign-in", data={"email": user.email, "password": "a wrong guess"})

    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})

    assert response.status_code == 429
    with client.session_transaction() as current:
        assert "_user_id" not in current


def test_another_address_is_not_held_back(client, app):
    for _ in range(ATTEMPTS + 1):
        client.post("/sign-in", data={"email": "ada@example.org", "password": "a wrong guess"})

    other = app.test_client().post(
        "/sign-in",
        data={"email": "ada@example.org", "password": "a wrong guess"},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )

    assert other.status_code == 200
