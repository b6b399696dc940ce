"""Markup that assistive technology and phones depend on: unique ids, error links that reach a box,
titles that say where you are, email boxes that bring up an email keyboard, and wide tables that scroll
inside a labelled region rather than the page."""

from __future__ import annotations

import re
from collections import Counter

from marketplace.applications.lifecycle import ApplicationStatus
from tests.conftest import sign_in_as
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory, VacancyFactory


def title_of(page: str) -> str:
    return re.search(r"<title[^>]*>\s*(.*?)\s*</title>", page, re.S).group(1)


def duplicate_ids(page: str) -> list[str]:
    return [id_ for id_, count in Counter(re.findall(r'\sid="([^"]+)"', page)).items() if count > 1]


def reported_listing(client):
    vacancy = VacancyFactory(published=True, title="Teacher of Art")
    sign_in_as(client, UserFactory())
    client.post(f"/jobs/{vacancy.id}/report", data={"category": "scam", "details": "Asks for a fee."})
    sign_in_as(client, UserFactory(moderator=True))
    return vacancy


def test_the_review_page_of_a_reported_listing_has_one_box_per_id(client):
    vacancy = reported_listing(client)

    page = client.get(f"/moderation/vacancies/{vacancy.id}").get_data(as_text=True)

    assert 'id="report-reason"' in page
    assert 'id="remove-reason"' in page
    assert duplicate_ids(page) == []


def test_the_remove_error_links_to_the_remove_box(client):
    vacancy = reported_listing(client)

    page = client.post(f"/moderation/vacancies/{vacancy.id}/remove", data={"reason": ""}).get_data(
        as_text=True
    )

    assert '<a href="#remove-reason">Enter the reason for removing this listing</a>' in page
    assert duplicate_ids(page) == []


def test_a_date_error_links_to_the_day_box(client):
    membership = MembershipFactory()
    vacancy = VacancyFactory(organisation=membership.organisation, created_by=membership.user)
    sign_in_as(client, membership.user)

    page = client.post(
        f"/school/vacancies/{vacancy.id}/edit/important-dates",
        data={"publish_when": "now", "closing_date": ["31", "2", "2027"], "closing_time": "12:00"},
    ).get_data(as_text=True)

    assert 'href="#closing_date-day"' in page
    assert 'id="closing_date-day"' in page
    assert 'href="#closing_date"' not in page


def test_search_results_list_their_facts_without_line_breaks_in_the_list(client):
    VacancyFactory(published=True, title="Teacher of Geography")

    page = client.get("/jobs").get_data(as_text=True)

    facts = re.findall(r"<dl[^>]*>(.*?)</dl>", page, re.S)
    assert facts
    assert all("<br" not in fact for fact in facts)


def test_a_location_error_is_linked_to_its_box_and_named_in_the_title(client):
    page = client.get("/jobs?location=Nowhereville").get_data(as_text=True)

    assert title_of(page).startswith("Error: ")
    location_box = re.search(r'<input[^>]*id="location"[^>]*>', page).group(0)
    assert 'aria-describedby="location-hint location-error"' in location_box
    assert 'id="location-error"' in page


def test_search_page_titles_say_which_page(client):
    for number in range(12):
        VacancyFactory(published=True, title=f"Teacher {number}")

    first = title_of(client.get("/jobs").get_data(as_text=True))
    second = title_of(client.get("/jobs?page=2").get_data(as_text=True))

    assert first != second
    assert "(page 2 of" in second


def test_the_job_alert_form_says_error_once(client):
    page = client.post("/job-alerts/new?keyword=maths", data={"email": "not an address"}).get_data(
        as_text=True
    )

    assert title_of(page).startswith("Error: ")
    assert "Error: Error:" not in title_of(page)


def test_profile_and_application_sections_have_different_titles(client):
    jobseeker = UserFactory()
    vacancy = VacancyFactory(published=True, title="Teacher of Geography")
    ApplicationFactory(
        vacancy=vacancy, jobseeker=jobseeker, status=ApplicationStatus.DRAFT, submitted_at=None
    )
    sign_in_as(client, jobseeker)

    profile = title_of(client.get("/your-profile/personal-details").get_data(as_text=True))
    application = title_of(client.get(f"/jobs/{vacancy.id}/apply/personal-details").get_data(as_text=True))

    assert profile != application
    assert "Your profile" in profile
    assert "Teacher of Geography" in application


def test_listing_wizard_titles_name_the_step_and_the_listing(client):
    membership = MembershipFactory()
    vacancy = VacancyFactory(organisation=membership.organisation, created_by=membership.user, title="Cook")
    sign_in_as(client, membership.user)

    pay = title_of(client.get(f"/school/vacancies/{vacancy.id}/edit/pay").get_data(as_text=True))
    dates = title_of(
        client.get(f"/school/vacancies/{vacancy.id}/edit/important-dates").get_data(as_text=True)
    )

    assert pay.startswith("Pay (step 4 of")
    assert "Cook" in pay
    assert pay != dates


def test_email_boxes_bring_up_an_email_keyboard(client):
    jobseeker = UserFactory()
    sign_in_as(client, jobseeker)
    referees = client.get("/your-profile/referees").get_data(as_text=True)
    membership = MembershipFactory()
    vacancy = VacancyFactory(organisation=membership.organisation, created_by=membership.user)
    sign_in_as(client, membership.user)
    how_to_apply = client.get(f"/school/vacancies/{vacancy.id}/edit/how-to-apply").get_data(as_text=True)

    assert re.search(
        r'<input[^>]*id="items-0-email"[^>]*type="email"|<input[^>]*type="email"[^>]*id="items-0-email"',
        referees,
    )
    for name in ("contact_email", "application_email"):
        box = re.search(rf'<input[^>]*id="{name}"[^>]*>', how_to_apply).group(0)
        assert 'type="email"' in box, box


def test_enter_in_a_section_with_rows_presses_save_not_add_another(client):
    sign_in_as(client, UserFactory())

    page = client.get("/your-profile/referees").get_data(as_text=True)

    form = page[page.index('<form method="post"') :]
    first_button = re.search(r"<button[^>]*>\s*([^<]*?)\s*</button>", form)
    assert first_button.group(1) == "Save to your profile"
    assert 'name="add_row"' not in first_button.group(0)


def test_check_your_answers_shows_no_error_before_anything_is_sent(client):
    jobseeker = UserFactory()
    vacancy = VacancyFactory(published=True)
    ApplicationFactory(
        vacancy=vacancy, jobseeker=jobseeker, status=ApplicationStatus.DRAFT, submitted_at=None
    )
    sign_in_as(client, jobseeker)

    page = client.get(f"/jobs/{vacancy.id}/apply/check-your-answers").get_data(as_text=True)
    sent = client.post(f"/jobs/{vacancy.id}/apply/check-your-answers", data={})

    assert "govuk-error-summary" not in page
    assert not title_of(page).startswith("Error:")
    assert 'id="unfinished-sections"' in page
    assert "govuk-error-summary" in sent.get_data(as_text=True)


def test_wide_tables_scroll_inside_a_labelled_focusable_region(client):
    membership = MembershipFactory()
    VacancyFactory(organisation=membership.organisation, published=True)
    sign_in_as(client, membership.user)

    page = client.get("/school").get_data(as_text=True)

    wrapper = re.search(r'<div class="app-table-scroll"([^>]*)>\s*<table', page)
    assert wrapper
    assert 'role="region"' in wrapper.group(1)
    assert 'tabindex="0"' in wrapper.group(1)
    assert re.search(r'aria-label="[^"]+"', wrapper.group(1))


def test_the_job_page_offers_apply_before_the_details(client):
    vacancy = VacancyFactory(published=True)

    page = client.get(f"/jobs/{vacancy.id}").get_data(as_text=True)

    assert page.index('id="apply-top"') < page.index("About the role")


def test_the_filters_page_shows_the_filters_for_the_same_search(client):
    VacancyFactory(published=True, title="Teacher of Geography", phases=["secondary"])

    page = client.get("/jobs?keyword=geography").get_data(as_text=True)
    filters = client.get("/jobs/filters?keyword=geography").get_data(as_text=True)

    assert 'href="/jobs/filters?keyword=geography"' in page
    assert "Filter jobs" in title_of(filters)
    assert 'value="geography"' in filters
    assert "Secondary school" in filters
    assert "app-search-result" not in filters
