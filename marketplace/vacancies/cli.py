"""`marketplace vacancies import FILE [--verified]`: bring listings in from another system in bulk."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from marketplace.extensions import db
from marketplace.vacancies.importer import import_lines

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
