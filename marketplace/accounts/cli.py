"""`marketplace users …`: accounts that cannot be made through the web, such as moderators."""

from __future__ import annotations

import click

from marketplace.accounts import services
from marketplace.extensions import db
from marketplace.permissions import Role


@click.group()
def users() -> None:
    """Manage user accounts."""


@users.command("create")
@click.argument("email")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default=Role.JOBSEEKER.value, show_default=True
)
@click.option("--name", default="", help="Full name (defaults to the part of the email before the @).")
@click.password_option(prompt="Password for the new account")
def create_user(email: str, role: str, name: str, password: str) -> None:
    """Create a confirmed account, for example: `marketplace users create --role moderator EMAIL`."""
    try:
        user = services.create_confirmed_user(
            email=email, password=password, role=Role(role), full_name=name or email.split("@")[0]
        )
    except services.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role.label.lower()} {user.email}")
