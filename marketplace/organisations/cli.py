"""`marketplace schools import` and `marketplace trusts import`: load the school register."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from marketplace.extensions import db
from marketplace.organisations import importer
from marketplace.organisations.register import RegisterFormatError

PROBLEMS_SHOWN = 50


@click.group()
def schools() -> None:
    """Schools from the register of schools in England (Get Information About Schools)."""


@click.group()
def trusts() -> None:
    """Trusts and federations from the register of schools in England."""


def _print_report(report: importer.ImportReport, what: str, started: float) -> None:
    for problem in report.problems[:PROBLEMS_SHOWN]:
        click.echo(f"Skipped {problem}", err=True)
    if report.problem_count > PROBLEMS_SHOWN:
        click.echo(f"... and {report.problem_count - PROBLEMS_SHOWN} more rows with problems", err=True)
    click.echo(
        f"{what}: {report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.skipped} not open or not kept, {report.problem_count} rows with problems "
        f"({time.perf_counter() - started:.1f} s)"
    )


@schools.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_schools(path: str) -> None:
    """Create or update the open schools in an establishments file (edubasealldata*.csv).

    Safe to run again with a newer file: schools are matched by URN and only changes are written.
    """
    started = time.perf_counter()
    try:
        report = importer.import_establishments(path, after_batch=db.session.commit)
    except RegisterFormatError as error:
        db.session.rollback()
        raise click.ClickException(f"{path} is not an establishments file: {error}") from error
    db.session.commit()
    _print_report(report, "Schools", started)


@trusts.command("import")
@click.argument("groups", type=click.Path(exists=True, dir_okay=False))
@click.argument("links", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_trusts(groups: str, links: str) -> None:
    """Create or update open trusts and federations (GROUPS, allgroupsdata*.csv) and link their schools
    (LINKS, alllinksdata*.csv). Import the schools first.
    """
    started = time.perf_counter()
    try:
        report = importer.import_trusts(groups, links, after_batch=db.session.commit)
    except RegisterFormatError as error:
        db.session.rollback()
        raise click.ClickException(
            f"The groups or links file is not in the register's layout: {error}"
        ) from error
    db.session.commit()
    _print_report(report, "Trusts", started)
    click.echo(f"Schools: {report.linked} linked to a trust, {report.unlinked} no longer in a trust")
