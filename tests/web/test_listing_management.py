"""A school manages its listings through the web: the dashboard, extend, end early, copy, relist, delete,
and each listing's statistics."""

import datetime as dt

import pytest
import sqlalchemy as sa

from marketplace.analytics.events import EventName, record
from marketplace.db import UK, uk_today, utcnow
from marketplace.extensions import db
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import ClosingDateExtension, Vacancy, VacancyEnding
from tests.conftest import sign_in_as
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory, VacancyFactory

S = VacancyStatus


def date_fields(name: str, day: dt.date) -> dict:
    return {name: [str(day.day), str(day.month), str(day.year)]}


def in_days(days: int) -> dt.date:
    return uk_today() + dt.timedelta(days=days)


@pytest.fixture
def member(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)
    return membership


def listing(member, **values) -> Vacancy:
    values.setdefault("published", True)
    return VacancyFactory(organisation=member.organisation, **values)


def fresh(vacancy: Vacancy) -> Vacancy:
    db.session.expire_all()
    return db.session.get(Vacancy, vacancy.id)


# --- The dashboard --------------------------------------------------------------------------------


def test_the_dashboard_counts_every_tab_and_offers_each_rows_actions(client, member):
    live = listing(member, title="Teacher of Maths")
    ApplicationFactory(vacancy=live)
    ApplicationFactory(vacancy=live)
    listing(member, status=S.SCHEDULED, title="Teacher of Art", publish_on=in_days(3))
    listing(member, status=S.DRAFT, title="Teacher of Dance", published_at=None)
    listing(member, status=S.PENDING_REVIEW, title="Teacher of Latin", published_at=None)
    listing(member, status=S.EXPIRED, title="Teacher of Music")
    listing(member, status=S.CLOSED, title="Teacher of Drama")

    page = client.get("/school").get_data(as_text=True)

    for tab in ("Live (1)", "Scheduled (1)", "In review (1)", "Drafts (1)", "Closed (2)"):
        assert tab in page
    assert "Teacher of Maths" in page
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in page  # its applications
    assert f"/school/vacancies/{live.id}/extend" in page
    assert f"/school/vacancies/{live.id}/end-early" in page
    assert f"/school/vacancies/{live.id}/copy" in page

    closed = client.get("/school?tab=closed").get_data(as_text=True)
    assert "Teacher of Music" in closed
    assert "Teacher of Drama" in closed
    assert "/relist" in closed
    drafts = client.get("/school?tab=drafts").get_data(as_text=True)
    assert "/delete" in drafts


# --- Extending ------------------------------------------------------------------------------------


def test_a_school_extends_a_live_listing_with_a_reason(client, member):
    vacancy = listing(member)

    form = client.get(f"/school/vacancies/{vacancy.id}/extend")
    response = client.post(
        f"/school/vacancies/{vacancy.id}/extend",
        data={**date_fields("closing_date", in_days(35)), "closing_time": "15:00", "reason": "Half term"},
        follow_redirects=True,
    )

    assert form.status_code == 200
    assert "Extend the closing date" in form.get_data(as_text=True)
    page = response.get_data(as_text=True)
    assert "The closing date is now" in page
    assert "Reason: Half term" in page
    vacancy = fresh(vacancy)
    assert vacancy.status is S.PUBLISHED
    assert vacancy.closes_at.astimezone(UK).strftime("%H:%M") == "15:00"


def test_an_extension_with_problems_is_shown_again_with_what_was_typed(client, member):
    vacancy = listing(member)
    before = vacancy.closes_at

    response = client.post(
        f"/school/vacancies/{vacancy.id}/extend",
        data={**date_fields("closing_date", in_days(2)), "closing_time": "12:00", "reason": "Too early"},
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "later than the current one" in page
    assert "Too early" in page
    assert fresh(vacancy).closes_at == before

    missing = client.post(
        f"/school/vacancies/{vacancy.id}/extend",
        data={"closing_date": ["31", "2", "2030"], "closing_time": "12:00", "reason": ""},
    ).get_data(as_text=True)
    assert "must be a real date" in missing
    assert "Enter why you are extending the closing date" in missing


def test_an_expired_listing_extended_is_live_again_for_jobseekers(client, member):
    vacancy = listing(
        member, status=S.EXPIRED, publish_on=in_days(-30), closes_at=utcnow() - dt.timedelta(hours=1)
    )

    client.post(
        f"/school/vacancies/{vacancy.id}/extend",
        data={**date_fields("closing_date", in_days(10)), "closing_time": "12:00", "reason": "Reopening"},
    )

    assert fresh(vacancy).status is S.PUBLISHED
    assert client.get(f"/jobs/{vacancy.id}").status_code == 200
    assert "Apply" in client.get(f"/jobs/{vacancy.id}").get_data(as_text=True)


def test_a_closed_listing_is_sent_back_to_its_page_instead_of_extending(client, member):
    vacancy = listing(member, status=S.CLOSED)

    response = client.get(f"/school/vacancies/{vacancy.id}/extend", follow_redirects=True)

    assert "Only live, scheduled or expired listings" in response.get_data(as_text=True)
    assert client.post(f"/school/vacancies/{vacancy.id}/extend").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ClosingDateExtension)) == 0


# --- Ending early ---------------------------------------------------------------------------------


def test_a_school_ends_a_listing_early_and_says_it_was_filled_through_the_marketplace(client, member):
    vacancy = listing(member)

    confirm = client.get(f"/school/vacancies/{vacancy.id}/end-early").get_data(as_text=True)
    response = client.post(
        f"/school/vacancies/{vacancy.id}/end-early",
        data={"filled": "yes", "through_marketplace": "yes"},
        follow_redirects=True,
    )

    assert "The listing will close now" in confirm
    assert "Has the post been filled?" in confirm
    page = response.get_data(as_text=True)
    assert "The listing has closed" in page
    assert "The post was filled through the marketplace." in page
    assert fresh(vacancy).status is S.CLOSED
    ending = db.session.scalar(sa.select(VacancyEnding))
    assert (ending.filled, ending.through_marketplace) == (True, True)
    assert "closed" in client.get(f"/jobs/{vacancy.id}").get_data(as_text=True).lower()


def test_ending_early_asks_again_when_an_answer_is_missing(client, member):
    vacancy = listing(member)

    nothing = client.post(f"/school/vacancies/{vacancy.id}/end-early", data={}).get_data(as_text=True)
    half = client.post(f"/school/vacancies/{vacancy.id}/end-early", data={"filled": "yes"}).get_data(
        as_text=True
    )
    odd = client.post(f"/school/vacancies/{vacancy.id}/end-early", data={"filled": "maybe"})

    assert "Select whether the post has been filled" in nothing
    assert "Select whether you found the person through the marketplace" in half
    assert 'value="yes" checked' in half  # the answer given is kept
    assert odd.status_code == 200
    assert fresh(vacancy).status is S.PUBLISHED


def test_not_filled_yet_needs_no_second_answer(client, member):
    vacancy = listing(member)

    client.post(
        f"/school/vacancies/{vacancy.id}/end-early", data={"filled": "not_yet", "through_marketplace": "yes"}
    )

    ending = db.session.scalar(sa.select(VacancyEnding))
    assert (ending.filled, ending.through_marketplace) == (None, None)


# --- Copying and relisting ------------------------------------------------------------------------


def test_a_school_copies_a_listing_into_a_new_draft(client, member):
    vacancy = listing(member, title="Teacher of Chemistry")

    form = client.get(f"/school/vacancies/{vacancy.id}/copy").get_data(as_text=True)
    response = client.post(
        f"/school/vacancies/{vacancy.id}/copy",
        data={
            "title": "Teacher of Chemistry (maternity cover)",
            **date_fields("publish_on", in_days(1)),
            **date_fields("closing_date", in_days(25)),
            "closing_time": "09:00",
        },
        follow_redirects=True,
    )

    assert 'value="Teacher of Chemistry"' in form  # the title starts as it was; the dates start blank
    page = response.get_data(as_text=True)
    assert "A copy has been saved as a draft" in page
    copy = db.session.scalar(sa.select(Vacancy).where(Vacancy.id != vacancy.id))
    assert copy.status is S.DRAFT
    assert copy.title == "Teacher of Chemistry (maternity cover)"
    assert copy.about_role == vacancy.about_role


def test_a_copy_with_bad_dates_is_shown_again_with_its_problems(client, member):
    vacancy = listing(member)

    response = client.post(
        f"/school/vacancies/{vacancy.id}/copy",
        data={
            "title": "Teacher of Biology",
            **date_fields("publish_on", in_days(5)),
            **date_fields("closing_date", in_days(2)),
            "closing_time": "12:00",
        },
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The closing date must be on or after the date the listing goes live" in page
    assert 'value="Teacher of Biology"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vacancy)) == 1


def test_a_school_relists_a_closed_job_as_a_new_listing(client, member):
    vacancy = listing(member, status=S.CLOSED, title="Teacher of Computing")

    form = client.get(f"/school/vacancies/{vacancy.id}/relist")
    response = client.post(
        f"/school/vacancies/{vacancy.id}/relist",
        data={
            **date_fields("publish_on", in_days(0)),
            **date_fields("closing_date", in_days(21)),
            "closing_time": "12:00",
        },
        follow_redirects=True,
    )

    assert "Relist this job" in form.get_data(as_text=True)
    relisted = db.session.scalar(sa.select(Vacancy).where(Vacancy.id != vacancy.id))
    assert relisted.title == "Teacher of Computing"
    assert relisted.status in (S.PUBLISHED, S.PENDING_REVIEW)
    assert fresh(vacancy).status is S.CLOSED
    assert response.request.path == f"/school/vacancies/{relisted.id}"


def test_a_relist_the_policy_refuses_is_kept_as_a_draft_to_fix(client, member):
    vacancy = listing(member, status=S.CLOSED, about_role="Candidates must pay a £40 DBS fee.")

    response = client.post(
        f"/school/vacancies/{vacancy.id}/relist",
        data={
            **date_fields("publish_on", in_days(0)),
            **date_fields("closing_date", in_days(21)),
            "closing_time": "12:00",
        },
        follow_redirects=True,
    )

    draft = db.session.scalar(sa.select(Vacancy).where(Vacancy.id != vacancy.id))
    assert draft.status is S.DRAFT
    assert response.request.path == f"/school/vacancies/{draft.id}"
    assert "Your new listing is saved as a draft" in response.get_data(as_text=True)


def test_relisting_a_live_listing_is_refused(client, member):
    vacancy = listing(member)

    response = client.post(f"/school/vacancies/{vacancy.id}/relist", follow_redirects=True)

    assert "Only closed or expired listings can be relisted" in response.get_data(as_text=True)


# --- Deleting a draft -----------------------------------------------------------------------------


def test_deleting_a_draft_asks_first(client, member):
    draft_id = listing(member, status=S.DRAFT, published_at=None, title="Teacher of Spanish").id

    confirm = client.get(f"/school/vacancies/{draft_id}/delete").get_data(as_text=True)
    client.post(f"/school/vacancies/{draft_id}/delete")

    assert "Delete this draft?" in confirm
    assert "Teacher of Spanish" in confirm
    db.session.expunge_all()
    assert db.session.get(Vacancy, draft_id) is None


def test_a_live_listing_has_no_delete_confirmation(client, member):
    vacancy = listing(member)

    response = client.get(f"/school/vacancies/{vacancy.id}/delete", follow_redirects=True)

    assert "Only drafts can be deleted" in response.get_data(as_text=True)


# --- Statistics -----------------------------------------------------------------------------------


def test_a_listings_page_shows_its_figures_from_real_events(app, client, member):
    vacancy = listing(member)
    other = VacancyFactory(published=True)
    visits = [
        {"headers": {"Referer": "https://www.google.co.uk/"}},
        {"headers": {"Referer": "https://www.google.com/search?q=maths"}},
        {"headers": {"Referer": "http://localhost/jobs?keyword=maths"}},
        {"query_string": {"src": "alert"}},
        {},
    ]
    for visit in visits:
        app.test_client().get(f"/jobs/{vacancy.id}", **visit)
    app.test_client().get(f"/jobs/{other.id}")
    jobseeker = UserFactory()
    visitor = app.test_client()
    sign_in_as(visitor, jobseeker)
    visitor.post(f"/jobs/{vacancy.id}/apply/personal-statement", data={"text": "Draft"})  # started
    record(EventName.VACANCY_SAVED, vacancy_id=vacancy.id, organisation_id=vacancy.organisation_id)
    record(EventName.VACANCY_SAVED, vacancy_id=vacancy.id, organisation_id=vacancy.organisation_id)
    db.session.commit()
    ApplicationFactory(vacancy=vacancy)

    page = client.get(f"/school/vacancies/{vacancy.id}").get_data(as_text=True)
    figures = page[page.index('id="listing-figures"') : page.index("</dl>")]
    sources = page[page.index('id="view-sources"') :]
    sources = sources[: sources.index("</table>")]

    assert _figure(figures, "Views") == "5"
    assert _figure(figures, "Saved by jobseekers") == "2"
    assert _figure(figures, "Applications started") == "1"
    assert _figure(figures, "Applications submitted") == "1"
    assert _row(sources, "Search engines") == ["2", "40%"]
    assert _row(sources, "Marketplace search and pages") == ["1", "20%"]
    assert _row(sources, "Job alert emails") == ["1", "20%"]
    assert _row(sources, "Direct (no referring page)") == ["1", "20%"]
    assert "google" not in sources.lower()  # only buckets, never the addresses


def _figure(html: str, label: str) -> str:
    after = html[html.index(f">{label}<") :]
    start = after.index('govuk-summary-list__value">') + len('govuk-summary-list__value">')
    return after[start : after.index("</dd>")].strip()


def _row(html: str, label: str) -> list[str]:
    after = html[html.index(f">{label}<") :]
    after = after[: after.index("</tr>")]
    cells = after.split('govuk-table__cell--numeric">')[1:]
    return [cell[: cell.index("</td>")].strip() for cell in cells]


def test_a_view_stores_only_its_source_bucket(app, client, member):
    from marketplace.analytics.models import Event

    vacancy = listing(member)

    client.get(f"/jobs/{vacancy.id}", headers={"Referer": "https://www.linkedin.com/posts/someone-123"})

    event = db.session.scalar(sa.select(Event).where(Event.name == EventName.VACANCY_VIEWED))
    assert event.properties == {"source": "other_website"}


def test_a_draft_shows_no_statistics_and_offers_its_actions(client, member):
    draft = listing(member, status=S.DRAFT, published_at=None)

    page = client.get(f"/school/vacancies/{draft.id}").get_data(as_text=True)

    assert "Statistics" not in page
    assert f"/school/vacancies/{draft.id}/delete" in page
    assert f"/school/vacancies/{draft.id}/copy" in page
    assert "/end-early" not in page
