"""`marketplace ats`: manage the applicant tracking systems allowed to post through the API;
`marketplace vacancies import FILE [--verified]`: bring listings in from another system in bulk."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import BinaryIO, cast

import click
import sqlalchemy as sa
from flask.cli import AppGroup, with_appcontext

from marketplace.extensions import db
from marketplace.organisations.models import Organisation
from marketplace.publishing.ats import create_client
from marketplace.publishing.importer import BATCH_SIZE, ImportReport, import_lines


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

# Exit codes of `vacancies import` (docs/import-format.md), so cron and scripts can tell what happened.
IMPORTED, SOME_REJECTED, UNREADABLE, STOPPED = 0, 1, 2, 3


@vacancies.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--verified", is_flag=True, help="Mark the schools this import creates as verified.")
@click.option(
    "--batch-size",
    type=click.IntRange(1, 100_000),
    default=BATCH_SIZE,
    show_default=True,
    help="Lines saved together: a crash loses at most one batch, and a re-run resumes.",
)
def import_command(file: BinaryIO, verified: bool, batch_size: int) -> None:
    """Import vacancies from FILE (JSON Lines in UTF-8, see docs/import-format.md), upserting by
    external_reference. Exits 1 when any line was rejected, 2 when the file cannot be read."""
    if file.seekable():
        code = _import_file(file, file.name, verified=verified, batch_size=batch_size)
    else:
        # Standard input is read twice (checked, then imported), so it is kept in a temporary file.
        with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as spooled:
            shutil.copyfileobj(file, spooled)
            spooled.seek(0)
            code = _import_file(cast(BinaryIO, spooled), file.name, verified=verified, batch_size=batch_size)
    click.get_current_context().exit(code)


def _import_file(source: BinaryIO, name: str, *, verified: bool, batch_size: int) -> int:
    try:
        total = count_lines(source)
    except NotUTF8 as error:
        click.echo(f"Error: {name}: {error}", err=True)
        return UNREADABLE
    progress = Progress(total)

    def report_problem(number: int, problem: str) -> None:
        progress.clear()
        click.echo(f"Line {number}: {problem}", err=True)

    def commit_batch(report: ImportReport) -> None:
        db.session.commit()
        progress.saved = report.lines

    try:
        report = import_lines(
            decoded_lines(source),
            verified=verified,
            batch_size=batch_size,
            after_batch=commit_batch,
            after_line=lambda report: progress.update(report.lines),
            on_problem=report_problem,
        )
        db.session.commit()
    except (KeyboardInterrupt, sa.exc.OperationalError) as error:
        db.session.rollback()
        progress.clear()
        reason = "interrupted" if isinstance(error, KeyboardInterrupt) else "the database stopped answering"
        saved = (
            f"the lines up to line {progress.saved:,} are saved" if progress.saved else "nothing was saved"
        )
        click.echo(
            f"Stopped ({reason}): {saved}. Run the same command again to import the rest (lines already "
            "saved are found by external_reference and left unchanged).",
            err=True,
        )
        return STOPPED
    progress.finish(report.lines)
    lines = f"{report.lines:,} line{'' if report.lines == 1 else 's'}"
    click.echo(f"{report.summary} {lines} in {progress.elapsed_label()}.")
    return SOME_REJECTED if report.problems else IMPORTED


class NotUTF8(ValueError):
    """The file has bytes that are not UTF-8; the message says where and what to do."""


def count_lines(file: BinaryIO) -> int:
    """Count the lines, checking every one is UTF-8 before anything is imported (so a file in another
    encoding changes nothing), and rewind."""
    offset = 0
    number = 0
    for number, raw in enumerate(file, start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as error:
            byte = raw[error.start]
            guess = bytes([byte]).decode("cp1252", errors="replace")
            looks_like = f" (“{guess}” in Windows-1252)" if guess.isprintable() and guess != "\ufffd" else ""
            position = f"byte {error.start + 1} of the line, {offset + error.start + 1:,} of the file"
            raise NotUTF8(
                f"line {number} ({position}) has the byte 0x{byte:02X}{looks_like}, which is not UTF-8. "
                "The file must be UTF-8: save or export it again choosing UTF-8 as the encoding. "
                "Nothing was imported."
            ) from None
        offset += len(raw)
    file.seek(0)
    return number


def decoded_lines(file: BinaryIO) -> Iterator[str]:
    for number, raw in enumerate(file, start=1):
        line = raw.decode("utf-8")
        # A byte order mark some Windows editors put first is not part of the JSON.
        yield line.removeprefix("\ufeff") if number == 1 else line


class Progress:
    """Progress on standard error: a bar redrawn in place on a terminal; a line every
    LOG_EVERY seconds otherwise (cron, logs), so a long import is never silent."""

    LOG_EVERY = 10.0
    REDRAW_EVERY = 0.2

    def __init__(self, total: int):
        self.total = total
        self.saved = 0
        self.started = self.shown_at = time.monotonic()
        self.terminal = sys.stderr.isatty()
        self.drawn = False

    def rate(self, done: int) -> float:
        return done / max(time.monotonic() - self.started, 1e-9)

    def elapsed_label(self) -> str:
        seconds = time.monotonic() - self.started
        return f"{seconds:.1f} s" if seconds < 120 else f"{int(seconds // 60)} min {seconds % 60:.0f} s"

    def line(self, done: int) -> str:
        rate = self.rate(done)
        percent = 100 * done / self.total if self.total else 100.0
        remaining = (self.total - done) / rate if rate else 0.0
        left = f"{remaining:.0f} s" if remaining < 120 else f"{remaining / 60:.0f} min"
        return (
            f"{done:,} of {self.total:,} lines ({percent:.0f}%), {rate:,.0f} lines a second, "
            f"about {left} to go"
        )

    def update(self, done: int) -> None:
        now = time.monotonic()
        if now - self.shown_at < (self.REDRAW_EVERY if self.terminal else self.LOG_EVERY):
            return
        self.shown_at = now
        if self.terminal:
            width = 30
            filled = int(width * done / self.total) if self.total else width
            bar = "█" * filled + "·" * (width - filled)
            click.echo(f"\r\x1b[2K{bar} {self.line(done)}", err=True, nl=False)
            self.drawn = True
        else:
            click.echo(self.line(done), err=True)

    def clear(self) -> None:
        if self.drawn:
            click.echo("\r\x1b[2K", err=True, nl=False)
            self.drawn = False

    def finish(self, done: int) -> None:
        self.clear()
        self.saved = done
