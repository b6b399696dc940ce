"""`marketplace retention run`: personal data kept only as long as needed, at any cron frequency."""

import datetime as dt

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.applications.models import Application
from marketplace.audit import AuditEvent
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.notifications.models import OutboxMessage
from marketplace.permissions import Role
from marketplace.publishing import retention
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from tests.factories import ApplicationFactory, UserFactory, VacancyFactory

pytestmark = pytest.mark.usefixtures("app")
NOW = utcnow()


def ago(days: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def test_stale_drafts_go_and_recent_ones_stay():
    stale = VacancyFactory(updated_at=ago(200)).id
    recent = VacancyFactory(updated_at=ago(10)).id
    submitted = VacancyFactory(pending=True, updated_at=ago(400)).id

    report = retention.run(NOW)
    db.session.commit()

    assert report.deleted_drafts == 1
    assert db.session.get(Vacancy, stale) is None
    assert db.session.get(Vacancy, recent) is not None
    assert db.session.get(Vacancy, submitted) is not None
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.subject_id == stale)) == (
        "vacancy.delete_stale_draft"
    )


def test_applications_are_anonymised_a_year_after_closing_and_the_school_keeps_the_record():
    old = ApplicationFactory(vacancy__published=True, vacancy__closes_at=ago(400))
    fresh = ApplicationFactory(vacancy__published=True, vacancy__closes_at=ago(30))

    first = retention.run(NOW)
    db.session.commit()
    again = retention.run(NOW)

    assert first.anonymised_applications == 1
    assert again.anonymised_applications == 0
    db.session.refresh(old)
    assert (old.full_name, old.email, old.supporting_statement, old.jobseeker_id) == (
        retention.ANONYMISED_NAME,
        "",
        "",
        None,
    )
    assert old.status == "submitted"
    db.session.refresh(fresh)
    assert fresh.email != ""


def test_inactive_accounts_are_warned_then_deleted_unless_they_sign_in():
    dormant = UserFactory(last_signed_in_at=ago(1200))
    returning = UserFactory(last_signed_in_at=ago(1200))
    moderator = UserFactory(moderator=True, last_signed_in_at=ago(2000))
    application = ApplicationFactory(jobseeker=dormant)
    dormant_id, returning_id = dormant.id, returning.id

    warned = retention.run(NOW)
    db.session.commit()
    assert warned.warned_accounts == 2
    assert {m.recipient for m in db.session.scalars(sa.select(OutboxMessage))} == {
        dormant.email,
        returning.email,
    }

    rerun = retention.run(NOW + dt.timedelta(days=1))
    assert (rerun.warned_accounts, rerun.deleted_accounts) == (0, 0)  # a second cron run warns nobody twice

    returning.last_signed_in_at = NOW + dt.timedelta(days=2)  # as authenticate() does
    returning.inactivity_warned_at = None
    db.session.commit()

    later = retention.run(NOW + dt.timedelta(days=31))
    db.session.commit()

    assert later.deleted_accounts == 1
    assert db.session.get(User, dormant_id) is None
    assert db.session.get(User, returning_id) is not None
    assert db.session.get(User, moderator.id).role is Role.MODERATOR
    kept = db.session.get(Application, application.id)
    assert (kept.full_name, kept.jobseeker_id) == (retention.ANONYMISED_NAME, None)


def test_signing_in_clears_the_inactivity_warning(client):
    user = UserFactory(email="ada@example.org", inactivity_warned_at=ago(5))
    client.post("/sign-in", data={"email": "ada@example.org", "password": "correct horse battery staple"})
    db.session.refresh(user)
    assert user.inactivity_warned_at is None


def test_the_command_runs_every_rule_and_says_what_it_did(app):
    VacancyFactory(published=True, closes_at=ago(1))

    result = app.test_cli_runner().invoke(args=["retention", "run"])

    assert result.exit_code == 0, result.output
    assert "expired 1 listings" in result.output
    db.session.rollback()
    assert db.session.scalar(sa.select(Vacancy.status)) is VacancyStatus.EXPIRED
