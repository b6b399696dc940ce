"""`marketplace worker`, and the periodic tasks it runs, in registration order, on every iteration.

The tasks live with their domain (vacancies/tasks.py, alerts/cli.py, ...); this module, above every
domain, registers them with one line each at its end, so no domain package imports the worker:

    register_task("publish scheduled vacancies", vacancy_tasks.publish_scheduled_vacancies)

The contract: a task takes no arguments, runs inside the app context, commits its own work, and returns
something truthy when it did work (a count, a report) or falsy when nothing was due. `marketplace worker`
starts the next iteration at once after work was done and waits `--interval` seconds otherwise; `--once`
repeats iterations until every task reports nothing done. A task that raises is logged and its session rolled
back; the tasks after it still run. Delivering the outbox is always the first task.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import FrameType
from typing import overload

import click
from flask.cli import with_appcontext

from marketplace.alerts.cli import remind_saved_jobs
from marketplace.applications.references import send_reminders as remind_referees
from marketplace.applications.summaries import send_due_summaries
from marketplace.extensions import db
from marketplace.notifications.worker import deliver_due
from marketplace.unit_of_work import unit_of_work
from marketplace.vacancies import tasks as vacancy_tasks

logger = logging.getLogger(__name__)

Task = Callable[[], object]


@dataclass(frozen=True)
class TaskOutcome:
    """What one task did in one iteration: its return value, or the exception it raised."""

    name: str
    result: object = None
    error: Exception | None = None

    @property
    def did_work(self) -> bool:
        return self.error is None and bool(self.result)


class TaskRegistry:
    """Named tasks in the order they were registered."""

    def __init__(self) -> None:
        self._tasks: dict[str, Task] = {}

    @overload
    def register(self, name: str) -> Callable[[Task], Task]: ...

    @overload
    def register(self, name: str, task: Task) -> Task: ...

    def register(self, name: str, task: Task | None = None) -> Task | Callable[[Task], Task]:
        """Add `task` under `name` (or decorate it). Registering a name again replaces its task in place."""
        if task is None:
            return lambda function: self.register(name, function)
        self._tasks[name] = task
        return task

    def __iter__(self) -> Iterator[tuple[str, Task]]:
        return iter(list(self._tasks.items()))

    def names(self) -> list[str]:
        return list(self._tasks)

    def run_iteration(self) -> list[TaskOutcome]:
        """Run every task once, each isolated from the others' failures. Needs an app context."""
        outcomes = []
        for name, task in self:
            try:
                outcome = TaskOutcome(name, result=task())
            except Exception as error:
                logger.exception("Periodic task %r failed", name)
                outcome = TaskOutcome(name, error=error)
            finally:
                # Whatever a task left uncommitted (after a failure, say) must not leak into the next one.
                db.session.remove()
            outcomes.append(outcome)
        return outcomes

    def run_until_idle(self, max_iterations: int = 1000) -> list[TaskOutcome]:
        """Repeat iterations until no task did any work; every outcome that did work or failed, in order."""
        reported: list[TaskOutcome] = []
        for _ in range(max_iterations):
            outcomes = self.run_iteration()
            reported.extend(outcome for outcome in outcomes if outcome.did_work or outcome.error)
            if not any(outcome.did_work for outcome in outcomes):
                break
        else:
            logger.warning("Still busy after %s iterations; stopping anyway", max_iterations)
        return reported

    def run_forever(self, interval: float, stop: threading.Event) -> None:
        """Iterate until `stop` is set, which is checked between iterations, never during one."""
        while not stop.is_set():
            outcomes = self.run_iteration()
            if not any(outcome.did_work for outcome in outcomes):
                stop.wait(interval)


#: The tasks of `marketplace worker`.
tasks = TaskRegistry()
register_task = tasks.register

register_task("deliver email", deliver_due)
register_task("remind saved jobs closing soon", remind_saved_jobs)
register_task("publish scheduled vacancies", vacancy_tasks.publish_scheduled_vacancies)
register_task("expire closed vacancies", vacancy_tasks.expire_closed_vacancies)


@register_task("send daily summaries of new applications")
def send_daily_summaries() -> int:
    with unit_of_work():
        return send_due_summaries()


@register_task("remind referees who have not answered")
def send_referee_reminders() -> int:
    with unit_of_work():
        return remind_referees()


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
