"""Trust belongs to people as well as schools, and a listing returned for changes ends with a moderator.

Through the web layer, as the school and the moderators meet it: who goes to review and why (in words on
the queue), and the conversation after "request changes" with the school's reply and what changed.
"""

from __future__ import annotations

import datetime as dt
import html

import sqlalchemy as sa

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from tests.conftest import sign_in_as
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    VacancyFactory,
    listing_history,
)
from tests.web.listing_wizard import post_listing
from tests.web.test_vacancy_journey import vacancy_form


def _page(client, url: str) -> str:
    return html.unescape(client.get(url).get_data(as_text=True))


def _trusted_school():
    """A verified school whose record is clean, with a long-standing member who has posted before."""
    school = OrganisationFactory(name="Oakfield Primary")
    veteran = MembershipFactory(organisation=school)
    listing_history(veteran)
    return school


def _submit(client, membership, **changes) -> Vacancy:
    title = changes.setdefault("title", "Teacher of Chemistry")
    post_listing(client, vacancy_form(membership.organisation_id, **changes), submit=True)
    return db.session.scalar(sa.select(Vacancy).where(Vacancy.title == title))


def test_a_new_member_of_a_trusted_school_has_their_clean_listing_reviewed_and_the_queue_says_why(client):
    school = _trusted_school()
    newcomer = MembershipFactory(
        organisation=school,
        user__full_name="Priya Shah",
        created_at=utcnow() - dt.timedelta(days=2),
    )
    sign_in_as(client, newcomer.user)

    vacancy = _submit(client, newcomer)

    assert vacancy.status is VacancyStatus.PENDING_REVIEW
    assert client.get(f"/jobs/{vacancy.id}").status_code == 404
    sign_in_as(client, UserFactory(moderator=True))
    queue = _page(client, "/moderation")
    assert "Teacher of Chemistry" in queue
    assert "Priya Shah joined Oakfield Primary 2 days ago." in queue
    assert "Priya Shah's first listing for Oakfield Primary (1 of 2 reviewed)." in queue
    review = _page(client, f"/moderation/vacancies/{vacancy.id}")
    assert "Why it is waiting" in review
    assert "Priya Shah joined Oakfield Primary 2 days ago." in review


def test_a_member_past_both_thresholds_publishes_at_once(client):
    school = _trusted_school()
    member = MembershipFactory(organisation=school, created_at=utcnow() - dt.timedelta(days=15))
    listing_history(member)
    sign_in_as(client, member.user)

    vacancy = _submit(client, member)

    assert vacancy.status is VacancyStatus.PUBLISHED
    assert client.get(f"/jobs/{vacancy.id}").status_code == 200


def test_a_persons_first_two_listings_for_a_school_go_to_review_then_theirs_publish(client):
    school = _trusted_school()
    member = MembershipFactory(organisation=school, user__full_name="Sam Okafor")
    moderator = UserFactory(moderator=True)

    for number, title in enumerate(["Teacher of Physics", "Teacher of Biology"], start=1):
        sign_in_as(client, member.user)
        vacancy = _submit(client, member, title=title)
        assert vacancy.status is VacancyStatus.PENDING_REVIEW, title

        sign_in_as(client, moderator)
        which = "first" if number == 1 else "second"
        assert f"Sam Okafor's {which} listing for Oakfield Primary ({number} of 2 reviewed)." in _page(
            client, "/moderation"
        )
        client.post(f"/moderation/vacancies/{vacancy.id}/approve", data={"note": ""})
        db.session.refresh(vacancy)
        assert vacancy.status is VacancyStatus.PUBLISHED

    sign_in_as(client, member.user)
    third = _submit(client, member, title="Teacher of Geography")
    assert third.status is VacancyStatus.PUBLISHED


def test_changing_the_contact_email_of_a_live_listing_sends_it_to_a_moderator(client):
    school = _trusted_school()
    member = MembershipFactory(organisation=school)
    listing_history(member)
    live = VacancyFactory(
        organisation=school, created_by=member.user, published=True, title="Teacher of Music"
    )
    sign_in_as(client, member.user)

    client.post(
        f"/school/vacancies/{live.id}/edit/how-to-apply",
        data={"how_to_apply": "marketplace", "contact_email": "recruitment.oakfield@gmail.example.com"},
    )

    db.session.refresh(live)
    assert live.status is VacancyStatus.PENDING_REVIEW
    assert client.get(f"/jobs/{live.id}").status_code == 404
    sign_in_as(client, UserFactory(moderator=True))
    assert "The contact email of a live listing changed." in _page(client, "/moderation")


def test_a_live_listing_saved_with_the_same_contact_email_stays_live(client):
    school = _trusted_school()
    member = MembershipFactory(organisation=school)
    listing_history(member)
    live = VacancyFactory(organisation=school, published=True, title="Teacher of Music")
    sign_in_as(client, member.user)

    client.post(
        f"/school/vacancies/{live.id}/edit/how-to-apply",
        data={"how_to_apply": "marketplace", "contact_email": live.contact_email, "external_reference": "M1"},
    )

    db.session.refresh(live)
    assert live.status is VacancyStatus.PUBLISHED
    assert live.external_reference == "M1"


# --- request changes: a conversation that ends with a moderator ----------------------------------------


def _returned_listing(client, moderator):
    """A trusted member's clean listing, sent to review for a flag, then returned for changes."""
    school = _trusted_school()
    member = MembershipFactory(organisation=school, user__full_name="Priya Shah")
    listing_history(member)
    sign_in_as(client, member.user)
    vacancy = _submit(client, member, about_role="We want a young and dynamic chemist for our faculty.")
    assert vacancy.status is VacancyStatus.PENDING_REVIEW
    sign_in_as(client, moderator)
    client.post(
        f"/moderation/vacancies/{vacancy.id}/request-changes",
        data={"message": "Please describe the skills you need rather than an age."},
    )
    db.session.refresh(vacancy)
    assert vacancy.status is VacancyStatus.DRAFT
    sign_in_as(client, member.user)
    return member, vacancy


def test_a_returned_listing_sent_back_unchanged_waits_with_the_reply_and_nothing_changed(client):
    moderator = UserFactory(moderator=True)
    _member, vacancy = _returned_listing(client, moderator)

    answers = _page(client, f"/school/vacancies/{vacancy.id}/check-your-answers")
    assert "Your reply to the moderator" in answers
    response = client.post(
        f"/school/vacancies/{vacancy.id}/check-your-answers",
        data={"message_to_moderator": "The phrase describes the energy of the role, not an age."},
    )

    assert response.status_code == 302
    db.session.refresh(vacancy)
    assert vacancy.status is VacancyStatus.PENDING_REVIEW
    assert client.get(f"/jobs/{vacancy.id}").status_code == 404
    sign_in_as(client, moderator)
    queue = _page(client, "/moderation")
    assert "The phrase describes the energy of the role, not an age." in queue
    assert "Nothing changed since the request" in queue
    assert "A moderator asked for changes" in queue
    review = _page(client, f"/moderation/vacancies/{vacancy.id}")
    assert "Please describe the skills you need rather than an age." in review
    assert "The phrase describes the energy of the role, not an age." in review
    assert "Nothing changed since the request." in review


def test_a_returned_listing_sent_back_with_a_new_title_shows_the_diff_and_approval_publishes_it(client):
    moderator = UserFactory(moderator=True)
    member, vacancy = _returned_listing(client, moderator)

    client.post(
        f"/school/vacancies/{vacancy.id}/edit/job-details",
        data={
            "organisation_id": str(member.organisation_id),
            "title": "Teacher of Chemistry and Physics",
            "job_roles": ["teacher"],
            "phases": ["secondary"],
        },
    )
    client.post(
        f"/school/vacancies/{vacancy.id}/check-your-answers",
        data={"message_to_moderator": "Retitled; the wording stays."},
    )

    db.session.refresh(vacancy)
    assert vacancy.status is VacancyStatus.PENDING_REVIEW
    sign_in_as(client, moderator)
    assert "changed Job title" in _page(client, "/moderation")
    review = _page(client, f"/moderation/vacancies/{vacancy.id}")
    changes = review[review.index('id="changes"') :]
    changes = changes[: changes.index("</table>")]
    assert "Job title" in changes
    assert "<del>Teacher of Chemistry</del>" in changes
    assert "<ins>Teacher of Chemistry and Physics</ins>" in changes
    assert "About the role" not in changes
    assert "Retitled; the wording stays." in review

    client.post(f"/moderation/vacancies/{vacancy.id}/approve", data={"note": ""})

    db.session.refresh(vacancy)
    assert vacancy.status is VacancyStatus.PUBLISHED
    assert client.get(f"/jobs/{vacancy.id}").status_code == 200


def test_sending_a_returned_listing_back_needs_a_reply(client):
    moderator = UserFactory(moderator=True)
    _member, vacancy = _returned_listing(client, moderator)

    response = client.post(
        f"/school/vacancies/{vacancy.id}/check-your-answers", data={"message_to_moderator": "   "}
    )

    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "govuk-error-summary" in page
    assert "Enter your reply to the moderator" in page
    db.session.refresh(vacancy)
    assert vacancy.status is VacancyStatus.DRAFT

    too_long = "I changed it. " * 400  # over the 5,000 characters a reply may have
    response = client.post(
        f"/school/vacancies/{vacancy.id}/check-your-answers", data={"message_to_moderator": too_long}
    )
    assert response.status_code == 400
    assert "govuk-error-summary" in response.get_data(as_text=True)
    assert "I changed it. I changed it." in response.get_data(as_text=True)  # what was typed, kept

    # The one-button submit (no reply box) refuses too, and says why.
    response = client.post(f"/school/vacancies/{vacancy.id}/submit", follow_redirects=True)
    assert "Reply to the moderator before you send the listing back" in html.unescape(
        response.get_data(as_text=True)
    )
    db.session.refresh(vacancy)
    assert vacancy.status is VacancyStatus.DRAFT


def test_two_moderators_deciding_a_returned_listing_at_once_make_one_decision(client):
    first, second = UserFactory(moderator=True), UserFactory(moderator=True)
    _member, vacancy = _returned_listing(client, first)
    client.post(
        f"/school/vacancies/{vacancy.id}/check-your-answers", data={"message_to_moderator": "Reworded."}
    )

    sign_in_as(client, first)
    client.post(f"/moderation/vacancies/{vacancy.id}/approve", data={"note": ""})
    sign_in_as(client, second)
    response = client.post(
        f"/moderation/vacancies/{vacancy.id}/request-changes", data={"message": "Once more, please."}
    )

    assert response.status_code == 302
    assert "Nothing was changed" in html.unescape(
        client.get(response.headers["Location"]).get_data(as_text=True)
    )
    db.session.refresh(vacancy)
    assert vacancy.status is VacancyStatus.PUBLISHED
