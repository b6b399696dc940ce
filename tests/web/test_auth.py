"""Signing in and out, registering, confirming an address and resetting a password, as a browser sees them."""

import datetime as dt
import html
import re

import pytest
import sqlalchemy as sa

from marketplace.accounts import tokens
from marketplace.accounts.models import User
from marketplace.accounts.passwords import verify_password
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.notifications.models import OutboxMessage
from marketplace.organisations.models import JoinRequest, JoinRequestStatus
from marketplace.permissions import Role
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

NEW_PASSWORD = "kettle orbit meadow"
SIGN_IN_FAILED = "Enter a correct email address and password"


def outbox(template: str | None = None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if template:
        query = query.where(OutboxMessage.template == template)
    return list(db.session.scalars(query))


def emailed_path(message: OutboxMessage) -> str:
    """The path of the first link to the service in an email, as a person would click it."""
    match = re.search(r"http://localhost(/(?:confirm-email|reset-password)/\S+)", message.text_body)
    assert match, message.text_body
    return match.group(1)


def user_with_email(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def text(response) -> str:
    """The page as a person reads it: tags removed, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def sign_in(client, email: str, password: str = PASSWORD, next_url: str | None = None):
    url = "/sign-in" if next_url is None else f"/sign-in?next={next_url}"
    return client.post(url, data={"email": email, "password": password})


def signed_in_user_id(client) -> str | None:
    with client.session_transaction() as current:
        return current.get("_user_id")


def registration(**changes) -> dict:
    data = {
        "account_type": "jobseeker",
        "full_name": "Ada Lovelace",
        "email": "ada@example.org",
        "password": NEW_PASSWORD,
    }
    data.update(changes)
    return data


# Pages


@pytest.mark.parametrize("url", ["/sign-in", "/register", "/reset-password"])
def test_the_account_pages_open_for_visitors(client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert 'name="csrf_token"' in response.get_data(as_text=True)


def test_the_registration_form_offers_both_kinds_of_account(client):
    page = text(client.get("/register"))

    assert "Find and apply for jobs" in page
    assert "I work at a school or trust" in page
    assert "Your school's URN" in page


@pytest.mark.parametrize("url", ["/sign-in", "/register"])
def test_a_signed_in_person_is_sent_on_from_sign_in_and_register(client, url):
    sign_in(client, UserFactory().email)

    response = client.get(url)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


# Registering


def test_registering_as_a_jobseeker_asks_the_person_to_check_their_email(client):
    response = client.post("/register", data=registration(email="  Ada@Example.ORG "))

    assert response.status_code == 302
    assert response.headers["Location"] == "/register/check-your-email"
    page = text(client.get("/register/check-your-email"))
    assert "Check your email" in page
    assert "ada@example.org" in page
    user = user_with_email("ada@example.org")
    assert user.role is Role.JOBSEEKER
    assert not user.email_verified
    assert user.password_hash.startswith("$argon2id$")
    [message] = outbox()
    assert (message.recipient, message.template) == ("ada@example.org", "verify_email")
    assert "http://localhost/confirm-email/" in message.text_body
    assert signed_in_user_id(client) is None


def test_registering_as_school_staff_claims_the_school_with_that_urn_without_access(client):
    school = OrganisationFactory(urn="137042")

    response = client.post(
        "/register",
        data=registration(account_type="hiring_staff", school_urn="137042", email="head@school.example.org"),
    )

    assert response.status_code == 302
    user = user_with_email("head@school.example.org")
    assert user.role is Role.HIRING_STAFF
    assert user.memberships == []  # a public URN proves nothing: the claim waits for a moderator
    [claim] = db.session.scalars(sa.select(JoinRequest).where(JoinRequest.user_id == user.id))
    assert (claim.organisation_id, claim.status) == (school.id, JoinRequestStatus.PENDING)
    assert [m.template for m in outbox()] == ["verify_email"]


def test_a_second_member_of_staff_asks_the_administrators_to_join(client):
    # Knowing a school's public URN must not open its listings and applications to a stranger.
    membership = MembershipFactory(organisation=OrganisationFactory(urn="137042"))

    client.post(
        "/register",
        data=registration(
            account_type="hiring_staff", school_urn="137042", email="office@school.example.org"
        ),
    )

    user = user_with_email("office@school.example.org")
    assert user.memberships == []
    [request] = outbox("join_request_received")
    assert request.recipient == membership.user.email
    assert "office@school.example.org" in request.text_body


def test_an_unknown_urn_is_explained_and_what_was_typed_is_kept_except_the_password(client):
    response = client.post(
        "/register",
        data=registration(
            account_type="hiring_staff",
            school_urn="999999",
            full_name="Grace Hopper",
            email="head@school.example.org",
        ),
    )

    assert response.status_code == 200
    page = text(response)
    assert page.startswith("Error: Create an account")
    assert "There is a problem" in page
    assert "We cannot find a school with that URN" in page
    html = response.get_data(as_text=True)
    assert 'href="#school_urn"' in html
    assert 'value="999999"' in html
    assert 'value="Grace Hopper"' in html
    assert 'value="head@school.example.org"' in html
    assert NEW_PASSWORD not in html
    assert user_with_email("head@school.example.org") is None
    assert outbox() == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"account_type": ""},
            "account_type",
            "Select whether you are looking for a job or work at a school or trust",
        ),
        (
            {"account_type": "moderator"},
            "account_type",
            "Select whether you are looking for a job or work at a school or trust",
        ),
        (
            {"account_type": "hiring_staff", "school_urn": "12-34"},
            "school_urn",
            "Enter a URN of 6 digits, like 100000",
        ),
        ({"full_name": "  "}, "full_name", "Enter your full name"),
        ({"full_name": "x" * 201}, "full_name", "Full name must be 200 characters or fewer"),
        ({"email": ""}, "email", "Enter your email address"),
        ({"email": "ada at example.org"}, "email", "Enter an email address in the correct format"),
        ({"email": "ada@"}, "email", "Enter an email address in the correct format"),
        ({"password": ""}, "password", "Enter a password"),
        ({"password": "short"}, "password", "Password must be 10 characters or more"),
        ({"password": "x" * 10 + "y" * 119}, "password", "Password must be 128 characters or fewer"),
        ({"password": "Password123!"}, "password", "Password is too easy to guess"),
        ({"password": "qwertyuiop"}, "password", "Password is too easy to guess"),
        ({"password": "teacher2024"}, "password", "Password is too easy to guess"),
        (
            {"email": "grace.hopper@example.org", "password": "Grace.Hopper"},
            "password",
            "Password must not be your email address",
        ),
    ],
)
def test_registration_explains_each_problem_next_to_its_field(client, changes, field, message):
    response = client.post("/register", data=registration(**changes))

    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert message in page
    assert f'href="#{field}"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    assert outbox() == []


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("/sign-in", {"email": "ada\x00@example.org", "password": PASSWORD}, SIGN_IN_FAILED),
        (
            "/register",
            registration(full_name="Ada\x00Lovelace"),
            "Enter your full name without special characters",
        ),
        (
            "/register",
            registration(email="ada\x00@example.org"),
            "Enter an email address in the correct format",
        ),
        ("/reset-password", {"email": "ada\x00@example.org"}, "Enter an email address in the correct format"),
    ],
)
def test_characters_the_database_cannot_store_are_refused_politely(client, url, data, message):
    UserFactory(email="ada@example.org")

    response = client.post(url, data=data)

    assert response.status_code == 200
    assert message in text(response)


def test_registration_survives_a_form_with_nothing_in_it(client):
    response = client.post("/register", data={})

    assert response.status_code == 200
    assert "There is a problem" in text(response)


def test_registering_a_taken_address_looks_the_same_and_emails_its_owner_instead(client, app):
    UserFactory(email="taken@example.org", full_name="Ada Lovelace")
    first = client.post("/register", data=registration(email="new@example.org"))
    new_page = text(client.get(first.headers["Location"]))

    other_client = app.test_client()
    second = other_client.post("/register", data=registration(email="Taken@Example.org"))
    taken_page = text(other_client.get(second.headers["Location"]))

    assert (first.status_code, first.headers["Location"]) == (second.status_code, second.headers["Location"])
    assert new_page.replace("new@example.org", "ADDRESS") == taken_page.replace(
        "taken@example.org", "ADDRESS"
    )
    assert "Check your email" in new_page
    assert [(m.recipient, m.template) for m in outbox()] == [
        ("new@example.org", "verify_email"),
        ("taken@example.org", "account_exists"),
    ]
    reminder = outbox("account_exists")[0]
    assert "http://localhost/sign-in" in reminder.text_body
    assert "http://localhost/reset-password" in reminder.text_body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 2


# Signing in and out


@pytest.mark.parametrize(
    ("traits", "home"),
    [
        ({}, "/your-account"),
        ({"hiring_staff": True}, "/school"),
        ({"moderator": True}, "/moderation"),
        ({"role": Role.ADMIN}, "/moderation"),
    ],
)
def test_signing_in_takes_each_kind_of_person_to_their_own_start_page(client, traits, home):
    user = UserFactory(**traits)

    response = sign_in(client, user.email.upper())

    assert response.status_code == 302
    assert response.headers["Location"] == home
    assert signed_in_user_id(client) == user.get_id()
    assert user_with_email(user.email).last_signed_in_at is not None


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(client):
    UserFactory(email="ada@example.org")

    wrong_password = sign_in(client, "ada@example.org", "not my password at all")
    unknown_address = sign_in(client, "nobody@example.org", "not my password at all")

    assert wrong_password.status_code == unknown_address.status_code == 200
    assert SIGN_IN_FAILED in text(wrong_password)
    assert text(wrong_password).replace("ada@example.org", "ADDRESS") == text(unknown_address).replace(
        "nobody@example.org", "ADDRESS"
    )
    assert 'value="ada@example.org"' in wrong_password.get_data(as_text=True)
    assert "not my password at all" not in wrong_password.get_data(as_text=True)
    assert signed_in_user_id(client) is None


def test_a_disabled_account_gets_the_same_answer_as_a_wrong_password(client):
    UserFactory(email="ada@example.org", disabled=True)

    response = sign_in(client, "ada@example.org")

    assert SIGN_IN_FAILED in text(response)
    assert signed_in_user_id(client) is None


def test_a_person_whose_account_is_disabled_is_signed_out_on_their_next_request(client):
    user = UserFactory(email="ada@example.org", unverified=True)
    sign_in(client, "ada@example.org")
    assert client.get("/confirm-your-email").status_code == 200

    user.disabled = True
    db.session.commit()
    response = client.get("/confirm-your-email")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "password": ""}, "Enter your email address"),
        ({"email": "ada@example.org", "password": ""}, "Enter your password"),
        ({}, "Enter your email address"),
    ],
)
def test_an_incomplete_sign_in_form_says_what_is_missing(client, data, message):
    response = client.post("/sign-in", data=data)

    assert response.status_code == 200
    assert message in text(response)


def test_signing_in_goes_on_to_the_page_the_person_asked_for(client):
    user = UserFactory()

    response = sign_in(client, user.email, next_url="/jobs%3Fkeywords%3Dmaths")

    assert response.headers["Location"] == "/jobs?keywords=maths"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example.org/",
        "//evil.example.org/",
        "///evil.example.org/",
        "/\\evil.example.org/",
        "\\\\evil.example.org",
        "%2F%2Fevil.example.org",
        "/%09/evil.example.org",
        "javascript:alert(1)",
        "http:evil.example.org",
        "evil.example.org",
        "https:/evil.example.org",
    ],
)
def test_signing_in_never_goes_on_to_another_site(client, next_url):
    user = UserFactory()

    response = sign_in(client, user.email, next_url=next_url)

    assert response.status_code == 302
    assert response.headers["Location"] == "/your-account"


def test_a_protected_page_sends_a_visitor_to_sign_in_and_back_again(client):
    user = UserFactory(unverified=True)

    response = client.get("/confirm-your-email")
    assert response.status_code == 302
    sign_in_url = response.headers["Location"]
    assert sign_in_url.startswith("/sign-in?next=")

    response = client.post(sign_in_url, data={"email": user.email, "password": PASSWORD})

    assert response.headers["Location"] == "/confirm-your-email"


def test_signing_in_starts_a_new_session(client):
    user = UserFactory()
    with client.session_transaction() as planted:
        planted["planted_by_someone_else"] = "value"

    sign_in(client, user.email)

    with client.session_transaction() as current:
        assert "planted_by_someone_else" not in current
        assert current["_user_id"] == user.get_id()


def test_signing_out_ends_the_session(client):
    sign_in(client, UserFactory().email)

    response = client.post("/sign-out")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert signed_in_user_id(client) is None
    assert "You have signed out" in text(client.get(response.headers["Location"]))


def test_signing_out_is_only_possible_by_posting_the_form(client):
    sign_in(client, UserFactory().email)

    assert client.get("/sign-out").status_code == 405
    assert signed_in_user_id(client) is not None


def test_a_password_hashed_with_older_settings_is_upgraded_at_sign_in(client):
    from argon2 import PasswordHasher

    old_hash = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    user = UserFactory(password_hash=old_hash)

    sign_in(client, user.email)

    stored = user_with_email(user.email).password_hash
    assert stored != old_hash
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, PASSWORD)


# Confirming an email address


def test_the_emailed_link_confirms_the_address_and_signs_the_person_in(client):
    client.post("/register", data=registration())
    path = emailed_path(outbox("verify_email")[0])

    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"] == "/your-account"
    assert user_with_email("ada@example.org").email_verified
    assert "Your email address is confirmed" in text(client.get("/your-account"))


def test_a_signed_in_person_confirming_their_address_goes_to_their_start_page(client):
    user = UserFactory(unverified=True, hiring_staff=True)
    sign_in(client, user.email)

    response = client.get(f"/confirm-email/{tokens.make_token(tokens.Purpose.CONFIRM_EMAIL, user)}")

    assert response.headers["Location"] == "/school"


def test_a_confirmation_link_used_twice_says_the_address_is_already_confirmed(client):
    user = UserFactory(unverified=True)
    path = f"/confirm-email/{tokens.make_token(tokens.Purpose.CONFIRM_EMAIL, user)}"
    client.get(path)

    response = client.get(path)

    assert response.status_code == 200
    assert "Your email address is already confirmed" in text(response)


def test_an_expired_confirmation_link_explains_how_to_get_a_new_one(client):
    user = UserFactory(unverified=True)
    token = tokens.make_token(tokens.Purpose.CONFIRM_EMAIL, user, now=utcnow() - dt.timedelta(hours=25))

    response = client.get(f"/confirm-email/{token}")

    assert response.status_code == 410
    page = text(response)
    assert "This link has expired" in page
    assert "Sign in to get a new link to confirm your email address" in page
    assert not user_with_email(user.email).email_verified


@pytest.mark.parametrize("token", ["nonsense", "a.b.c", "%00", "x" * 2000])
def test_a_broken_confirmation_link_explains_itself(client, token):
    response = client.get(f"/confirm-email/{token}")

    assert response.status_code == 404
    assert "This link is not valid" in text(response)


def test_a_tampered_confirmation_link_confirms_nothing(client):
    user = UserFactory(unverified=True)
    token = tokens.make_token(tokens.Purpose.CONFIRM_EMAIL, user)

    body, timestamp, signature = token.split(".")
    tampered = f"{body}.{timestamp}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"

    response = client.get(f"/confirm-email/{tampered}")

    assert response.status_code == 404
    assert "This link is not valid" in text(response)
    assert not user_with_email(user.email).email_verified


def test_the_confirm_your_email_page_sends_a_new_link(client):
    user = UserFactory(unverified=True, email="ada@example.org")
    sign_in(client, user.email)

    page = client.get("/confirm-your-email")
    assert "Confirm your email address" in text(page)
    assert "Send the link again" in text(page)

    response = client.post("/confirm-your-email")

    assert response.status_code == 302
    assert "We have sent a new link to ada@example.org" in text(client.get(response.headers["Location"]))
    [message] = outbox()
    assert (message.recipient, message.template) == ("ada@example.org", "verify_email")
    assert client.get(emailed_path(message)).status_code == 302
    assert user_with_email("ada@example.org").email_verified


def test_the_confirm_your_email_page_moves_on_once_the_address_is_confirmed(client):
    sign_in(client, UserFactory().email)

    response = client.get("/confirm-your-email")

    assert response.status_code == 302
    assert response.headers["Location"] == "/your-account"


# Resetting a password


def test_a_reset_request_looks_the_same_whether_or_not_the_account_exists(client, app):
    UserFactory(email="ada@example.org")

    known = client.post("/reset-password", data={"email": "ada@example.org"})
    known_page = text(client.get(known.headers["Location"]))
    other_client = app.test_client()
    unknown = other_client.post("/reset-password", data={"email": "nobody@example.org"})
    unknown_page = text(other_client.get(unknown.headers["Location"]))

    assert known.headers["Location"] == unknown.headers["Location"] == "/reset-password/check-your-email"
    assert known_page.replace("ada@example.org", "ADDRESS") == unknown_page.replace(
        "nobody@example.org", "ADDRESS"
    )
    assert "Check your email" in known_page
    assert [(m.recipient, m.template) for m in outbox()] == [("ada@example.org", "reset_password")]


@pytest.mark.parametrize(
    ("email", "message"),
    [("", "Enter your email address"), ("not an address", "Enter an email address in the correct format")],
)
def test_a_reset_request_explains_a_missing_or_malformed_address(client, email, message):
    response = client.post("/reset-password", data={"email": email})

    assert response.status_code == 200
    assert message in text(response)


def test_the_emailed_reset_link_lets_the_person_choose_a_new_password_once(client):
    UserFactory(email="ada@example.org")
    client.post("/reset-password", data={"email": "ada@example.org"})
    path = emailed_path(outbox("reset_password")[0])

    form = client.get(path)
    assert form.status_code == 200
    assert "Create a new password" in text(form)
    assert form.headers["Referrer-Policy"] == "no-referrer"

    response = client.post(path, data={"password": NEW_PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert "Your password has been changed" in text(client.get("/sign-in"))
    assert SIGN_IN_FAILED in text(sign_in(client, "ada@example.org", PASSWORD))
    assert sign_in(client, "ada@example.org", NEW_PASSWORD).headers["Location"] == "/your-account"

    client.post("/sign-out")
    reused = client.get(path)
    assert reused.status_code == 410
    assert "This link has already been used" in text(reused)
    assert "Get a new link to reset your password" in text(reused)
    assert client.post(path, data={"password": "yet another passphrase"}).status_code == 410


def test_changing_the_password_signs_out_every_other_session(app, client):
    user = UserFactory(email="ada@example.org", hiring_staff=True)
    MembershipFactory(user=user)
    elsewhere = app.test_client()
    sign_in(elsewhere, "ada@example.org", PASSWORD)
    assert elsewhere.get("/school").status_code == 200

    client.post("/reset-password", data={"email": "ada@example.org"})
    client.post(emailed_path(outbox("reset_password")[0]), data={"password": NEW_PASSWORD})

    assert elsewhere.get("/school").headers["Location"].startswith("/sign-in")


def test_a_refused_new_password_is_explained_and_the_link_still_works(client):
    user = UserFactory(email="ada@example.org")
    path = f"/reset-password/{tokens.make_token(tokens.Purpose.RESET_PASSWORD, user)}"

    response = client.post(path, data={"password": "password1234"})

    assert response.status_code == 200
    assert "Password is too easy to guess" in text(response)
    assert "password1234" not in response.get_data(as_text=True)
    assert client.post(path, data={"password": NEW_PASSWORD}).status_code == 302


def test_an_expired_reset_link_explains_how_to_get_a_new_one(client):
    user = UserFactory()
    token = tokens.make_token(tokens.Purpose.RESET_PASSWORD, user, now=utcnow() - dt.timedelta(hours=25))

    for response in (
        client.get(f"/reset-password/{token}"),
        client.post(f"/reset-password/{token}", data={"password": NEW_PASSWORD}),
    ):
        assert response.status_code == 410
        assert "This link has expired" in text(response)
        assert "Get a new link to reset your password" in text(response)
    assert verify_password(user_with_email(user.email).password_hash, PASSWORD)


def test_a_tampered_reset_link_changes_nothing(client):
    user = UserFactory()
    token = tokens.make_token(tokens.Purpose.RESET_PASSWORD, user)
    tampered = token.replace(".", "x.", 1)

    response = client.post(f"/reset-password/{tampered}", data={"password": NEW_PASSWORD})

    assert response.status_code == 404
    assert "This link is not valid" in text(response)
    assert verify_password(user_with_email(user.email).password_hash, PASSWORD)


def test_every_account_page_declares_who_may_use_it_and_has_a_kebab_case_address(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("auth.")]

    assert {rule.endpoint for rule in rules} >= {
        "auth.sign_in",
        "auth.register",
        "auth.sign_out",
        "auth.confirm_email_needed",
        "auth.confirm_email",
        "auth.request_password_reset",
        "auth.reset_password",
    }
    for rule in rules:
        assert getattr(app.view_functions[rule.endpoint], "access", None) is not None, rule.endpoint
        assert re.fullmatch(r"(/[a-z0-9-]*|/<\w+>)+", rule.rule), rule.rule
    assert {m for r in rules if r.endpoint == "auth.sign_out" for m in r.methods} - {"OPTIONS"} == {"POST"}
