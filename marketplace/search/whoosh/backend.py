"""`WhooshBackend`: the search port (marketplace.search.api.SearchBackend) answered by this node's own
Whoosh index folder, a replica of the database fed by the durable change log."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from marketplace.search.api import (
    AlertCriteria,
    AlertMatches,
    RebuildReport,
    SearchResult,
    SyncReport,
    VacancySearch,
    VerifyReport,
)
from marketplace.search.geo import Location
from marketplace.search.whoosh import matching, replica
from marketplace.search.whoosh.engine import (
    _latest_generation,
    is_searched,
    next_generation_prepared,
    read_latest,
    snapshot_in_use,
)
from marketplace.search.whoosh.index import SearchIndex, read_bookmark
from marketplace.search.whoosh.query import run_search
from marketplace.search.whoosh.schema import Bookmark
from marketplace.vacancies.models import Vacancy

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WhooshBackend:
    """One node's index replica (SEARCH_INDEX_PATH) and how many processes rebuild it."""

    index: SearchIndex
    rebuild_processes: int = 1

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> WhooshBackend:
        return cls(SearchIndex.from_config(config), int(config.get("SEARCH_REBUILD_PROCESSES") or 1))

    @property
    def where(self) -> str:
        return str(self.index.path)

    def find(
        self,
        search: VacancySearch,
        *,
        now: dt.datetime,
        location: Location | None = None,
        snippets: bool = True,
    ) -> SearchResult:
        # The result is complete (ids, highlights, facets) before the snapshot is let go.
        with snapshot_in_use(self.index.path, self.index.open) as snapshot:
            return run_search(snapshot, search, now=now, location=location, snippets=snippets)

    def match(
        self, listings: Sequence[Vacancy], criteria: Iterable[AlertCriteria], *, now: dt.datetime
    ) -> AlertMatches:
        return matching.match(listings, criteria, now=now)

    def apply_pending_changes(self, session: Session) -> SyncReport:
        if not is_searched(self.index.path):
            return replica.sync(self.index, session)
        # In a process that searches, the new generation's arrays are built here, by the thread that
        # committed it (the change log's follower, or the request that published) or, if another
        # process on the node committed it first, that saw it; a search meanwhile waits for them
        # rather than building them too.
        with next_generation_prepared(self.index.path):
            report = replica.sync(self.index, session, bookmark=self._searched_bookmark())
            try:
                with snapshot_in_use(self.index.path, self.index.open):
                    pass
            except Exception:  # the changes are applied; the next search will try again
                logger.warning("Reading the new search index generation failed", exc_info=True)
        return report

    def read_latest(self) -> bool:
        return read_latest(self.index.path, self.index.open)

    def _searched_bookmark(self) -> Bookmark | None:
        """The bookmark of the latest generation, from the snapshot this process searches."""
        try:
            with snapshot_in_use(self.index.path, self.index.open) as snapshot:
                return read_bookmark(snapshot.searcher)
        except Exception:  # the sync reads the index itself, and raises what is wrong with it
            logger.debug("Reading the bookmark from the searched generation failed", exc_info=True)
            return None

    def rebuild(self, session: Session, *, progress: Callable[[int], object] | None = None) -> RebuildReport:
        return replica.rebuild(self.index, session, processes=self.rebuild_processes, progress=progress)

    def verify(self, session: Session) -> VerifyReport:
        return replica.verify(self.index, session)

    def applied_change_id(self) -> int | None:
        # Asked on every cacheable page: opening the index each time costs milliseconds, listing its
        # folder for the table of contents' generation costs microseconds, so the bookmark is read
        # again only when the index has moved to a new generation.
        key = str(self.index.path)
        generation = _latest_generation(self.index.path)
        with _applied_lock:
            known = _applied.get(key)
        if known is not None and known[0] == generation:
            return known[1]
        bookmark = self.index.bookmark()
        applied = bookmark.last_change_id if bookmark else None
        with _applied_lock:
            _applied[key] = (generation, applied)
        return applied


# Index folder -> (the generation its table of contents had, the change id its bookmark held then).
_applied: dict[str, tuple[int, int | None]] = {}
_applied_lock = threading.Lock()


def current_index() -> SearchIndex:
    """The current app's local index replica (for tests and tools that work on the folder itself)."""
    return SearchIndex.from_config(current_app.config)
