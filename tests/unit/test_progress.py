"""Progress of a long command: drawn on a terminal with counts and rate, silent elsewhere."""

import io

from marketplace.progress import Progress, rate


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_on_a_terminal_the_line_shows_how_far_how_fast_and_how_long_is_left():
    clock, screen = Clock(), io.StringIO()
    with Progress(
        "Importing schools", 50_000, unit="rows", file=screen, interactive=True, clock=clock
    ) as bar:
        clock.now += 4
        bar.advance(12_000)
        clock.now += 0.1  # redrawn at most five times a second
        bar.advance(1)

    lines = screen.getvalue().split("\r")
    assert (
        lines[1].strip() == "Importing schools: 12,000 of 50,000 rows (24%), 3,000 a second, about 13 s left"
    )
    assert lines[-1].startswith("Importing schools: 12,001 of 50,000 rows (24%)")
    assert len(lines) == 3
    assert screen.getvalue().endswith("\n")
    assert bar.summary() == "12,001 rows in 4.1 s (2,927 a second)"


def test_off_a_terminal_nothing_is_drawn():
    screen = io.StringIO()  # not a terminal
    with Progress("Sending alerts", 3, file=screen) as bar:
        bar.advance(3)
    assert screen.getvalue() == ""
    assert bar.count == 3


def test_an_estimate_below_the_count_never_shows_more_than_all_of_it():
    clock = Clock()
    bar = Progress("Indexing", 10, unit="vacancies", file=io.StringIO(), interactive=True, clock=clock)
    clock.now += 1
    bar.advance(12)
    assert bar.line() == "Indexing: 10 of 10 vacancies (100%), 12 a second"


def test_a_rate_needs_time_to_be_measured():
    assert rate(0, 0.0, "alerts") == "0 alerts in 0.0 s"
    assert rate(1_500, 3.0, "alerts") == "1,500 alerts in 3.0 s (500 a second)"
