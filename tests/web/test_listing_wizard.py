"""The listing wizard through the web layer: sections, conditional questions, checks, preview, live edits."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from marketplace.audit import AuditEvent
from marketplace.db import uk_today
from marketplace.extensions import db
from marketplace.search.whoosh.schema import vacancy_document
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from marketplace.vacancies.steps import STEPS
from tests.conftest import sign_in_as
from tests.factories import MembershipFactory, OrganisationFactory, VacancyFactory, listing_history
from tests.web.listing_wizard import post_listing, section_data, vacancy_id_from
from tests.web.test_vacancy_journey import _date_fields, vacancy_form


def _trusted_school():
    """A verified school with listings already approved, posted by this long-standing member: their
    clean listings publish without review."""
    membership = MembershipFactory()
    listing_history(membership)
    return membership


def _start(client, membership, **changes) -> int:
    form = vacancy_form(membership.organisation_id, **changes)
    response = client.post("/school/vacancies/new", data=section_data(form, "job-details"))
    assert response.status_code == 302, response.get_data(as_text=True)
    return vacancy_id_from(response.headers["Location"])


def test_each_section_saves_the_draft_and_leads_to_the_next(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)
    form = vacancy_form(membership.organisation_id)

    new = client.get("/school/vacancies/new").get_data(as_text=True)
    assert "Job details" in new
    assert "Step 1 of 8" in new
    response = client.post("/school/vacancies/new", data=section_data(form, "job-details"))
    vacancy_id = vacancy_id_from(response.headers["Location"])
    assert response.headers["Location"].endswith(
        f"/school/vacancies/{vacancy_id}/edit/key-stages-and-subjects"
    )
    vacancy = db.session.get(Vacancy, vacancy_id)
    assert vacancy.status is VacancyStatus.DRAFT
    assert vacancy.title == "Teacher of Chemistry"
    assert vacancy.unanswered_steps == [step.slug for step in STEPS[1:]]

    for index, step in enumerate(STEPS[1:], start=1):
        page = client.get(f"/school/vacancies/{vacancy_id}/edit/{step.slug}")
        assert page.status_code == 200
        assert f"Step {index + 1} of 8" in page.get_data(as_text=True)
        response = client.post(
            f"/school/vacancies/{vacancy_id}/edit/{step.slug}", data=section_data(form, step.slug)
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        following = STEPS[index + 1].slug if index + 1 < len(STEPS) else None
        expected = f"/edit/{following}" if following else "/check-your-answers"
        assert response.headers["Location"].endswith(expected)

    db.session.expire_all()
    vacancy = db.session.get(Vacancy, vacancy_id)
    assert vacancy.unanswered_steps == []
    assert vacancy.salary_minimum == 32916
    assert vacancy.key_stages == ["ks4", "ks5"]
    assert vacancy.subjects == ["Chemistry", "Science"]
    assert vacancy.about_role.startswith("<p>Teach chemistry")

    answers = client.get(f"/school/vacancies/{vacancy_id}/check-your-answers").get_data(as_text=True)
    assert "Check your answers" in answers
    assert "Main pay range" in answers
    assert "£32,916 to £45,352" in answers
    assert f"/school/vacancies/{vacancy_id}/edit/pay?check=1" in answers
    response = client.post(f"/school/vacancies/{vacancy_id}/check-your-answers")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Vacancy, vacancy_id).status is VacancyStatus.PENDING_REVIEW


def test_a_section_refusing_answers_re_renders_with_what_was_typed(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)

    page = client.post(
        "/school/vacancies/new",
        data={"organisation_id": str(membership.organisation_id), "title": "", "phases": ["secondary"]},
    ).get_data(as_text=True)
    assert "There is a problem" in page
    assert "Enter a job title" in page
    assert "Select at least one job role" in page
    assert 'value="secondary" checked' in page
    assert db.session.scalar(sa.select(sa.func.count(Vacancy.id))) == 0

    vacancy_id = _start(client, membership)
    pay = client.post(
        f"/school/vacancies/{vacancy_id}/edit/pay",
        data={"salary": "Main pay range", "salary_minimum": "lots", "salary_maximum": "30,000"},
    )
    page = pay.get_data(as_text=True)
    assert pay.status_code == 200
    assert "Enter an amount in pounds" in page
    assert 'value="lots"' in page

    dates = client.post(
        f"/school/vacancies/{vacancy_id}/edit/important-dates",
        data={"publish_when": "now", "closing_date": ["31", "2", "2027"], "closing_time": "12:00"},
    ).get_data(as_text=True)
    assert "Closing date must be a real date" in dates
    assert 'value="31"' in dates

    cross = client.post(
        f"/school/vacancies/{vacancy_id}/edit/pay",
        data={"salary": "Main pay range", "salary_minimum": "40,000", "salary_maximum": "30,000"},
    ).get_data(as_text=True)
    assert "The highest salary must be the same as or more than the lowest salary" in cross

    about = client.post(
        f"/school/vacancies/{vacancy_id}/edit/about-the-role",
        data={"about_role": "", "what_school_offers": "Our own words, kept.", "ect_status": "ect_suitable"},
    ).get_data(as_text=True)
    assert "Describe the role" in about
    assert "Our own words, kept." in about
    db.session.expire_all()
    assert "pay" in db.session.get(Vacancy, vacancy_id).unanswered_steps


def test_key_stages_follow_the_phases_and_subjects_are_asked_only_for_secondary_and_post_16(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)
    vacancy_id = _start(client, membership, phases=["primary"], title="Year 4 teacher")

    page = client.get(f"/school/vacancies/{vacancy_id}/edit/key-stages-and-subjects").get_data(as_text=True)
    assert 'value="ks1"' in page
    assert 'value="ks3"' not in page
    assert 'name="subjects"' not in page
    refused = client.post(
        f"/school/vacancies/{vacancy_id}/edit/key-stages-and-subjects", data={"key_stages": ["ks3"]}
    )
    assert "Select from the options given" in refused.get_data(as_text=True)
    client.post(
        f"/school/vacancies/{vacancy_id}/edit/key-stages-and-subjects",
        data={"key_stages": ["ks2"], "subjects": ["Mathematics"]},
    )
    vacancy = db.session.get(Vacancy, vacancy_id)
    assert vacancy.key_stages == ["ks2"]
    assert vacancy.subjects == []

    client.post(
        f"/school/vacancies/{vacancy_id}/edit/job-details",
        data=section_data(vacancy_form(membership.organisation_id), "job-details"),
    )
    page = client.get(f"/school/vacancies/{vacancy_id}/edit/key-stages-and-subjects").get_data(as_text=True)
    assert 'name="subjects"' in page
    assert 'value="ks3"' in page
    db.session.expire_all()
    # Key stages of a phase no longer chosen are dropped when the phases change.
    assert db.session.get(Vacancy, vacancy_id).key_stages == []


def test_fixed_term_length_is_asked_and_kept_only_for_fixed_term_contracts(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)
    vacancy_id = _start(client, membership)
    url = f"/school/vacancies/{vacancy_id}/edit/working-pattern"

    page = client.get(url).get_data(as_text=True)
    assert "govuk-radios__conditional" in page
    missing = client.post(url, data={"working_patterns": ["full_time"], "contract_type": "fixed_term"})
    assert "Enter how long the fixed-term contract lasts" in missing.get_data(as_text=True)
    client.post(
        url,
        data={"working_patterns": ["full_time"], "contract_type": "permanent", "fixed_term_length": "1 year"},
    )
    vacancy = db.session.get(Vacancy, vacancy_id)
    assert vacancy.contract_type == "permanent"
    assert vacancy.fixed_term_length is None
    client.post(
        url,
        data={
            "working_patterns": ["part_time"],
            "contract_type": "fixed_term",
            "fixed_term_length": "1 year",
        },
    )
    db.session.expire_all()
    assert db.session.get(Vacancy, vacancy_id).contract_label == "Fixed term (1 year)"


def test_publish_now_or_on_a_date_and_the_closing_times_offered(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)
    vacancy_id = _start(client, membership)
    url = f"/school/vacancies/{vacancy_id}/edit/important-dates"
    page = client.get(url).get_data(as_text=True)
    for time in ("08:00", "09:00", "12:00", "15:00", "23:59"):
        assert f'value="{time}"' in page
    closing = uk_today() + dt.timedelta(days=30)

    no_date = client.post(
        url, data={"publish_when": "date", "closing_time": "09:00", **_date_fields("closing_date", closing)}
    )
    assert "Enter the date the listing goes live" in no_date.get_data(as_text=True)

    later = uk_today() + dt.timedelta(days=7)
    client.post(
        url,
        data={
            "publish_when": "date",
            "closing_time": "23:59",
            **_date_fields("publish_on", later),
            **_date_fields("closing_date", closing),
        },
    )
    vacancy = db.session.get(Vacancy, vacancy_id)
    assert vacancy.publish_on == later
    assert 'value="date" checked' in client.get(url).get_data(as_text=True)
    client.post(
        url, data={"publish_when": "now", "closing_time": "15:00", **_date_fields("closing_date", closing)}
    )
    db.session.expire_all()
    assert db.session.get(Vacancy, vacancy_id).publish_on == uk_today()


def test_how_to_apply_asks_the_follow_up_question_for_its_choice(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)
    vacancy_id = _start(client, membership)
    url = f"/school/vacancies/{vacancy_id}/edit/how-to-apply"

    page = client.post(url, data={"how_to_apply": "website", "contact_email": "hr@riverside.example.org"})
    assert "Enter the web address where candidates apply" in page.get_data(as_text=True)
    page = client.post(url, data={"how_to_apply": "email", "contact_email": "hr@riverside.example.org"})
    assert "Enter the email address candidates should apply to" in page.get_data(as_text=True)
    client.post(
        url,
        data={
            "how_to_apply": "email",
            "application_email": "Jobs@Riverside.example.org",
            "application_url": "https://ignored.example.org",
            "contact_email": "hr@riverside.example.org",
        },
    )
    vacancy = db.session.get(Vacancy, vacancy_id)
    assert vacancy.how_to_apply == "email"
    assert vacancy.application_email == "jobs@riverside.example.org"
    assert vacancy.application_url is None


def test_resuming_a_draft_goes_to_its_first_unanswered_section(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)
    vacancy_id = _start(client, membership)
    form = vacancy_form(membership.organisation_id)
    client.post(
        f"/school/vacancies/{vacancy_id}/edit/key-stages-and-subjects",
        data=section_data(form, "key-stages-and-subjects"),
    )
    client.post(f"/school/vacancies/{vacancy_id}/edit/pay", data=section_data(form, "pay"))

    response = client.get(f"/school/vacancies/{vacancy_id}/edit")
    assert response.headers["Location"].endswith(f"/school/vacancies/{vacancy_id}/edit/working-pattern")
    answers = client.get(f"/school/vacancies/{vacancy_id}/check-your-answers").get_data(as_text=True)
    assert "You have not finished every section yet" in answers
    assert "Submit listing" not in answers
    refused = client.post(f"/school/vacancies/{vacancy_id}/check-your-answers", data={})
    assert "Finish every section of the listing before you submit it" in refused.get_data(as_text=True)

    complete = VacancyFactory(organisation=membership.organisation)
    assert (
        client.get(f"/school/vacancies/{complete.id}/edit")
        .headers["Location"]
        .endswith(f"/school/vacancies/{complete.id}/check-your-answers")
    )


def test_a_change_link_returns_to_check_your_answers(client):
    membership = MembershipFactory()
    vacancy = VacancyFactory(organisation=membership.organisation, salary="Main pay range")
    sign_in_as(client, membership.user)

    page = client.get(f"/school/vacancies/{vacancy.id}/edit/pay?check=1").get_data(as_text=True)
    assert f'href="/school/vacancies/{vacancy.id}/check-your-answers"' in page  # the back link
    assert 'value="Main pay range"' in page
    response = client.post(
        f"/school/vacancies/{vacancy.id}/edit/pay?check=1", data={"salary": "Upper pay range"}
    )
    assert response.headers["Location"].endswith(f"/school/vacancies/{vacancy.id}/check-your-answers")
    assert "Upper pay range" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_checks_show_what_they_found_in_a_section_when_it_is_saved(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)
    vacancy_id = _start(client, membership)
    url = f"/school/vacancies/{vacancy_id}/edit/about-the-role"
    data = {
        "about_role": "We want a **young and dynamic** chemist.",
        "ect_status": "ect_suitable",
        "visa_sponsorship": "no",
    }

    response = client.post(url, data=data)

    assert response.headers["Location"].endswith(url)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Check your listing" in page
    assert "Needs a moderator" in page
    assert "young and dynamic" in page
    assert 'name="seen_checks"' in page
    # Formatting cannot hide a phrase from the checks, and the school may go on once it has seen them.
    onwards = client.post(url, data={**data, "seen_checks": "1"})
    assert onwards.headers["Location"].endswith(
        f"/school/vacancies/{vacancy_id}/edit/key-stages-and-subjects"
    )


def test_the_role_description_is_sanitised_rich_text_and_indexed_as_words(client):
    membership = _trusted_school()
    sign_in_as(client, membership.user)
    about = (
        "We are a **friendly** department.\n\nYou will:\n- teach *chemistry*\n- run [our club](https://www.riverside.example.org/club)\n\n"
        '<script>alert("x")</script><img src=x onerror=alert(1)>'
    )
    post_listing(client, vacancy_form(membership.organisation_id, about_role=about), submit=True)
    vacancy = db.session.scalar(sa.select(Vacancy).where(Vacancy.title == "Teacher of Chemistry"))

    assert "<strong>friendly</strong>" in vacancy.about_role
    assert "<li>teach <em>chemistry</em></li>" in vacancy.about_role
    assert "<script" not in vacancy.about_role
    assert "<img" not in vacancy.about_role
    assert vacancy.status is VacancyStatus.PUBLISHED
    page = client.get(f"/jobs/{vacancy.id}").get_data(as_text=True)
    assert "<strong>friendly</strong>" in page
    assert 'href="https://www.riverside.example.org/club" rel="noopener noreferrer nofollow"' in page
    assert "<img" not in page
    assert '<script>alert("x")' not in page
    body = vacancy_document(vacancy)["body"]
    assert "friendly department" in body
    assert "strong" not in body
    assert "<p>" not in body
    assert "<li>" not in body
    edit = client.get(f"/school/vacancies/{vacancy.id}/edit/about-the-role").get_data(as_text=True)
    assert "We are a **friendly** department." in edit


def test_plain_text_descriptions_keep_their_paragraphs_and_stay_escaped(client):
    vacancy = VacancyFactory(
        published=True, about_role="Pupils aged 4 < 7 & more.\nA new line.\n\nSecond paragraph."
    )

    page = client.get(f"/jobs/{vacancy.id}").get_data(as_text=True)

    assert "<p>Pupils aged 4 &lt; 7 &amp; more.<br>A new line.</p><p>Second paragraph.</p>" in page


def test_the_preview_is_the_public_job_page(client):
    membership = MembershipFactory()
    vacancy = VacancyFactory(
        organisation=membership.organisation,
        title="Teacher of Physics",
        about_role="<p>Teach <em>physics</em>.</p>",
    )
    sign_in_as(client, membership.user)

    page = client.get(f"/school/vacancies/{vacancy.id}/preview").get_data(as_text=True)

    assert "This is how jobseekers will see your listing once it is live" in page
    assert '<h1 class="govuk-heading-l">Teacher of Physics</h1>' in page
    assert "Teach <em>physics</em>." in page
    assert "How to apply" in page
    assert "Apply for this job" in page
    assert client.get(f"/jobs/{vacancy.id}").status_code == 404  # a draft is still not public


def test_a_trusted_school_changes_a_live_listing_and_it_stays_live(client):
    membership = _trusted_school()
    live = VacancyFactory(organisation=membership.organisation, published=True, title="Teacher of Music")
    sign_in_as(client, membership.user)

    assert client.get(f"/school/vacancies/{live.id}/edit").headers["Location"].endswith("/check-your-answers")
    dates = client.get(f"/school/vacancies/{live.id}/edit/important-dates").get_data(as_text=True)
    assert "went live on" in dates
    assert 'name="publish_when"' not in dates
    response = client.post(
        f"/school/vacancies/{live.id}/edit/pay?check=1", data={"salary": "Upper pay range"}
    )

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your changes passed our checks and are saved. The listing is still live." in page
    db.session.refresh(live)
    assert live.status is VacancyStatus.PUBLISHED
    assert live.salary == "Upper pay range"
    assert "Upper pay range" in client.get(f"/jobs/{live.id}").get_data(as_text=True)


def test_a_live_listing_changed_into_review_is_taken_down_until_approved(client):
    membership = _trusted_school()
    live = VacancyFactory(organisation=membership.organisation, published=True, title="Teacher of Music")
    sign_in_as(client, membership.user)

    response = client.post(
        f"/school/vacancies/{live.id}/edit/about-the-role",
        data={
            "about_role": "We want a young and dynamic musician.",
            "ect_status": "ect_suitable",
            "visa_sponsorship": "no",
        },
    )

    page = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "the listing has been taken down until it is approved" in page
    db.session.refresh(live)
    assert live.status is VacancyStatus.PENDING_REVIEW
    assert "young and dynamic" in live.about_role
    assert client.get(f"/jobs/{live.id}").status_code == 404
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.subject_id == live.id).order_by(AuditEvent.id)
    ).all()
    assert actions[-3:] == ["vacancy.edit", "vacancy.hold", "policy.review"]


def test_a_blocked_change_to_a_live_listing_is_not_saved(client):
    membership = _trusted_school()
    live = VacancyFactory(organisation=membership.organisation, published=True, title="Teacher of Music")
    before = live.about_role
    sign_in_as(client, membership.user)

    response = client.post(
        f"/school/vacancies/{live.id}/edit/about-the-role",
        data={
            "about_role": "Candidates must pay a £40 DBS fee.",
            "ect_status": "ect_suitable",
            "visa_sponsorship": "no",
        },
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your changes were not saved, so the listing jobseekers see is unchanged." in page
    assert "Must fix" in page
    assert "Candidates must pay a £40 DBS fee." in page  # what was typed, kept to fix
    db.session.refresh(live)
    assert live.status is VacancyStatus.PUBLISHED
    assert live.about_role == before
    assert client.get(f"/jobs/{live.id}").status_code == 200


def test_a_listing_waiting_for_a_moderator_cannot_be_changed(client):
    membership = MembershipFactory()
    pending = VacancyFactory(organisation=membership.organisation, pending=True)
    sign_in_as(client, membership.user)

    response = client.post(f"/school/vacancies/{pending.id}/edit/pay", data={"salary": "Changed"})

    assert response.headers["Location"].endswith(f"/school/vacancies/{pending.id}")
    db.session.refresh(pending)
    assert pending.salary != "Changed"


def test_a_trust_user_chooses_the_school_and_cannot_pick_another_organisation(client):
    membership = MembershipFactory()
    stranger = OrganisationFactory()
    sign_in_as(client, membership.user)

    response = client.post(
        "/school/vacancies/new",
        data=section_data(vacancy_form(stranger.id), "job-details"),
    )

    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(Vacancy.id))) == 0
    vacancy_id = _start(client, membership)
    client.post(
        f"/school/vacancies/{vacancy_id}/edit/job-details",
        data=section_data(vacancy_form(stranger.id), "job-details"),
    )
    db.session.expire_all()
    assert db.session.get(Vacancy, vacancy_id).organisation_id == membership.organisation_id


def test_an_unknown_section_is_not_found(client):
    membership = MembershipFactory()
    vacancy = VacancyFactory(organisation=membership.organisation)
    sign_in_as(client, membership.user)

    assert client.get(f"/school/vacancies/{vacancy.id}/edit/nothing-here").status_code == 404


def test_moderators_see_findings_highlighted_in_the_words_of_a_rich_text_description(client):
    from tests.factories import UserFactory

    membership = MembershipFactory()
    vacancy = VacancyFactory(
        organisation=membership.organisation,
        pending=True,
        about_role="<p>We want a <strong>young</strong> and dynamic teacher.</p><ul><li>Kind</li></ul>",
    )
    sign_in_as(client, UserFactory(moderator=True))

    review = client.get(f"/moderation/vacancies/{vacancy.id}").get_data(as_text=True)

    assert "<mark>young and dynamic</mark>" in review
    assert "&lt;strong&gt;" not in review


def test_the_checks_run_on_the_words_as_typed_without_saving_them(client):
    membership = MembershipFactory()
    vacancy = VacancyFactory(organisation=membership.organisation, about_role="A kind teacher.")
    sign_in_as(client, membership.user)

    response = client.post(
        f"/school/vacancies/{vacancy.id}/edit/about-the-role/checks",
        data={"about_role": "We want a *young* and dynamic teacher. Pay a DBS fee of £40."},
    )

    assert response.status_code == 200
    findings = response.get_json()["findings"]
    assert {f["severity"] for f in findings} == {"block", "review"}
    assert any(f["text"] == "young and dynamic" and f["label"] == "Needs a moderator" for f in findings)
    assert all(f["field"] in ("about_role", "what_school_offers") for f in findings)
    clean = client.post(
        f"/school/vacancies/{vacancy.id}/edit/about-the-role/checks", data={"about_role": "A kind teacher."}
    )
    assert clean.get_json() == {"findings": []}
    db.session.refresh(vacancy)
    assert vacancy.about_role == "A kind teacher."
    page = client.get(f"/school/vacancies/{vacancy.id}/edit/about-the-role").get_data(as_text=True)
    assert f'data-app-listing-checks="/school/vacancies/{vacancy.id}/edit/about-the-role/checks"' in page


def test_saving_a_live_listing_without_changes_checks_nothing_again(client):
    membership = MembershipFactory(organisation__verified_at=None)  # every change would need a moderator
    live = VacancyFactory(organisation=membership.organisation, published=True, salary="Main pay range")
    sign_in_as(client, membership.user)

    response = client.post(f"/school/vacancies/{live.id}/edit/documents")

    assert "Nothing was changed" in client.get(response.headers["Location"]).get_data(as_text=True)
    same = {
        "salary": "Main pay range",
        "salary_minimum": str(live.salary_minimum or ""),
        "salary_maximum": str(live.salary_maximum or ""),
    }
    client.post(f"/school/vacancies/{live.id}/edit/pay?check=1", data=same)
    db.session.refresh(live)
    assert live.status is VacancyStatus.PUBLISHED
    client.post(f"/school/vacancies/{live.id}/edit/pay", data={**same, "salary": "Upper pay range"})
    db.session.refresh(live)
    assert live.status is VacancyStatus.PENDING_REVIEW  # an unverified school's change waits for a moderator
