"""Place names are read from the school register once and remembered for a while; a change to the
register made through this process is seen at once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.organisations.models import Organisation
from marketplace.search.geo import UnknownLocation, resolve
from tests.factories import OrganisationFactory


@pytest.fixture
def queries(app):
    sent: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    yield sent
    sa.event.remove(db.engine, "before_cursor_execute", count)


def test_a_place_resolved_again_reads_nothing(app, queries):
    OrganisationFactory(town="Little Snoring", latitude=52.86, longitude=0.90)
    first = resolve("Little Snoring", db.session)
    read = len(queries)

    again = resolve("Little Snoring", db.session)

    assert read > 0
    assert len(queries) == read
    assert again == first
    assert again.point is not None


def test_an_unknown_name_is_remembered_as_unknown_until_a_school_is_there(app, queries):
    with pytest.raises(UnknownLocation):
        resolve("Great Snoring", db.session)
    read = len(queries)
    with pytest.raises(UnknownLocation) as again:
        resolve("Great Snoring", db.session)
    assert len(queries) == read
    assert "Great Snoring" in str(again.value)

    OrganisationFactory(town="Great Snoring", latitude=52.87, longitude=0.89)

    assert resolve("Great Snoring", db.session).point is not None


def test_a_bulk_write_to_the_register_is_seen_at_once(app):
    with pytest.raises(UnknownLocation):
        resolve("Wells-next-the-Sea", db.session)
    school = OrganisationFactory(town="Holt", latitude=52.95, longitude=0.85)

    db.session.execute(
        sa.update(Organisation).where(Organisation.id == school.id).values(town="Wells-next-the-Sea")
    )
    db.session.commit()

    assert resolve("Wells-next-the-Sea", db.session).point is not None


def test_emptying_the_register_with_sql_is_seen_at_once(app):
    OrganisationFactory(town="Cley next the Sea", latitude=52.95, longitude=1.04)
    assert resolve("Cley next the Sea", db.session).point is not None

    db.session.execute(sa.text("DELETE FROM organisations"))
    db.session.commit()

    with pytest.raises(UnknownLocation):
        resolve("Cley next the Sea", db.session)
