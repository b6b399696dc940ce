"""Searches keep answering while another thread commits edits: a reader in use is never closed under it.

A school saving edits makes a new index generation on every commit, and the next search builds a snapshot
of it and replaces the old one. Before the old one's reader is closed, every search still using it must
have finished: a search that meets a closed reader answers the jobseeker with a 500.
"""

from __future__ import annotations

import threading
import time

from marketplace.extensions import db
from marketplace.search.api import VacancySearch, backend_for, find_vacancies
from marketplace.search.whoosh.engine import forget_snapshots
from marketplace.vacancies.models import Vacancy
from tests.factories import OrganisationFactory, VacancyFactory

SEARCHERS = 4
RUN_FOR = 3.0  # seconds
EDITS = 6  # commits at least
GIVE_UP_AFTER = 60.0  # seconds
# Each search asks for snippets, facets, a ranking and a spelling correction: every part reads the index.
SEARCHES = (
    VacancySearch(keywords="mathematics teacher"),
    VacancySearch(keywords="mathamatics"),
    VacancySearch(keywords="teacher", sort="newest", working_patterns=("full_time",)),
    VacancySearch(),
)


def test_searches_on_many_threads_never_meet_a_closed_reader_while_edits_commit(app):
    organisation = OrganisationFactory()
    listings = [
        VacancyFactory(organisation=organisation, published=True, title=f"Teacher of Mathematics {n}")
        for n in range(20)
    ]
    listing_ids = [listing.id for listing in listings]
    engine = backend_for(app)
    stop = threading.Event()
    failures: list[BaseException] = []
    answered = [0] * SEARCHERS
    edits = [0]

    def search(number: int) -> None:
        try:
            with app.app_context():
                while not stop.is_set():
                    for query in SEARCHES:
                        assert find_vacancies(query, backend=engine).total >= 0
                        answered[number] += 1
        except BaseException as error:  # handed to the test, which fails with it
            failures.append(error)
            stop.set()

    def edit() -> None:
        try:
            with app.app_context():
                while not stop.is_set():
                    vacancy = db.session.get(Vacancy, listing_ids[edits[0] % len(listing_ids)])
                    vacancy.about_role = f"Edit number {edits[0]}: we teach mathematics with enthusiasm."
                    db.session.commit()  # applies the change to the index: a new generation
                    edits[0] += 1
                db.session.remove()
        except BaseException as error:
            failures.append(error)
            stop.set()

    forget_snapshots()
    threads = [threading.Thread(target=search, args=(n,)) for n in range(SEARCHERS)]
    threads.append(threading.Thread(target=edit))
    for thread in threads:
        thread.start()
    started = time.monotonic()
    # At least RUN_FOR seconds and enough edits, however fast the machine: the edits take their
    # turn with the searching threads.
    while not stop.is_set() and time.monotonic() - started < GIVE_UP_AFTER:
        if time.monotonic() - started >= RUN_FOR and edits[0] >= EDITS:
            break
        time.sleep(0.05)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)

    assert not any(thread.is_alive() for thread in threads)
    assert not failures, f"a search failed while edits were committed: {failures[0]!r}"
    # The searches and the edits did run alongside each other.
    assert sum(answered) > SEARCHERS
    assert edits[0] >= EDITS
