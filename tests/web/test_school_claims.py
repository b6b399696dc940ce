"""Membership of a school is earned: a claim gives no access until a moderator (or the school's
administrators) approve it; a confirmed address on a domain the school owns joins at once."""

import re

import pytest
import sqlalchemy as sa

from marketplace.accounts import services as accounts
from marketplace.audit import AuditEvent
from marketplace.extensions import db
from marketplace.organisations import services
from marketplace.organisations.models import (
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipRole,
    OrganisationEmailDomain,
)
from marketplace.permissions import Role
from tests.conftest import sign_in_as
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    VacancyFactory,
)
from tests.web.test_auth import emailed_path, text

SCHOOL = "Meanwood Beck Primary Academy"


@pytest.fixture
def school():
    return OrganisationFactory(
        name=SCHOOL,
        urn="141207",
        phase="primary",
        street="Green Road",
        town="Leeds",
        postcode="LS6 4LB",
        local_authority="Leeds",
        website="https://www.meanwoodbeck.example.org",
        verified_at=None,
    )


@pytest.fixture
def moderator():
    return UserFactory(moderator=True, full_name="Daniel Okafor")


def memberships(user_id: int) -> list[tuple[int, MembershipRole]]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Membership).where(Membership.user_id == user_id))
    return [(m.organisation_id, m.role) for m in rows]


def events(action: str, organisation_id: int) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == action, AuditEvent.subject_id == organisation_id)
            .order_by(AuditEvent.id)
        )
    )


def the_claim() -> JoinRequest:
    db.session.expire_all()
    return db.session.scalar(sa.select(JoinRequest))


def claim(client, school, statement="School business manager; the office on 0113 496 0000 can confirm."):
    return client.post(f"/school/find-your-school/{school.id}", data={"statement": statement})


def decide(client, claim_id: int, decision: str, reason: str = ""):
    return client.post(
        f"/moderation/claims/{claim_id}",
        data={f"claim-{claim_id}-decision": decision, f"claim-{claim_id}-reason": reason},
    )


def school_pages(vacancy, application) -> dict[str, str]:
    return {
        "listing": f"/school/vacancies/{vacancy.id}",
        "applications": f"/school/vacancies/{vacancy.id}/applications",
        "application": f"/school/applications/{application.id}",
    }


def test_a_webmail_claim_gives_no_access_until_a_moderator_approves(client, school, moderator, outbox):
    vacancy = VacancyFactory(organisation=school, title="Year 3 class teacher", published=True)
    application = ApplicationFactory(vacancy=vacancy)
    claimant = UserFactory(hiring_staff=True, email="amira.haddad@gmail.com", full_name="Amira Haddad")
    sign_in_as(client, claimant)

    page = text(client.get(f"/school/find-your-school/{school.id}"))
    assert f"Claim {SCHOOL}" in page
    assert "a moderator checks that you work there" in page
    response = claim(client, school)
    assert response.headers["Location"] == "/school/find-your-school"

    # Nothing of the school but the claim's status.
    assert memberships(claimant.id) == []
    dashboard = text(client.get("/school"))
    assert f"Your claim to {SCHOOL} is waiting for a moderator" in dashboard
    assert "Year 3 class teacher" not in dashboard
    for name, path in school_pages(vacancy, application).items():
        assert client.get(path).status_code == 404, name
    new_listing = text(client.get("/school/vacancies/new"))
    assert "You are not linked to a school or trust yet" in new_listing
    assert f"Your claim to {SCHOOL} is waiting for a moderator" in new_listing
    assert "Year 3 class teacher" not in text(client.get("/school/applications"))

    [made] = events("organisation.claim_made", school.id)
    assert (made.actor_id, made.data["domain_check"], made.data["decided_by"]) == (
        claimant.id,
        "webmail address: gmail.com",
        "moderators",
    )
    assert "School business manager" in made.reason

    # The moderator sees the register details and the domain check in words, and approves.
    sign_in_as(client, moderator)
    queue = text(client.get("/moderation/claims"))
    assert "Claims to join a school (1)" in queue
    for detail in (
        "Amira Haddad (amira.haddad@gmail.com)",
        "webmail address: gmail.com",
        "School business manager; the office on 0113 496 0000 can confirm.",
        "141207",
        "Green Road, Leeds, West Yorkshire, LS6 4LB",
        "primary",
        "https://www.meanwoodbeck.example.org",
        "Leeds",
        "Approving makes them its administrator",
    ):
        assert detail in queue, detail
    claim_id = the_claim().id
    response = decide(client, claim_id, "approve")
    assert response.headers["Location"] == "/moderation/claims"
    assert "No claims are waiting" in text(client.get("/moderation/claims"))

    assert memberships(claimant.id) == [(school.id, MembershipRole.ADMINISTRATOR)]
    [approved] = outbox(template="claim_approved")
    assert approved.recipient == "amira.haddad@gmail.com"
    assert "http://localhost/school" in approved.text_body
    [decision] = events("organisation.claim_approved", school.id)
    assert (decision.actor_id, decision.data["decided_as"]) == (moderator.id, "moderator")
    [joined] = events("organisation.member_joined", school.id)
    assert (joined.actor_id, joined.data["route"], joined.data["user_id"]) == (
        moderator.id,
        "claim_approved",
        claimant.id,
    )

    sign_in_as(client, claimant)
    for name, path in school_pages(vacancy, application).items():
        assert client.get(path).status_code == 200, name
    assert "Year 3 class teacher" in text(client.get("/school"))


def test_a_declined_claim_emails_the_reason_and_gives_no_access(client, school, moderator, outbox):
    vacancy = VacancyFactory(organisation=school, published=True)
    application = ApplicationFactory(vacancy=vacancy)
    claimant = UserFactory(hiring_staff=True, email="someone@hotmail.co.uk")
    sign_in_as(client, claimant)
    claim(client, school, "Head")
    claim_id = the_claim().id

    sign_in_as(client, moderator)
    response = decide(client, claim_id, "decline", "   ")
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert "Enter the reason for declining: we email it to the person" in page
    response = decide(client, claim_id, "")
    assert "Select approve or decline" in text(response)
    too_long = "x" * 2001
    response = decide(client, claim_id, "decline", too_long)
    assert response.status_code == 400
    assert too_long in response.get_data(as_text=True)  # what was typed is kept
    assert outbox(template="claim_declined") == []

    reason = "The school office told us nobody of that name works there."
    response = decide(client, claim_id, "decline", reason)
    assert response.headers["Location"] == "/moderation/claims"

    assert memberships(claimant.id) == []
    assert the_claim().status is JoinRequestStatus.DECLINED
    [declined] = outbox(template="claim_declined")
    assert declined.recipient == "someone@hotmail.co.uk"
    assert reason in declined.text_body
    assert reason in declined.html_body
    [event] = events("organisation.claim_declined", school.id)
    assert (event.actor_id, event.reason) == (moderator.id, reason)
    assert events("organisation.member_joined", school.id) == []

    sign_in_as(client, claimant)
    for name, path in school_pages(vacancy, application).items():
        assert client.get(path).status_code == 404, name
    assert "waiting" not in text(client.get("/school"))


def test_an_address_on_the_school_website_domain_joins_at_once_and_is_audited(client, school, outbox):
    staff = UserFactory(hiring_staff=True, email="head@meanwoodbeck.example.org")
    sign_in_as(client, staff)

    page = text(client.get(f"/school/find-your-school/{school.id}"))
    assert "Your confirmed email address is on a domain" in page
    assert "What is your role at the school?" not in page
    response = client.post(f"/school/find-your-school/{school.id}")

    assert response.headers["Location"] == "/school"
    assert f"You are now the administrator of {SCHOOL}" in text(client.get("/school"))
    assert memberships(staff.id) == [(school.id, MembershipRole.ADMINISTRATOR)]
    [joined] = events("organisation.member_joined", school.id)
    assert (joined.actor_id, joined.data["route"], joined.data["role"]) == (
        staff.id,
        "email_domain",
        "administrator",
    )
    assert "on the school's website domain (meanwoodbeck.example.org)" in joined.reason
    assert the_claim() is None  # nothing for a moderator to do

    # The next person on the domain joins as an editor; the first stays the only administrator.
    colleague = UserFactory(hiring_staff=True, email="office@staff.meanwoodbeck.example.org")
    sign_in_as(client, colleague)
    client.post(f"/school/find-your-school/{school.id}")
    assert memberships(colleague.id) == [(school.id, MembershipRole.EDITOR)]


def test_an_unconfirmed_address_on_the_domain_joins_when_it_confirms(client, school, outbox):
    staff = UserFactory(hiring_staff=True, email="head@meanwoodbeck.example.org", unverified=True)
    sign_in_as(client, staff)

    page = text(client.get(f"/school/find-your-school/{school.id}"))
    assert "but you have not confirmed it yet. You will join as soon as you confirm it" in page
    client.post(f"/school/find-your-school/{school.id}")

    assert memberships(staff.id) == []
    status = f"Your claim to {SCHOOL} is waiting for you to confirm your email address"
    assert status in text(client.get("/school"))
    assert the_claim().status is JoinRequestStatus.PENDING

    accounts.send_email_confirmation(db.session.get(type(staff), staff.id))
    db.session.commit()
    [confirmation] = outbox(template="verify_email")
    client.get(emailed_path(confirmation))

    assert memberships(staff.id) == [(school.id, MembershipRole.ADMINISTRATOR)]
    assert the_claim().status is JoinRequestStatus.APPROVED
    [joined] = events("organisation.member_joined", school.id)
    assert (joined.data["route"], joined.data["request_id"]) == ("email_domain", the_claim().id)
    [decision] = events("organisation.claim_approved", school.id)
    assert (decision.actor_id, decision.data["decided_as"]) == (None, "email_domain")
    assert [m.recipient for m in outbox(template="claim_approved")] == [staff.email]


def test_a_moderator_records_a_domain_the_school_owns(client, school, moderator, outbox):
    waiting = UserFactory(hiring_staff=True, email="bursar@meanwood.leeds.sch.uk")
    sign_in_as(client, waiting)
    claim(client, school, "Bursar")
    assert the_claim().status is JoinRequestStatus.PENDING
    sign_in_as(client, moderator)
    path = f"/moderation/organisations/{school.id}/email-domains"

    for typed, problem in [
        ("gmail.com", "gmail.com is a webmail provider"),
        ("sch.uk", "sch.uk is shared by many organisations"),
        ("not a domain", "Enter the email domain, like school.org.uk"),
        ("", "Enter the email domain, like school.org.uk"),
    ]:
        response = client.post(path, data={"domain": typed, "reason": "Phoned the office"})
        assert response.status_code == 400, typed
        page = text(response)
        assert "There is a problem" in page, typed
        assert problem in page, typed
        assert f'value="{typed}"' in response.get_data(as_text=True)
    assert events("organisation.email_domain_added", school.id) == []

    response = client.post(path, data={"domain": " @Meanwood.Leeds.sch.uk ", "reason": "Phoned the office"})
    assert response.headers["Location"] == f"/moderation/organisations/{school.id}"
    assert "1 waiting claim(s) from such addresses were approved" in text(
        client.get(response.headers["Location"])
    )
    [added] = events("organisation.email_domain_added", school.id)
    assert (added.actor_id, added.data["domain"], added.reason) == (
        moderator.id,
        "meanwood.leeds.sch.uk",
        "Phoned the office",
    )
    assert memberships(waiting.id) == [(school.id, MembershipRole.ADMINISTRATOR)]
    response = client.post(path, data={"domain": "meanwood.leeds.sch.uk"})
    assert "meanwood.leeds.sch.uk is already recorded" in text(response)

    newcomer = UserFactory(hiring_staff=True, email="ta@meanwood.leeds.sch.uk")
    sign_in_as(client, newcomer)
    client.post(f"/school/find-your-school/{school.id}")
    assert memberships(newcomer.id) == [(school.id, MembershipRole.EDITOR)]

    sign_in_as(client, moderator)
    record = db.session.scalar(sa.select(OrganisationEmailDomain))
    client.post(f"/moderation/organisations/{school.id}/email-domains/{record.id}/remove")
    [removed] = events("organisation.email_domain_removed", school.id)
    assert removed.data["domain"] == "meanwood.leeds.sch.uk"
    later = UserFactory(hiring_staff=True, email="cook@meanwood.leeds.sch.uk")
    sign_in_as(client, later)
    claim(client, school, "Cook")
    assert memberships(later.id) == []


def test_two_decisions_on_one_claim_give_one(client, school, moderator, outbox):
    claimant = UserFactory(hiring_staff=True, email="head@gmail.com")
    services.join_organisation(claimant, school, "Headteacher")
    db.session.commit()
    claim_id = the_claim().id
    other = UserFactory(moderator=True, full_name="Grace Obi")

    sign_in_as(client, moderator)
    assert decide(client, claim_id, "approve").status_code == 302
    sign_in_as(client, other)
    response = decide(client, claim_id, "decline", "Could not reach the school")

    assert response.headers["Location"] == "/moderation/claims"
    page = text(client.get("/moderation/claims"))
    assert "Nothing was changed. This request has already been answered: Daniel Okafor approved it" in page
    assert memberships(claimant.id) == [(school.id, MembershipRole.ADMINISTRATOR)]
    assert len(outbox(template="claim_approved")) == 1
    assert outbox(template="claim_declined") == []
    assert len(events("organisation.claim_approved", school.id)) == 1
    assert events("organisation.claim_declined", school.id) == []


def test_a_decision_on_a_claim_someone_else_just_decided_changes_nothing(app, school, moderator):
    claimant = UserFactory(hiring_staff=True, email="head@gmail.com")
    services.join_organisation(claimant, school, "Headteacher")
    db.session.commit()
    stale = the_claim()
    # Another moderator's decision lands after this one loaded the claim as pending.
    db.session.execute(
        sa.update(JoinRequest)
        .where(JoinRequest.id == stale.id)
        .values(status=JoinRequestStatus.DECLINED)
        .execution_options(synchronize_session=False)
    )
    assert stale.status is JoinRequestStatus.PENDING  # what this moderator's copy still says

    with pytest.raises(services.AlreadyDecided, match="already been answered"):
        services.decide_claim(moderator, stale, approve=True)
    assert memberships(claimant.id) == []


def test_a_second_claim_to_the_same_school_says_so(client, school):
    claimant = UserFactory(hiring_staff=True, email="head@gmail.com")
    sign_in_as(client, claimant)
    claim(client, school)

    response = claim(client, school, "Headteacher, again")

    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert f"You already asked to join {SCHOOL} on" in page
    assert f"Your claim to {SCHOOL} is waiting for a moderator" in page
    assert len(events("organisation.claim_made", school.id)) == 1
    assert f"Your claim to {SCHOOL} is waiting for a moderator" in text(
        client.get(f"/school/find-your-school/{school.id}")
    )


def test_claim_form_problems_are_explained_and_keep_what_was_typed(client, school):
    sign_in_as(client, UserFactory(hiring_staff=True, email="head@gmail.com"))

    response = claim(client, school, "   ")
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert f"Tell us what your role is at {SCHOOL}" in page
    assert 'href="#statement"' in response.get_data(as_text=True)

    typed = "Office manager " * 100
    response = claim(client, school, typed)
    assert response.status_code == 400
    assert "must be 1,000 characters or fewer" in text(response)
    assert typed.strip() in response.get_data(as_text=True)
    assert the_claim() is None


def test_moderators_can_decide_a_join_request_to_a_school_with_administrators(
    client, school, moderator, outbox
):
    admin = MembershipFactory(organisation=school, user__email="admin@meanwoodbeck.example.org")
    claimant = UserFactory(hiring_staff=True, email="supply@example.net")
    services.join_organisation(claimant, school, "Supply teacher covering Year 4")
    db.session.commit()
    assert [m.recipient for m in outbox(template="join_request_received")] == [admin.user.email]

    sign_in_as(client, moderator)
    queue = text(client.get("/moderation/claims"))
    assert "A join request: its administrators (admin@meanwoodbeck.example.org) can answer" in queue
    assert "different domain: example.net vs meanwoodbeck.example.org" in queue
    decide(client, the_claim().id, "approve", "Confirmed with the headteacher")

    assert memberships(claimant.id) == [(school.id, MembershipRole.EDITOR)]
    [joined] = events("organisation.member_joined", school.id)
    assert (joined.data["route"], joined.reason) == ("claim_approved", "Confirmed with the headteacher")


def test_invitations_role_changes_and_removals_are_audited(client, school, outbox):
    admin = MembershipFactory(organisation=school)
    colleague = UserFactory(hiring_staff=True, email="deputy@example.net")
    sign_in_as(client, admin.user)
    client.post(f"/school/team/{school.id}/invite", data={"email": colleague.email, "role": "editor"})
    [invitation] = outbox(template="team_invitation")
    path = re.search(r"http://localhost(/invitations/\S+)", invitation.text_body).group(1)
    sign_in_as(client, colleague)
    client.post(path)

    [joined] = events("organisation.member_joined", school.id)
    assert (joined.actor_id, joined.data["route"], joined.data["role"]) == (
        colleague.id,
        "invitation",
        "editor",
    )

    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == colleague.id))
    sign_in_as(client, admin.user)
    client.post(f"/school/team/{school.id}/members/{membership.id}", data={"role": "administrator"})
    [changed] = events("organisation.member_role_changed", school.id)
    assert (changed.actor_id, changed.data["previous_role"], changed.data["role"]) == (
        admin.user_id,
        "editor",
        "administrator",
    )
    client.post(f"/school/team/{school.id}/members/{membership.id}/remove")
    [removed] = events("organisation.member_removed", school.id)
    assert (removed.actor_id, removed.data["user_id"], removed.reason) == (
        admin.user_id,
        colleague.id,
        "Removed by an administrator",
    )


def test_the_admin_area_shows_memberships_and_members(client, school, moderator):
    member = MembershipFactory(organisation=school, user__email="head@meanwoodbeck.example.org")
    admin = UserFactory(role=Role.ADMIN)
    sign_in_as(client, admin)

    people = text(client.get("/admin/users", query_string={"q": "head@meanwoodbeck"}))
    assert f"Member of: {SCHOOL} (administrator" in people
    assert f"{SCHOOL} : administrator since" in text(client.get(f"/moderation/users/{member.user_id}"))
    organisation = text(client.get(f"/moderation/organisations/{school.id}"))
    assert "Members (1)" in organisation
    assert "head@meanwoodbeck.example.org" in organisation


@pytest.mark.parametrize("role", [Role.HIRING_STAFF, Role.JOBSEEKER])
def test_only_moderators_see_and_decide_claims(client, school, role):
    claimant = UserFactory(hiring_staff=True, email="head@gmail.com")
    services.join_organisation(claimant, school, "Headteacher")
    db.session.commit()
    sign_in_as(client, UserFactory(role=role))

    assert client.get("/moderation/claims").status_code == 403
    assert decide(client, the_claim().id, "approve").status_code == 403
    assert (
        client.post(
            f"/moderation/organisations/{school.id}/email-domains", data={"domain": "x.org"}
        ).status_code
        == 403
    )
    assert memberships(claimant.id) == []
