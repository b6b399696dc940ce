"""The periodic tasks run by `marketplace worker`, in registration order, on every iteration.

Add a task with one call, in a module that `create_app` imports (your package's `cli.py` is imported when
the commands are registered, so it is a good home):

    from marketplace.worker import register_task

    @register_task("publish scheduled vacancies")
    def publish_scheduled_vacancies() -> int:
        published = vacancies.services.publish_due(now=utcnow())
        db.session.commit()
        return len(published)

The contract: a task takes no arguments, runs inside the app context, commits its own work, and returns
something truthy when it did work (a count, a report) or falsy when nothing was due. `marketplace worker`
starts the next iteration at once after work was done and waits `--interval` seconds otherwise; `--once`
repeats iterations until every task reports nothing done. A task that raises is logged and its session rolled
back; the tasks after it still run. Delivering the outbox is always the first task.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import overload

from marketplace.extensions import db
from marketplace.notifications.worker import deliver_due

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
