"""Building a whole index from the database, in one process or in several at once.

Indexing is pure Python and bound to one core, so a large rebuild splits the published vacancies into
contiguous id ranges: this process indexes the first range while worker processes index the others,
each into a folder of its own, and the index is the union of their segments (see SearchIndex.swap_in).
Scores do not depend on how documents are split into segments: Whoosh takes term statistics and field
lengths across the whole index.

A worker is a plain Python process running main(), which reads its task from stdin: nothing is shared
with the process that started it. Should that process die (kill -9 included), each worker notices that
its parent changed and stops at its next listing: none is left running or waiting.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import FieldType
from whoosh.writing import IndexWriter, SegmentWriter

from marketplace.db import without_cycle_collection
from marketplace.organisations.models import Organisation
from marketplace.search.api import RebuildFailed
from marketplace.search.whoosh import companion
from marketplace.search.whoosh.index import INDEX_NAME
from marketplace.search.whoosh.schema import SCHEMA, vacancy_document
from marketplace.vacancies.lifecycle import PUBLIC_STATUSES
from marketplace.vacancies.models import Vacancy

LOAD_BATCH = 500
# Told how many more vacancies were indexed (the CLI draws it); called from several threads at once.
Progress = Callable[[int], object]
# A worker's line on stdout saying it indexed that many more; its last line is its total.
PROGRESS_PREFIX = "+"
# Each process's postings pool spills to disk beyond this, and sorting the spilled runs back together
# costs a quarter of the time: 1 GB holds the postings of about 80,000 listings.
MEMORY_MB_PER_PROCESS = 1024
# Starting a worker costs about a second of imports: below this many listings a range is not worth one.
MINIMUM_PER_PROCESS = 1000
# Fields whose text is new with almost every listing: analysed each time. The others repeat from
# listing to listing (a school's name, its salary wording, common titles, every filter's terms) and
# each distinct value is analysed once per process, up to this many values per field.
UNIQUE_FIELDS = frozenset({"id", "body"})
ANALYSED_VALUES_PER_FIELD = 20_000


def rebuild_codec() -> W3Codec:
    """Whoosh's codec, without the shortest and longest field length of each block of postings.

    Whoosh reads every posting's field length back from disk to record them (a tenth of a rebuild),
    and only uses them to skip blocks when it collects a top N; the engine scores every match (see
    engine.Snapshot.ranking). Without them a block's score bound is computed for the shortest possible
    field, which stays a true upper bound. Set on the instance, so the segments (which keep their
    codec) record a plain W3Codec.
    """
    codec = W3Codec()
    codec.length_stats = False
    return codec


@contextmanager
def analysed_once(writer: SegmentWriter) -> Iterator[None]:
    """While the block runs, the writer analyses each distinct value of a repeating field once.

    The writer indexes through a copy of its schema whose repeating fields remember their terms; the
    schema it commits (and records in the index) is its own, unchanged.
    """
    schema = writer.schema
    remembering = copy.copy(schema)
    remembering._fields = {
        name: field if name in UNIQUE_FIELDS or not field.indexed else _remembering_terms(field)
        for name, field in schema._fields.items()
    }
    writer.schema = remembering
    try:
        yield
    finally:
        writer.schema = schema


def _remembering_terms(field: FieldType) -> FieldType:
    """A copy of the field whose `index` remembers the terms of each text value it analyses."""
    analyse = field.index
    terms: dict[str, list[tuple]] = {}

    def index(value, **options):
        if options or not isinstance(value, str):
            return analyse(value, **options)
        found = terms.get(value)
        if found is None:
            found = list(analyse(value))  # (term bytes, frequency, weight, encoded positions)
            if len(terms) < ANALYSED_VALUES_PER_FIELD:
                terms[value] = found
        return found

    remembering = copy.copy(field)
    remembering.index = index
    return remembering


class BuildFailed(RebuildFailed):
    """A worker process did not finish its part of the index."""


def published_query() -> sa.Select:
    return (
        sa.select(Vacancy)
        .where(Vacancy.status.in_(PUBLIC_STATUSES))
        .options(
            selectinload(Vacancy.organisation).selectinload(Organisation.trust),
            selectinload(Vacancy.additional_schools),
        )
        .execution_options(populate_existing=True)
    )


# The first and last vacancy id of a range, inclusive; None as the last means no end.
IdRange = tuple[int, int | None]


def all_published_vacancies(session: Session, id_range: IdRange | None = None) -> Iterable[Vacancy]:
    """Every vacancy the index should hold (only those in `id_range`, if given), in batches."""
    query = published_query().order_by(Vacancy.id).execution_options(yield_per=LOAD_BATCH)
    if id_range is not None:
        first, last = id_range
        query = query.where(Vacancy.id >= first)
        if last is not None:
            query = query.where(Vacancy.id <= last)
    return session.scalars(query)


def add_published(
    writer: IndexWriter,
    session: Session,
    id_range: IdRange | None = None,
    *,
    still_wanted: Callable[[], bool] = lambda: True,
    progress: Progress | None = None,
) -> int:
    """Add the published vacancies to a writer; returns how many. Stops early (BuildFailed) once
    `still_wanted()` turns false. `progress(n)` is told of every LOAD_BATCH added, and of the rest."""
    count = 0
    for vacancy in all_published_vacancies(session, id_range):
        if not still_wanted():
            raise BuildFailed("the rebuild this part belonged to has stopped")
        writer.add_document(**vacancy_document(vacancy))
        count += 1
        if progress is not None and count % LOAD_BATCH == 0:
            progress(LOAD_BATCH)
    if progress is not None and count % LOAD_BATCH:
        progress(count % LOAD_BATCH)
    return count


@dataclass(frozen=True)
class Part:
    """A range of vacancy ids and the folder its index is built in."""

    folder: Path
    id_range: IdRange


def plan_parts(ids: Sequence[int], folder: Path, processes: int) -> list[Part]:
    """Split ascending vacancy ids into at most `processes` contiguous ranges of similar size, with at
    least MINIMUM_PER_PROCESS ids each. The ranges cover every id, so a listing published meanwhile
    lands in one of them; the first is built in `folder` itself, the others in subfolders."""
    count = max(1, min(processes, len(ids) // MINIMUM_PER_PROCESS))
    starts = [0, *(ids[len(ids) * number // count] for number in range(1, count))]
    ends = [*(start - 1 for start in starts[1:]), None]
    return [
        Part(folder if number == 0 else folder / f"part-{number}", (start, end))
        for number, (start, end) in enumerate(zip(starts, ends, strict=True))
    ]


def build_index(
    folder: Path,
    session: Session,
    *,
    extra_documents: Sequence[dict],
    processes: int = 1,
    progress: Progress | None = None,
) -> tuple[list[Path], int]:
    """Index every published vacancy, plus `extra_documents`, into new indexes under `folder`.

    Returns the folders of the parts (their segments together make the index) and the vacancy count.
    Only databases other processes can open are split: an in-memory SQLite database is built here.
    """
    url = session.get_bind().engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        processes = 1
    ids = session.scalars(
        sa.select(Vacancy.id).where(Vacancy.status.in_(PUBLIC_STATUSES)).order_by(Vacancy.id)
    ).all()
    first, *others = plan_parts(ids, folder, processes)
    workers = [_start_worker(url, part) for part in others]
    # Each worker's stdout is read as it is written, so its progress shows while this process works.
    readers = [_WorkerOutput(worker, progress) for worker in workers]
    try:
        count = _build_part(first, session, extra_documents, progress=progress)
        for part, worker, reader in zip(others, workers, readers, strict=True):
            count += _result_of(worker, part, reader)
    finally:
        for worker in workers:
            if worker.poll() is None:  # this process failed first: the other parts are not needed
                worker.kill()
            worker.wait()
        for reader in readers:
            reader.join()
    return [part.folder for part in (first, *others)], count


def _build_part(
    part: Part,
    session: Session,
    extra_documents: Sequence[dict] = (),
    still_wanted: Callable[[], bool] = lambda: True,
    progress: Progress | None = None,
) -> int:
    part.folder.mkdir(parents=True, exist_ok=True)
    # One writer, one segment: its postings pool spills to disk only beyond MEMORY_MB_PER_PROCESS.
    index = whoosh_index.create_in(part.folder, SCHEMA, INDEX_NAME)
    writer = index.writer(limitmb=MEMORY_MB_PER_PROCESS, codec=rebuild_codec())
    # The postings pool holds millions of objects: each collection would walk them all (the same peak
    # memory for 50,000 listings without).
    with without_cycle_collection():
        try:
            with analysed_once(writer):
                count = add_published(
                    writer, session, part.id_range, still_wanted=still_wanted, progress=progress
                )
                for document in extra_documents:
                    writer.add_document(**document)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
    # Decode what searches read first once, here, for every process that opens the index (see
    # companion.py).
    with index.reader() as reader:
        for segment_reader, _ in reader.leaf_readers():
            companion.write_for(part.folder, segment_reader)
    return count


def _start_worker(url: sa.URL, part: Part) -> subprocess.Popen:
    task = {
        "database_url": url.render_as_string(hide_password=False),  # through a pipe, never in argv
        "folder": str(part.folder),
        "id_range": part.id_range,
        "parent": os.getpid(),
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", "from marketplace.search.whoosh.build import main; main()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert worker.stdin is not None
    worker.stdin.write(json.dumps(task).encode())
    worker.stdin.close()
    return worker


class _WorkerOutput(threading.Thread):
    """Reads a worker's stdout: passes its progress lines on, and keeps its last line (the total)."""

    def __init__(self, worker: subprocess.Popen, progress: Progress | None):
        super().__init__(daemon=True)
        self.worker, self.progress, self.last = worker, progress, ""
        self.start()

    def run(self) -> None:
        assert self.worker.stdout is not None
        with self.worker.stdout:
            for raw in self.worker.stdout:
                line = raw.decode().strip()
                if line.startswith(PROGRESS_PREFIX):
                    if self.progress is not None:
                        self.progress(int(line.removeprefix(PROGRESS_PREFIX)))
                elif line:
                    self.last = line


def _result_of(worker: subprocess.Popen, part: Part, reader: _WorkerOutput) -> int:
    reader.join()
    if worker.wait() != 0:
        first, last = part.id_range
        ids = f"{first} onwards" if last is None else f"{first} to {last}"
        raise BuildFailed(
            f"Indexing vacancies {ids} failed (exit status {worker.returncode}); its error is above."
        )
    return int(reader.last)


def main() -> None:
    """A worker: build the part described on stdin, then print how many vacancies it holds."""
    # Every model a vacancy's relationships name, mapped before the first query (search sits above the core).
    import marketplace.accounts.models
    import marketplace.organisations.models
    import marketplace.vacancies.models  # noqa: F401

    task = json.load(sys.stdin)
    parent = task["parent"]
    engine = sa.create_engine(task["database_url"])
    try:
        with Session(engine) as session:
            part = Part(Path(task["folder"]), tuple(task["id_range"]))
            count = _build_part(
                part,
                session,
                still_wanted=lambda: os.getppid() == parent,
                progress=lambda added: print(f"{PROGRESS_PREFIX}{added}", flush=True),
            )
    except BuildFailed as error:
        raise SystemExit(str(error)) from None
    finally:
        engine.dispose()
    print(count)
