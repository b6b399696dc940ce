"""'Report this listing' is rate-limited per address with the shared limiter."""

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
