"""The funnel: the service team's view of the whole service, and each school's view of its own."""

import datetime as dt
import re

from marketplace.analytics.events import EventName, record
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.permissions import Role
from marketplace.publishing import management
from tests.conftest import sign_in_as
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory, VacancyFactory
from tests.web.applying import apply
from tests.web.downloads import csv_rows


def _journeys(app, vacancy, jobseekers):
    """Each jobseeker, in their own browser, views the listing and starts the form; every other one applies.

    Opening the form only reads: an application is started when its first section is saved.
    """
    for index, jobseeker in enumerate(jobseekers):
        client = app.test_client()
        sign_in_as(client, jobseeker)
        client.get(f"/jobs/{vacancy.id}")
        client.get(f"/jobs/{vacancy.id}/apply")
        client.post(f"/jobs/{vacancy.id}/apply/personal-statement", data={"text": "Draft"})
        client.post(
            f"/jobs/{vacancy.id}/apply/personal-statement", data={"text": "Again"}
        )  # not a second start
        if index % 2 == 0:
            apply(client, vacancy.id, "I would love this job.")


def test_the_service_team_sees_each_step_and_the_drop_off_between_them(app, client):
    vacancy = VacancyFactory(published=True)
    _journeys(app, vacancy, [UserFactory() for _ in range(4)])
    for _ in range(2):  # two of them saved the job (as the saved jobs page records it)
        record(EventName.VACANCY_SAVED, vacancy_id=vacancy.id, organisation_id=vacancy.organisation_id)
    db.session.commit()
    ApplicationFactory(vacancy=vacancy, status=ApplicationStatus.OFFERED)
    sign_in_as(client, UserFactory(role=Role.ADMIN))

    page = client.get("/admin/funnel").get_data(as_text=True)
    rows = csv_rows(client.get("/admin/funnel/download"))

    assert "<svg" in page
    assert 'role="img"' in page
    assert [row[:3] for row in rows[1:8]] == [
        ["Listing views", "4", ""],  # views and saves count actions, not people: no rate
        ["Saved by jobseekers", "2", ""],
        ["Applications started", "5", ""],
        ["Applications submitted", "3", "0.600"],
        ["Shortlisted", "1", "0.333"],
        ["Offered the job", "1", "1.000"],
        ["Accepted", "0", "0.000"],
    ]
    assert rows[1][3].startswith("times a job page was opened")
    assert rows[5][3] == "of those, people shortlisted"
    assert "40%" in page  # two of the five who started did not submit
    assert "What each bar counts" in page
    assert "People who started an application since" in page
    assert "Agency fees saved" in page
    assert "£1,000" in page


def test_a_school_sees_only_its_own_funnel(app, client):
    ours = MembershipFactory()
    our_vacancy = VacancyFactory(published=True, organisation=ours.organisation)
    _journeys(app, our_vacancy, [UserFactory()])
    _journeys(app, VacancyFactory(published=True), [UserFactory(), UserFactory()])
    sign_in_as(client, ours.user)

    rows = csv_rows(client.get("/school/statistics/download"))

    assert rows[1][:3] == ["Listing views", "1", ""]
    assert rows[4][:2] == ["Applications submitted", "1"]
    assert client.get("/school/statistics?days=banana").status_code == 200


def test_only_the_service_team_sees_the_whole_funnel(client):
    for user in (UserFactory(moderator=True), MembershipFactory().user, UserFactory()):
        sign_in_as(client, user)
        assert client.get("/admin/funnel").status_code == 403


def _filled(days_live: float, **values):
    """A listing that went live `days_live` days before its post was filled, a moment ago."""
    return VacancyFactory(published=True, published_at=utcnow() - dt.timedelta(days=days_live), **values)


def test_time_to_fill_is_the_median_over_ended_listings_and_accepted_offers(client):
    school = MembershipFactory()
    # Ended early by the school, saying the post was filled, 10 days after going live.
    ended = _filled(10, organisation=school.organisation)
    management.end_early(school.user, ended, filled=True, through_marketplace=False)
    # Ended early but not filled: no fill to time.
    management.end_early(school.user, _filled(3, organisation=school.organisation), filled=False)
    # An offer accepted 20 days after going live.
    accepted = _filled(20, organisation=school.organisation)
    ApplicationFactory(vacancy=accepted, status=ApplicationStatus.ACCEPTED, status_changed_at=utcnow())
    # Filled both ways: counted once, at the earlier moment (4 days), not twice.
    both = _filled(30, organisation=school.organisation)
    ApplicationFactory(
        vacancy=both,
        status=ApplicationStatus.ACCEPTED,
        status_changed_at=utcnow() - dt.timedelta(days=26),
    )
    management.end_early(school.user, both, filled=True, through_marketplace=True)
    # Another school's fill, outside this school's figures.
    ApplicationFactory(vacancy=_filled(2), status=ApplicationStatus.ACCEPTED, status_changed_at=utcnow())
    db.session.commit()

    sign_in_as(client, school.user)
    page = client.get("/school/statistics").get_data(as_text=True)
    rows = csv_rows(client.get("/school/statistics/download"))
    sign_in_as(client, UserFactory(role=Role.ADMIN))
    everyone = csv_rows(client.get("/admin/funnel/download"))

    assert "Time to fill" in page
    assert "10.0 days" in page  # the median of 4, 10 and 20
    fill = rows[rows.index(["time to fill", "days"]) + 1 :]
    assert fill[:4] == [
        ["posts filled", "3"],
        ["median days from going live to filled", "10.0"],
        ["shortest", "4.0"],
        ["longest", "20.0"],
    ]
    everyone_fill = everyone[everyone.index(["time to fill", "days"]) + 1 :]
    assert everyone_fill[:2] == [["posts filled", "4"], ["median days from going live to filled", "7.0"]]


def test_time_to_fill_says_so_when_nothing_was_filled(client):
    sign_in_as(client, MembershipFactory().user)

    page = client.get("/school/statistics").get_data(as_text=True)

    assert "No posts were recorded as filled in this period." in page


def _rates(client, url: str) -> list[float]:
    rows = csv_rows(client.get(url))
    return [float(row[2]) for row in rows[1:8] if row[2]]


def test_funnel_rates_stay_between_0_and_100_percent_whatever_happened_before_the_period(app, client):
    membership = MembershipFactory()
    vacancy = VacancyFactory(published=True, organisation=membership.organisation)
    long_ago = utcnow() - dt.timedelta(days=60)
    # Started long ago, sent and taken further within the period: not part of this period's cohort.
    for status in (ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED, ApplicationStatus.OFFERED):
        ApplicationFactory(vacancy=vacancy, status=status, created_at=long_ago)
    # Offered without a shortlisting date, and many views and saves of other jobs' pages.
    ApplicationFactory(vacancy=vacancy, status=ApplicationStatus.OFFERED)
    ApplicationFactory(vacancy=vacancy, status=ApplicationStatus.DRAFT, submitted_at=None)
    for _ in range(3):
        record(EventName.VACANCY_SAVED, vacancy_id=vacancy.id, organisation_id=vacancy.organisation_id)
    db.session.commit()

    for user, url in (
        (UserFactory(role=Role.ADMIN), "/admin/funnel/download"),
        (membership.user, "/school/statistics/download"),
    ):
        sign_in_as(client, user)
        rates = _rates(client, url)
        assert rates == [0.5, 1.0, 1.0, 0.0]  # 2 started, 1 sent, shortlisted, offered, none accepted
        assert all(0 <= rate <= 1 for rate in rates)
        page = client.get(url.replace("/download", "")).get_data(as_text=True)
        shown = [int(p) for p in re.findall(r"(-?\d+)%", page.split("Dropped out")[1].split("</table>")[0])]
        assert shown == [50, 0, 0, 100]
