"""Two requests that race to create the same row: the later one is answered as if it had come second.

Each race is real: while the first request's insert waits to reach the database, a second request on
its own connection makes and commits the same row.
"""

from __future__ import annotations

import contextlib

import sqlalchemy as sa
from sqlalchemy import event

from marketplace.accounts.models import User
from marketplace.applications.models import Application
from marketplace.extensions import db
from tests.conftest import sign_in_as
from tests.factories import UserFactory, VacancyFactory
from tests.web.test_auth import registration


@contextlib.contextmanager
def overtaken(is_the_insert, second_request):
    """Run `second_request()` once, just before the flush whose new objects include one for which
    `is_the_insert(obj)` holds."""
    ran = []
    started = []

    def overtake(session, flush_context, instances):
        # Once only: the second request's own flush makes the same insert.
        if not started and any(is_the_insert(new) for new in session.new):
            started.append(True)
            ran.append(second_request())

    event.listen(db.session, "before_flush", overtake)
    try:
        yield ran
    finally:
        event.remove(db.session, "before_flush", overtake)


def test_two_registrations_of_one_address_at_once_make_one_account(client, app, outbox):
    first, second = client, app.test_client()  # each request in its own context, as on a server
    email = "ada@example.org"

    with overtaken(
        lambda new: isinstance(new, User) and new.email == email,
        lambda: second.post("/register", data=registration(email=email)),
    ) as ran:
        response = first.post("/register", data=registration(email=email))

    assert ran[0].headers["Location"] == "/register/check-your-email"
    assert response.headers["Location"] == "/register/check-your-email"  # as for any address taken
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == email)) == 1
    assert sorted(message.subject for message in outbox(recipient=email)) == [
        "Confirm your email address",
        "You already have an account",
    ]


def test_two_tabs_saving_the_first_section_at_once_share_one_draft(client, app):
    jobseeker = UserFactory()
    vacancy = VacancyFactory(published=True)
    first, second = client, app.test_client()  # each request in its own context, as on a server
    for client in (first, second):
        sign_in_as(client, jobseeker)
    phone = {"full_name": jobseeker.full_name, "phone": "07700 900982", "town": "York", "postcode": "YO1 7HH"}

    with overtaken(
        lambda new: isinstance(new, Application),
        lambda: second.post(f"/jobs/{vacancy.id}/apply/personal-details", data=phone),
    ) as ran:
        response = first.post(f"/jobs/{vacancy.id}/apply/personal-details", data=phone)

    assert ran[0].status_code == 302
    assert response.status_code == 302
    assert response.headers["Location"] == f"/jobs/{vacancy.id}/apply"
    drafts = db.session.scalars(sa.select(Application).where(Application.vacancy_id == vacancy.id)).all()
    assert len(drafts) == 1
    db.session.refresh(drafts[0])
    assert drafts[0].answers["personal"]["data"]["phone"] == "07700 900982"
