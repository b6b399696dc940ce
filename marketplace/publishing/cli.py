"""`marketplace ats`: manage the applicant tracking systems allowed to post through the API;
`marketplace vacancies import FILE [--verified]`: bring listings in from another system in bulk."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup, with_appcontext

from marketplace.extensions import db
from marketplace.organisations.models import Organisation
from marketplace.publishing.ats import create_client
from marketplace.publishing.importer import import_lines


@click.group("ats")
def ats() -> None:
    """Applicant tracking system (ATS) clients of the API."""


@ats.command("create-client")
@click.option("--organisation", "urn", required=True, help="URN of the school (or UID of the trust).")
@click.option("--name", default="ATS", show_default=True, help="Who the client is, for the audit log.")
@with_appcontext
def create_client_command(urn: str, name: str) -> None:
    """Create a client for one organisation and print its bearer token once: only a digest is kept."""
    organisation = db.session.scalar(
        sa.select(Organisation).where(sa.or_(Organisation.urn == urn, Organisation.uid == urn))
    )
    if organisation is None:
        raise click.ClickException(f"No school or trust has the URN or UID {urn}.")
    client, token = create_client(organisation, name)
    db.session.commit()
    click.echo(f"Created ATS client {client.id} ({client.name}) for {organisation.name}.")
    click.echo("Its token is shown only now; store it safely:")
    click.echo(token)


vacancies = AppGroup("vacancies", help="Manage vacancies in bulk.")


@vacancies.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--verified", is_flag=True, help="Mark the schools this import creates as verified.")
def import_command(file, verified: bool) -> None:
    """Import vacancies from FILE (JSON Lines, see docs/import-format.md), upserting by external_reference."""
    report = import_lines(file, verified=verified)
    db.session.commit()
    for number, problem in report.problems:
        click.echo(f"Line {number}: {problem}", err=True)
    click.echo(report.summary)
