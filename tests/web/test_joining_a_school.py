"""School staff find their school, join it (earned) or ask to join, and verification by email domain."""

import re

import pytest
import sqlalchemy as sa

from marketplace.audit import AuditEvent
from marketplace.extensions import db
from marketplace.organisations import services
from marketplace.organisations.models import JoinRequest, JoinRequestStatus, Membership, MembershipRole
from tests.conftest import sign_in_as
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.web.test_auth import registration, text


@pytest.fixture
def staff():
    return UserFactory(hiring_staff=True, email="head@kirkstall.leeds.sch.uk")


def school(**changes):
    values = {
        "name": "Kirkstall Valley Primary School",
        "urn": "137042",
        "postcode": "LS5 3AB",
        "website": "http://www.kirkstall.leeds.sch.uk",
        "verified_at": None,
    }
    values.update(changes)
    return OrganisationFactory(**values)


def memberships(user_id: int) -> list[tuple[int, MembershipRole]]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Membership).where(Membership.user_id == user_id))
    return [(m.organisation_id, m.role) for m in rows]


@pytest.mark.parametrize("query", ["kirkstall valley", "VALLEY primary", "137042", "ls5 3ab", "LS5"])
def test_staff_find_their_school_by_name_urn_or_postcode(client, staff, query):
    found = school()
    OrganisationFactory(name="Another Academy", urn="100001", postcode="YO1 1AA")
    sign_in_as(client, staff)

    page = text(client.get("/school/find-your-school", query_string={"q": query}))

    assert "1 result" in page
    assert found.name in page
    assert "Another Academy" not in page


def test_a_search_that_finds_nothing_says_so(client, staff):
    sign_in_as(client, staff)
    page = text(client.get("/school/find-your-school", query_string={"q": "100% nowhere_"}))
    assert "We could not find a school or trust matching" in page


def test_the_first_member_of_staff_becomes_the_administrator_and_a_matching_address_verifies(client, staff):
    found = school()
    sign_in_as(client, staff)

    page = text(client.get(f"/school/find-your-school/{found.id}"))
    assert "Your confirmed email address is on a domain Kirkstall Valley Primary School owns" in page
    response = client.post(f"/school/find-your-school/{found.id}")

    assert response.headers["Location"] == "/school"
    assert memberships(staff.id) == [(found.id, MembershipRole.ADMINISTRATOR)]
    db.session.refresh(found)
    assert found.verified
    [event] = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.subject_id == found.id, AuditEvent.action == "organisation.verified"
        )
    )
    assert (event.action, event.actor_id, event.data["method"]) == (
        "organisation.verified",
        staff.id,
        "email_domain",
    )


def test_an_address_elsewhere_leaves_the_school_for_a_moderator_to_verify(client):
    found = school()
    user = UserFactory(hiring_staff=True, email="head@gmail.com")
    sign_in_as(client, user)

    client.post(f"/school/find-your-school/{found.id}", data={"statement": "Headteacher"})

    db.session.refresh(found)
    assert memberships(user.id) == []  # a claim, until a moderator approves it
    assert not found.verified
    moderator = UserFactory(moderator=True)
    services.verify_organisation(moderator, found, reason="Called the school office")
    db.session.commit()
    assert found.verified
    [event] = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.subject_id == found.id, AuditEvent.action == "organisation.verified"
        )
    )
    assert (event.actor_id, event.reason, event.data["method"]) == (
        moderator.id,
        "Called the school office",
        "moderator",
    )
    with pytest.raises(services.OrganisationError):
        services.verify_organisation(moderator, found)
    with pytest.raises(services.NotAllowed):
        services.verify_organisation(user, school(urn="100009", name="Other"))


def test_an_unconfirmed_address_verifies_the_school_when_it_is_confirmed(client, app, outbox):
    found = school()
    client.post(
        "/register",
        data=registration(
            account_type="hiring_staff", school_urn="137042", email="head@kirkstall.leeds.sch.uk"
        ),
    )
    db.session.refresh(found)
    assert not found.verified
    user = db.session.scalar(sa.select(JoinRequest)).user
    assert memberships(user.id) == []

    [message] = outbox(template="verify_email")
    path = re.search(r"http://localhost(/confirm-email/\S+)", message.text_body).group(1)
    client.get(path)

    db.session.refresh(found)
    assert found.verified
    assert memberships(user.id) == [(found.id, MembershipRole.ADMINISTRATOR)]


def test_later_staff_ask_to_join_and_an_administrator_approves(client, app, outbox):
    admin = MembershipFactory(organisation=school(), user__email="admin@kirkstall.leeds.sch.uk")
    found = admin.organisation
    newcomer = UserFactory(hiring_staff=True, email="nia.jones@example.net", full_name="Nia Jones")
    sign_in_as(client, newcomer)

    assert "Ask to join" in text(client.get(f"/school/find-your-school/{found.id}"))
    client.post(f"/school/find-your-school/{found.id}", data={"statement": "Teaching assistant"})
    again = client.post(f"/school/find-your-school/{found.id}", data={"statement": "Teaching assistant"})
    assert "You already asked to join Kirkstall Valley Primary School" in text(again)  # one request

    assert memberships(newcomer.id) == []
    assert "Your request to join Kirkstall Valley Primary School is waiting for its administrators" in text(
        client.get("/school/find-your-school")
    )
    assert client.get("/school").status_code == 200
    [request_email] = outbox(template="join_request_received")
    assert request_email.recipient == admin.user.email
    assert f"http://localhost/school/team/{found.id}" in request_email.text_body

    sign_in_as(client, admin.user)
    page = text(client.get(f"/school/team/{found.id}"))
    assert "Asking to join (1)" in page
    assert "Nia Jones (nia.jones@example.net)" in page
    assert "Their role, in their words: Teaching assistant" in page
    join_request = db.session.scalar(sa.select(JoinRequest))
    response = client.post(
        f"/school/team/{found.id}/join-requests/{join_request.id}",
        data={"decision": "approve", "role": "editor"},
    )

    assert response.status_code == 302
    assert memberships(newcomer.id) == [(found.id, MembershipRole.EDITOR)]
    [approved] = outbox(template="join_request_approved")
    assert approved.recipient == newcomer.email
    response = client.post(
        f"/school/team/{found.id}/join-requests/{join_request.id}",
        data={"decision": "decline", "role": "editor"},
    )
    assert "This request has already been answered" in text(client.get(response.headers["Location"]))


def test_an_administrator_declines_a_request(client, outbox):
    admin = MembershipFactory(organisation=school())
    stranger = UserFactory(hiring_staff=True)
    services.join_organisation(stranger, admin.organisation, "Office manager")
    db.session.commit()
    join_request = db.session.scalar(sa.select(JoinRequest))
    sign_in_as(client, admin.user)

    client.post(
        f"/school/team/{admin.organisation_id}/join-requests/{join_request.id}",
        data={"decision": "decline", "role": "editor"},
    )

    db.session.refresh(join_request)
    assert join_request.status is JoinRequestStatus.DECLINED
    assert memberships(stranger.id) == []
    [declined] = outbox(template="join_request_declined")
    assert declined.recipient == stranger.email


def test_an_editor_cannot_decide_requests(client):
    admin = MembershipFactory(organisation=school())
    editor = MembershipFactory(organisation=admin.organisation, role=MembershipRole.EDITOR)
    stranger = UserFactory(hiring_staff=True)
    services.join_organisation(stranger, admin.organisation, "Office manager")
    db.session.commit()
    join_request = db.session.scalar(sa.select(JoinRequest))
    sign_in_as(client, editor.user)

    response = client.post(
        f"/school/team/{admin.organisation_id}/join-requests/{join_request.id}",
        data={"decision": "approve", "role": "administrator"},
    )

    assert response.status_code == 403
    assert memberships(stranger.id) == []


def test_jobseekers_cannot_join_a_school(client):
    found = school()
    sign_in_as(client, UserFactory())
    assert client.post(f"/school/find-your-school/{found.id}").status_code == 403
    with pytest.raises(services.OrganisationError):
        services.join_organisation(UserFactory(), found)
