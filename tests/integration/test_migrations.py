"""The migrations are the schema: one head, matching the models, reversible."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from marketplace.extensions import db


def _script(app):
    config = app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config)


def test_there_is_exactly_one_head(app):
    assert len(_script(app).get_heads()) == 1


def test_the_migrated_database_matches_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_go_down_and_up_again(app):
    db.session.remove()
    downgrade(revision="base")
    with db.engine.connect() as connection:
        assert db.engine.dialect.get_table_names(connection) in ([], ["alembic_version"])
    upgrade()
    with db.engine.connect() as connection:
        assert "vacancies" in db.engine.dialect.get_table_names(connection)
