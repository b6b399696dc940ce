"""`marketplace search sync | rebuild | verify`, run as an operator would."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from whoosh.fields import ID, Schema
from whoosh.index import create_in

from marketplace.extensions import db
from marketplace.search.api import VacancySearch, find_vacancies
from marketplace.search.models import SearchChange
from marketplace.search.whoosh.backend import current_index
from marketplace.search.whoosh.schema import SCHEMA_VERSION, Bookmark
from marketplace.vacancies.models import Vacancy
from tests.factories import VacancyFactory


def run(app, *args: str):
    result = app.test_cli_runner().invoke(args=["search", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def latest_change_id() -> int:
    return db.session.scalar(sa.select(sa.func.max(SearchChange.id)))


def edit_without_the_change_log(vacancy_id: int, **values) -> None:
    """Plain SQL on the session's connection: what a hand-made data fix does, unseen by the session hooks."""
    vacancies = Vacancy.__table__
    db.session.connection().execute(sa.update(vacancies).where(vacancies.c.id == vacancy_id).values(**values))
    db.session.commit()


def behind_its_back(change) -> None:
    """Change the index directly, as a bug or a stray process might."""
    writer = current_index().writer()
    change(writer)
    writer.commit()


def test_verify_says_so_when_index_and_database_agree(app):
    VacancyFactory(published=True)
    VacancyFactory(pending=True)

    result = run(app, "verify")

    assert result.exit_code == 0, result.output
    assert f"matches the database: 1 vacancy published, up to change {latest_change_id()}" in result.output


def test_verify_names_a_document_deleted_behind_its_back(app):
    kept, lost = VacancyFactory(published=True), VacancyFactory(published=True)
    behind_its_back(lambda writer: writer.delete_by_term("id", str(lost.id)))

    result = run(app, "verify")

    assert result.exit_code == 1
    assert f"missing from the index (1): vacancy {lost.id}" in result.output
    assert f"vacancy {kept.id}" not in result.output
    assert "marketplace search rebuild" in result.output


def test_verify_names_extra_and_stale_documents(app):
    stale = VacancyFactory(published=True, title="Teacher of Music")
    behind_its_back(lambda writer: writer.add_document(id="9999", kind="vacancy", title="Ghost job"))
    edit_without_the_change_log(stale.id, title="Teacher of Drama")

    result = run(app, "verify")

    assert result.exit_code == 1
    assert "in the index but not published (1): vacancy 9999" in result.output
    assert f"out of date in the index (1): vacancy {stale.id}" in result.output


# Whoosh leaves an unreadable table of contents open until the error's traceback is released.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_verify_reports_an_unreadable_index(app):
    VacancyFactory(published=True)
    for toc in current_index().path.glob("_MAIN_*.toc"):
        toc.write_bytes(b"\x00" * 10)

    result = run(app, "verify")

    assert result.exit_code == 1
    assert "cannot be read" in result.output
    assert "marketplace search rebuild" in result.output


def test_rebuild_repairs_the_index_and_records_the_latest_change(app):
    vacancy = VacancyFactory(published=True, title="Teacher of Music")
    VacancyFactory(pending=True)
    behind_its_back(lambda writer: writer.delete_by_term("id", str(vacancy.id)))
    index = current_index()
    with index.searcher() as before:  # a search running while the index is rebuilt
        result = run(app, "rebuild")
        assert before.document(id=str(vacancy.id)) is None  # it still sees the index it opened

    assert result.exit_code == 0, result.output
    assert f"with 1 vacancy (up to change {latest_change_id()})" in result.output
    assert "Indexed 1 vacancies in " in result.output  # with the rate; no progress line off a terminal
    assert "\r" not in result.output
    assert find_vacancies(VacancySearch(keywords="music")).ids == [vacancy.id]
    assert index.bookmark() == Bookmark(last_change_id=latest_change_id(), schema_version=SCHEMA_VERSION)
    assert [path.name for path in index.path.parent.iterdir() if "rebuild" in path.name] == []
    assert run(app, "verify").exit_code == 0


def test_rebuild_replaces_an_index_built_for_another_schema(app):
    index = current_index()
    index.path.mkdir(parents=True)
    create_in(index.path, Schema(id=ID(stored=True)))
    vacancy = VacancyFactory(published=True, title="Teacher of Music")  # its sync fails: wrong schema

    differs = run(app, "verify")
    assert differs.exit_code == 1
    assert "built for another version of the search schema" in differs.output
    refused = run(app, "sync")
    assert refused.exit_code == 1
    assert "another version of the schema" in refused.output

    assert run(app, "rebuild").exit_code == 0
    assert find_vacancies(VacancySearch(keywords="music")).ids == [vacancy.id]


def test_sync_reports_what_it_applied(app):
    VacancyFactory(published=True)
    assert "Applied 0 changes: the search index is up to date" in run(app, "sync").output

    vacancy = VacancyFactory(published=True)
    # A data fix in plain SQL that logs its change by hand: no commit hook applies it, `sync` does.
    db.session.connection().execute(sa.insert(SearchChange), [{"vacancy_id": vacancy.id}])
    edit_without_the_change_log(vacancy.id, title="Teacher of Drama")

    result = run(app, "sync")

    assert result.exit_code == 0, result.output
    assert f"Applied 1 change (1 vacancy) to the search index (up to change {latest_change_id()})." in (
        result.output
    )
    assert find_vacancies(VacancySearch(keywords="drama")).ids == [vacancy.id]


def test_sync_and_rebuild_say_when_another_writer_holds_the_index(app):
    vacancy = VacancyFactory(published=True)
    # A change logged by hand is not applied on commit: it leaves `sync` work that needs the lock.
    db.session.connection().execute(sa.insert(SearchChange), [{"vacancy_id": vacancy.id}])
    db.session.commit()
    app.config["SEARCH_WRITE_TIMEOUT"] = 0.1
    held = current_index().writer()
    try:
        results = [run(app, "sync"), run(app, "rebuild")]
    finally:
        held.cancel()

    for result in results:
        assert result.exit_code == 1
        assert "is locked by another writer; try again shortly." in result.output
