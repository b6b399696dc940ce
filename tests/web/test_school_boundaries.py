"""A member of one school can never read or change another school's listings, applications or team.

Walks every school-facing endpoint (everything under /school, and the team and joining pages) as an
administrator of school A, pointed at school B's things, and expects 403 or 404, never B's data.
"""

import re

import pytest
import sqlalchemy as sa

from marketplace.applications.candidates import CandidateInvitation, CandidatePreferences, InvitationMessage
from marketplace.applications.models import Application, ApplicationMessage, MessageTemplate
from marketplace.extensions import db
from marketplace.organisations import services
from marketplace.organisations.models import Invitation, JoinRequest, Membership, MembershipRole
from marketplace.vacancies.models import Vacancy, VacancyDocument
from tests.conftest import sign_in_as
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory, VacancyFactory

# Open to any member of staff by design, showing only what the public school page shows: the join page
# (asking to join is how a newcomer reaches a school) and invitation links (guarded by their token).
# A findable candidate's page is open to every verified school by design (it shows no school's invitations
# but the viewer's own, which the walk checks through SECRETS).
BY_DESIGN = {
    "organisations.join",
    "organisations.invitation",
    "schools.candidate",
    "schools.invite_candidate",
}

SECRETS = (
    "Secret draft for school B",
    "Secret live job at school B",
    "applicant-b@example.org",
    "member-b@school-b.example.org",
    "invited-b@school-b.example.org",
    "asking-b@school-b.example.org",
    "Secret template of school B",
    "Secret message of school B",
    "Secret invitation of school B",
)


@pytest.fixture
def world(app):
    ours = MembershipFactory(user__email="admin-a@school-a.example.org")
    theirs = MembershipFactory(user__email="member-b@school-b.example.org")
    school_b = theirs.organisation
    draft = VacancyFactory(organisation=school_b, title="Secret draft for school B")
    live = VacancyFactory(organisation=school_b, title="Secret live job at school B", published=True)
    application = ApplicationFactory(vacancy=live, email="applicant-b@example.org", full_name="Applicant B")
    invitation = services.invite(
        theirs.user, school_b, "invited-b@school-b.example.org", MembershipRole.EDITOR
    )
    services.join_organisation(
        UserFactory(hiring_staff=True, email="asking-b@school-b.example.org"), school_b, "Office manager"
    )
    document = VacancyDocument(
        vacancy_id=draft.id,
        filename="secret-b.pdf",
        stored_name="0" * 32,
        content_type="application/pdf",
        size=5,
        sha256="0" * 64,
    )
    db.session.add(document)
    template = MessageTemplate(
        organisation_id=school_b.id, name="B's own", body="Secret template of school B"
    )
    db.session.add(template)
    db.session.add(
        ApplicationMessage(
            application=application, sender=theirs.user, from_school=True, body="Secret message of school B"
        )
    )
    candidate = UserFactory(email="candidate@example.org")
    preferences = CandidatePreferences(user=candidate, visible=True, subjects=["Geography"], location="")
    db.session.add(preferences)
    candidate_invitation = CandidateInvitation(
        organisation_id=school_b.id,
        vacancy_id=live.id,
        jobseeker=candidate,
        invited_by=theirs.user,
        message="Secret invitation of school B",
    )
    db.session.add(candidate_invitation)
    db.session.commit()
    return {
        "attacker": ours.user,
        "own_organisation_id": ours.organisation_id,
        "ids": {
            "organisation_id": school_b.id,
            "vacancy_id": draft.id,
            "application_id": application.id,
            "membership_id": theirs.id,
            "invitation_id": invitation.id,
            "request_id": db.session.scalar(sa.select(JoinRequest.id)),
            "document_id": document.id,
            "template_id": template.id,
            "step": "pay",
            "candidate_id": preferences.id,
            "candidate_invitation_id": candidate_invitation.id,
        },
        "live_vacancy_id": live.id,
    }


def school_endpoints(app):
    for rule in app.url_map.iter_rules():
        if (
            rule.rule == "/school"
            or rule.rule.startswith("/school/")
            or rule.endpoint.startswith("organisations.")
        ):
            yield rule


def _fill(template: str, values: dict) -> str:
    return re.sub(r"<(\w+)>", lambda m: str(values[m.group(1)]), template)


def test_no_school_endpoint_serves_another_schools_data(app, client, world):
    sign_in_as(client, world["attacker"])
    leaks, unchecked = [], []
    for rule in school_endpoints(app):
        names = re.findall(r"<(?:int:)?(\w+)>", rule.rule)
        unknown = [name for name in names if name not in world["ids"] and name != "token"]
        if unknown:
            unchecked.append(f"{rule.rule} ({', '.join(unknown)})")
            continue
        template = re.sub(r"<int:(\w+)>", r"<\1>", rule.rule)
        values = {name: world["ids"].get(name, "not-a-real-token") for name in names}
        urls = [_fill(template, values)]
        if "organisation_id" in names and len(names) > 1:
            urls.append(_fill(template, {**values, "organisation_id": world["own_organisation_id"]}))
        for url in urls:
            for method in sorted(rule.methods & {"GET", "POST"}):
                if rule.endpoint in BY_DESIGN and method == "POST":
                    continue
                data = {
                    "role": "administrator",
                    "decision": "approve",
                    "email": "x@example.org",
                    "submit": "y",
                }
                response = client.get(url) if method == "GET" else client.post(url, data=data)
                body = response.get_data(as_text=True)
                shown = [secret for secret in SECRETS if secret in body]
                if shown:
                    leaks.append(f"{method} {url} ({rule.endpoint}): {response.status_code} shows {shown}")
                elif names and rule.endpoint not in BY_DESIGN and response.status_code not in (403, 404):
                    leaks.append(f"{method} {url} ({rule.endpoint}): {response.status_code}, not 403 or 404")
    assert unchecked == [], "give these parameters one of school B's ids in the test's world"
    assert leaks == []

    # Nothing of B's changed along the way.
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vacancy)) == 2
    assert {m.user.email for m in db.session.scalars(sa.select(Membership))} == {
        "admin-a@school-a.example.org",
        "member-b@school-b.example.org",
    }
    assert db.session.scalar(sa.select(Invitation)).open
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MessageTemplate)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApplicationMessage)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CandidateInvitation)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InvitationMessage)) == 0


def test_the_walk_covers_the_team_and_vacancy_pages(app):
    endpoints = {rule.endpoint for rule in school_endpoints(app)}
    assert {
        "schools.vacancy",
        "schools.application",
        "organisations.team",
        "organisations.member",
        *LISTING_MANAGEMENT,
    } <= endpoints


# Managing a listing acts on live, closed and expired listings too, not only drafts: try each of B's.
LISTING_MANAGEMENT = (
    "schools.vacancy",
    "schools.extend_vacancy",
    "schools.end_vacancy_early",
    "schools.copy_vacancy",
    "schools.relist_vacancy",
    "schools.confirm_delete_vacancy",
)


def test_no_school_manages_another_schools_listing_in_any_state(app, client, world):
    from marketplace.vacancies.lifecycle import VacancyStatus

    school_b = db.session.get(Vacancy, world["live_vacancy_id"]).organisation
    theirs = [
        world["live_vacancy_id"],
        VacancyFactory(organisation=school_b, status=VacancyStatus.CLOSED).id,
        VacancyFactory(organisation=school_b, status=VacancyStatus.EXPIRED).id,
    ]
    before = {v.id: (v.status, v.closes_at) for v in db.session.scalars(sa.select(Vacancy))}
    sign_in_as(client, world["attacker"])
    data = {
        "closing_date": ["1", "1", "2030"],
        "publish_on": ["1", "12", "2029"],
        "closing_time": "12:00",
        "reason": "Taking over",
        "filled": "yes",
        "through_marketplace": "yes",
        "title": "Taken over",
    }
    answers = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in LISTING_MANAGEMENT:
            continue
        for vacancy_id in theirs:
            url = rule.rule.replace("<int:vacancy_id>", str(vacancy_id))
            for method in sorted(rule.methods & {"GET", "POST"}):
                response = client.get(url) if method == "GET" else client.post(url, data=data)
                answers.append((method, url, response.status_code))

    assert {status for _, _, status in answers} == {404}, answers
    db.session.expire_all()
    assert {v.id: (v.status, v.closes_at) for v in db.session.scalars(sa.select(Vacancy))} == before


def test_the_walk_covers_the_applications_inbox(app):
    endpoints = {rule.endpoint for rule in school_endpoints(app)}
    assert {
        "schools.applications",
        "schools.vacancy_applications",
        "schools.application",
        "schools.print_application",
        "schools.change_application_status",
        "schools.add_application_note",
        "schools.reschedule_interview",
        "schools.bulk_change_status",
        "schools.anonymise_applications",
        "schools.download_applications",
        "schools.download_all_applications",
    } <= endpoints


def test_the_inbox_never_moves_shows_or_downloads_another_schools_applications(app, client, world):
    """The inbox endpoints without an id in the address take ids and filters from the request instead."""
    sign_in_as(client, world["attacker"])
    application_id = world["ids"]["application_id"]
    live_id = world["live_vacancy_id"]

    responses = [
        client.post(
            "/school/applications/change-status",
            data={"application_id": str(application_id), "action": "reject"},
            follow_redirects=True,
        ),
        client.get(f"/school/applications?vacancy={live_id}"),
        client.get(f"/school/applications/download?vacancy={live_id}"),
        client.get(f"/school/vacancies/{live_id}/applications"),
        client.get(f"/school/vacancies/{live_id}/applications/download"),
        client.post(f"/school/vacancies/{live_id}/applications/anonymise", data={"anonymise": "yes"}),
    ]

    for response in responses:
        body = response.get_data(as_text=True)
        assert "Applicant B" not in body
        assert "applicant-b@example.org" not in body
    assert [r.status_code for r in responses[-3:]] == [404, 404, 404]
    db.session.expire_all()
    assert db.session.get(Application, application_id).status == "submitted"
    assert db.session.get(Vacancy, live_id).anonymise_applications is False


# The listing wizard changes drafts, returned, live and scheduled listings, and their documents.
WIZARD = (
    "schools.edit_vacancy",
    "schools.wizard_step",
    "schools.check_answers",
    "schools.preview",
    "schools.upload_document",
    "schools.download_document",
    "schools.delete_document",
)


def test_no_school_uses_the_wizard_on_another_schools_listing_or_documents(app, client, world):
    from marketplace.vacancies.steps import STEPS

    school_b = db.session.get(Vacancy, world["live_vacancy_id"]).organisation
    live_document = VacancyDocument(
        vacancy_id=world["live_vacancy_id"],
        filename="live-b.pdf",
        stored_name="1" * 32,
        content_type="application/pdf",
        size=5,
        sha256="1" * 64,
    )
    db.session.add(live_document)
    db.session.commit()
    theirs = {
        world["ids"]["vacancy_id"]: world["ids"]["document_id"],
        world["live_vacancy_id"]: live_document.id,
        VacancyFactory(organisation=school_b, status="scheduled").id: live_document.id,
    }
    before = {v.id: (v.status, v.title, v.salary) for v in db.session.scalars(sa.select(Vacancy))}
    sign_in_as(client, world["attacker"])
    data = {"title": "Taken over", "salary": "Taken over", "organisation_id": world["own_organisation_id"]}
    answers = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in WIZARD:
            continue
        for vacancy_id, document_id in theirs.items():
            for step in STEPS if "<step>" in rule.rule else STEPS[:1]:
                url = (
                    rule.rule.replace("<int:vacancy_id>", str(vacancy_id))
                    .replace("<int:document_id>", str(document_id))
                    .replace("<step>", step.slug)
                )
                for method in sorted(rule.methods & {"GET", "POST"}):
                    response = client.get(url) if method == "GET" else client.post(url, data=data)
                    answers.append((method, url, response.status_code))
                    assert "secret-b.pdf" not in response.get_data(as_text=True)

    assert {status for _, _, status in answers} == {404}, answers
    assert {rule.endpoint for rule in app.url_map.iter_rules()} >= set(WIZARD)
    db.session.expire_all()
    assert {v.id: (v.status, v.title, v.salary) for v in db.session.scalars(sa.select(Vacancy))} == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VacancyDocument)) == 2
    # The public address serves no document of a listing that is not live.
    draft_id, draft_document = world["ids"]["vacancy_id"], world["ids"]["document_id"]
    assert client.get(f"/jobs/{draft_id}/documents/{draft_document}").status_code == 404
