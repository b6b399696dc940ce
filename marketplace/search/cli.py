"""`marketplace search sync | follow | rebuild | verify`: keep this node's index replica in step with the
database."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from marketplace.extensions import db
from marketplace.progress import Progress, rate
from marketplace.search import follow
from marketplace.search.api import (
    RebuildFailed,
    SearchBusy,
    SearchUnavailable,
    VerifyReport,
    backend,
    candidate_index_for,
)
from marketplace.vacancies.lifecycle import PUBLIC_STATUSES
from marketplace.vacancies.models import Vacancy

search = AppGroup("search", help="Keep this node's search index in step with the database.")


def _changes(count: int) -> str:
    return f"{count} change{'' if count == 1 else 's'}"


def _vacancies(count: int) -> str:
    return f"{count} vacanc{'y' if count == 1 else 'ies'}"


@contextmanager
def _explained() -> Iterator[None]:
    """The index being busy or unusable, said as the command's error (exit status 1), not a traceback."""
    try:
        yield
    except SearchBusy as error:
        raise click.ClickException(f"{error}; try again shortly.") from error
    except SearchUnavailable as error:
        raise click.ClickException(str(error)) from error


@search.command("sync")
def sync_command() -> None:
    """Apply the logged changes this index has not applied yet."""
    engine = backend()
    with _explained():
        report = engine.apply_pending_changes(db.session)
    if report.reloaded:
        click.echo(
            f"Loaded {_vacancies(report.vacancies)} into the new search index at {engine.where} "
            f"(up to change {report.last_change_id})."
        )
    elif report.applied:
        click.echo(
            f"Applied {_changes(report.applied)} ({_vacancies(report.vacancies)}) to the search index "
            f"(up to change {report.last_change_id})."
        )
    else:
        click.echo(f"Applied 0 changes: the search index is up to date (change {report.last_change_id}).")
    _sync_candidates()


@search.command("follow")
def follow_command() -> None:
    """Apply each listing change to this node's index as it is committed, until SIGTERM or Ctrl+C.

    The node's one writer when its web processes only read (MARKETPLACE_SEARCH_FOLLOW=read): they then
    search without sharing their interpreter with the index's writing.
    """
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {number: signal.signal(number, request_stop) for number in (signal.SIGTERM, signal.SIGINT)}
    follower = follow.start(current_app, applies=True)
    click.echo(f"Applying listing changes to {backend().where}; stop with SIGTERM or Ctrl+C.")
    try:
        # The follower logs and retries its own failures: it ends only when asked to.
        while follower.running and not stop.wait(1.0):
            pass
    finally:
        follower.stop()
        for number, handler in previous.items():
            signal.signal(number, handler)
    if not stop.is_set():
        raise click.ClickException("The search change log follower stopped unexpectedly.")
    click.echo(f"Stopped, after applying changes {follower.syncs} times.")


def _sync_candidates() -> None:
    index = candidate_index_for(current_app)
    with _explained():
        report = index.sync(db.session)
    click.echo(
        f"Candidate index at {index.where}: {_changes(report.applied)} applied, "
        f"up to change {report.last_change_id}."
    )


@search.command("rebuild")
def rebuild_command() -> None:
    """Recreate the index from the database, beside the live one, then swap it in."""
    engine = backend()
    expected = db.session.scalar(sa.select(sa.func.count()).where(Vacancy.status.in_(PUBLIC_STATUSES)))
    try:
        with Progress("Indexing vacancies", expected, unit="vacancies") as progress:
            report = engine.rebuild(db.session, progress=progress.advance)
    except SearchBusy as error:
        raise click.ClickException(f"{error}; try again shortly.") from error
    except RebuildFailed as error:
        raise click.ClickException(f"{error} The live index is unchanged.") from error
    click.echo(
        f"Rebuilt the search index at {engine.where} with {_vacancies(report.vacancies)} "
        f"(up to change {report.last_change_id})."
    )
    click.echo(f"Indexed {rate(progress.count, progress.elapsed, 'vacancies')}.")
    index = candidate_index_for(current_app)
    with _explained():
        candidates = index.rebuild(db.session)
    click.echo(
        f"Rebuilt the candidate index at {index.where} with {candidates.vacancies} "
        f"findable candidate{'' if candidates.vacancies == 1 else 's'}."
    )


@search.command("verify")
@click.pass_context
def verify_command(context: click.Context) -> None:
    """Compare the index with the database; exit with status 1 when they differ."""
    engine = backend()
    with _explained():
        report = engine.verify(db.session)
    candidates_match = _verify_candidates()
    if report.in_sync:
        position = "" if report.last_change_id is None else f", up to change {report.last_change_id}"
        click.echo(
            f"The search index matches the database: {_vacancies(report.expected)} published{position}."
        )
        if report.pending_changes:
            click.echo(f"{_changes(report.pending_changes)} logged since then wait for the next sync.")
        if not candidates_match:
            context.exit(1)
        return
    click.echo("The search index differs from the database:", err=True)
    for line in _differences(report):
        click.echo(f"  {line}", err=True)
    if report.pending_changes and not report.outdated:
        click.echo(
            f"{_changes(report.pending_changes)} not applied yet: `marketplace search sync` may "
            "settle this; otherwise run `marketplace search rebuild`.",
            err=True,
        )
    else:
        click.echo("Run `marketplace search rebuild` to recreate it.", err=True)
    context.exit(1)


def _verify_candidates() -> bool:
    """Compare the candidate index with who is findable; says which candidates differ."""
    index = candidate_index_for(current_app)
    with _explained():
        found = index.verify(db.session)
    if found.in_sync:
        click.echo(f"The candidate index at {index.where} matches the database.")
        return True
    click.echo("The candidate index differs from the database:", err=True)
    if found.missing:
        click.echo(f"  findable but not indexed: candidates {_listed(found.missing)}", err=True)
    if found.unexpected:
        click.echo(f"  indexed but not findable: candidates {_listed(found.unexpected)}", err=True)
    if found.pending_changes:
        click.echo(
            f"{_changes(found.pending_changes)} not applied yet: `marketplace search sync` may settle this.",
            err=True,
        )
    else:
        click.echo("Run `marketplace search rebuild` to recreate it.", err=True)
    return False


def _listed(values: list[int]) -> str:
    return ", ".join(str(value) for value in values[:20]) + (" …" if len(values) > 20 else "")


def _differences(report: VerifyReport) -> list[str]:
    def ids(values: list[int]) -> str:
        return ", ".join(str(value) for value in values)

    lines = []
    if report.outdated:
        lines.append("built for another version of the search schema")
    if report.missing:
        lines.append(f"missing from the index ({len(report.missing)}): vacancy {ids(report.missing)}")
    if report.extra:
        lines.append(f"in the index but not published ({len(report.extra)}): vacancy {ids(report.extra)}")
    if report.stale:
        lines.append(f"out of date in the index ({len(report.stale)}): vacancy {ids(report.stale)}")
    return lines
