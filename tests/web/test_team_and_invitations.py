"""Administrators invite colleagues by email, choose their role, and see and remove members."""

import datetime as dt
import re

import sqlalchemy as sa

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.organisations.models import Invitation, Membership, MembershipRole
from tests.conftest import sign_in_as
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory
from tests.web.test_auth import text

NEW_PASSWORD = "kettle orbit meadow"


def invitation_path(outbox) -> str:
    [message] = outbox(template="team_invitation")
    return re.search(r"http://localhost(/invitations/\S+)", message.text_body).group(1)


def roles(organisation_id: int) -> dict[str, MembershipRole]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Membership).where(Membership.organisation_id == organisation_id))
    return {m.user.email: m.role for m in rows}


def test_an_administrator_invites_a_colleague_who_creates_an_account_and_joins(client, outbox):
    admin = MembershipFactory()
    school = admin.organisation
    sign_in_as(client, admin.user)

    response = client.post(
        f"/school/team/{school.id}/invite",
        data={"email": " Bursar@Riverside.example.org ", "role": "administrator"},
    )
    assert response.headers["Location"] == f"/school/team/{school.id}"
    assert "bursar@riverside.example.org" in text(client.get(f"/school/team/{school.id}"))
    path = invitation_path(outbox)

    client.post("/sign-out")
    page = text(client.get(path))
    assert "Create your account for bursar@riverside.example.org" in page
    response = client.post(path, data={"full_name": "Sam Patel", "password": NEW_PASSWORD})

    assert response.headers["Location"] == "/school"
    assert roles(school.id)["bursar@riverside.example.org"] is MembershipRole.ADMINISTRATOR
    assert client.get("/school").status_code == 200  # signed in as the new member
    assert client.get(path).status_code == 410  # single use
    assert "already been used" in text(client.get(path))


def test_an_existing_account_signs_in_and_accepts(client, outbox):
    admin = MembershipFactory()
    colleague = UserFactory(hiring_staff=True, email="teacher@riverside.example.org")
    sign_in_as(client, admin.user)
    client.post(
        f"/school/team/{admin.organisation_id}/invite", data={"email": colleague.email, "role": "editor"}
    )
    path = invitation_path(outbox)

    client.post("/sign-out")
    assert "Sign in to accept the invitation" in text(client.get(path))
    other = UserFactory(hiring_staff=True)
    sign_in_as(client, other)
    assert "but you are signed in as" in text(client.get(path))
    client.post(path)
    assert other.email not in roles(admin.organisation_id)

    sign_in_as(client, colleague)
    client.post(path)
    assert roles(admin.organisation_id)[colleague.email] is MembershipRole.EDITOR


def test_withdrawn_expired_and_forged_invitations_do_not_work(client, outbox):
    admin = MembershipFactory()
    sign_in_as(client, admin.user)
    client.post(
        f"/school/team/{admin.organisation_id}/invite", data={"email": "a@example.org", "role": "editor"}
    )
    path = invitation_path(outbox)
    invitation = db.session.scalar(sa.select(Invitation))

    client.post(f"/school/team/{admin.organisation_id}/invitations/{invitation.id}/withdraw")
    client.post("/sign-out")
    assert client.get(path).status_code == 410
    assert client.post(path, data={"full_name": "A", "password": NEW_PASSWORD}).status_code == 410

    db.session.refresh(invitation)
    invitation.withdrawn_at = None
    invitation.expires_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    assert "This invitation has expired" in text(client.get(path))
    assert client.get(path[:-3] + "abc").status_code == 404
    assert roles(admin.organisation_id).keys() == {admin.user.email}


def test_invitation_form_problems_are_explained_and_keep_what_was_typed(client):
    admin = MembershipFactory()
    MembershipFactory(organisation=admin.organisation, user__email="member@example.org")
    sign_in_as(client, admin.user)

    response = client.post(f"/school/team/{admin.organisation_id}/invite", data={"email": "not an address"})
    page = text(response)
    assert "There is a problem" in page
    assert "Enter an email address in the correct format" in page
    assert 'value="not an address"' in response.get_data(as_text=True)

    page = text(
        client.post(
            f"/school/team/{admin.organisation_id}/invite",
            data={"email": "member@example.org", "role": "editor"},
        )
    )
    assert "member@example.org is already a member" in page


def test_administrators_change_roles_and_remove_members_but_keep_one_administrator(client):
    admin = MembershipFactory()
    editor = MembershipFactory(organisation=admin.organisation, role=MembershipRole.EDITOR)
    school_id = admin.organisation_id
    sign_in_as(client, admin.user)

    page = text(client.get(f"/school/team/{school_id}"))
    assert "Members (2)" in page
    assert editor.user.email in page

    response = client.post(f"/school/team/{school_id}/members/{admin.id}", data={"role": "editor"})
    assert "a team needs at least one" in text(response)
    response = client.post(f"/school/team/{school_id}/members/{admin.id}/remove")
    assert roles(school_id)[admin.user.email] is MembershipRole.ADMINISTRATOR

    client.post(f"/school/team/{school_id}/members/{editor.id}", data={"role": "administrator"})
    assert roles(school_id)[editor.user.email] is MembershipRole.ADMINISTRATOR
    client.post(f"/school/team/{school_id}/members/{editor.id}/remove")
    assert editor.user.email not in roles(school_id)


def test_an_editor_cannot_manage_the_team(client):
    admin = MembershipFactory()
    editor = MembershipFactory(organisation=admin.organisation, role=MembershipRole.EDITOR)
    school_id = admin.organisation_id
    sign_in_as(client, editor.user)

    assert client.get(f"/school/team/{school_id}").status_code == 403
    assert (
        client.post(
            f"/school/team/{school_id}/invite", data={"email": "x@example.org", "role": "editor"}
        ).status_code
        == 403
    )
    assert client.post(f"/school/team/{school_id}/members/{admin.id}/remove").status_code == 403
    assert (
        client.post(
            f"/school/team/{school_id}/members/{editor.id}", data={"role": "administrator"}
        ).status_code
        == 403
    )
    assert "Only administrators manage a team" in text(client.get("/school/team"))
    assert roles(school_id) == {
        admin.user.email: MembershipRole.ADMINISTRATOR,
        editor.user.email: MembershipRole.EDITOR,
    }


def test_a_trust_administrator_manages_the_teams_of_its_schools(client):
    trust = OrganisationFactory(kind="trust", urn=None, uid="2044", name="Abbey Academies Trust")
    academy = OrganisationFactory(trust=trust)
    trust_admin = MembershipFactory(organisation=trust)
    sign_in_as(client, trust_admin.user)

    page = text(client.get("/school/team"))
    assert academy.name in page
    assert client.get(f"/school/team/{academy.id}").status_code == 200


def test_the_password_must_be_strong_enough(client, outbox):
    admin = MembershipFactory()
    sign_in_as(client, admin.user)
    client.post(
        f"/school/team/{admin.organisation_id}/invite", data={"email": "new@example.org", "role": "editor"}
    )
    path = invitation_path(outbox)
    client.post("/sign-out")

    response = client.post(path, data={"full_name": "New Person", "password": "short"})

    assert response.status_code == 200
    assert "There is a problem" in text(response)
    assert 'value="New Person"' in response.get_data(as_text=True)
    assert PASSWORD not in response.get_data(as_text=True)
