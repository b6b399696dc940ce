"""Saved jobs: saving, and the reminder a few days before a saved job closes."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from marketplace.accounts.passwords import hash_password
from marketplace.analytics.models import Event
from marketplace.applications import saved_jobs
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import SavedJob
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.worker import tasks
from tests.factories import ApplicationFactory, UserFactory, VacancyFactory


def closing_in(days: float, **fields):
    return VacancyFactory(published=True, closes_at=utcnow() + dt.timedelta(days=days), **fields)


def reminders(outbox):
    return [message for message in outbox() if message.template == "saved_job_closing"]


def test_saving_twice_keeps_one_and_records_one_anonymous_event(app):
    person = UserFactory()
    vacancy = closing_in(10)

    saved_jobs.save_job(person, vacancy.id)
    db.session.commit()
    saved_jobs.save_job(person, vacancy.id)
    db.session.commit()

    assert db.session.scalar(sa.select(sa.func.count()).select_from(SavedJob)) == 1
    [event] = db.session.scalars(sa.select(Event).where(Event.name == "vacancy_saved")).all()
    assert event.vacancy_id == vacancy.id
    assert event.properties == {}
    assert saved_jobs.unsave_job(person, vacancy.id) is True
    assert saved_jobs.unsave_job(person, vacancy.id) is False


def test_a_closed_listing_cannot_be_saved(app):
    vacancy = VacancyFactory(published=True, closes_at=utcnow() - dt.timedelta(hours=1))
    with pytest.raises(saved_jobs.NotSaveable):
        saved_jobs.save_job(UserFactory(), vacancy.id)


def test_reminder_only_when_closing_soon_and_not_applied_and_only_once(app, outbox):
    person = UserFactory(email="saver@example.org")
    soon = closing_in(2, title="Closes soon")
    later = closing_in(10, title="Closes later")
    applied = closing_in(1, title="Applied already")
    drafted = closing_in(1, title="Only a draft")
    for vacancy in (soon, later, applied, drafted):
        saved_jobs.save_job(person, vacancy.id)
    ApplicationFactory(vacancy=applied, jobseeker=person)
    ApplicationFactory(vacancy=drafted, jobseeker=person, status=ApplicationStatus.DRAFT, submitted_at=None)
    db.session.commit()

    assert saved_jobs.send_closing_reminders(days=3) == 2
    db.session.commit()
    assert saved_jobs.send_closing_reminders(days=3) == 0  # once per saved job
    db.session.commit()

    sent = reminders(outbox)
    assert sorted(message.subject for message in sent) == [
        "Closing soon: Closes soon",
        "Closing soon: Only a draft",
    ]
    assert all(message.recipient == "saver@example.org" for message in sent)


def test_the_worker_sends_reminders_with_the_configured_number_of_days(app, outbox):
    app.config["SAVED_JOB_REMINDER_DAYS"] = 5
    person = UserFactory()
    saved_jobs.save_job(person, closing_in(4).id)
    db.session.commit()

    tasks.run_until_idle()

    assert len(reminders(outbox)) == 1


def test_deleting_an_account_deletes_its_saved_jobs_and_alerts_and_the_download_has_them(app):
    from marketplace.accounts import privacy
    from marketplace.alerts.models import JobAlert
    from tests.alerts_support import make_alert

    person = UserFactory(password_hash=hash_password("correct horse battery"))
    vacancy = closing_in(4, title="Teacher of Physics")
    saved_jobs.save_job(person, vacancy.id)
    make_alert(user=person, keywords="physics", location="Leeds")
    db.session.commit()

    download = privacy.export_personal_data(person)
    assert download["saved_jobs"][0]["title"] == "Teacher of Physics"
    assert download["job_alerts"][0]["criteria"] == {"keywords": "physics", "location": "Leeds", "radius": 15}

    privacy.delete_account(person, "correct horse battery")
    db.session.commit()

    assert db.session.scalar(sa.select(sa.func.count()).select_from(SavedJob)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JobAlert)) == 0
