"""A school and a candidate write to each other about an application, in the service: emailed links (never the
words), read receipts, templates, a closed conversation once the application is withdrawn, and a limit."""

from __future__ import annotations

import html
import json
import re

import pytest

from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application, ApplicationMessage
from marketplace.extensions import db
from tests.conftest import IsolatedClient, sign_in_as
from tests.factories import PASSWORD, ApplicationFactory, MembershipFactory, UserFactory, VacancyFactory


def words(response) -> str:
    """What a reader sees: the page's text without tags, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def new_client(app):
    app.test_client_class = IsolatedClient  # each request in its own context, as a real server runs it
    return app.test_client()


@pytest.fixture
def school_client(app):
    return new_client(app)


@pytest.fixture
def candidate_client(app):
    return new_client(app)


@pytest.fixture
def application(school_client, candidate_client):
    membership = MembershipFactory(user__full_name="Sam Bursar", organisation__name="Riverside Academy")
    vacancy = VacancyFactory(
        organisation=membership.organisation,
        published=True,
        title="Teacher of Physics",
        contact_email="jobs@riverside.example",
    )
    candidate = UserFactory(full_name="Priya Shah", email="priya@example.org")
    sent = ApplicationFactory(vacancy=vacancy, jobseeker=candidate)
    sign_in_as(school_client, membership.user)
    sign_in_as(candidate_client, candidate)
    return sent


def school_writes(client, application, body: str):
    return client.post(f"/school/applications/{application.id}/messages", data={"message-body": body})


def candidate_writes(client, application, body: str):
    return client.post(f"/your-applications/{application.id}/messages", data={"message-body": body})


def test_a_school_writes_and_the_candidate_reads_and_replies(
    school_client, candidate_client, application, outbox
):
    response = school_writes(school_client, application, "Could you come in on Tuesday at 10am?")
    assert response.status_code == 302

    [email] = outbox(template="message_sent")
    assert email.recipient == "priya@example.org"
    assert email.subject == "New message about your application: Teacher of Physics"
    assert "Tuesday" not in email.text_body + email.html_body  # the words stay behind sign-in
    assert f"/your-applications/{application.id}#messages" in email.text_body
    assert "Not read yet" in words(school_client.get(f"/school/applications/{application.id}"))

    page = words(candidate_client.get(f"/your-applications/{application.id}"))
    assert "Riverside Academy" in page
    assert "Could you come in on Tuesday at 10am?" in page
    assert "Read " in words(school_client.get(f"/school/applications/{application.id}"))

    assert candidate_writes(candidate_client, application, "Yes, Tuesday suits me.").status_code == 302
    reply = outbox(template="message_sent")[-1]
    assert reply.recipient == "jobs@riverside.example"
    assert "Yes, Tuesday" not in reply.text_body
    school_page = words(school_client.get(f"/school/applications/{application.id}"))
    assert "Priya Shah" in school_page
    assert "Yes, Tuesday suits me." in school_page
    assert "You (Sam Bursar)" in school_page


def test_what_is_written_is_shown_as_text_never_as_markup(school_client, candidate_client, application):
    candidate_writes(candidate_client, application, '<script>alert("x")</script><b>bold</b>')
    page = school_client.get(f"/school/applications/{application.id}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_an_empty_or_overlong_message_is_explained_and_what_was_typed_kept(school_client, application):
    empty = school_writes(school_client, application, "   ")
    assert empty.status_code == 200
    assert "Error:" in words(empty)
    assert "Enter a message" in words(empty)
    assert 'href="#message-body"' in empty.get_data(as_text=True)

    long = school_writes(school_client, application, "word " * 1200)
    assert "A message must be 5,000 characters or fewer" in words(long)
    assert "word word word" in long.get_data(as_text=True)
    assert db.session.query(ApplicationMessage).count() == 0


def test_nobody_else_can_read_or_write_the_conversation(app, application):
    other_school, other_candidate = new_client(app), new_client(app)
    sign_in_as(other_school, MembershipFactory().user)
    sign_in_as(other_candidate, UserFactory())
    assert school_writes(other_school, application, "Hello").status_code == 404
    assert candidate_writes(other_candidate, application, "Hello").status_code == 404
    assert other_school.get(f"/school/applications/{application.id}").status_code == 404
    assert db.session.query(ApplicationMessage).count() == 0


def test_a_withdrawn_application_closes_the_conversation(school_client, candidate_client, application):
    school_writes(school_client, application, "Thank you for applying.")
    application.status = ApplicationStatus.WITHDRAWN
    db.session.commit()

    page = words(candidate_client.get(f"/your-applications/{application.id}"))
    assert "Thank you for applying." in page
    assert "The application was withdrawn, so no new messages can be sent." in page
    refused = school_writes(school_client, application, "Are you sure?")
    assert "The application was withdrawn" in words(refused)
    assert db.session.query(ApplicationMessage).count() == 1


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MESSAGES_PER_HOUR": 2}


def test_a_person_sending_too_many_messages_is_told_to_wait(candidate_client, application):
    assert candidate_writes(candidate_client, application, "One").status_code == 302
    assert candidate_writes(candidate_client, application, "Two").status_code == 302
    third = candidate_writes(candidate_client, application, "Three")
    assert "You have sent 2 messages in the last hour" in words(third)
    assert "Three" in third.get_data(as_text=True)  # kept in the box for later
    assert db.session.query(ApplicationMessage).count() == 2


def test_templates_fill_in_the_candidate_the_job_and_the_school(school_client, application):
    page = school_client.get(f"/school/applications/{application.id}?template=1").get_data(as_text=True)
    assert "Dear Priya Shah," in page
    assert "Thank you for applying for Teacher of Physics." in page

    added = school_client.post(
        "/school/message-templates",
        data={
            "name": "Observation lesson",
            "body": "Dear {candidate}, please plan a 20-minute lesson. {school}",
        },
    )
    assert added.status_code == 302
    listed = words(school_client.get(f"/school/applications/{application.id}"))
    assert "Observation lesson" in listed
    count = len(
        re.findall(
            r"\?template=\d+",
            school_client.get(f"/school/applications/{application.id}").get_data(as_text=True),
        )
    )
    prefilled = school_client.get(f"/school/applications/{application.id}?template={count}").get_data(
        as_text=True
    )
    assert "Dear Priya Shah, please plan a 20-minute lesson. Riverside Academy" in prefilled


def test_a_template_needs_a_name_and_text_and_stays_with_its_school(app, school_client, application):
    refused = school_client.post("/school/message-templates", data={"name": "", "body": "Some text"})
    assert refused.status_code == 400
    assert "Enter a name for the template" in words(refused)
    assert "Some text" in refused.get_data(as_text=True)

    school_client.post("/school/message-templates", data={"name": "Ours", "body": "Our words"})
    other = new_client(app)
    sign_in_as(other, MembershipFactory().user)
    assert "Ours" not in words(other.get("/school/message-templates"))
    from marketplace.applications.models import MessageTemplate

    template_id = db.session.query(MessageTemplate.id).scalar()
    other.post(f"/school/message-templates/{template_id}/delete")
    assert db.session.get(MessageTemplate, template_id) is not None


def test_messages_are_in_the_candidates_data_and_go_with_their_account(
    school_client, candidate_client, application
):
    school_writes(school_client, application, "Please bring your certificates.")
    data = json.loads(candidate_client.get("/your-account/download-your-data").get_data(as_text=True))
    [message] = data["applications"][0]["messages"]
    assert (message["from"], message["message"]) == ("the school", "Please bring your certificates.")

    candidate_client.post("/your-account/delete-account", data={"password": PASSWORD})
    db.session.expire_all()
    assert db.session.get(Application, application.id).messages == []
    assert db.session.query(ApplicationMessage).count() == 0
