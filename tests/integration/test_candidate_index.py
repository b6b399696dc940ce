"""The candidate index: a replica of the jobseekers who let schools find them, fed by its own change log
written in the same transaction as the opt-in, the preferences or the profile, applied after commit,
rebuilt and synced by `marketplace search`."""

from __future__ import annotations

import shutil
import threading

import pytest
import sqlalchemy as sa

from marketplace import create_app
from marketplace.applications import candidates, profiles
from marketplace.extensions import db
from marketplace.search import follow
from marketplace.search.api import CandidateSearch, candidate_index_for, search_candidates
from marketplace.search.models import CandidateChange
from marketplace.search.whoosh.candidates import CandidateIndex
from marketplace.unit_of_work import unit_of_work
from tests.conftest import make_config, sign_in_as
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.integration.test_search_follow import seconds_until

LEEDS = (53.7997, -1.5492)


def opt_in(person, **changes) -> candidates.CandidatePreferences:
    chosen = {
        "visible": True,
        "job_roles": ["teacher"],
        "phases": ["secondary"],
        "subjects": ["Geography"],
        "working_patterns": ["full_time"],
        "location": "Leeds",
        "point": LEEDS,
        "radius": 10,
        **changes,
    }
    with unit_of_work():
        return candidates.save_preferences(person, candidates.PreferencesInput(**chosen))


def found(app, organisation_ids=frozenset(), **search) -> list[int]:
    return [c.id for c in search_candidates(CandidateSearch(**search), set(organisation_ids)).candidates]


def indexed(app) -> set[int]:
    return candidate_index_for(app).indexed_ids()


def test_opting_in_logs_a_change_in_the_same_transaction_and_indexes_after_commit(app):
    person = UserFactory()

    preferences = opt_in(person)

    assert set(db.session.scalars(sa.select(CandidateChange.user_id))) == {person.id}
    assert indexed(app) == {preferences.id}
    assert found(app, subjects=["Geography"]) == [preferences.id]


def test_a_refused_change_logs_nothing(app):
    person = UserFactory()

    with pytest.raises(candidates.CandidateError), unit_of_work():
        candidates.save_preferences(
            person,
            candidates.PreferencesInput(True, job_roles=[], phases=[], subjects=[], working_patterns=[]),
        )

    assert db.session.scalar(sa.select(sa.func.count(CandidateChange.id))) == 0
    assert indexed(app) == set()


def test_opting_out_removes_the_document_at_once(app):
    person = UserFactory()
    opt_in(person)

    with unit_of_work():
        candidates.stop_being_findable(person)

    assert indexed(app) == set()
    assert found(app) == []


def test_a_stale_index_never_shows_someone_who_opted_out(app, monkeypatch):
    person = UserFactory()
    preferences = opt_in(person)
    # The index cannot be updated (locked, disk full): the opt-out commits all the same.
    monkeypatch.setattr(CandidateIndex, "sync", lambda self, session, now=None: 1 / 0)
    with unit_of_work():
        candidates.stop_being_findable(person)
    monkeypatch.undo()

    assert indexed(app) == {preferences.id}  # behind
    assert found(app) == []  # but the database has the last word

    result = app.test_cli_runner().invoke(args=["search", "sync"])
    assert "Candidate index" in result.output
    assert indexed(app) == set()


def test_an_excluded_organisation_never_finds_the_candidate(app):
    employer, other = OrganisationFactory(), OrganisationFactory()
    preferences = opt_in(UserFactory(), excluded_organisation_ids=(employer.id,))

    assert found(app, {employer.id}) == []
    assert found(app, {employer.id, other.id}) == []
    assert found(app, {other.id}) == [preferences.id]


def test_keywords_match_the_profile_and_filters_and_place_narrow(app):
    person = UserFactory()
    preferences = opt_in(person)
    with unit_of_work():
        profiles.save_profile_section(
            person, "qualifications", {"items": [{"name": "PGCE", "subject": "Geography", "year": "2016"}]}
        )

    assert found(app, keywords="PGCE") == [preferences.id]
    assert found(app, keywords="chemistry") == []
    assert found(app, phases=["primary"]) == []
    assert found(app, location="Leeds", radius=5) == [preferences.id]
    # 200 miles away, beyond the search's radius and the candidate's own.
    assert found(app, location="Plymouth", radius=10) == []


def test_a_profile_change_of_someone_not_looking_logs_nothing(app):
    person = UserFactory()

    with unit_of_work():
        profiles.save_profile_section(person, "statement", {"text": "Hello"})

    assert db.session.scalar(sa.select(sa.func.count(CandidateChange.id))) == 0


def test_deleting_the_account_removes_the_candidate(app):
    person = UserFactory()
    opt_in(person)

    with unit_of_work():
        db.session.delete(person)

    assert indexed(app) == set()


def test_rebuild_recreates_both_indexes_and_a_lost_candidate_index_is_reloaded(app):
    preferences = opt_in(UserFactory())
    shutil.rmtree(candidate_index_for(app).path)

    assert indexed(app) == set()  # a new, empty index until it is synced or rebuilt
    result = app.test_cli_runner().invoke(args=["search", "rebuild"])

    assert result.exit_code == 0, result.output
    assert "Rebuilt the candidate index" in result.output
    assert "with 1 findable candidate" in result.output
    assert indexed(app) == {preferences.id}


def test_another_node_hears_of_an_opt_in_and_an_opt_out_within_two_seconds(app, tmp_path, migrated_database):
    node_b = create_app(make_config(tmp_path / "node-b", migrated_database))
    try:
        follow.start(node_b, listen=False, poll_interval=0.2)
        person = UserFactory()
        preferences = opt_in(person)
        assert seconds_until(lambda: indexed(node_b) == {preferences.id}) < 2.0

        with unit_of_work():
            candidates.stop_being_findable(person)
        assert seconds_until(lambda: indexed(node_b) == set()) < 2.0
    finally:
        follow.stop_all()
        with node_b.app_context():
            db.session.remove()
            db.engine.dispose()


# Whoosh leaves an unreadable table of contents open until the error's traceback is released.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_a_damaged_candidate_index_fails_no_commit_and_a_rebuild_repairs_it(app, client):
    preferences = opt_in(UserFactory())
    for toc in candidate_index_for(app).path.glob("_MAIN_*.toc"):
        toc.write_bytes(b"not an index")

    other = opt_in(UserFactory())  # commits all the same

    staff = MembershipFactory().user
    db.session.commit()
    sign_in_as(client, staff)
    response = client.get("/school/find-candidates", query_string={"phases": "secondary"})
    assert response.status_code == 503
    assert "Candidate search is not available right now" in response.get_data(as_text=True)

    result = app.test_cli_runner().invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert indexed(app) == {preferences.id, other.id}


def test_verify_names_a_candidate_the_index_lost_and_a_rebuild_settles_it(app):
    kept = opt_in(UserFactory())
    lost = opt_in(UserFactory())
    verify = ["search", "verify"]
    assert app.test_cli_runner().invoke(args=verify).exit_code == 0

    index = candidate_index_for(app)
    writer = index.open().writer()
    writer.delete_by_term("id", str(lost.id))  # lost behind the service's back
    writer.commit()

    result = app.test_cli_runner().invoke(args=verify)
    assert result.exit_code == 1
    assert f"findable but not indexed: candidates {lost.id}" in result.output
    assert str(kept.id) not in result.output.split("not indexed:")[1]
    assert "marketplace search rebuild" in result.output

    assert app.test_cli_runner().invoke(args=["search", "rebuild"]).exit_code == 0
    after = app.test_cli_runner().invoke(args=verify)
    assert after.exit_code == 0
    assert "The candidate index at" in after.output
    assert "matches the database" in after.output


def test_searches_keep_reading_the_candidate_index_while_it_is_created_and_committed_to(app, tmp_path):
    # A node's follower creates the index and commits to it while searches on other threads read it: a
    # search must never find it half-created, or meet the files of a generation a commit just replaced.
    index = CandidateIndex(tmp_path / "candidates")
    stop = threading.Event()
    failures: list[BaseException] = []

    def keep_reading():
        while not stop.is_set():
            try:
                index.indexed_ids()
            except BaseException as error:
                failures.append(error)
                return

    readers = [threading.Thread(target=keep_reading) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        people = [UserFactory() for _ in range(6)]
        for round_ in range(8):
            for person in people:
                opt_in(person, visible=round_ % 2 == 0)
                index.sync(db.session)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert failures == []
