"""`marketplace ats`: manage the applicant tracking systems allowed to post through the API."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from marketplace.extensions import db
from marketplace.moderation.ats import create_client
from marketplace.organisations.models import Organisation


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
