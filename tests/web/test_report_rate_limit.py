"""'Report this listing' is rate-limited per address and per listing with the shared limiter."""

import pytest

from tests.conftest import make_config
from tests.factories import VacancyFactory


@pytest.fixture
def app_config(tmp_path, migrated_database):
    return make_config(tmp_path, migrated_database, RATELIMIT_ENABLED=True, REPORT_RATE_LIMIT="2 per hour")


def test_too_many_reports_from_one_address_are_refused(client):
    vacancies = [VacancyFactory(published=True) for _ in range(3)]

    answers = [client.post(f"/jobs/{v.id}/report", data={"category": "other"}).status_code for v in vacancies]

    assert answers == [302, 302, 429]
    assert client.get(f"/jobs/{vacancies[2].id}/report").status_code == 200  # reading the form is not limited


def test_too_many_reports_about_one_listing_are_refused_whoever_sends_them(client, app):
    app.config["REPORT_LISTING_RATE_LIMIT"] = "3 per hour"
    vacancy, other = VacancyFactory(published=True), VacancyFactory(published=True)

    def report(listing, address):
        return client.post(
            f"/jobs/{listing.id}/report", data={"category": "other"}, environ_base={"REMOTE_ADDR": address}
        )

    answers = [report(vacancy, f"198.51.100.{n}").status_code for n in range(1, 4)]
    refused = report(vacancy, "198.51.100.4")

    assert answers == [302, 302, 302]
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "This listing has had a lot of reports" in page
    assert "Your report was not sent" in page
    assert report(other, "198.51.100.4").status_code == 302  # other listings are not affected
    mine = report(other, "198.51.100.4")
    assert mine.status_code == 302  # the address's second report of the hour
    assert "Too many attempts" in report(other, "198.51.100.4").get_data(as_text=True)
