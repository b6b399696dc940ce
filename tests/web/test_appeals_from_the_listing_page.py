"""A rejected or removed listing's page says what was decided and why, and leads to the appeal form; the
emails link straight to it. A request for changes says so, with what was asked."""

import html
import re

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.moderation.models import Appeal
from tests.conftest import sign_in_as
from tests.factories import MembershipFactory, UserFactory, VacancyFactory


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def appeal_links(response) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]+)"[^>]*>\s*Appeal this decision', response.get_data(as_text=True))


DECISIONS = {
    "remove": ({"published": True}, {"reason": "It asks candidates for a DBS fee."}, "Removed"),
    "reject": ({"pending": True}, {"reason": "It asks candidates for a DBS fee."}, "Rejected"),
}


@pytest.mark.parametrize("action", sorted(DECISIONS))
def test_the_decided_listing_page_shows_the_decision_the_reason_and_an_appeal_link(client, outbox, action):
    traits, data, label = DECISIONS[action]
    membership = MembershipFactory()
    vacancy = VacancyFactory(organisation=membership.organisation, created_by=membership.user, **traits)
    sign_in_as(client, UserFactory(moderator=True))
    assert client.post(f"/moderation/vacancies/{vacancy.id}/{action}", data=data).status_code == 302

    sign_in_as(client, membership.user)
    page = client.get(f"/school/vacancies/{vacancy.id}")

    assert f"Status: {label}" in text(page)
    assert f"A moderator {label.lower()} this listing" in text(page)
    assert "The moderator's reason It asks candidates for a DBS fee." in text(page)
    assert appeal_links(page) == [f"/school/vacancies/{vacancy.id}/appeal"]
    form = client.get(appeal_links(page)[0])
    assert form.status_code == 200
    assert "Why should the decision change?" in text(form)
    assert "Send appeal" in text(form)
    dashboard = client.get(f"/school?tab={'closed' if action == 'remove' else 'drafts'}")
    assert appeal_links(dashboard) == [f"/school/vacancies/{vacancy.id}/appeal"]

    template = f"vacancy_{'removed' if action == 'remove' else 'rejected'}"
    [email] = outbox(template=template, recipient=membership.user.email)
    link = f"http://localhost/school/vacancies/{vacancy.id}/appeal"
    assert f"has been {label.lower()}" in email.subject
    assert "It asks candidates for a DBS fee." in email.text_body
    assert link in email.text_body
    assert f'href="{link}"' in email.html_body
    assert "needs changes" not in email.subject + email.text_body


def test_once_appealed_the_page_shows_the_appeals_status_instead_of_the_link(client):
    membership = MembershipFactory()
    vacancy = VacancyFactory(published=True, organisation=membership.organisation, created_by=membership.user)
    sign_in_as(client, UserFactory(moderator=True))
    client.post(f"/moderation/vacancies/{vacancy.id}/remove", data={"reason": "Agency advert."})
    sign_in_as(client, membership.user)

    statement = {"statement": "We are the school."}
    sent = client.post(f"/school/vacancies/{vacancy.id}/appeal", data=statement, follow_redirects=True)

    assert "Your appeal has been sent" in text(sent)
    assert appeal_links(sent) == []
    assert "Appeal: Waiting for a decision" in text(sent)
    assert "Agency advert." in text(sent)

    appeal = db.session.scalar(sa.select(Appeal))
    sign_in_as(client, UserFactory(moderator=True))
    client.post(f"/moderation/appeals/{appeal.id}", data={"outcome": "uphold", "reason": "It is an agency."})
    sign_in_as(client, membership.user)
    page = client.get(f"/school/vacancies/{vacancy.id}")
    assert "Appeal: Not successful: the decision stands" in text(page)
    assert "It is an agency." in text(page)
    assert "upheld" not in text(page).lower()


def test_a_request_for_changes_says_changes_requested_with_what_was_asked(client, outbox):
    membership = MembershipFactory()
    vacancy = VacancyFactory(pending=True, organisation=membership.organisation, created_by=membership.user)
    sign_in_as(client, UserFactory(moderator=True))
    asked = {"message": "Give the pay grade."}
    client.post(f"/moderation/vacancies/{vacancy.id}/request-changes", data=asked)

    sign_in_as(client, membership.user)
    page = client.get(f"/school/vacancies/{vacancy.id}")

    assert "Changes requested" in text(page)
    assert "What the moderator asked for Give the pay grade." in text(page)
    assert appeal_links(page) == []
    [email] = outbox(template="vacancy_changes_requested", recipient=membership.user.email)
    assert email.subject.startswith("Changes requested")
    assert "Give the pay grade." in email.text_body
    assert "rejected" not in email.text_body


def test_another_school_never_sees_the_decision_or_the_appeal_form(client):
    membership = MembershipFactory()
    vacancy = VacancyFactory(published=True, organisation=membership.organisation, created_by=membership.user)
    sign_in_as(client, UserFactory(moderator=True))
    client.post(f"/moderation/vacancies/{vacancy.id}/remove", data={"reason": "Secret reason."})

    sign_in_as(client, MembershipFactory().user)

    assert client.get(f"/school/vacancies/{vacancy.id}").status_code == 404
    assert client.get(f"/school/vacancies/{vacancy.id}/appeal").status_code == 404
