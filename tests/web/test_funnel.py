"""The funnel: the service team's view of the whole service, and each school's view of its own."""

import csv
import io

from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.permissions import Role
from tests.conftest import sign_in_as
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory, VacancyFactory


def _journeys(app, vacancy, jobseekers):
    """Each jobseeker, in their own browser, views the listing and opens the form; every other one applies."""
    for index, jobseeker in enumerate(jobseekers):
        client = app.test_client()
        sign_in_as(client, jobseeker)
        client.get(f"/jobs/{vacancy.id}")
        client.get(f"/jobs/{vacancy.id}/apply")
        client.get(f"/jobs/{vacancy.id}/apply")  # coming back to the form is not a second start
        if index % 2 == 0:
            client.post(f"/jobs/{vacancy.id}/apply", data={"supporting_statement": "I would love this job."})


def test_the_service_team_sees_each_step_and_the_drop_off_between_them(app, client):
    vacancy = VacancyFactory(published=True)
    _journeys(app, vacancy, [UserFactory() for _ in range(4)])
    ApplicationFactory(vacancy=vacancy, status=ApplicationStatus.OFFERED)
    sign_in_as(client, UserFactory(role=Role.ADMIN))

    page = client.get("/admin/funnel").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(client.get("/admin/funnel/download").get_data(as_text=True))))

    assert "<svg" in page
    assert 'role="img"' in page
    assert rows[1:7] == [
        ["Listing views", "4", ""],
        ["Applications started", "4", "1.000"],
        ["Applications submitted", "3", "0.750"],
        ["Shortlisted", "1", "0.333"],
        ["Offered the job", "1", "1.000"],
        ["Accepted", "0", "0.000"],
    ]
    assert "25%" in page  # a quarter of those who started did not submit
    assert "Agency fees saved" in page
    assert "£1,000" in page


def test_a_school_sees_only_its_own_funnel(app, client):
    ours = MembershipFactory()
    our_vacancy = VacancyFactory(published=True, organisation=ours.organisation)
    _journeys(app, our_vacancy, [UserFactory()])
    _journeys(app, VacancyFactory(published=True), [UserFactory(), UserFactory()])
    sign_in_as(client, ours.user)

    rows = list(csv.reader(io.StringIO(client.get("/school/statistics/download").get_data(as_text=True))))

    assert rows[1] == ["Listing views", "1", ""]
    assert rows[3][:2] == ["Applications submitted", "1"]
    assert client.get("/school/statistics?days=banana").status_code == 200


def test_only_the_service_team_sees_the_whole_funnel(client):
    for user in (UserFactory(moderator=True), MembershipFactory().user, UserFactory()):
        sign_in_as(client, user)
        assert client.get("/admin/funnel").status_code == 403
