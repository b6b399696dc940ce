"""Setting up job alerts (each by email sends a confirmation) is rate-limited per network address."""

import pytest

from tests.conftest import make_config


@pytest.fixture
def app_config(tmp_path, migrated_database):
    return make_config(tmp_path, migrated_database, RATELIMIT_ENABLED=True, ALERT_RATE_LIMIT="2 per hour")


def test_too_many_alerts_from_one_address_are_refused(client, outbox):
    answers = [
        client.post(
            f"/job-alerts/new?keyword=maths{n}", data={"frequency": "daily", "email": f"p{n}@example.org"}
        ).status_code
        for n in range(3)
    ]

    assert answers == [302, 302, 429]
    assert len(outbox()) == 2
    assert client.get("/job-alerts/new?keyword=maths").status_code == 200  # reading the form is not limited
