"""Saved jobs, job alerts and similar jobs, as jobseekers and visitors meet them on the web."""

from __future__ import annotations

import re

import sqlalchemy as sa

from marketplace.alerts.digest import send_digests
from marketplace.alerts.models import AlertFrequency, JobAlert
from marketplace.alerts.services import alert_token
from marketplace.analytics.models import Event
from marketplace.applications.models import SavedJob
from marketplace.db import utcnow
from marketplace.extensions import db
from tests.alerts_support import LEEDS, LONDON, ago, listing, make_alert
from tests.conftest import sign_in_as
from tests.factories import UserFactory, VacancyFactory


def saved_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SavedJob))


def alerts() -> list[JobAlert]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(JobAlert).order_by(JobAlert.id)))


# --- Saved jobs --------------------------------------------------------------------------------


def test_save_and_unsave_from_the_job_page(client):
    vacancy = listing("Teacher of Mathematics")
    sign_in_as(client, UserFactory())

    page = client.get(f"/jobs/{vacancy.id}").get_data(as_text=True)
    assert f'action="/saved-jobs/{vacancy.id}/save"' in page

    saved = client.post(f"/saved-jobs/{vacancy.id}/save", follow_redirects=True)
    assert "Saved \u2018Teacher of Mathematics\u2019" in saved.get_data(as_text=True)
    assert f'action="/saved-jobs/{vacancy.id}/remove"' in saved.get_data(as_text=True)
    assert saved_count() == 1
    assert db.session.scalar(sa.select(sa.func.count()).where(Event.name == "vacancy_saved")) == 1

    removed = client.post(f"/saved-jobs/{vacancy.id}/remove", data={"next": f"/jobs/{vacancy.id}"})
    assert removed.headers["Location"] == f"/jobs/{vacancy.id}"
    assert saved_count() == 0


def test_save_from_search_results_comes_back_to_the_results(client):
    vacancy = listing("Teacher of Mathematics")
    sign_in_as(client, UserFactory())

    page = client.get("/jobs?keyword=maths").get_data(as_text=True)
    assert f"/saved-jobs/{vacancy.id}/save" in page

    response = client.post(f"/saved-jobs/{vacancy.id}/save", data={"next": "/jobs?keyword=maths"})
    assert response.headers["Location"] == "/jobs?keyword=maths"
    assert "Saved</strong>" in client.get("/jobs?keyword=maths").get_data(as_text=True)
    # Another site is never a place to come back to.
    elsewhere = client.post(f"/saved-jobs/{vacancy.id}/save", data={"next": "//evil.example/"})
    assert elsewhere.headers["Location"] == f"/jobs/{vacancy.id}"


def test_a_visitor_signs_in_then_comes_back_to_save(client):
    vacancy = listing("Teacher of Mathematics")
    person = UserFactory()

    response = client.post(f"/saved-jobs/{vacancy.id}/save")
    assert response.status_code == 302
    assert "/sign-in?next=" in response.headers["Location"]
    assert f"/saved-jobs/{vacancy.id}/save" in response.headers["Location"]

    sign_in_as(client, person)
    page = client.get(f"/saved-jobs/{vacancy.id}/save").get_data(as_text=True)
    assert "Save this job" in page
    assert saved_count() == 0  # looking at the page saves nothing
    client.post(f"/saved-jobs/{vacancy.id}/save")
    assert saved_count() == 1


def test_saved_jobs_page_lists_live_jobs_first_and_marks_closed_ones(client):
    person = UserFactory()
    sign_in_as(client, person)
    open_job = listing("Open job")
    closing = listing("Closing job")
    client.post(f"/saved-jobs/{closing.id}/save", follow_redirects=True)
    client.post(f"/saved-jobs/{open_job.id}/save", follow_redirects=True)
    closing_row = db.session.get(type(closing), closing.id)
    closing_row.closes_at = ago(minutes=1)
    db.session.commit()

    page = client.get("/saved-jobs").get_data(as_text=True)

    assert page.index("Open job") < page.index("Closing job")
    assert "Closed</strong> This job is no longer taking applications" in page


def test_hiring_staff_are_not_offered_saving(client):
    vacancy = listing("Teacher of Mathematics")
    sign_in_as(client, UserFactory(hiring_staff=True))
    assert "/save" not in client.get(f"/jobs/{vacancy.id}").get_data(as_text=True)
    assert client.post(f"/saved-jobs/{vacancy.id}/save").status_code == 403


def test_closed_or_unknown_jobs_cannot_be_saved(client):
    closed = VacancyFactory(published=True, closes_at=ago(hours=1))
    sign_in_as(client, UserFactory())
    assert client.post(f"/saved-jobs/{closed.id}/save").status_code == 404
    assert client.post("/saved-jobs/999999/save").status_code == 404


# --- Setting up alerts ---------------------------------------------------------------------------


def test_the_search_page_offers_an_alert_for_the_same_search(client):
    listing("Teacher of Mathematics")
    page = client.get("/jobs?keyword=maths&phases=secondary&page=1").get_data(as_text=True)
    link = re.search(r'id="job-alert-link" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert link.startswith("/job-alerts/new?")
    assert "keyword=maths" in link and "phases=secondary" in link  # noqa: PT018
    assert "page=" not in link


def test_a_signed_in_jobseeker_sets_up_and_manages_an_alert(client):
    person = UserFactory()
    sign_in_as(client, person)

    form = client.get("/job-alerts/new?keyword=maths&location=Leeds&radius=10&phases=secondary")
    assert "\u2018maths\u2019 within 10 miles of Leeds: Secondary" in form.get_data(as_text=True)
    response = client.post(
        "/job-alerts/new?keyword=maths&location=Leeds&radius=10&phases=secondary",
        data={"frequency": "weekly"},
    )
    assert response.headers["Location"] == "/job-alerts"

    [alert] = alerts()
    assert alert.user_id == person.id
    assert alert.confirmed
    assert alert.frequency is AlertFrequency.WEEKLY
    assert alert.criteria == {"keywords": "maths", "location": "Leeds", "radius": 10, "phases": ["secondary"]}

    page = client.get("/job-alerts").get_data(as_text=True)
    assert "\u2018maths\u2019 within 10 miles of Leeds: Secondary" in page

    client.post(f"/job-alerts/{alert.id}/frequency", data={"frequency": "daily"})
    assert alerts()[0].frequency is AlertFrequency.DAILY

    # Nobody else can touch it.
    sign_in_as(client, UserFactory())
    assert client.post(f"/job-alerts/{alert.id}/delete").status_code == 404
    sign_in_as(client, person)
    client.post(f"/job-alerts/{alert.id}/delete")
    assert alerts() == []


def test_an_alert_by_email_is_only_active_once_confirmed(client, outbox):
    response = client.post(
        "/job-alerts/new?keyword=physics", data={"frequency": "daily", "email": "no-account@example.org"}
    )
    assert response.headers["Location"] == "/job-alerts/check-your-email"
    [alert] = alerts()
    assert not alert.confirmed
    [confirmation] = [m for m in outbox() if m.template == "job_alert_confirm"]
    assert confirmation.recipient == "no-account@example.org"
    link = re.search(r"http://localhost(/job-alerts/confirm/\S+)", confirmation.text_body).group(1)

    listing("Teacher of Physics", live_since=utcnow())
    assert send_digests(AlertFrequency.DAILY).digests == 0  # not confirmed: nothing is sent

    page = client.get(link)
    assert "Your job alert is confirmed" in page.get_data(as_text=True)
    assert alerts()[0].confirmed
    assert client.get("/job-alerts/confirm/not-a-real-token").status_code == 404


def test_the_alert_form_explains_its_problems_and_keeps_what_was_typed(client):
    page = client.post("/job-alerts/new?keyword=maths", data={"frequency": "daily", "email": "not-an-email"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "There is a problem" in text
    assert "Enter an email address in the correct format" in text
    assert 'value="not-an-email"' in text

    missing = client.post("/job-alerts/new?keyword=maths", data={"frequency": "daily"}).get_data(as_text=True)
    assert "Enter your email address" in missing
    spaces = client.post("/job-alerts/new?keyword=maths", data={"frequency": "daily", "email": "   "})
    assert spaces.status_code == 200
    assert "Enter your email address" in spaces.get_data(as_text=True)

    unknown = client.get("/job-alerts/new?keyword=maths&location=Atlantis").get_data(as_text=True)
    assert "We could not find \u2018Atlantis\u2019" in unknown
    empty = client.get("/job-alerts/new").get_data(as_text=True)
    assert "Search with keywords, a location or a filter first" in empty
    assert alerts() == []


# --- Unsubscribing, managing by link, tracked clicks ---------------------------------------------


def test_one_click_unsubscribe_by_post_without_csrf_or_sign_in(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    alert = make_alert(email="someone@example.org", keywords="maths")
    url = f"/job-alerts/unsubscribe/{alert_token(alert, 'unsubscribe')}"

    response = client.post(url, data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "You have unsubscribed" in response.get_data(as_text=True)
    assert alerts() == []
    again = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200  # already gone: still a success for the mail client
    assert (
        client.post("/job-alerts/unsubscribe/forged", data={"List-Unsubscribe": "One-Click"}).status_code
        == 200
    )


def test_the_unsubscribe_link_shows_a_page_and_a_get_changes_nothing(client):
    alert = make_alert(email="someone@example.org", keywords="maths")
    url = f"/job-alerts/unsubscribe/{alert_token(alert, 'unsubscribe')}"

    page = client.get(url)

    assert page.status_code == 200
    assert "Unsubscribe from this job alert" in page.get_data(as_text=True)
    assert len(alerts()) == 1  # link checkers that open every link unsubscribe nobody
    client.post(url)
    assert alerts() == []
    assert client.get(url).status_code == 404
    # A manage link is not an unsubscribe link.
    other = make_alert(email="other@example.org", keywords="maths")
    assert client.post(f"/job-alerts/unsubscribe/{alert_token(other, 'manage')}").status_code == 200
    assert len(alerts()) == 1


def test_an_email_only_alert_is_managed_through_its_signed_link(client):
    alert = make_alert(email="someone@example.org", keywords="maths")
    url = f"/job-alerts/manage/{alert_token(alert, 'manage')}"

    assert "\u2018maths\u2019" in client.get(url).get_data(as_text=True)
    client.post(url, data={"frequency": "weekly"})

    assert alerts()[0].frequency is AlertFrequency.WEEKLY


def test_digest_links_count_the_click_then_open_the_job(client, outbox):
    make_alert(email="someone@example.org", keywords="maths")
    vacancy = listing("Teacher of Mathematics")
    send_digests(AlertFrequency.DAILY)
    [digest] = [m for m in outbox() if m.template == "job_alert_digest"]
    link = re.search(r"http://localhost(/job-alerts/click/\S+)", digest.text_body).group(1)

    response = client.get(link)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/jobs/{vacancy.id}?src=alert"
    [event] = db.session.scalars(sa.select(Event).where(Event.name == "alert_clicked")).all()
    assert event.vacancy_id == vacancy.id
    assert event.properties == {"frequency": "daily", "live": True}
    client.get(response.headers["Location"])
    [view] = db.session.scalars(sa.select(Event).where(Event.name == "vacancy_viewed")).all()
    assert view.properties["source"] == "alert"
    assert client.get("/job-alerts/click/tampered").status_code == 404


# --- Similar jobs ----------------------------------------------------------------------------------


def test_similar_jobs_are_nearby_live_jobs_like_this_one(client):
    this = listing("Teacher of Mathematics", place=LEEDS)
    near = listing("Maths teacher, Leeds", place=LEEDS)
    far = listing("Maths teacher, London", place=LONDON)
    other_subject = listing("Teacher of Music", place=LEEDS, subjects=["Music"], phases=["primary"])
    closed = listing("Closed maths post", place=LEEDS)
    closed_row = db.session.get(type(closed), closed.id)
    closed_row.closes_at = ago(minutes=1)
    db.session.commit()

    page = client.get(f"/jobs/{this.id}").get_data(as_text=True)
    similar = page[page.index('id="similar-jobs"') :]

    assert near.title in similar
    assert far.title not in similar
    assert other_subject.title not in similar
    assert closed.title not in similar
    assert f'href="/jobs/{this.id}"' not in similar


def test_the_alert_link_keeps_only_search_parameters(app, client):
    page = client.get("/jobs?keyword=maths&posted_within_days=3&sort=newest&page=2").get_data(as_text=True)
    link = re.search(r'id="job-alert-link" href="([^"]+)"', page).group(1)
    assert link == "/job-alerts/new?keyword=maths"

    from werkzeug.datastructures import MultiDict

    from marketplace.web.alerts.views import job_alert_url

    with app.test_request_context():
        link = job_alert_url(MultiDict({"_anchor": "x", "phases": "primary"}))
    assert link == "/job-alerts/new?phases=primary"
