"""Account services on a real database: registration, sign-in, confirmation, password reset, the CLI."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from marketplace.accounts import services, tokens
from marketplace.accounts.models import User
from marketplace.accounts.passwords import verify_password
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.notifications.models import OutboxMessage
from marketplace.organisations.models import JoinRequest, JoinRequestStatus, MembershipRole
from marketplace.permissions import Role
from marketplace.publishing import registration
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

NEW_PASSWORD = "kettle orbit meadow"


def outbox(template: str | None = None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if template:
        query = query.where(OutboxMessage.template == template)
    return list(db.session.scalars(query))


def link_in(message: OutboxMessage, path: str) -> str:
    match = re.search(rf"http://localhost{path}/(\S+)", message.text_body)
    assert match, message.text_body
    return match.group(1)


def requested_reset(email: str) -> OutboxMessage:
    """Ask for a reset link for `email` and return the email that carries it."""
    services.request_password_reset(email)
    return outbox("reset_password")[-1]


def user_with_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


# Registration


def test_registering_a_jobseeker_stores_an_unconfirmed_account_and_emails_a_confirmation_link(app):
    user = registration.register_user(
        "  Ada.Lovelace@Example.ORG ", NEW_PASSWORD, "  Ada   Lovelace ", Role.JOBSEEKER
    )
    db.session.commit()

    assert user.email == "ada.lovelace@example.org"
    assert user.full_name == "Ada Lovelace"
    assert user.role is Role.JOBSEEKER
    assert not user.email_verified
    assert user.memberships == []
    assert user.password_hash.startswith("$argon2id$")
    assert NEW_PASSWORD not in user.password_hash
    [message] = outbox()
    assert (message.recipient, message.template) == ("ada.lovelace@example.org", "verify_email")
    assert "http://localhost/confirm-email/" in message.text_body
    assert "http://localhost/confirm-email/" in message.html_body


def test_registering_with_a_urn_claims_the_school_and_gives_no_access_until_it_is_approved(app):
    school = OrganisationFactory(urn="137042")

    first = registration.register_user(
        "head@school.example.org", NEW_PASSWORD, "Grace Hopper", Role.HIRING_STAFF, school_urn="137042"
    )
    db.session.commit()
    second = registration.register_user(
        "office@school.example.org", NEW_PASSWORD, "Mary Somerville", Role.HIRING_STAFF, school_urn=" 137042 "
    )
    db.session.commit()

    assert first.memberships == second.memberships == []
    claims = db.session.scalars(sa.select(JoinRequest).order_by(JoinRequest.id)).all()
    assert [(c.user_id, c.organisation_id, c.status) for c in claims] == [
        (first.id, school.id, JoinRequestStatus.PENDING),
        (second.id, school.id, JoinRequestStatus.PENDING),
    ]
    assert outbox("join_request_received") == []  # nobody administers it: moderators decide
    assert {m.recipient for m in outbox("verify_email")} == {
        "head@school.example.org",
        "office@school.example.org",
    }


def test_joining_a_school_that_already_has_staff_asks_its_administrators(app):
    existing = MembershipFactory(organisation=OrganisationFactory(urn="100123"))

    user = registration.register_user(
        "new@school.example.org", NEW_PASSWORD, "Alan Turing", Role.HIRING_STAFF, school_urn="100123"
    )

    assert existing.role is MembershipRole.ADMINISTRATOR
    assert user.memberships == []
    [request] = db.session.scalars(sa.select(JoinRequest).where(JoinRequest.user_id == user.id))
    assert request.organisation_id == existing.organisation_id


@pytest.mark.parametrize(
    ("urn", "message"),
    [
        ("12345", "Enter a URN of 6 digits, like 100000"),
        ("999999", "We cannot find a school with that URN"),
    ],
)
def test_school_staff_need_the_urn_of_a_school_we_know(app, urn, message):
    with pytest.raises(services.SchoolNotFound, match=message):
        registration.register_user(
            "head@school.example.org", NEW_PASSWORD, "Grace Hopper", Role.HIRING_STAFF, school_urn=urn
        )

    db.session.rollback()
    assert user_with_email("head@school.example.org") is None
    assert outbox() == []


def test_a_jobseeker_joins_no_school_even_if_a_urn_was_sent(app):
    OrganisationFactory(urn="137042")

    user = registration.register_user(
        "ada@example.org", NEW_PASSWORD, "Ada Lovelace", Role.JOBSEEKER, school_urn="137042"
    )

    assert user.memberships == []


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_nobody_can_register_themselves_as_a_moderator_or_administrator(app, role):
    with pytest.raises(services.AccountError):
        registration.register_user("ada@example.org", NEW_PASSWORD, "Ada Lovelace", role)


def test_registering_an_address_that_has_an_account_changes_nothing_and_tells_its_owner(app):
    owner = UserFactory(email="ada@example.org", full_name="Ada Lovelace")
    original_hash = owner.password_hash

    result = registration.register_user(" ADA@example.org", NEW_PASSWORD, "Somebody Else", Role.JOBSEEKER)
    db.session.commit()

    assert result is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    assert owner.password_hash == original_hash
    assert owner.full_name == "Ada Lovelace"
    [message] = outbox()
    assert (message.recipient, message.template) == ("ada@example.org", "account_exists")
    assert "http://localhost/sign-in" in message.text_body
    assert "http://localhost/reset-password" in message.text_body


def test_registration_refuses_a_malformed_address(app):
    with pytest.raises(services.InvalidEmail, match="correct format"):
        registration.register_user("ada at example.org", NEW_PASSWORD, "Ada Lovelace", Role.JOBSEEKER)


# Signing in


def test_signing_in_with_the_right_password_records_when(app):
    user = UserFactory(email="ada@example.org")
    before = utcnow()

    signed_in = services.authenticate(" Ada@Example.org ", PASSWORD)
    db.session.commit()

    assert signed_in == user
    assert user.last_signed_in_at >= before


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("ada@example.org", "not my password at all"),
        ("nobody@example.org", PASSWORD),
        ("ada@example.org", ""),
    ],
)
def test_a_wrong_address_or_password_signs_nobody_in(app, email, password):
    user = UserFactory(email="ada@example.org")

    assert services.authenticate(email, password) is None
    assert user.last_signed_in_at is None


def test_a_disabled_account_cannot_sign_in_even_with_the_right_password(app):
    user = UserFactory(email="ada@example.org", disabled=True)

    assert services.authenticate("ada@example.org", PASSWORD) is None
    assert user.last_signed_in_at is None


# Confirming an email address


def test_the_emailed_link_confirms_the_address_once(app):
    user = registration.register_user("ada@example.org", NEW_PASSWORD, "Ada Lovelace", Role.JOBSEEKER)
    db.session.commit()
    token = link_in(outbox("verify_email")[0], "/confirm-email")

    assert services.confirm_email(token) == user
    db.session.commit()
    assert user.email_verified

    with pytest.raises(tokens.TokenUsed):
        services.confirm_email(token)


def test_an_old_confirmation_link_has_expired(app):
    user = UserFactory(unverified=True)
    a_day_and_a_minute_ago = utcnow() - dt.timedelta(hours=24, minutes=1)
    token = tokens.make_token(tokens.Purpose.CONFIRM_EMAIL, user, now=a_day_and_a_minute_ago)

    with pytest.raises(tokens.TokenExpired):
        services.confirm_email(token)
    assert not user.email_verified


def test_a_confirmation_link_for_an_account_that_no_longer_exists_is_not_valid(app):
    user = UserFactory(unverified=True)
    token = tokens.make_token(tokens.Purpose.CONFIRM_EMAIL, user)
    db.session.delete(user)
    db.session.commit()

    with pytest.raises(tokens.TokenInvalid):
        services.confirm_email(token)


def test_no_confirmation_is_sent_for_an_address_already_confirmed(app):
    assert services.send_email_confirmation(UserFactory()) is None
    assert outbox() == []


# Resetting a password


def test_a_reset_link_sets_a_new_password_and_then_stops_working(app):
    user = UserFactory(email="ada@example.org")
    message = requested_reset(" ADA@example.org ")
    db.session.commit()
    assert (message.recipient, message.template) == ("ada@example.org", "reset_password")
    token = link_in(message, "/reset-password")

    services.reset_password(token, NEW_PASSWORD)
    db.session.commit()

    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert services.authenticate("ada@example.org", PASSWORD) is None
    assert services.authenticate("ada@example.org", NEW_PASSWORD) == user
    with pytest.raises(tokens.TokenUsed):
        services.reset_password(token, "another fine passphrase")


def test_resetting_the_password_kills_every_other_reset_link_sent_before(app):
    UserFactory(email="ada@example.org")
    first = link_in(requested_reset("ada@example.org"), "/reset-password")
    second = link_in(requested_reset("ada@example.org"), "/reset-password")
    db.session.commit()

    services.reset_password(second, NEW_PASSWORD)
    db.session.commit()

    with pytest.raises(tokens.TokenUsed):
        services.reset_password(first, "another fine passphrase")


def test_a_refused_new_password_leaves_the_link_usable(app):
    user = UserFactory(email="ada@example.org")
    token = tokens.make_token(tokens.Purpose.RESET_PASSWORD, user)

    with pytest.raises(services.WeakPassword, match="10 characters or more"):
        services.reset_password(token, "short")
    with pytest.raises(services.WeakPassword, match="must not be your email address"):
        services.reset_password(token, "ADA@example.org")

    assert services.reset_password(token, NEW_PASSWORD) == user


def test_following_a_reset_link_confirms_the_address_it_was_sent_to(app):
    user = UserFactory(unverified=True)

    services.reset_password(tokens.make_token(tokens.Purpose.RESET_PASSWORD, user), NEW_PASSWORD)

    assert user.email_verified


def test_an_old_reset_link_has_expired(app):
    user = UserFactory()
    token = tokens.make_token(tokens.Purpose.RESET_PASSWORD, user, now=utcnow() - dt.timedelta(hours=25))

    with pytest.raises(tokens.TokenExpired):
        services.reset_password(token, NEW_PASSWORD)


def test_the_link_lifetime_is_a_setting(app):
    app.config["TOKEN_MAX_AGE_HOURS"] = 1
    user = UserFactory()
    token = tokens.make_token(tokens.Purpose.RESET_PASSWORD, user, now=utcnow() - dt.timedelta(minutes=61))

    with pytest.raises(tokens.TokenExpired):
        services.reset_password(token, NEW_PASSWORD)


def test_a_confirmation_link_is_no_reset_link(app):
    user = UserFactory(unverified=True)

    with pytest.raises(tokens.TokenInvalid):
        services.reset_password(tokens.make_token(tokens.Purpose.CONFIRM_EMAIL, user), NEW_PASSWORD)


@pytest.mark.parametrize(
    "user_traits",
    [
        pytest.param({"email": "ada@example.org", "disabled": True}, id="disabled"),
        pytest.param(None, id="unknown"),
    ],
)
def test_no_reset_email_goes_to_an_unknown_or_disabled_account(app, user_traits):
    if user_traits:
        UserFactory(**user_traits)

    assert services.request_password_reset("ada@example.org") is None
    assert outbox() == []


def test_a_disabled_account_cannot_use_a_reset_link_sent_before_it_was_disabled(app):
    user = UserFactory()
    token = tokens.make_token(tokens.Purpose.RESET_PASSWORD, user)
    user.disabled = True
    db.session.commit()

    with pytest.raises(tokens.TokenInvalid):
        services.reset_password(token, NEW_PASSWORD)


def test_email_links_use_the_public_address_of_the_service(app):
    app.config["BASE_URL"] = "https://jobs.example.org/marketplace"
    UserFactory(email="ada@example.org")

    message = requested_reset("ada@example.org")

    assert "https://jobs.example.org/marketplace/reset-password/" in message.text_body


# Accounts made by administrators


def test_create_confirmed_user_makes_a_confirmed_account_with_any_role(app):
    user = services.create_confirmed_user(" Mod@Example.org", NEW_PASSWORD, Role.MODERATOR, "Mo Derator")
    db.session.commit()

    assert (user.email, user.role, user.full_name) == ("mod@example.org", Role.MODERATOR, "Mo Derator")
    assert user.email_verified
    assert user.password_hash.startswith("$argon2id$")
    assert outbox() == []


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("person0@example.org", NEW_PASSWORD, "already exists"),
        ("not an address", NEW_PASSWORD, "correct format"),
        ("mod@example.org", "password123", "too easy to guess"),
    ],
)
def test_create_confirmed_user_refuses_what_registration_refuses(app, email, password, message):
    UserFactory(email="person0@example.org")

    with pytest.raises(services.AccountError, match=message):
        services.create_confirmed_user(email, password, Role.MODERATOR, "Mo Derator")


def test_the_users_create_command_makes_a_moderator(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--role", "moderator", "Mod@Example.org"],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )

    assert result.exit_code == 0, result.output
    assert "Created moderator mod@example.org" in result.output
    db.session.rollback()  # only what the command committed survives this
    moderator = user_with_email("mod@example.org")
    assert moderator.role is Role.MODERATOR
    assert moderator.full_name == "Mod"
    assert moderator.email_verified
    assert verify_password(moderator.password_hash, NEW_PASSWORD)


def test_the_users_create_command_explains_a_refusal(app):
    UserFactory(email="mod@example.org")

    result = app.test_cli_runner().invoke(
        args=["users", "create", "--role", "moderator", "mod@example.org"],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )

    assert result.exit_code == 1
    assert "An account already exists for mod@example.org" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
