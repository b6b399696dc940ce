"""The candidate index: a second Whoosh index folder beside the listings' own, a replica of the
jobseekers who let schools find them, fed by the candidate change log (search/changes.py) the way the
listings' index is fed by theirs.

Each document holds what a school may search on (preferences, qualification subjects and job titles,
a point and how far the person would travel) and the organisations that must never see it. Candidate
pools are small next to listings, so distances and facet counts are worked out over the matching
documents' stored values rather than with the listings engine's bitsets.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload
from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import _DEF_INDEX_NAME, EmptyIndexError, FileIndex, LockError
from whoosh.query import And, Not, Or, Query, Term
from whoosh.searching import Searcher
from whoosh.util.filelock import try_for
from whoosh.writing import IndexWriter

from marketplace.applications.candidates import CandidatePreferences, findable_condition, searchable_text
from marketplace.applications.models import JobseekerProfile
from marketplace.db import utcnow
from marketplace.search.api import CandidateResult, CandidateSearch, SearchBusy, SearchUnavailable, SyncReport
from marketplace.search.changes import IN_FLIGHT_GRACE, advance_bookmark, settled_change_id
from marketplace.search.geo import Point, distance_metres, miles
from marketplace.search.models import CandidateChange
from marketplace.search.whoosh.analysis import TEXT_ANALYZER, search_terms

SCHEMA_VERSION = 1  # raise it when a document's fields change: a rebuild then refills the index
CANDIDATE_KIND = "candidate"
BOOKMARK_ID = "bookmark"
_WRITE_LOCK = f"{_DEF_INDEX_NAME}_WRITELOCK"  # the lock Whoosh's writer takes
_OPEN_ATTEMPTS = 5
LISTS = ("job_roles", "phases", "subjects", "working_patterns")


def _schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        # Whose document it is: a change names the person, whose preferences may be gone with the account.
        user=ID,
        text=TEXT(analyzer=TEXT_ANALYZER),
        job_roles=KEYWORD(stored=True, commas=True, lowercase=True),
        phases=KEYWORD(stored=True, commas=True, lowercase=True),
        subjects=KEYWORD(stored=True, commas=True, lowercase=True),
        working_patterns=KEYWORD(stored=True, commas=True, lowercase=True),
        excluded=KEYWORD(commas=True),
        latitude=STORED,
        longitude=STORED,
        radius=STORED,
        updated=STORED,
        fingerprint=STORED,
        last_change_id=STORED,
        schema_version=STORED,
    )


SCHEMA = _schema()


def candidate_document(preferences: CandidatePreferences, profile: JobseekerProfile | None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": str(preferences.id),
        "kind": CANDIDATE_KIND,
        "user": str(preferences.user_id),
        "text": " ".join([searchable_text(profile), *preferences.subjects]),
        **{name: ",".join(value.lower() for value in getattr(preferences, name)) for name in LISTS},
        "excluded": ",".join(str(organisation.id) for organisation in preferences.excluded_organisations),
        "latitude": preferences.latitude,
        "longitude": preferences.longitude,
        "radius": preferences.radius,
        "updated": preferences.updated_at.timestamp(),
    }
    canonical = json.dumps([SCHEMA_VERSION, document], sort_keys=True, ensure_ascii=False)
    document["fingerprint"] = hashlib.sha256(canonical.encode()).hexdigest()[:20]
    return document


def _profiles(session: Session, found: list[CandidatePreferences]) -> dict[int, JobseekerProfile]:
    user_ids = [preferences.user_id for preferences in found]
    if not user_ids:
        return {}
    query = sa.select(JobseekerProfile).where(JobseekerProfile.user_id.in_(user_ids))
    return {profile.user_id: profile for profile in session.scalars(query)}


def _documents(session: Session, found: list[CandidatePreferences]) -> list[dict[str, Any]]:
    profiles = _profiles(session, found)
    return [candidate_document(preferences, profiles.get(preferences.user_id)) for preferences in found]


def _findable(session: Session, user_ids: Iterable[int] | None = None) -> list[CandidatePreferences]:
    query = (
        sa.select(CandidatePreferences)
        .options(joinedload(CandidatePreferences.excluded_organisations))
        .where(findable_condition())
        .order_by(CandidatePreferences.id)
    )
    if user_ids is not None:
        query = query.where(CandidatePreferences.user_id.in_(list(user_ids)))
    return list(session.scalars(query).unique())


@dataclass(frozen=True)
class CandidateDifferences:
    missing: list[int]  # findable candidates (preferences ids) the index does not hold
    unexpected: list[int]  # indexed candidates who are no longer findable
    pending_changes: int

    @property
    def in_sync(self) -> bool:
        return not (self.missing or self.unexpected)


@dataclass(frozen=True)
class CandidateIndex:
    """This node's candidate index folder, and how long to wait for its write lock."""

    path: Path
    write_timeout: float = 10.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> CandidateIndex:
        listings = Path(config["SEARCH_INDEX_PATH"])
        return cls(listings.with_name(listings.name + "-candidates"), float(config["SEARCH_WRITE_TIMEOUT"]))

    @property
    def where(self) -> str:
        return str(self.path)

    def open(self) -> FileIndex:
        """The index, created empty on first use; SearchUnavailable if it cannot be read."""
        # The problem's name only: kept, the exception's traceback would keep the file Whoosh leaves
        # open when it cannot read its table of contents until a cycle collection closed it.
        problem = ""
        for attempt in range(_OPEN_ATTEMPTS):
            try:
                return whoosh_index.open_dir(self.path)
            except EmptyIndexError:
                return self._create()
            except FileNotFoundError:
                # Another thread or process committed between our reading the table of contents and
                # its files (a merge deletes the segments it replaced): the next generation is whole.
                problem = FileNotFoundError.__name__
                time.sleep(0.01 * (attempt + 1))
            except Exception as error:
                problem = type(error).__name__
                break
        raise SearchUnavailable(
            f"The candidate index at {self.path} cannot be read ({problem}); "
            "run `marketplace search rebuild`."
        )

    def _create(self) -> FileIndex:
        self.path.mkdir(parents=True, exist_ok=True)
        # Under the write lock: a follower and a search creating it at once would delete each other's files.
        lock = FileStorage(str(self.path)).lock(_WRITE_LOCK)
        if not try_for(lock.acquire, timeout=self.write_timeout, delay=0.05):
            raise SearchBusy(f"The candidate index at {self.path} is locked by another writer")
        try:
            if not whoosh_index.exists_in(self.path):
                whoosh_index.create_in(self.path, SCHEMA)
        finally:
            lock.release()
        return whoosh_index.open_dir(self.path)

    @contextmanager
    def _searcher(self) -> Iterator[Searcher]:
        """A searcher of the latest generation, opened again if a commit removed its files meanwhile."""
        for attempt in range(_OPEN_ATTEMPTS):
            try:
                searcher = self.open().searcher()
            except FileNotFoundError:
                if attempt + 1 == _OPEN_ATTEMPTS:
                    raise SearchUnavailable(
                        f"The candidate index at {self.path} cannot be read; "
                        "run `marketplace search rebuild`."
                    ) from None
                time.sleep(0.01 * (attempt + 1))
                continue
            with searcher:
                yield searcher
            return

    def _writer(self) -> IndexWriter:
        try:
            return self.open().writer(timeout=self.write_timeout)
        except LockError:
            raise SearchBusy(f"The candidate index at {self.path} is locked by another writer") from None

    def bookmark(self) -> int | None:
        with self._searcher() as searcher:
            stored = searcher.document(id=BOOKMARK_ID)
        if not stored or stored.get("schema_version") != SCHEMA_VERSION:
            return None
        return int(stored["last_change_id"])

    # --- Keeping it in step -------------------------------------------------------------------

    def sync(self, session: Session, *, now: dt.datetime | None = None) -> SyncReport:
        """Apply the candidate changes the index has not applied yet (all of them, for a new index)."""
        now = now or utcnow()
        if not self._current():
            raise SearchUnavailable(
                f"The candidate index at {self.path} was built for another version; "
                "run `marketplace search rebuild`."
            )
        last = self.bookmark()
        if last is not None and not session.scalar(
            sa.select(sa.func.count()).where(CandidateChange.id > last)
        ):
            return SyncReport(applied=0, vacancies=0, last_change_id=last)
        writer = self._writer()
        try:
            if last is None:
                report = self._reload(writer, session, now)
            else:
                report = self._apply(writer, session, last, now)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return report

    def _apply(self, writer: IndexWriter, session: Session, last: int, now: dt.datetime) -> SyncReport:
        changes = session.execute(
            sa.select(CandidateChange.id, CandidateChange.user_id, CandidateChange.created_at)
            .where(CandidateChange.id > last)
            .order_by(CandidateChange.id)
        ).all()
        user_ids = list(dict.fromkeys(change.user_id for change in changes))
        findable = {preferences.user_id: preferences for preferences in _findable(session, user_ids)}
        # Anyone changed who is not findable now (opted out, account gone) leaves the index.
        for user_id in user_ids:
            if user_id not in findable:
                writer.delete_by_term("user", str(user_id))
        for document in _documents(session, list(findable.values())):
            writer.update_document(**document)
        bookmark = advance_bookmark(
            last, [(change.id, change.created_at) for change in changes], now - IN_FLIGHT_GRACE
        )
        writer.update_document(**self._bookmark(bookmark))
        return SyncReport(applied=len(changes), vacancies=len(user_ids), last_change_id=bookmark)

    def _reload(self, writer: IndexWriter, session: Session, now: dt.datetime) -> SyncReport:
        # The position is read before the rows: changes committed meanwhile are applied (again) next time.
        bookmark = settled_change_id(session, now, log=CandidateChange)
        writer.delete_by_term("kind", CANDIDATE_KIND)
        found = _findable(session)
        for document in _documents(session, found):
            writer.add_document(**document)
        writer.update_document(**self._bookmark(bookmark))
        return SyncReport(applied=0, vacancies=len(found), last_change_id=bookmark, reloaded=True)

    def rebuild(self, session: Session, *, now: dt.datetime | None = None) -> SyncReport:
        """Recreate the index from the database in one commit: searches see the old documents until
        then. A damaged index, or one of another schema, is replaced by a new one first."""
        if not self._current():
            self.path.mkdir(parents=True, exist_ok=True)
            whoosh_index.create_in(self.path, SCHEMA)
        writer = self._writer()
        try:
            report = self._reload(writer, session, now or utcnow())
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return report

    def _current(self) -> bool:
        try:
            return set(self.open().schema.names()) == set(SCHEMA.names())
        except SearchUnavailable:
            return False

    def verify(self, session: Session) -> CandidateDifferences:
        """Who is findable in the database but missing from the index, and who is indexed but no longer
        findable; with the changes logged since the index's position (a sync may settle those)."""
        last = self.bookmark()
        findable = set(session.scalars(sa.select(CandidatePreferences.id).where(findable_condition())))
        indexed = self.indexed_ids()
        pending = session.scalar(
            sa.select(sa.func.count()).where(CandidateChange.id > (last if last is not None else 0))
        )
        return CandidateDifferences(
            missing=sorted(findable - indexed),
            unexpected=sorted(indexed - findable),
            pending_changes=pending or 0,
        )

    def indexed_ids(self) -> set[int]:
        with self._searcher() as searcher:
            return {int(doc["id"]) for doc in searcher.documents(kind=CANDIDATE_KIND)}

    @staticmethod
    def _bookmark(last_change_id: int) -> dict[str, Any]:
        return {
            "id": BOOKMARK_ID,
            "kind": "bookmark",
            "last_change_id": last_change_id,
            "schema_version": SCHEMA_VERSION,
        }

    # --- Searching -----------------------------------------------------------------------------

    def find(
        self, search: CandidateSearch, *, organisation_ids: Iterable[int], point: Point | None
    ) -> CandidateResult:
        """One page of candidate ids matching `search`, never one that hides from `organisation_ids`."""
        query: Query = Term("kind", CANDIDATE_KIND)
        terms = search_terms(search.keywords) if search.keywords else []
        if terms:
            query = And([query, *(Term("text", term) for term in terms)])
        filters: dict[str, Query] = {}
        for name in LISTS:
            values = getattr(search, name)
            if values:
                filters[name] = Or([Term(name, value.lower()) for value in values])
        hidden = [Term("excluded", str(i)) for i in organisation_ids]
        with self._searcher() as searcher:
            everything = And([query, *filters.values()]) if filters else query
            if hidden:
                everything = And([everything, Not(Or(hidden))])
            hits = searcher.search(everything, limit=None)
            found = [(hit.fields(), hit.score) for hit in hits]
            facets = self._facets(searcher, query, filters, hidden, point, search.radius)
        distances: dict[int, float] = {}
        matching = []
        for fields, score in found:
            if point is not None:
                distance = self._distance(fields, point)
                if distance is None or distance > search.radius + (fields.get("radius") or 0):
                    continue
                distances[int(fields["id"])] = round(distance, 1)
            matching.append((fields, score))
        if terms:
            matching.sort(key=lambda pair: -pair[1])
        elif point is not None:
            matching.sort(key=lambda pair: distances[int(pair[0]["id"])])
        else:
            matching.sort(key=lambda pair: -(pair[0].get("updated") or 0))
        start = (search.page - 1) * search.per_page
        page = [int(fields["id"]) for fields, _ in matching[start : start + search.per_page]]
        return CandidateResult(
            ids=page,
            total=len(matching),
            page=search.page,
            per_page=search.per_page,
            facets=facets,
            distances={i: distances[i] for i in page if i in distances},
        )

    @staticmethod
    def _distance(fields: dict[str, Any], point: Point) -> float | None:
        if fields.get("latitude") is None or fields.get("longitude") is None:
            return None
        return miles(distance_metres(point, Point(fields["latitude"], fields["longitude"])))

    def _facets(
        self,
        searcher,
        query: Query,
        filters: dict[str, Query],
        hidden: list[Query],
        point: Point | None,
        radius: int,
    ) -> dict[str, dict[str, int]]:
        """Per filter, how many candidates each value would give with the other filters as they are
        (as the job search's facets count)."""
        facets: dict[str, dict[str, int]] = {}
        for name in LISTS:
            others = [q for other, q in filters.items() if other != name]
            combined = And([query, *others]) if others else query
            if hidden:
                combined = And([combined, Not(Or(hidden))])
            counts: dict[str, int] = {}
            for hit in searcher.search(combined, limit=None):
                fields = hit.fields()
                if point is not None:
                    distance = self._distance(fields, point)
                    if distance is None or distance > radius + (fields.get("radius") or 0):
                        continue
                for value in filter(None, (fields.get(name) or "").split(",")):
                    counts[value] = counts.get(value, 0) + 1
            facets[name] = counts
        return facets
