"""Candidate search through the web: a jobseeker lets schools find them, a verified school searches and
invites them to apply, and the jobseeker declines or applies from the invitation."""

import html
import json
import re

import pytest
import sqlalchemy as sa

from marketplace.applications.candidates import CandidateInvitation, CandidatePreferences, InvitationMessage
from marketplace.extensions import db
from tests.conftest import sign_in_as
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    VacancyFactory,
)
from tests.web.applying import apply

OPT_IN = {
    "visible": "yes",
    "job_roles": ["teacher"],
    "phases": ["secondary"],
    "subjects": ["Geography"],
    "working_patterns": ["full_time"],
    "location": "Leeds",
    "radius": "15",
    "exclude": "",
}


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def candidate(client):
    person = UserFactory(full_name="Priya Shah", email="priya@example.org")
    sign_in_as(client, person)
    client.post(
        "/your-profile/qualifications",
        data={"items-0-name": "BSc", "items-0-subject": "Geography", "items-0-institution": "Leeds"},
    )
    return person


@pytest.fixture
def school():
    membership = MembershipFactory(organisation__name="Hillside Academy", user__email="head@hillside.example")
    vacancy = VacancyFactory(
        organisation=membership.organisation, published=True, title="Teacher of Geography"
    )
    db.session.commit()
    return membership.user, membership.organisation, vacancy


def opt_in(client, person, **changes):
    sign_in_as(client, person)
    response = client.post("/your-profile/let-schools-find-you", data={**OPT_IN, **changes})
    assert response.status_code == 302, text_of(response)


def number_of(person) -> str:
    db.session.expire_all()
    preferences = db.session.scalar(sa.select(CandidatePreferences).filter_by(user_id=person.id))
    return preferences.number


def search_as(client, staff, **query) -> str:
    sign_in_as(client, staff)
    response = client.get("/school/find-candidates", query_string={"keywords": "", **query})
    assert response.status_code == 200, text_of(response)
    return text_of(response)


def test_nobody_is_findable_without_opting_in(client, candidate, school):
    staff, _, _ = school

    page = search_as(client, staff, subjects="Geography")

    assert "No candidates found" in page


def test_the_page_opens_on_every_findable_candidate_as_the_job_search_opens_on_every_job(
    client, candidate, school
):
    staff, _, _ = school
    opt_in(client, candidate)
    UserFactory(full_name="Not Looking")  # never opted in

    sign_in_as(client, staff)
    page = text_of(client.get("/school/find-candidates"))

    assert "1 candidate" in page
    assert f"Candidate {number_of(candidate)}" in page


def test_an_opted_in_candidate_is_found_without_their_name_or_contact_details(client, candidate, school):
    staff, _, _ = school
    opt_in(client, candidate)

    page = search_as(client, staff, keywords="geography", location="Leeds", radius="10")

    assert f"Candidate {number_of(candidate)}" in page
    assert "BSc in Geography" in page
    assert "Priya" not in page
    assert "priya@example.org" not in page
    # The filters count candidates as the job search's facets do.
    assert "Secondary school (1)" in page
    assert "Primary school (0)" in page


def test_filters_and_place_narrow_the_candidates(client, candidate, school):
    staff, _, _ = school
    opt_in(client, candidate)

    assert "No candidates found" in search_as(client, staff, phases="primary")
    assert "No candidates found" in search_as(client, staff, location="Plymouth", radius="10")
    assert number_of(candidate) in search_as(client, staff, phases="secondary", subjects="Geography")


def test_turning_visibility_off_hides_the_candidate_at_once(client, candidate, school):
    staff, _, _ = school
    opt_in(client, candidate)
    number = number_of(candidate)
    candidate_id = db.session.scalar(sa.select(CandidatePreferences.id).filter_by(user_id=candidate.id))

    opt_in(client, candidate, visible="no")

    assert number not in search_as(client, staff, subjects="Geography")
    assert client.get(f"/school/candidates/{candidate_id}").status_code == 404


def test_an_excluded_organisation_never_sees_the_candidate(client, candidate, school):
    staff, organisation, _ = school
    other = MembershipFactory(organisation__name="Riverside School").user
    db.session.commit()
    opt_in(client, candidate, exclude=f"Some words (URN {organisation.urn})")
    number = number_of(candidate)
    candidate_id = db.session.scalar(sa.select(CandidatePreferences.id).filter_by(user_id=candidate.id))

    assert number not in search_as(client, staff, subjects="Geography")
    assert client.get(f"/school/candidates/{candidate_id}").status_code == 404
    assert number in search_as(client, other, subjects="Geography")
    # The jobseeker's page shows the exclusion so saving again keeps it.
    sign_in_as(client, candidate)
    assert f"Hillside Academy (URN {organisation.urn})" in text_of(
        client.get("/your-profile/let-schools-find-you")
    )


def test_hiding_from_a_school_hides_from_its_trust_too(client, candidate, school):
    _, organisation, _ = school
    membership = MembershipFactory(organisation__name="Northern Lights Trust", organisation__urn=None)
    organisation.trust = membership.organisation
    db.session.commit()
    trust_staff = membership.user
    opt_in(client, candidate, exclude=organisation.name)

    assert number_of(candidate) not in search_as(client, trust_staff, subjects="Geography")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"job_roles": [], "phases": [], "subjects": []},
            "Select at least one job role, education phase or subject",
        ),
        ({"location": "Nowhereville Xyz"}, "We could not find"),
        (
            {"exclude": "A school that does not exist"},
            "We could not find \u2018A school that does not exist\u2019",
        ),
        ({"visible": ""}, "Select whether schools can find your profile"),
        ({"subjects": ["Basket weaving"]}, "Select from the options given"),
    ],
)
def test_the_setting_explains_what_to_fix(client, candidate, changes, message):
    response = client.post("/your-profile/let-schools-find-you", data={**OPT_IN, **changes})

    assert response.status_code == 400
    page = text_of(response)
    assert "There is a problem" in page
    assert message in page
    assert db.session.scalar(sa.select(sa.func.count(CandidatePreferences.id))) == 0


def test_an_unverified_school_cannot_search(client, candidate):
    unverified = MembershipFactory(organisation__verified_at=None).user
    db.session.commit()
    opt_in(client, candidate)
    sign_in_as(client, unverified)

    response = client.get("/school/find-candidates", query_string={"subjects": "Geography"})

    assert response.status_code == 403
    assert "Only staff of a verified school or trust can search for candidates" in text_of(response)
    assert number_of(candidate) not in text_of(response)


def test_jobseekers_cannot_search_candidates(client, candidate):
    assert client.get("/school/find-candidates").status_code == 403


def test_a_school_invites_and_the_jobseeker_declines(client, candidate, school, outbox):
    staff, _, vacancy = school
    opt_in(client, candidate)
    candidate_id = db.session.scalar(sa.select(CandidatePreferences.id).filter_by(user_id=candidate.id))
    sign_in_as(client, staff)
    assert "Invite to apply" in text_of(client.get(f"/school/candidates/{candidate_id}"))

    response = client.post(
        f"/school/candidates/{candidate_id}/invite",
        data={"vacancy_id": str(vacancy.id), "message": "Do come and visit <b>us</b>."},
    )

    assert response.status_code == 302
    [email] = outbox(template="candidate_invited")
    assert email.recipient == "priya@example.org"
    assert "Hillside Academy" in email.text_body
    assert "Teacher of Geography" in email.text_body
    assert "visit" not in email.text_body  # the school's words are read after signing in
    link = re.search(r"http://localhost(/your-invitations/\d+)", email.text_body).group(1)

    sign_in_as(client, candidate)
    assert "Teacher of Geography" in text_of(client.get("/your-applications"))
    invitation_page = text_of(client.get(link))
    assert "Do come and visit <b>us</b>." in invitation_page  # shown as text, never as markup
    assert client.post(link + "/decline").status_code == 302
    assert "You declined this invitation" in text_of(client.get(link))

    sign_in_as(client, staff)
    assert "Declined" in text_of(client.get(f"/school/candidates/{candidate_id}"))
    assert "Declined" in text_of(client.get("/school/candidate-invitations"))
    assert outbox(template="candidate_invitation_declined")[0].recipient == staff.email


def test_the_jobseeker_applies_from_the_invitation(client, candidate, school):
    staff, _, vacancy = school
    opt_in(client, candidate)
    candidate_id = db.session.scalar(sa.select(CandidatePreferences.id).filter_by(user_id=candidate.id))
    sign_in_as(client, staff)
    client.post(f"/school/candidates/{candidate_id}/invite", data={"vacancy_id": str(vacancy.id)})
    invitation_id = db.session.scalar(sa.select(CandidateInvitation.id))

    sign_in_as(client, candidate)
    page = text_of(client.get(f"/your-invitations/{invitation_id}"))
    assert f"/jobs/{vacancy.id}/apply" in page
    assert apply(client, vacancy.id).status_code == 302

    db.session.expire_all()
    assert db.session.get(CandidateInvitation, invitation_id).status == "applied"
    sign_in_as(client, staff)
    assert "Applied" in text_of(client.get(f"/school/candidates/{candidate_id}"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"vacancy_id": ""}, "Select one of your live listings"),
        ({"message": "x" * 1001}, "Your message must be 1,000 characters or fewer"),
    ],
)
def test_an_invitation_explains_what_to_fix(client, candidate, school, data, message):
    staff, _, vacancy = school
    opt_in(client, candidate)
    candidate_id = db.session.scalar(sa.select(CandidatePreferences.id).filter_by(user_id=candidate.id))
    sign_in_as(client, staff)

    response = client.post(
        f"/school/candidates/{candidate_id}/invite", data={"vacancy_id": str(vacancy.id), **data}
    )

    assert response.status_code == 400
    assert "There is a problem" in text_of(response)
    assert message in text_of(response)
    assert db.session.scalar(sa.select(sa.func.count(CandidateInvitation.id))) == 0


def test_a_school_cannot_invite_to_another_schools_listing(client, candidate, school):
    staff, _, _ = school
    theirs = VacancyFactory(organisation=OrganisationFactory(), published=True)
    db.session.commit()
    opt_in(client, candidate)
    candidate_id = db.session.scalar(sa.select(CandidatePreferences.id).filter_by(user_id=candidate.id))
    sign_in_as(client, staff)

    response = client.post(f"/school/candidates/{candidate_id}/invite", data={"vacancy_id": str(theirs.id)})

    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(CandidateInvitation.id))) == 0


class TestWithALowDailyLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "CANDIDATE_INVITATIONS_PER_DAY": 1}

    def test_invitations_are_limited_per_organisation_per_day(self, client, candidate, school):
        staff, organisation, vacancy = school
        second = VacancyFactory(organisation=organisation, published=True, title="Teacher of History")
        db.session.commit()
        opt_in(client, candidate)
        candidate_id = db.session.scalar(sa.select(CandidatePreferences.id).filter_by(user_id=candidate.id))
        sign_in_as(client, staff)
        client.post(f"/school/candidates/{candidate_id}/invite", data={"vacancy_id": str(vacancy.id)})

        response = client.post(
            f"/school/candidates/{candidate_id}/invite", data={"vacancy_id": str(second.id)}
        )

        assert response.status_code == 400
        assert "Your organisation has sent 1 invitation in the last 24 hours" in text_of(response)
        assert db.session.scalar(sa.select(sa.func.count(CandidateInvitation.id))) == 1


def test_download_my_data_has_the_preferences_and_invitations_and_deletion_erases_them(
    client, candidate, school
):
    staff, _, vacancy = school
    opt_in(client, candidate)
    candidate_id = db.session.scalar(sa.select(CandidatePreferences.id).filter_by(user_id=candidate.id))
    sign_in_as(client, staff)
    client.post(f"/school/candidates/{candidate_id}/invite", data={"vacancy_id": str(vacancy.id)})

    sign_in_as(client, candidate)
    data = json.loads(client.get("/your-account/download-your-data").get_data(as_text=True))
    assert data["let_schools_find_you"]["schools_can_find_me"] is True
    assert data["let_schools_find_you"]["subjects"] == ["Geography"]
    assert data["invitations_to_apply"][0]["job"] == "Teacher of Geography"
    assert data["invitations_to_apply"][0]["messages"] == []

    client.post("/your-account/delete-account", data={"password": PASSWORD})

    assert db.session.scalar(sa.select(sa.func.count(CandidatePreferences.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(CandidateInvitation.id))) == 0
    sign_in_as(client, staff)
    assert "No candidates found" in search_as(client, staff, subjects="Geography")


def test_every_candidate_route_declares_its_permission(app):
    from marketplace.permissions import Permission

    declared = {
        rule.endpoint: app.view_functions[rule.endpoint].access
        for rule in app.url_map.iter_rules()
        if "candidate" in rule.endpoint or "invitation" in rule.endpoint or "let_schools" in rule.endpoint
    }

    assert declared["schools.find_candidates"] is Permission.CANDIDATES_SEARCH
    assert declared["schools.candidate"] is Permission.CANDIDATES_SEARCH
    assert declared["schools.invite_candidate"] is Permission.CANDIDATES_SEARCH
    assert declared["schools.candidate_invitations"] is Permission.CANDIDATES_SEARCH
    assert declared["jobseekers.let_schools_find_you"] is Permission.PROFILE_MANAGE
    assert declared["jobseekers.invitation"] is Permission.APPLICATION_READ_OWN
    assert declared["jobseekers.decline_invitation"] is Permission.APPLICATION_READ_OWN


def test_a_jobseeker_cannot_open_or_decline_someone_elses_invitation(client, candidate, school):
    staff, _, vacancy = school
    opt_in(client, candidate)
    candidate_id = db.session.scalar(sa.select(CandidatePreferences.id).filter_by(user_id=candidate.id))
    sign_in_as(client, staff)
    client.post(f"/school/candidates/{candidate_id}/invite", data={"vacancy_id": str(vacancy.id)})
    invitation_id = db.session.scalar(sa.select(CandidateInvitation.id))

    sign_in_as(client, UserFactory(email="someone-else@example.org"))

    assert client.get(f"/your-invitations/{invitation_id}").status_code == 404
    assert client.post(f"/your-invitations/{invitation_id}/decline").status_code == 404
    db.session.expire_all()
    assert db.session.get(CandidateInvitation, invitation_id).status == "sent"


def invited(client, candidate, school) -> tuple[int, int]:
    staff, _, vacancy = school
    opt_in(client, candidate)
    candidate_id = db.session.scalar(sa.select(CandidatePreferences.id).filter_by(user_id=candidate.id))
    sign_in_as(client, staff)
    client.post(f"/school/candidates/{candidate_id}/invite", data={"vacancy_id": str(vacancy.id)})
    return candidate_id, db.session.scalar(sa.select(CandidateInvitation.id))


def test_the_school_and_the_invited_candidate_exchange_messages(client, candidate, school, outbox):
    staff, _, _ = school
    candidate_id, invitation_id = invited(client, candidate, school)
    school_thread = f"/school/candidates/{candidate_id}/invitations/{invitation_id}/messages"

    assert client.post(school_thread, data={"body": "Would Tuesday suit for a visit?"}).status_code == 302
    [email] = outbox(template="invitation_message_sent")
    assert email.recipient == "priya@example.org"
    assert "Tuesday" not in email.text_body  # a link, never the words

    sign_in_as(client, candidate)
    assert "Would Tuesday suit for a visit?" in text_of(client.get(f"/your-invitations/{invitation_id}"))
    reply = client.post(f"/your-invitations/{invitation_id}/messages", data={"body": "Yes, Tuesday suits."})
    assert reply.status_code == 302
    assert outbox(template="invitation_message_sent")[1].recipient == staff.email

    sign_in_as(client, staff)
    page = text_of(client.get(f"/school/candidates/{candidate_id}"))
    assert "Yes, Tuesday suits." in page
    assert "Priya" not in page


def test_an_empty_message_is_explained_and_a_declined_invitation_takes_no_more(client, candidate, school):
    candidate_id, invitation_id = invited(client, candidate, school)
    school_thread = f"/school/candidates/{candidate_id}/invitations/{invitation_id}/messages"

    empty = client.post(school_thread, data={"body": "  "})
    assert empty.status_code == 400
    assert "There is a problem" in text_of(empty)
    assert "Enter a message" in text_of(empty)

    sign_in_as(client, candidate)
    client.post(f"/your-invitations/{invitation_id}/decline")
    closed = client.post(f"/your-invitations/{invitation_id}/messages", data={"body": "One more thing"})
    assert closed.status_code == 400
    assert "declined this invitation, so no new messages can be sent" in text_of(closed)
    assert db.session.scalar(sa.select(sa.func.count(InvitationMessage.id))) == 0


class TestWithALowMessageLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "MESSAGES_PER_HOUR": 2}

    def test_messages_about_applications_and_invitations_share_one_hourly_limit(
        self, client, candidate, school
    ):
        staff, organisation, _ = school
        candidate_id, invitation_id = invited(client, candidate, school)
        other = ApplicationFactory(
            vacancy=VacancyFactory(organisation=organisation, published=True, title="Teacher of Art")
        )
        db.session.commit()
        sign_in_as(client, staff)
        about_application = f"/school/applications/{other.id}/messages"
        assert client.post(about_application, data={"message-body": "One"}).status_code == 302
        assert client.post(about_application, data={"message-body": "Two"}).status_code == 302

        third = client.post(
            f"/school/candidates/{candidate_id}/invitations/{invitation_id}/messages", data={"body": "Three"}
        )

        assert third.status_code == 400
        assert "You have sent 2 messages in the last hour" in text_of(third)
        assert db.session.scalar(sa.select(sa.func.count(InvitationMessage.id))) == 0


def test_what_you_are_looking_for_is_typed_once_for_the_profile_and_for_schools(client, candidate, school):
    staff, _, vacancy = school
    vacancy.subjects = ["Geography"]
    db.session.commit()
    sign_in_as(client, candidate)
    client.post(
        "/your-profile/job-preferences",
        data={"subjects": ["Geography"], "phases": ["secondary"], "location": "Leeds", "radius": "25"},
    )

    # The setting starts from the profile's job preferences...
    form = client.get("/your-profile/let-schools-find-you").get_data(as_text=True)
    assert re.search(r'value="Geography"\s+checked', form) or re.search(
        r'checked[^>]*value="Geography"', form
    )
    assert 'value="Leeds"' in form

    # ... opting in with other ones changes the profile's too, so the jobs that match it follow them.
    opt_in(client, candidate, subjects=["History"], location="York")
    assert client.get("/your-profile/job-preferences").get_data(as_text=True).count('value="York"') == 1
    assert "Teacher of Geography" not in text_of(client.get("/your-account")).split("Jobs that match")[1]

    # Changing the profile's job preferences changes what schools find the candidate by.
    client.post(
        "/your-profile/job-preferences",
        data={"subjects": ["Geography"], "phases": ["secondary"], "location": "Leeds", "radius": "15"},
    )
    number = number_of(candidate)
    assert f"Candidate {number}" in search_as(client, staff, subjects="Geography", location="Leeds")
    assert f"Candidate {number}" not in search_as(client, staff, subjects="History")
