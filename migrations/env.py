"""Alembic environment, run through Flask-Migrate inside the application context."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    # Keep the application's logging when it already has some (tests, the CLI under a supervisor).
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db
target_metadata = db.metadata


def render_item(type_, obj, autogen_context):
    """Write the app's column types as the plain types they store, so migrations never import the app."""
    if type_ == "type" and hasattr(obj, "impl") and obj.__class__.__module__.startswith("marketplace"):
        return f"sa.{obj.impl.__class__.__name__}()"
    return False


def run_migrations_offline() -> None:
    context.configure(
        url=db.engine.url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    def skip_empty_autogenerate(context, revision, directives):
        # `marketplace db migrate` with no model changes writes no empty revision.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    configure_args = dict(current_app.extensions["migrate"].configure_args)
    configure_args.setdefault("process_revision_directives", skip_empty_autogenerate)
    configure_args.setdefault("compare_type", True)
    configure_args.setdefault("render_item", render_item)

    with db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, **configure_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
