"""The search index follows the database: through the change log, after commit, and never at its expense."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import sqlalchemy as sa

from marketplace import create_app
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.search.api import VacancySearch, find_vacancies
from marketplace.search.changes import IN_FLIGHT_GRACE
from marketplace.search.models import SearchChange
from marketplace.search.whoosh.backend import current_index
from marketplace.search.whoosh.replica import sync
from marketplace.vacancies.lifecycle import VacancyStatus
from marketplace.vacancies.models import Vacancy
from tests.factories import VacancyFactory


def found_ids(keywords: str = "", **filters) -> list[int]:
    return find_vacancies(VacancySearch(keywords=keywords, **filters)).ids


def indexed_document(vacancy_id: int) -> dict | None:
    with current_index().searcher() as searcher:
        return searcher.document(id=str(vacancy_id))


def log_by_hand(change_id: int, vacancy_id: int, **values) -> None:
    """Edit a vacancy and log the change with a chosen id, in plain SQL (no session hooks run)."""
    vacancies = Vacancy.__table__
    connection = db.session.connection()
    connection.execute(sa.update(vacancies).where(vacancies.c.id == vacancy_id).values(**values))
    connection.execute(sa.insert(SearchChange), [{"id": change_id, "vacancy_id": vacancy_id}])
    db.session.commit()


def committed_changes() -> list[int]:
    """The change log as another connection sees it: committed rows only."""
    with db.engine.connect() as connection:
        return list(connection.scalars(sa.select(SearchChange.vacancy_id).order_by(SearchChange.id)))


def test_a_change_is_logged_in_the_vacancys_own_transaction(app):
    vacancy = VacancyFactory.build(published=True)
    db.session.add(vacancy)
    db.session.flush()

    in_transaction = db.session.scalars(sa.select(SearchChange.vacancy_id)).all()
    assert in_transaction == [vacancy.id]
    assert committed_changes() == []

    db.session.commit()
    assert committed_changes() == [vacancy.id]


def test_a_rolled_back_change_leaves_no_log_and_no_index(app):
    vacancy = VacancyFactory.build(published=True)
    db.session.add(vacancy)
    db.session.flush()
    db.session.rollback()

    assert committed_changes() == []
    assert not current_index().path.exists()
    # The next commit of something else does not resurrect it.
    other = VacancyFactory(published=True, title="Teacher of Music")
    assert found_ids() == [other.id]


def test_each_change_is_logged_once_however_many_apps_the_process_creates(app, app_config):
    create_app(app_config)  # a second app registers nothing twice
    vacancy = VacancyFactory(published=True)

    vacancy.title = "Teacher of Drama"
    db.session.commit()

    assert committed_changes() == [vacancy.id, vacancy.id]


def test_a_published_vacancy_is_findable_right_after_commit(app):
    vacancy = VacancyFactory(published=True, title="Teacher of Geography")

    assert found_ids("geography") == [vacancy.id]
    latest_change_id = db.session.scalar(sa.select(sa.func.max(SearchChange.id)))
    assert current_index().bookmark().last_change_id == latest_change_id


def test_a_draft_is_not_indexed_until_it_is_published(app):
    vacancy = VacancyFactory(title="Teacher of Geography")
    assert found_ids("geography") == []

    vacancy.status = VacancyStatus.PUBLISHED
    db.session.commit()
    assert found_ids("geography") == [vacancy.id]


def test_an_edit_is_searchable_right_after_commit(app):
    vacancy = VacancyFactory(published=True, title="Teacher of Geography")

    vacancy.title = "Teacher of History"
    db.session.commit()

    assert found_ids("history") == [vacancy.id]
    assert found_ids("geography") == []


@pytest.mark.parametrize("status", [VacancyStatus.CLOSED, VacancyStatus.REMOVED, VacancyStatus.EXPIRED])
def test_leaving_the_published_status_removes_it_from_the_index(app, status):
    vacancy = VacancyFactory(published=True)

    vacancy.status = status
    db.session.commit()

    assert found_ids() == []
    assert indexed_document(vacancy.id) is None


def test_a_deleted_vacancy_leaves_the_index(app):
    vacancy = VacancyFactory(published=True)
    vacancy_id = vacancy.id

    db.session.delete(vacancy)
    db.session.commit()

    assert indexed_document(vacancy_id) is None
    assert committed_changes() == [vacancy_id, vacancy_id]


@pytest.mark.parametrize(
    "statement",
    [
        lambda vacancy_id: sa.update(Vacancy).where(Vacancy.id == vacancy_id).values(status="expired"),
        lambda vacancy_id: sa.delete(Vacancy).where(Vacancy.id == vacancy_id),
    ],
    ids=["update", "delete"],
)
def test_a_bulk_statement_through_the_session_is_logged_too(app, statement):
    leaving, staying = VacancyFactory(published=True), VacancyFactory(published=True)

    db.session.execute(statement(leaving.id))
    db.session.commit()

    assert found_ids() == [staying.id]
    assert committed_changes()[-1] == leaving.id


def test_renaming_the_school_re_indexes_its_vacancies(app):
    vacancy = VacancyFactory(published=True)

    vacancy.organisation.name = "Hilltop Community School"
    db.session.commit()

    assert found_ids("hilltop") == [vacancy.id]


def test_a_change_committed_late_with_a_lower_id_is_not_skipped(app):
    """On PostgreSQL a transaction holding change id N can commit after another committed N + 1."""
    early, late = VacancyFactory(published=True), VacancyFactory(published=True)
    before = db.session.scalar(sa.select(sa.func.max(SearchChange.id)))
    index = current_index()

    # N + 1 commits first, while N is still in flight.
    log_by_hand(before + 2, late.id, title="Teacher of Drama")
    assert sync(index, db.session).last_change_id == before  # applied, but the bookmark waits for N
    assert found_ids("drama") == [late.id]

    log_by_hand(before + 1, early.id, title="Teacher of Dance")
    assert sync(index, db.session).last_change_id == before + 2
    assert found_ids("dance") == [early.id]


def test_a_gap_left_by_a_rollback_is_passed_once_it_is_old(app):
    vacancy = VacancyFactory(published=True)
    before = db.session.scalar(sa.select(sa.func.max(SearchChange.id)))
    log_by_hand(before + 2, vacancy.id, title="Teacher of Drama")  # N never commits

    assert sync(index := current_index(), db.session).last_change_id == before
    later = utcnow() + IN_FLIGHT_GRACE + dt.timedelta(seconds=1)
    assert sync(index, db.session, now=later).last_change_id == before + 2


def test_a_held_write_lock_does_not_fail_the_commit_and_sync_catches_up(app, caplog):
    app.config["SEARCH_WRITE_TIMEOUT"] = 0.1
    VacancyFactory(published=True, title="Teacher of Music")
    held = current_index().writer()
    try:
        with caplog.at_level(logging.WARNING, logger="marketplace.search"):
            chemistry = VacancyFactory(published=True, title="Teacher of Chemistry")
    finally:
        held.cancel()

    assert "locked" in caplog.text
    assert committed_changes()[-1] == chemistry.id
    assert found_ids("chemistry") == []

    result = app.test_cli_runner().invoke(args=["search", "sync"])

    assert result.exit_code == 0, result.output
    assert "Applied 1 change (1 vacancy)" in result.output
    assert found_ids("chemistry") == [chemistry.id]


# Whoosh leaves an unreadable table of contents open until the error's traceback is released.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_a_corrupt_index_does_not_fail_the_commit(app, caplog):
    VacancyFactory(published=True)
    for toc in current_index().path.glob("_MAIN_*.toc"):
        toc.write_bytes(b"not an index")

    with caplog.at_level(logging.WARNING, logger="marketplace.search"):
        vacancy = VacancyFactory(published=True, title="Teacher of Drama")

    assert "could not be updated" in caplog.text
    assert committed_changes()[-1] == vacancy.id


def test_a_new_index_folder_is_created_and_loaded_from_the_database(app):
    first, second = VacancyFactory(published=True), VacancyFactory(published=True)
    VacancyFactory(pending=True)
    index = current_index()
    for path in index.path.iterdir():
        path.unlink()
    index.path.rmdir()

    result = app.test_cli_runner().invoke(args=["search", "sync"])

    assert result.exit_code == 0, result.output
    assert "Loaded 2 vacancies into the new search index" in result.output
    assert sorted(found_ids()) == [first.id, second.id]


def test_changes_made_in_a_savepoint_are_indexed_when_the_outer_transaction_commits(app):
    kept = VacancyFactory.build(published=True, title="Teacher of Physics")
    dropped = VacancyFactory.build(published=True, title="Teacher of Chemistry")
    with db.session.begin_nested():
        db.session.add(kept)
    savepoint = db.session.begin_nested()
    db.session.add(dropped)
    db.session.flush()
    savepoint.rollback()

    assert found_ids("physics") == []  # nothing is committed yet
    db.session.commit()

    assert found_ids("physics") == [kept.id]
    assert found_ids("chemistry") == []
