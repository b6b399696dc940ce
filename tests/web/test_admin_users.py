"""Administrators find people, change their roles and disable or restore accounts, all audited."""

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.audit import AuditEvent
from marketplace.extensions import db
from marketplace.permissions import Role
from tests.conftest import sign_in_as
from tests.factories import UserFactory


def test_an_admin_finds_people_by_email_or_name(client):
    UserFactory(email="ada@example.org", full_name="Ada Lovelace")
    UserFactory(email="grace@example.org", full_name="Grace Hopper")
    sign_in_as(client, UserFactory(role=Role.ADMIN))

    page = client.get("/admin/users?q=LOVELACE").get_data(as_text=True)

    assert "ada@example.org" in page
    assert "grace@example.org" not in page
    assert client.get("/admin/users?q=%25&role=nonsense").status_code == 200


def test_an_admin_makes_someone_a_moderator_and_the_change_is_audited(client):
    admin = UserFactory(role=Role.ADMIN)
    person = UserFactory()
    sign_in_as(client, admin)

    client.post(f"/admin/users/{person.id}/role", data={"role": "moderator"})

    db.session.refresh(person)
    assert person.role is Role.MODERATOR
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "account.change_role"))
    assert (event.actor_id, event.data) == (admin.id, {"previous_role": "jobseeker", "role": "moderator"})


def test_a_disabled_account_is_signed_out_and_needs_a_reason(client, app):
    admin = UserFactory(role=Role.ADMIN)
    person = UserFactory(email="someone@example.org")
    theirs = app.test_client()
    sign_in_as(theirs, person)
    assert theirs.get("/your-applications").status_code == 200
    sign_in_as(client, admin)

    refused = client.post(
        f"/admin/users/{person.id}/access", data={"action": "disable", "reason": " "}, follow_redirects=True
    )
    assert "Enter the reason" in refused.get_data(as_text=True)
    client.post(f"/admin/users/{person.id}/access", data={"action": "disable", "reason": "Spam applications"})

    db.session.expire_all()
    assert db.session.get(User, person.id).disabled
    assert theirs.get("/your-applications").status_code == 302
    client.post(f"/admin/users/{person.id}/access", data={"action": "restore", "reason": "Appeal upheld"})
    db.session.expire_all()
    assert not db.session.get(User, person.id).disabled


def test_an_admin_cannot_change_their_own_role_or_lock_themselves_out(client):
    admin = UserFactory(role=Role.ADMIN)
    sign_in_as(client, admin)
    client.post(f"/admin/users/{admin.id}/role", data={"role": "jobseeker"})
    client.post(f"/admin/users/{admin.id}/access", data={"action": "disable", "reason": "oops"})
    db.session.refresh(admin)
    assert (admin.role, admin.disabled) == (Role.ADMIN, False)


def test_moderators_cannot_manage_people(client):
    person = UserFactory()
    sign_in_as(client, UserFactory(moderator=True))
    assert client.get("/admin/users").status_code == 403
    assert client.post(f"/admin/users/{person.id}/role", data={"role": "admin"}).status_code == 403
