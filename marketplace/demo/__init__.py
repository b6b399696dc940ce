"""`marketplace demo`: load a realistic demo world for development, demonstrations and manual testing."""

from __future__ import annotations

import click
from flask import current_app, url_for
from flask.cli import with_appcontext
from werkzeug.routing import BuildError

from marketplace.demo.world import (
    ACCOUNTS,
    DEMO_PASSWORD,
    DemoAccount,
    DemoReport,
    database_has_organisations,
    hiring_tour,
    load_demo_world,
)
from marketplace.extensions import db

__all__ = ["DEMO_PASSWORD", "demo", "load_demo_world"]

_STATUS_WORDS = {
    "published": "live",
    "pending_review": "in review",
    "scheduled": "scheduled",
    "draft": "draft",
    "closed": "closed",
    "expired": "expired",
}


def _path(endpoint: str, fallback: str, **arguments: int) -> str:
    """The path of a page, from the URL map when the page exists, so the hints follow the routes."""
    try:
        with current_app.test_request_context():
            return url_for(endpoint, **arguments)
    except BuildError:
        return fallback


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"1 {word}"
    return f"{count} {word[:-1] + 'ies' if word.endswith('y') else word + 's'}"


def _summary(report: DemoReport) -> str:
    created = report.created
    parts = [
        _plural(created[key], word)
        for key, word in (
            ("schools", "school"),
            ("trusts", "trust"),
            ("vacancies", "vacancy"),
            ("accounts", "account"),
            ("memberships", "membership"),
            ("applications", "application"),
            ("messages", "message"),
            ("reference requests", "reference request"),
            ("invitations", "invitation"),
            ("claims", "claim"),
            ("reports", "listing report"),
        )
        if created[key]
    ]
    if report.vacancy_statuses:
        statuses = ", ".join(
            f"{report.vacancy_statuses[s]} {word}"
            for s, word in _STATUS_WORDS.items()
            if report.vacancy_statuses[s]
        )
        index = next(i for i, part in enumerate(parts) if "vacanc" in part)
        parts[index] += f" ({statuses})"
    return "Created " + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]) + "."


def _account_lines(account: DemoAccount, other_password: bool) -> list[str]:
    start = _path(account.start_endpoint, account.start_path)
    lines = [
        f"  {account.email} ({account.role.label.lower()})",
        f"    start at {start}: {account.start_note}",
    ]
    if other_password:
        lines.append("    this account already existed with another password, which was left unchanged")
    return lines


@click.command("demo")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Load nothing when the database already holds any organisation (for start-up scripts).",
)
@with_appcontext
def demo(if_empty: bool) -> None:
    """Load demo schools, trusts, vacancies and sign-in accounts, adding only what is missing.

    The accounts and their shared password are printed at the end.
    """
    if current_app.config["ENV"] == "production":
        raise click.ClickException(
            "The demo data is for development and testing only: refusing to load it "
            "into a production database."
        )
    if if_empty and database_has_organisations():
        click.echo("The database already holds organisations, so no demo data was loaded (--if-empty).")
        return
    try:
        report = load_demo_world()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise

    for conflict in report.conflicts:
        click.echo(f"Warning: {conflict}.", err=True)
    if report.created_anything:
        click.echo(_summary(report))
    else:
        click.echo("The demo world is already complete: nothing was added.")
    sign_in = current_app.config["BASE_URL"].rstrip("/") + _path("auth.sign_in", "/sign-in")
    click.echo(f"\nSign in at {sign_in} with the password {DEMO_PASSWORD}\n")
    for account in ACCOUNTS:
        for line in _account_lines(account, account.email in report.accounts_with_other_passwords):
            click.echo(line)
    tour = hiring_tour()
    if tour:
        click.echo(f"\nAs {ACCOUNTS[0].email}, also see:")
    for stop in tour:
        click.echo(f"  {_path(stop.endpoint, '/school', **stop.arguments)}: {stop.note}")
    if tour:
        click.echo(
            "  the daily summary of new applications, which that account receives: run `marketplace worker`"
        )
