"""An inactive account deleted by the retention policy takes its personal data with it, as an account
its owner deletes does: saved jobs and job alerts go even where cascades are not enforced (SQLite)."""

import datetime as dt

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.alerts.models import JobAlert
from marketplace.applications.lifecycle import ApplicationStatus
from marketplace.applications.models import Application, SavedJob
from marketplace.applications.saved_jobs import save_job
from marketplace.db import utcnow
from marketplace.extensions import db
from tests.alerts_support import make_alert
from tests.factories import ApplicationFactory, UserFactory, VacancyFactory


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_retention_deletes_an_inactive_accounts_saved_jobs_alerts_and_draft_applications(app):
    now = utcnow()
    dormant = UserFactory(
        last_signed_in_at=now - dt.timedelta(days=2000), inactivity_warned_at=now - dt.timedelta(days=60)
    )
    active = UserFactory(last_signed_in_at=now)
    vacancy = VacancyFactory(published=True)
    for user in (dormant, active):
        save_job(user, vacancy.id)
        make_alert(user=user, keywords="maths")
    draft = ApplicationFactory(jobseeker=dormant, status=ApplicationStatus.DRAFT)
    dormant_id, draft_id = dormant.id, draft.id
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["retention", "run"])

    assert result.exit_code == 0, result.output
    assert "deleted 1 inactive accounts" in result.output
    db.session.expire_all()
    assert db.session.get(User, dormant_id) is None
    assert db.session.scalars(sa.select(SavedJob.user_id)).all() == [active.id]
    assert db.session.scalars(sa.select(JobAlert.user_id)).all() == [active.id]
    assert db.session.get(Application, draft_id) is None  # never sent: it goes, as on the owner's deletion
    assert _count(SavedJob) == _count(JobAlert) == 1
