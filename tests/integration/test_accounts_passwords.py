"""The rules a new password must meet, and how passwords are stored."""

import pytest
from argon2 import PasswordHasher

from marketplace.accounts import passwords, services
from marketplace.accounts.passwords import password_problem
from marketplace.extensions import db
from marketplace.permissions import Role
from tests.factories import PASSWORD, UserFactory


@pytest.mark.parametrize(
    "password",
    [
        "kettle orbit meadow",
        "correct horse battery staple",
        "Tr0mbone-Saucer-Lichen",
        "8305729164",
        "Zebra-Lamp-7",
        "ζωή είναι ωραία",
        "kettle\norbit\u2028meadow",  # line breaks typed or pasted in: judged, never a crash
        ("correct horse battery staple " * 5)[:128],
    ],
)
def test_long_unusual_passwords_are_accepted(password):
    assert password_problem(password, "ada@example.org") is None


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("", passwords.TOO_SHORT),
        ("kettle", passwords.TOO_SHORT),
        ("nine char", passwords.TOO_SHORT),
        ("x" * 64 + "y" * 65, passwords.TOO_LONG),
        ("1234567890", passwords.TOO_COMMON),
        ("qwertyuiop", passwords.TOO_COMMON),
        ("Password123!", passwords.TOO_COMMON),
        ("P@ssw0rd2024", passwords.TOO_COMMON),
        ("!!Summer2024!!", passwords.TOO_COMMON),
        ("Teacher2024", passwords.TOO_COMMON),
        ("iloveyou123", passwords.TOO_COMMON),
        ("aaaaaaaaaaaa", passwords.TOO_COMMON),
        ("abababababab", passwords.TOO_COMMON),
        ("abcdefghijkl", passwords.TOO_COMMON),
        ("9876543210", passwords.TOO_COMMON),
        ("aaaaaaaaab", passwords.TOO_COMMON),
        ("Welc0me!2025", passwords.TOO_COMMON),
        ("ADA.LOVELACE@EXAMPLE.ORG", passwords.IS_EMAIL),
        ("ada.lovelace", passwords.IS_EMAIL),
    ],
)
def test_short_common_or_personal_passwords_are_refused_with_a_reason(password, problem):
    assert password_problem(password, "Ada.Lovelace@example.org") == problem


def test_the_messages_tell_people_what_to_do():
    assert passwords.TOO_SHORT == "Password must be 10 characters or more"
    assert passwords.IS_EMAIL == "Password must not be your email address"
    assert passwords.TOO_COMMON.startswith("Password is too easy to guess")


def test_passwords_are_stored_as_argon2id_hashes_with_their_own_salt(app):
    first = services.register_user("ada@example.org", "kettle orbit meadow", "Ada Lovelace", Role.JOBSEEKER)
    second = services.register_user(
        "grace@example.org", "kettle orbit meadow", "Grace Hopper", Role.JOBSEEKER
    )

    assert first.password_hash.startswith("$argon2id$")
    assert first.password_hash != second.password_hash
    assert passwords.verify_password(first.password_hash, "kettle orbit meadow")
    assert not passwords.verify_password(first.password_hash, "kettle orbit meadoW")


def test_an_unknown_address_is_checked_against_a_stand_in_hash():
    # The same work as a real check, and never a match: an unknown address must not be recognisable by speed.
    assert passwords.verify_password(None, "not a real password") is False


def test_a_hash_made_with_weaker_settings_is_upgraded_when_the_person_signs_in(app):
    old_hash = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    user = UserFactory(password_hash=old_hash)
    assert passwords.needs_rehash(old_hash)

    services.authenticate(user.email, PASSWORD)
    db.session.commit()

    assert user.password_hash != old_hash
    assert not passwords.needs_rehash(user.password_hash)
    assert passwords.verify_password(user.password_hash, PASSWORD)


def test_a_current_hash_is_left_alone(app):
    user = UserFactory()
    current_hash = user.password_hash

    services.authenticate(user.email, PASSWORD)

    assert user.password_hash == current_hash


def test_a_wrong_password_never_upgrades_a_hash(app):
    old_hash = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    user = UserFactory(password_hash=old_hash)

    assert services.authenticate(user.email, "not the password at all") is None
    assert user.password_hash == old_hash
