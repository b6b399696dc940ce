"""A member of one school can never read or change another school's listings, applications or team.

Walks every school-facing endpoint (everything under /school, and the team and joining pages) as an
administrator of school A, pointed at school B's things, and expects 403 or 404, never B's data.
"""

import re

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.organisations import services
from marketplace.organisations.models import Invitation, JoinRequest, Membership, MembershipRole
from marketplace.vacancies.models import Vacancy
from tests.conftest import sign_in_as
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory, VacancyFactory

# Open to any member of staff by design, showing only what the public school page shows: the join page
# (asking to join is how a newcomer reaches a school) and invitation links (guarded by their token).
BY_DESIGN = {"organisations.join", "organisations.invitation"}

SECRETS = (
    "Secret draft for school B",
    "Secret live job at school B",
    "applicant-b@example.org",
    "member-b@school-b.example.org",
    "invited-b@school-b.example.org",
    "asking-b@school-b.example.org",
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
        UserFactory(hiring_staff=True, email="asking-b@school-b.example.org"), school_b
    )
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


def test_the_walk_covers_the_team_and_vacancy_pages(app):
    endpoints = {rule.endpoint for rule in school_endpoints(app)}
    assert {
        "schools.vacancy",
        "schools.application",
        "organisations.team",
        "organisations.member",
    } <= endpoints
