"""The funnel counts what the core announces: each event of interest becomes one analytics row.

Imported by create_app. A handler runs in the announcer's transaction, so the row is kept only if the
change commits, exactly as when the core recorded it inline.
"""

from __future__ import annotations

from marketplace.analytics.events import EventName, record
from marketplace.applications import events as application_events
from marketplace.applications.models import Application
from marketplace.events import subscribe
from marketplace.extensions import db
from marketplace.vacancies.models import Vacancy


def _record_for_application(name: EventName, application_id: int, **properties: str) -> None:
    vacancy = db.session.get(Application, application_id).vacancy
    record(name, vacancy_id=vacancy.id, organisation_id=vacancy.organisation_id, **properties)


@subscribe(application_events.ApplicationStarted)
def _application_started(event: application_events.ApplicationStarted) -> None:
    _record_for_application(EventName.APPLICATION_STARTED, event.application_id)


@subscribe(application_events.ApplicationSubmitted)
def _application_submitted(event: application_events.ApplicationSubmitted) -> None:
    _record_for_application(EventName.APPLICATION_SUBMITTED, event.application_id)


@subscribe(application_events.ApplicationStatusChanged)
def _application_status_changed(event: application_events.ApplicationStatusChanged) -> None:
    _record_for_application(EventName.APPLICATION_STATUS_CHANGED, event.application_id, status=event.status)


@subscribe(application_events.ApplicationWithdrawn)
def _application_withdrawn(event: application_events.ApplicationWithdrawn) -> None:
    _record_for_application(EventName.APPLICATION_STATUS_CHANGED, event.application_id, status=event.status)


@subscribe(application_events.JobSaved)
def _job_saved(event: application_events.JobSaved) -> None:
    vacancy = db.session.get(Vacancy, event.vacancy_id)
    record(EventName.VACANCY_SAVED, vacancy_id=vacancy.id, organisation_id=vacancy.organisation_id)
