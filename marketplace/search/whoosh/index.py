"""The local Whoosh index folder: opened (or created) on demand, written under its lock, swapped whole.

Every writer takes the index's own write lock (`ix.writer(timeout=…)`), shared by all processes on the
node, so two workers never interleave their changes. There is deliberately no AsyncWriter: it hands the
write to a thread that dies with its worker process.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile
from whoosh.index import TOC, EmptyIndexError, FileIndex, LockError, clean_files
from whoosh.searching import Searcher
from whoosh.util.filelock import try_for
from whoosh.writing import IndexWriter

from marketplace.search.api import SearchBusy, SearchUnavailable
from marketplace.search.whoosh.schema import BOOKMARK_ID, SCHEMA, SCHEMA_VERSION, Bookmark


def _cache_missing_length_columns() -> None:
    """Make Whoosh remember that a field has no length column, as it remembers one that has.

    Whoosh 2.7.5 looks up the field-length column of every posting it writes and caches only the
    columns it finds: for each posting of an unscored field (ids, filter keywords) it asks the file
    system again, which was a third of a rebuild's time. A segment's files never change once
    written, so the answer can be kept for the reader's lifetime.
    """
    original = W3PerDocReader._cached_reader
    if getattr(original, "caches_missing", False):
        return

    def cached_reader(self, fieldname, column):
        if fieldname not in self._readers:
            self._readers[fieldname] = original(self, fieldname, column)
        return self._readers[fieldname]

    cached_reader.caches_missing = True  # type: ignore[attr-defined]
    W3PerDocReader._cached_reader = cached_reader


_cache_missing_length_columns()


class _BufferStream:
    """A read-only stream over a buffer (a file inside a segment, memory-mapped) that reads it in
    place: BytesIO, which Whoosh uses, copies the whole buffer first."""

    def __init__(self, buffer: Any):
        self._buffer = buffer
        self._position = 0

    def read(self, size: int | None = -1) -> bytes:
        end = len(self._buffer) if size is None or size < 0 else self._position + size
        data = bytes(self._buffer[self._position : end])
        self._position += len(data)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        rest = bytes(self._buffer[self._position :])
        end = rest.find(b"\n") + 1 or len(rest)
        if size is not None and size >= 0:
            end = min(end, size)
        self._position += end
        return rest[:end]

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: len(self._buffer)}[whence]
        self._position = base + offset
        return self._position

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        self._buffer = b""


def _read_segment_files_in_place() -> None:
    """Make Whoosh read the files inside a segment where they are mapped, without copying them.

    Whoosh 2.7.5 opens each file inside a segment's compound file as a BufferFile over the memory
    map, and BufferFile wraps the buffer in a BytesIO at once, which copies the whole file. Every new
    generation opens new readers for every segment, so each commit copied the big segments' terms,
    postings and columns again: at 100,000 listings 130 ms of each commit (two thirds of its time),
    holding the interpreter while searches waited.
    """
    if getattr(BufferFile, "reads_in_place", False):
        return
    original = BufferFile.__init__

    def __init__(self, buf, name=None, onclose=None):
        original(self, b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = _BufferStream(buf)

    BufferFile.__init__ = __init__  # type: ignore[method-assign]
    BufferFile.reads_in_place = True  # type: ignore[attr-defined]


_read_segment_files_in_place()

# Whoosh's default index name, and the lock its writers take. swap_in() also relies on Whoosh's file
# layout (a TOC per generation, segment files named after their segment), stable in the pinned 2.7.5.
INDEX_NAME = "MAIN"
_WRITE_LOCK = f"{INDEX_NAME}_WRITELOCK"


class IndexUnreadable(SearchUnavailable):
    """The index folder holds an index Whoosh cannot read (damaged files): only a rebuild repairs it."""

    def __init__(self, path: Path, problem: str):
        super().__init__(
            f"The search index at {path} cannot be read ({problem}); run `marketplace search rebuild`."
        )


class IndexOutdated(SearchUnavailable):
    """The index on disk was built for another schema version: only a rebuild can bring it up to date."""

    def __init__(self, path: Path):
        super().__init__(
            f"The search index at {path} was built for another version of the schema; "
            "run `marketplace search rebuild`."
        )


class IndexLocked(LockError, SearchBusy):
    """Another writer holds the index's write lock beyond the write timeout."""


# Times the index is opened before a table of contents that keeps vanishing is reported as damage.
_OPEN_ATTEMPTS = 5


@dataclass(frozen=True)
class SearchIndex:
    """One replica of the search index: a folder on this node, and how long to wait for its write lock."""

    path: Path
    write_timeout: float = 10.0

    @classmethod
    def from_config(cls, config: Mapping) -> SearchIndex:
        return cls(Path(config["SEARCH_INDEX_PATH"]), float(config["SEARCH_WRITE_TIMEOUT"]))

    def open(self) -> FileIndex:
        """The index, created empty (folder included) on first use; IndexUnreadable if it is damaged."""
        for _ in range(_OPEN_ATTEMPTS):
            try:
                return whoosh_index.open_dir(self.path, INDEX_NAME)
            except EmptyIndexError:
                return self._create()
            except FileNotFoundError as error:
                # Another process committed between the listing of the folder and the reading of the
                # table of contents it named, and deleted it: the next listing names the new one.
                problem = f"{type(error).__name__}: {error}"
            except Exception as error:
                problem = f"{type(error).__name__}: {error}"
                break
        # Raised outside the except clause, so the original traceback goes now, and with it the file
        # Whoosh leaves open when it cannot read its table of contents.
        raise IndexUnreadable(self.path, problem)

    def _create(self) -> FileIndex:
        self.path.mkdir(parents=True, exist_ok=True)
        # Under the write lock: two processes creating it at once would delete each other's files.
        with self._locked():
            if not whoosh_index.exists_in(self.path, INDEX_NAME):
                whoosh_index.create_in(self.path, SCHEMA, INDEX_NAME)
        return whoosh_index.open_dir(self.path, INDEX_NAME)

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        with self.open().searcher() as searcher:
            yield searcher

    def writer(self) -> IndexWriter:
        """A writer holding the index's write lock; LockError after `write_timeout` seconds of waiting."""
        ix = self.open()
        try:
            return ix.writer(timeout=self.write_timeout)
        except LockError:
            raise self._lock_error() from None

    def bookmark(self) -> Bookmark | None:
        with self.searcher() as searcher:
            return read_bookmark(searcher)

    def swap_in(self, *built: Path) -> None:
        """Make the complete index formed by the folders `built` the live index, atomically for readers.

        The segment files of each folder's index move into the live folder, and one table of contents
        listing all their segments is written there as the live index's next generation, under the live
        write lock. Readers switch over at the TOC's atomic rename, so searches never meet a half-built
        or empty index, and whatever the live folder held before (even a corrupt or outdated index) is
        replaced, then cleaned up.
        """
        tocs = [(folder, TOC.read(FileStorage(str(folder)), INDEX_NAME)) for folder in built]
        self.path.mkdir(parents=True, exist_ok=True)
        live_storage = FileStorage(str(self.path))
        with self._locked():
            for folder, toc in tocs:
                segment_files = tuple(f"{segment.segment_id()}." for segment in toc.segments)
                for filename in os.listdir(folder):
                    if filename.startswith(segment_files):
                        os.replace(folder / filename, self.path / filename)
            generation = TOC._latest_generation(live_storage, INDEX_NAME) + 1
            segments = [segment for _, toc in tocs for segment in toc.segments]
            TOC(tocs[0][1].schema, segments, generation).write(live_storage, INDEX_NAME)
            clean_files(live_storage, INDEX_NAME, generation, segments)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        lock = FileStorage(str(self.path)).lock(_WRITE_LOCK)
        if not try_for(lock.acquire, timeout=self.write_timeout, delay=0.05):
            raise self._lock_error()
        try:
            yield
        finally:
            lock.release()

    def _lock_error(self) -> IndexLocked:
        return IndexLocked(f"The search index at {self.path} is locked by another writer")


def read_bookmark(searcher: Searcher) -> Bookmark | None:
    """The bookmark as committed with the documents this searcher sees (None in a new index)."""
    return Bookmark.from_stored(searcher.document(id=BOOKMARK_ID))


def is_current(schema: Schema, bookmark: Bookmark | None) -> bool:
    """Whether an index with this schema and bookmark was built by the schema version of this code."""
    same_fields = set(schema.names()) == set(SCHEMA.names())
    return same_fields and (bookmark is None or bookmark.schema_version == SCHEMA_VERSION)
