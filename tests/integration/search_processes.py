"""What the replica robustness tests run in separate processes (python -m tests.integration.search_processes).

write CONFIG_JSON START_FILE NAME COUNT   wait for START_FILE, then publish COUNT listings and edit
                                         shared ones, one transaction each (each commit syncs the
                                         index, as a gunicorn worker does)
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from marketplace import create_app
from marketplace.extensions import db
from marketplace.vacancies.models import Vacancy
from tests.factories import VacancyFactory


def write(config: dict, start_file: Path, name: str, count: int) -> None:
    app = create_app(config)
    with app.app_context():
        shared = list(db.session.scalars(sa.select(Vacancy).order_by(Vacancy.id)))
        organisation = shared[0].organisation
        while not start_file.exists():  # both writers start together
            time.sleep(0.005)
        for number in range(count):
            retrying(publish, organisation, f"{name} {number}")
            retrying(setattr, shared[number % len(shared)], "title", f"Edited by {name} {number}")


def publish(organisation, title: str) -> None:
    VacancyFactory(organisation=organisation, title=title, published=True)


def retrying(change, *arguments) -> None:
    """Make a change and commit it, again if SQLite said the other writer held the database."""
    for _ in range(50):
        try:
            change(*arguments)
            db.session.commit()
            return
        except sa.exc.OperationalError:
            db.session.rollback()
            time.sleep(0.05)
    raise RuntimeError("the database stayed locked")


def main() -> None:
    command, config, *arguments = sys.argv[1:]
    if command == "write":
        start_file, name, count = arguments
        write(json.loads(config), Path(start_file), name, int(count))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main()
