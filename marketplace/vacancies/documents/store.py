"""Where the bytes of supporting documents live: the DocumentStore seam, and the local-disk store used today.

A record (VacancyDocument) names its file by `stored_name`, a random hex name, never the name the
school gave it. Files are kept under the instance folder (never under static/) and served through
the app. Another store (an S3-compatible bucket, the database) fits behind the same four methods.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from marketplace.vacancies.models import VacancyDocument

_STORED_NAME = re.compile(r"[0-9a-f]{32}")


class DocumentStore(Protocol):
    """The bytes of documents, by stored name."""

    def put(self, data: bytes) -> str:
        """Keep `data` under a new random name, and return the name."""
        ...

    def path(self, stored_name: str) -> Path:
        """Where the file is, to send it (it may be missing: check before use)."""
        ...

    def delete(self, stored_name: str) -> None:
        """Forget a file whose record is gone; a file already missing is the wanted outcome."""
        ...


@dataclass(frozen=True)
class LocalDiskStore:
    """Files in `documents/` under the upload folder (UPLOAD_PATH)."""

    upload_path: str

    @property
    def folder(self) -> Path:
        return Path(self.upload_path) / "documents"

    def put(self, data: bytes) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        stored_name = secrets.token_hex(16)
        with open(self.folder / stored_name, "xb") as handle:
            handle.write(data)
        return stored_name

    def path(self, stored_name: str) -> Path:
        return self.folder / stored_name

    def delete(self, stored_name: str) -> None:
        # Only names this store made: a stored name is never a path to somewhere else.
        if _STORED_NAME.fullmatch(stored_name):
            self.path(stored_name).unlink(missing_ok=True)


def store_for(upload_path: str) -> DocumentStore:
    """The store documents are kept in for an app whose upload folder is `upload_path`."""
    return LocalDiskStore(upload_path)


def folder(upload_path: str) -> Path:
    return LocalDiskStore(upload_path).folder


def path_of(document: VacancyDocument, upload_path: str) -> Path:
    """Where a document's file is (it may be missing: check before sending it)."""
    return store_for(upload_path).path(document.stored_name)


def delete_file(stored_name: str, upload_path: str) -> None:
    """Remove a stored file once its record is gone (a missing file is already the wanted outcome)."""
    store_for(upload_path).delete(stored_name)
