"""The applications inbox through the web layer, as a school business manager uses it."""

import datetime as dt
import html
import re

import pytest
import sqlalchemy as sa

from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application, ApplicationNote
from marketplace.db import utcnow
from marketplace.extensions import db
from tests.conftest import sign_in_as
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory, VacancyFactory
from tests.web.downloads import csv_rows

S = ApplicationStatus


@pytest.fixture
def school(client):
    membership = MembershipFactory(user__full_name="Sam Bursar")
    vacancy = VacancyFactory(organisation=membership.organisation, published=True, title="Teacher of Physics")
    sign_in_as(client, membership.user)
    return membership.user, vacancy


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def status_of(application_id: int) -> ApplicationStatus:
    db.session.expire_all()
    return db.session.get(Application, application_id).status


def test_the_list_shows_tags_counts_filters_and_sorting(client, school):
    _, vacancy = school
    music = VacancyFactory(organisation=vacancy.organisation, published=True, title="Teacher of Music")
    now = utcnow()
    ApplicationFactory(vacancy=vacancy, full_name="Zoe Zephyr", submitted_at=now - dt.timedelta(days=2))
    ApplicationFactory(vacancy=vacancy, full_name="Amy Archer", submitted_at=now, shortlisted=True)
    ApplicationFactory(vacancy=music, full_name="Ben Brass", submitted_at=now - dt.timedelta(days=1))

    page = text(client.get("/school/applications"))
    assert page.index("Amy Archer") < page.index("Ben Brass") < page.index("Zoe Zephyr")
    assert 'govuk-tag govuk-tag--turquoise">Shortlisted' in page
    assert 'data-status="submitted">2<' in page
    assert 'data-status="shortlisted">1<' in page

    oldest = text(client.get("/school/applications?sort=oldest"))
    assert oldest.index("Zoe Zephyr") < oldest.index("Ben Brass") < oldest.index("Amy Archer")
    by_name = text(client.get("/school/applications?sort=name"))
    assert by_name.index("Amy Archer") < by_name.index("Ben Brass") < by_name.index("Zoe Zephyr")

    submitted = text(client.get("/school/applications?status=submitted"))
    assert "Zoe Zephyr" in submitted
    assert "Ben Brass" in submitted
    assert "Amy Archer" not in submitted
    only_music = text(client.get(f"/school/applications?vacancy={music.id}"))
    assert "Ben Brass" in only_music
    assert "Zoe Zephyr" not in only_music

    listing = text(client.get(f"/school/vacancies/{vacancy.id}/applications"))
    assert "Amy Archer" in listing
    assert "Ben Brass" not in listing


@pytest.mark.parametrize("query", ["status=nonsense", "sort=%00", "vacancy=99999999999999", "vacancy=-1"])
def test_odd_filters_fall_back_to_everything(client, school, query):
    _, vacancy = school
    ApplicationFactory(vacancy=vacancy, full_name="Amy Archer")
    response = client.get(f"/school/applications?{query}")
    assert response.status_code == 200
    assert "Amy Archer" in text(response)


def test_shortlisting_one_application_emails_the_candidate(client, school, outbox):
    _, vacancy = school
    application = ApplicationFactory(vacancy=vacancy, full_name="Ada Lovelace", email="ada@example.org")

    page = text(client.get(f"/school/applications/{application.id}"))
    assert "Shortlist" in page
    assert "Mark as unsuccessful" in page
    assert "Offer the job" not in page

    response = client.post(f"/school/applications/{application.id}/status", data={"action": "shortlist"})

    assert response.status_code == 302
    assert status_of(application.id) is S.SHORTLISTED
    assert "Ada Lovelace: the application is now shortlisted" in text(
        client.get(response.headers["Location"])
    )
    assert [m.subject for m in outbox(recipient="ada@example.org")] == [
        "You have been shortlisted: Teacher of Physics"
    ]


def test_an_interview_needs_a_date_and_time_and_keeps_what_was_typed(client, school, outbox):
    _, vacancy = school
    application = ApplicationFactory(vacancy=vacancy, shortlisted=True, email="ada@example.org")
    year = utcnow().year + 1

    response = client.post(
        f"/school/applications/{application.id}/status",
        data={
            "action": "invite_to_interview",
            "interview_date": ["3", "12", str(year)],
            "interview_time": "25:99",
        },
    )

    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert "Enter the interview time like 10:30am or 14:00" in page
    assert 'value="25:99"' in page
    assert status_of(application.id) is S.SHORTLISTED

    missing = text(
        client.post(f"/school/applications/{application.id}/status", data={"action": "invite_to_interview"})
    )
    assert "Enter the date of the interview" in missing
    assert "Enter the time of the interview" in missing

    response = client.post(
        f"/school/applications/{application.id}/status",
        data={
            "action": "invite_to_interview",
            "interview_date": ["3", "12", str(year)],
            "interview_time": "2pm",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Application, application.id)
    # December is GMT: 2pm in the UK is 14:00 UTC.
    assert stored.interview_at == dt.datetime(year, 12, 3, 14, 0, tzinfo=dt.UTC)
    assert f"2pm on 3 December {year} (UK time)" in text(client.get(f"/school/applications/{application.id}"))
    assert f"2pm on 3 December {year}" in outbox(template="application_status_changed")[0].text_body


def test_an_illegal_move_is_a_clear_error_never_a_server_error(client, school):
    _, vacancy = school
    application = ApplicationFactory(vacancy=vacancy)

    response = client.post(f"/school/applications/{application.id}/status", data={"action": "offer"})
    assert response.status_code == 200
    assert "An application that is submitted cannot be moved with “offer the job”" in text(response)
    assert "It can only be moved with: “shortlist”" in text(response)

    settled = ApplicationFactory(vacancy=vacancy, status=S.WITHDRAWN)
    response = client.post(f"/school/applications/{settled.id}/status", data={"action": "shortlist"})
    assert response.status_code == 200
    assert "outcome is settled" in text(response)
    assert status_of(settled.id) is S.WITHDRAWN


def test_the_school_records_the_candidates_answer_to_an_offer(client, school, outbox):
    _, vacancy = school
    application = ApplicationFactory(vacancy=vacancy, offered=True, email="ada@example.org")

    assert "Record that the candidate accepted" in text(client.get(f"/school/applications/{application.id}"))
    client.post(f"/school/applications/{application.id}/status", data={"action": "accept"})

    assert status_of(application.id) is S.ACCEPTED
    assert outbox(recipient="ada@example.org")[0].subject == "You accepted the job: Teacher of Physics"
    assert "outcome is settled" in text(client.get(f"/school/applications/{application.id}"))


def test_a_bulk_change_says_exactly_which_moved_and_why_others_did_not(client, school, outbox):
    _, vacancy = school
    amy = ApplicationFactory(vacancy=vacancy, full_name="Amy Archer")
    ben = ApplicationFactory(vacancy=vacancy, full_name="Ben Brass")
    gone = ApplicationFactory(vacancy=vacancy, full_name="Gus Gone", status=S.WITHDRAWN)
    elsewhere = ApplicationFactory(full_name="Other School Candidate")

    response = client.post(
        "/school/applications/change-status",
        data={
            "application_id": [str(amy.id), str(ben.id), str(gone.id), str(elsewhere.id)],
            "action": "shortlist",
            "vacancy": str(vacancy.id),
            "sort": "name",
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/school/vacancies/{vacancy.id}/applications?sort=name")
    page = text(client.get(response.headers["Location"]))
    assert "2 applications moved with “shortlist”: Amy Archer, Ben Brass." in page
    assert "Gus Gone was not moved: An application that is withdrawn cannot be moved" in page
    assert "1 selected application(s) could not be found" in page
    assert "Other School Candidate" not in page
    assert [status_of(a.id) for a in (amy, ben, gone, elsewhere)] == [
        S.SHORTLISTED,
        S.SHORTLISTED,
        S.WITHDRAWN,
        S.SUBMITTED,
    ]
    assert len(outbox(template="application_status_changed")) == 2


def test_a_bulk_change_without_a_selection_or_an_action_explains_itself(client, school):
    _, vacancy = school
    amy = ApplicationFactory(vacancy=vacancy, full_name="Amy Archer")

    nothing_selected = text(client.post("/school/applications/change-status", data={"action": "shortlist"}))
    assert "Select at least one application" in nothing_selected
    no_action = client.post("/school/applications/change-status", data={"application_id": str(amy.id)})
    assert no_action.status_code == 200
    assert "Choose what to do with the selected applications" in text(no_action)
    assert f'value="{amy.id}" checked' in no_action.get_data(as_text=True)
    no_time = text(
        client.post(
            "/school/applications/change-status",
            data={"application_id": str(amy.id), "action": "invite_to_interview"},
        )
    )
    assert "Enter the date of the interview" in no_time
    assert status_of(amy.id) is S.SUBMITTED


def test_private_notes_are_shown_to_the_school_with_author_and_time(client, school):
    _, vacancy = school
    application = ApplicationFactory(vacancy=vacancy)

    empty = client.post(f"/school/applications/{application.id}/notes", data={"body": "   "})
    assert empty.status_code == 200
    assert "Enter a note" in text(empty)

    response = client.post(
        f"/school/applications/{application.id}/notes", data={"body": "Great <b>answer</b>"}
    )
    assert response.status_code == 302
    page = client.get(f"/school/applications/{application.id}").get_data(as_text=True)
    assert "Sam Bursar" in page
    assert "Great &lt;b&gt;answer&lt;/b&gt;" in page

    # The candidate never sees them, nor does another school.
    sign_in_as(client, application.jobseeker)
    assert "Great" not in text(client.get(f"/your-applications/{application.id}"))
    assert client.get(f"/school/applications/{application.id}").status_code == 403
    sign_in_as(client, MembershipFactory().user)
    assert client.get(f"/school/applications/{application.id}").status_code == 404
    assert client.post(f"/school/applications/{application.id}/notes", data={"body": "x"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApplicationNote)) == 1


def test_anonymised_shortlisting_hides_names_until_shortlisted(client, school):
    _, vacancy = school
    application = ApplicationFactory(vacancy=vacancy, full_name="Grace Hopper", email="grace@example.org")

    response = client.post(
        f"/school/vacancies/{vacancy.id}/applications/anonymise", data={"anonymise": "yes"}
    )
    assert response.status_code == 302
    reference = f"Candidate {application.id:05d}"
    for url in (
        "/school/applications",
        f"/school/vacancies/{vacancy.id}/applications",
        f"/school/applications/{application.id}",
        f"/school/applications/{application.id}/print",
        f"/school/vacancies/{vacancy.id}/applications/download",
    ):
        page = text(client.get(url))
        assert "Grace Hopper" not in page, url
        assert "grace@example.org" not in page, url
        assert reference in page, url

    client.post(f"/school/applications/{application.id}/status", data={"action": "shortlist"})
    page = text(client.get(f"/school/applications/{application.id}"))
    assert "Grace Hopper" in page
    assert "grace@example.org" in page

    client.post(f"/school/vacancies/{vacancy.id}/applications/anonymise", data={"anonymise": "no"})
    db.session.expire_all()
    assert db.session.get(type(vacancy), vacancy.id).anonymise_applications is False


def test_the_csv_download_is_formula_safe(client, school):
    _, vacancy = school
    ApplicationFactory(vacancy=vacancy, full_name="=cmd|' /C calc'!A0", email="eve@example.org")

    response = client.get(f"/school/vacancies/{vacancy.id}/applications/download")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:3] == ["Reference", "Job", "Name"]
    assert rows[1][2] == "'=cmd|' /C calc'!A0"
    assert rows[1][3] == "eve@example.org"
    everything = client.get("/school/applications/download?status=submitted")
    assert len(csv_rows(everything)) == 2


def test_the_csv_download_opens_in_excel_with_accents_intact(client, school):
    _, vacancy = school
    ApplicationFactory(vacancy=vacancy, full_name="Zoë Ó Súilleabháin", email="zoe@example.org")

    response = client.get(f"/school/vacancies/{vacancy.id}/applications/download")

    assert response.get_data().startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel reads as UTF-8
    assert response.headers["Cache-Control"] == "no-store"
    assert csv_rows(response)[1][2] == "Zoë Ó Súilleabháin"


def test_the_printable_view_needs_no_script_and_has_a_print_stylesheet(client, school):
    _, vacancy = school
    application = ApplicationFactory(
        vacancy=vacancy, full_name="Ada Lovelace", supporting_statement="I love physics."
    )

    page = client.get(f"/school/applications/{application.id}/print").get_data(as_text=True)

    assert 'media="print"' in page
    assert "application-print.css" in page
    assert "I love physics." in page
    assert "Ada Lovelace" in page
    # No script of its own: the only inline one is the GOV.UK template's line marking the body as able
    # to run scripts (the layout's external modules only enhance; the page works without them).
    inline = [script for script in re.findall(r"<script[^>]*>(.*?)</script>", page, re.S) if script.strip()]
    assert all("js-enabled" in script for script in inline)
    stylesheet = client.get("/static/application-print.css")
    assert stylesheet.status_code == 200
    stylesheet.close()


def test_application_data_is_no_longer_available_after_the_access_period(client, school):
    _, vacancy = school
    vacancy.closes_at = utcnow() - dt.timedelta(days=181)
    application = ApplicationFactory(vacancy=vacancy, full_name="Old Candidate")
    db.session.commit()

    for url in (
        f"/school/applications/{application.id}",
        f"/school/applications/{application.id}/print",
        f"/school/vacancies/{vacancy.id}/applications/download",
    ):
        response = client.get(url)
        assert response.status_code == 410, url
        assert "no longer available" in text(response)
        assert "Old Candidate" not in text(response)
    assert (
        client.post(f"/school/applications/{application.id}/status", data={"action": "shortlist"}).status_code
        == 410
    )
    assert client.post(f"/school/applications/{application.id}/notes", data={"body": "x"}).status_code == 410

    listing = text(client.get(f"/school/vacancies/{vacancy.id}/applications"))
    assert "The applications for this listing are no longer available" in listing
    assert "Old Candidate" not in listing
    inbox = text(client.get("/school/applications"))
    assert "1 older application is no longer available" in inbox
    assert status_of(application.id) is S.SUBMITTED


def test_jobseekers_cannot_reach_the_inbox(client):
    application = ApplicationFactory()
    sign_in_as(client, UserFactory())
    assert client.get("/school/applications").status_code == 403
    assert (
        client.post(f"/school/applications/{application.id}/status", data={"action": "shortlist"}).status_code
        == 403
    )


def test_the_listing_page_links_to_its_inbox_and_respects_anonymity_and_expiry(client, school):
    _, vacancy = school
    application = ApplicationFactory(vacancy=vacancy, full_name="Grace Hopper")
    vacancy.anonymise_applications = True
    db.session.commit()

    page = text(client.get(f"/school/vacancies/{vacancy.id}"))
    assert f"/school/vacancies/{vacancy.id}/applications" in page
    assert f"Candidate {application.id:05d}" in page
    assert "Grace Hopper" not in page

    vacancy.closes_at = utcnow() - dt.timedelta(days=200)
    db.session.commit()
    page = text(client.get(f"/school/vacancies/{vacancy.id}"))
    assert "These applications are no longer available" in page
    assert f"Candidate {application.id:05d}" not in page


def test_an_interview_can_be_moved_from_the_application_page(client, school, outbox):
    _, vacancy = school
    application = ApplicationFactory(vacancy=vacancy, interviewing=True, email="ada@example.org")
    year = utcnow().year + 1

    assert "Move the interview" in text(client.get(f"/school/applications/{application.id}"))
    wrong = client.post(
        f"/school/applications/{application.id}/interview",
        data={"new-interview_date": ["31", "2", str(year)], "new-interview_time": "10am"},
    )
    assert wrong.status_code == 200
    assert "must be a real date" in text(wrong)
    assert 'value="10am"' in wrong.get_data(as_text=True)

    response = client.post(
        f"/school/applications/{application.id}/interview",
        data={"new-interview_date": ["5", "1", str(year)], "new-interview_time": "10am"},
    )
    assert response.status_code == 302
    assert f"10am on 5 January {year} (UK time)" in text(client.get(f"/school/applications/{application.id}"))
    assert outbox(recipient="ada@example.org")[0].subject == "Your interview has moved: Teacher of Physics"
