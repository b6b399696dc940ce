"""`marketplace schools import` and `marketplace trusts import`: load the school register."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from marketplace.extensions import db
from marketplace.organisations import importer
from marketplace.organisations.register import RegisterFormatError
from marketplace.progress import Progress, rate

PROBLEMS_SHOWN = 50


@click.group()
def schools() -> None:
    """Schools from the register of schools in England (Get Information About Schools)."""


@click.group()
def trusts() -> None:
    """Trusts and federations from the register of schools in England."""


def _print_report(report: importer.ImportReport, what: str, started: float, rows: int | None = None) -> None:
    for problem in report.problems[:PROBLEMS_SHOWN]:
        click.echo(f"Skipped {problem}", err=True)
    if report.problem_count > PROBLEMS_SHOWN:
        click.echo(f"... and {report.problem_count - PROBLEMS_SHOWN} more rows with problems", err=True)
    elapsed = time.perf_counter() - started
    timing = f"{elapsed:.1f} s" if rows is None else rate(rows, elapsed, "rows")
    click.echo(
        f"{what}: {report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.skipped} not open or not kept, {report.problem_count} rows with problems ({timing})"
    )


def _estimated_rows(path: str) -> int:
    """Lines after the header: the rows, unless a quoted field spans lines (an estimate for progress)."""
    lines = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            lines += block.count(b"\n")
    return max(lines - 1, 0)


@schools.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_schools(path: str) -> None:
    """Create or update the open schools in an establishments file (edubasealldata*.csv).

    Safe to run again with a newer file: schools are matched by URN and only changes are written.
    """
    started = time.perf_counter()
    try:
        with Progress("Importing schools", _estimated_rows(path), unit="rows") as progress:
            report = importer.import_establishments(
                path, after_batch=db.session.commit, progress=progress.advance
            )
    except RegisterFormatError as error:
        db.session.rollback()
        raise click.ClickException(f"{path} cannot be imported: {error}") from error
    db.session.commit()
    _print_report(report, "Schools", started, rows=progress.count)


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
