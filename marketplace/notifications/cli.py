"""`marketplace worker`: send the outbox and run the other periodic tasks."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import click
from flask.cli import with_appcontext

logger = logging.getLogger(__name__)

_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@click.command()
@click.option(
    "--interval",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds to wait after an iteration that found nothing to do.",
)
@click.option("--once", is_flag=True, help="Run until nothing is due, report what was done, then exit.")
@with_appcontext
def worker(interval: float, once: bool) -> None:
    """Send queued email and run the other periodic tasks, until SIGTERM or Ctrl+C.

    A stop signal lets the current iteration finish (no message is left half-recorded), then exits 0.
    """
    from marketplace.worker import tasks

    if once:
        outcomes = tasks.run_until_idle()
        for outcome in outcomes:
            if outcome.error is not None:
                click.echo(
                    f"{outcome.name}: failed: {type(outcome.error).__name__}: {outcome.error}", err=True
                )
            else:
                click.echo(f"{outcome.name}: {outcome.result}")
        click.echo("Nothing more is due." if outcomes else "Nothing was due.")
        if any(outcome.error is not None for outcome in outcomes):
            click.get_current_context().exit(1)
        return

    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        logger.info("%s received: stopping after the current iteration", signal.Signals(signum).name)
        stop.set()

    previous = {number: signal.signal(number, request_stop) for number in _STOP_SIGNALS}
    # A long-running worker should say what it sends; a logging setup chosen by the operator wins.
    app_logger = logging.getLogger("marketplace")
    if app_logger.level == logging.NOTSET:
        app_logger.setLevel(logging.INFO)
    click.echo(f"Worker running {', '.join(tasks.names())} every {interval:g}s; stop with SIGTERM or Ctrl+C.")
    try:
        tasks.run_forever(interval, stop)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    click.echo("Worker stopped.")
