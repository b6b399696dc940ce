"""The `marketplace` command: the Flask CLI with the marketplace's own groups added."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup


def register_commands(app: Flask) -> None:
    from marketplace.accounts.cli import users
    from marketplace.alerts.cli import alerts
    from marketplace.demo import demo
    from marketplace.organisations import cli as organisations_cli
    from marketplace.publishing.cli import ats, vacancies
    from marketplace.publishing.retention import retention
    from marketplace.search.cli import search
    from marketplace.worker import worker

    for command in (users, demo, search, worker, retention, vacancies, alerts):
        app.cli.add_command(command)
    app.cli.add_command(organisations_cli.schools)
    app.cli.add_command(organisations_cli.trusts)
    app.cli.add_command(ats)


def _create_app():
    from marketplace import create_app
    from marketplace.config import SettingsError

    try:
        return create_app()
    except SettingsError as error:
        # A setting an operator mistyped: say which and what it accepts, not a traceback.
        raise click.UsageError(str(error)) from None


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False)
def main() -> None:
    """Teacher Vacancy Marketplace: manage the database, demo data, search index, users and email worker."""
