"""The same form sent from two tabs at once: the first one stands, the second is told so, never a 500.

The other tab is real: just before this request writes its row, a second database connection writes
the identical row and commits it, as the other tab's request would have a moment earlier.
"""

from __future__ import annotations

import contextlib

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.moderation.models import ListingReport
from marketplace.organisations.models import JoinRequest
from tests.conftest import sign_in_as
from tests.factories import OrganisationFactory, UserFactory, VacancyFactory


@contextlib.contextmanager
def another_tab_first(table: str):
    """The first INSERT into `table` is made first by another connection, which commits it."""
    engine = db.engine
    raced = []

    def insert_first(connection, cursor, statement, parameters, context, executemany):
        if raced or not statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()}"):
            return
        raced.append(statement)
        with engine.connect() as other:
            other.exec_driver_sql(statement, parameters)
            other.commit()

    sa.event.listen(engine, "before_cursor_execute", insert_first)
    try:
        yield raced
    finally:
        sa.event.remove(engine, "before_cursor_execute", insert_first)


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_asking_to_join_from_two_tabs_keeps_one_request_and_says_so(client):
    school = OrganisationFactory(name="Kirkstall Valley Primary School", verified_at=None)
    sign_in_as(client, UserFactory(hiring_staff=True, email="nia.jones@example.net"))

    with another_tab_first("join_requests") as raced:
        page = client.post(f"/school/find-your-school/{school.id}", data={"statement": "Teaching assistant"})

    assert raced
    assert page.status_code == 400
    assert "You already asked to join Kirkstall Valley Primary School" in page.get_data(as_text=True)
    assert _count(JoinRequest) == 1


def test_reporting_from_two_tabs_keeps_one_report_and_says_so(client):
    vacancy = VacancyFactory(published=True)
    sign_in_as(client, UserFactory(email="parent@example.org"))

    with another_tab_first("listing_reports") as raced:
        page = client.post(
            f"/jobs/{vacancy.id}/report",
            data={"category": "scam", "details": "Asks candidates for a fee."},
            follow_redirects=True,
        )

    assert raced
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "You have already reported this listing. A moderator will look at it." in text
    assert _count(ListingReport) == 1
