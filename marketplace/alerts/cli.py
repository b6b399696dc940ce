"""`marketplace alerts send --frequency daily|weekly` (run it from cron once a day, and once a week),
`marketplace alerts remind-saved-jobs`, and the worker task that reminds people of saved jobs closing
(registered in marketplace/worker.py)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from marketplace.alerts.digest import send_digests
from marketplace.alerts.models import AlertFrequency
from marketplace.applications.saved_jobs import send_closing_reminders
from marketplace.extensions import db
from marketplace.progress import Progress

alerts = AppGroup("alerts", help="Job alert digests and saved-job reminders.")


@alerts.command("send")
@click.option(
    "--frequency", type=click.Choice([f.value for f in AlertFrequency]), required=True, help="Which alerts."
)
def send_command(frequency: str) -> None:
    """Queue a digest for every confirmed alert of FREQUENCY with new matching listings.

    Safe to re-run, and to run again after a crash: nothing is ever sent twice.
    """
    with Progress(f"Sending {frequency} alerts", unit="alerts") as progress:
        report = send_digests(AlertFrequency(frequency), progress=lambda alert: progress.advance())
    click.echo(
        f"{report.alerts} {frequency} alerts, {report.new_listings} new listings: "
        f"{report.digests} digests queued with {report.listings} listings"
        + (f", {report.skipped} already done by another run" if report.skipped else "")
        + f" ({progress.summary()})"
    )


@alerts.command("remind-saved-jobs")
def remind_command() -> None:
    """Email people whose saved jobs close soon (SAVED_JOB_REMINDER_DAYS) and who have not applied."""
    click.echo(f"{remind_saved_jobs()} reminders queued")


def remind_saved_jobs() -> int:
    """Each saved job closing within SAVED_JOB_REMINDER_DAYS gets one reminder, unless applied for."""
    queued = send_closing_reminders(days=current_app.config["SAVED_JOB_REMINDER_DAYS"])
    db.session.commit()
    return queued
