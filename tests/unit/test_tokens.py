"""Emailed-link tokens: signed per purpose, expiring, and dead once the state they change has changed."""

import base64
import datetime as dt
import json

import pytest

import marketplace.models  # noqa: F401  (every mapper configured, as in the app)
from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password
from marketplace.accounts.tokens import Purpose, TokenExpired, TokenInvalid, decode, encode
from marketplace.permissions import Role

KEY = "unit test secret key"
DAY = dt.timedelta(hours=24)
NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
PASSWORD_HASH = hash_password("kettle orbit meadow")


def person(**changes) -> User:
    values = {
        "id": 7,
        "email": "ada@example.org",
        "password_hash": PASSWORD_HASH,
        "full_name": "Ada Lovelace",
        "role": Role.JOBSEEKER,
        "email_verified_at": None,
    }
    values.update(changes)
    return User(**values)


@pytest.mark.parametrize("purpose", list(Purpose))
def test_a_fresh_token_names_its_user_and_matches_their_state(purpose):
    user = person()

    claim = decode(purpose, encode(purpose, user, secret_key=KEY), secret_key=KEY, max_age=DAY)

    assert claim.user_id == 7
    assert claim.matches(user)


@pytest.mark.parametrize("purpose", list(Purpose))
def test_a_token_works_until_its_lifetime_is_over_and_not_a_second_longer(purpose):
    token = encode(purpose, person(), secret_key=KEY, now=NOON)

    assert decode(purpose, token, secret_key=KEY, max_age=DAY, now=NOON + DAY).user_id == 7
    with pytest.raises(TokenExpired):
        decode(purpose, token, secret_key=KEY, max_age=DAY, now=NOON + DAY + dt.timedelta(seconds=1))


def test_a_confirmation_link_cannot_be_used_to_reset_a_password():
    token = encode(Purpose.CONFIRM_EMAIL, person(), secret_key=KEY)

    with pytest.raises(TokenInvalid):
        decode(Purpose.RESET_PASSWORD, token, secret_key=KEY, max_age=DAY)


def test_a_token_signed_with_another_key_is_refused():
    token = encode(Purpose.RESET_PASSWORD, person(), secret_key="someone else's key")

    with pytest.raises(TokenInvalid):
        decode(Purpose.RESET_PASSWORD, token, secret_key=KEY, max_age=DAY)


def _reencode(token: str, **payload_changes) -> str:
    """The same token with its payload edited and the original signature kept."""
    body, timestamp, signature = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload.update(payload_changes)
    forged = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode())
    forged = forged.rstrip(b"=").decode()
    return f"{forged}.{timestamp}.{signature}"


def _flip_signature_character(token: str) -> str:
    # The first character of the signature: every bit of it counts, unlike the padding bits of the last.
    body, timestamp, signature = token.split(".")
    return f"{body}.{timestamp}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda token: _reencode(token, user=8), id="other user"),
        pytest.param(lambda token: _flip_signature_character(token), id="signature changed"),
        pytest.param(lambda token: token[: len(token) // 2], id="truncated"),
        pytest.param(lambda token: "", id="empty"),
        pytest.param(lambda token: "not-a-token", id="nonsense"),
        pytest.param(lambda token: token + "%0A", id="trailing junk"),
    ],
)
def test_an_altered_token_is_refused(tamper):
    token = encode(Purpose.RESET_PASSWORD, person(), secret_key=KEY)

    with pytest.raises(TokenInvalid):
        decode(Purpose.RESET_PASSWORD, tamper(token), secret_key=KEY, max_age=DAY)


def test_a_reset_token_stops_matching_once_the_password_changes():
    user = person()
    claim = decode(
        Purpose.RESET_PASSWORD,
        encode(Purpose.RESET_PASSWORD, user, secret_key=KEY),
        secret_key=KEY,
        max_age=DAY,
    )

    user.password_hash = hash_password("a different passphrase")

    assert not claim.matches(user)


def test_a_confirmation_token_stops_matching_once_the_address_is_confirmed_or_changed():
    user = person()
    claim = decode(
        Purpose.CONFIRM_EMAIL,
        encode(Purpose.CONFIRM_EMAIL, user, secret_key=KEY),
        secret_key=KEY,
        max_age=DAY,
    )

    assert not claim.matches(person(email_verified_at=NOON))
    assert not claim.matches(person(email="ada@new.example.org"))
    assert not claim.matches(person(id=8))
    assert claim.matches(person(full_name="Augusta Ada King"))


def test_a_token_reveals_neither_the_password_hash_nor_the_address():
    token = encode(Purpose.RESET_PASSWORD, person(), secret_key=KEY)
    body = token.split(".")[0]
    readable = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()

    assert "argon2" not in readable
    assert PASSWORD_HASH.split("$")[-1] not in readable
    assert "ada@example.org" not in readable
