"""How far a long command has got, for the operator watching it: counts, rate and time left.

Drawn on one line of stderr when stderr is a terminal; silent otherwise (cron mails and log files get
the command's final summary only, not thousands of redrawn lines). Domain functions take a plain
`progress` callable; the commands pass `Progress.advance`.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import IO


def rate(count: int, seconds: float, unit: str) -> str:
    """'1,234 schools in 5.2 s (237 a second)'."""
    per_second = f" ({count / seconds:,.0f} a second)" if seconds >= 0.05 and count else ""
    return f"{count:,} {unit} in {seconds:.1f} s{per_second}"


class Progress:
    """A counter drawn as 'Importing schools: 12,000 of 50,000 (24%), 3,100 a second, about 12 s left'.

    Use as a context manager; `advance(n)` may be called from several threads. `total` may be None
    (unknown) or a little off (an estimate): the count is never shown above it as a percentage.
    """

    def __init__(
        self,
        label: str,
        total: int | None = None,
        *,
        unit: str = "",
        file: IO[str] | None = None,
        interactive: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
        every_seconds: float = 0.2,
    ):
        self.label = label
        self.total = total
        self.unit = unit
        self.file = file if file is not None else sys.stderr
        self.interactive = self.file.isatty() if interactive is None else interactive
        self.clock = clock
        self.every_seconds = every_seconds
        self.count = 0
        self.started = clock()
        self._drawn_at: float | None = None
        self._width = 0
        self._lock = threading.Lock()

    def __enter__(self) -> Progress:
        self.started = self.clock()
        return self

    def __exit__(self, *exc_info) -> None:
        if self.interactive and self._drawn_at is not None:
            self._draw(self.clock())
            self.file.write("\n")
            self.file.flush()

    @property
    def elapsed(self) -> float:
        return self.clock() - self.started

    def advance(self, count: int = 1) -> None:
        with self._lock:
            self.count += count
            if not self.interactive:
                return
            now = self.clock()
            if self._drawn_at is None or now - self._drawn_at >= self.every_seconds:
                self._draw(now)

    def line(self, now: float | None = None) -> str:
        seconds = (self.clock() if now is None else now) - self.started
        unit = f" {self.unit}" if self.unit else ""
        done = f"{self.count:,}{unit}"
        if self.total:
            shown = min(self.count, self.total)
            done = f"{shown:,} of {self.total:,}{unit} ({100 * shown // self.total}%)"
        parts = [f"{self.label}: {done}"]
        if seconds >= 0.05 and self.count:
            per_second = self.count / seconds
            parts.append(f"{per_second:,.0f} a second")
            if self.total and self.count < self.total:
                parts.append(f"about {(self.total - self.count) / per_second:,.0f} s left")
        return ", ".join(parts)

    def summary(self) -> str:
        """'12,000 schools in 5.2 s (2,308 a second)': for the command's last line."""
        return rate(self.count, self.elapsed, self.unit or "done")

    def _draw(self, now: float) -> None:
        text = self.line(now)
        # Carriage return, then spaces over whatever a longer earlier line left behind.
        self.file.write("\r" + text + " " * max(self._width - len(text), 0))
        self.file.flush()
        self._width = len(text)
        self._drawn_at = now
