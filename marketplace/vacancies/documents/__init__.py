"""Supporting documents for a listing (job description, person specification, application pack).

    checks.py    what a file is, judged by its bytes (pure)
    store.py     the DocumentStore seam and the database store (bytes by document id)
    services.py  list, attach and remove a listing's documents
    cleanup.py   bytes follow their records, in the same transaction

The record itself is `VacancyDocument` in vacancies/models.py. The names below are the package's public
face, so callers write `documents.check_upload(...)`.
"""

from marketplace.vacancies.documents.checks import (
    MAX_BYTES,
    MAX_PER_LISTING,
    DocumentRejected,
    Upload,
    check_upload,
    read_text,
    safe_filename,
    sniff,
)
from marketplace.vacancies.documents.cleanup import init_app
from marketplace.vacancies.documents.services import attach, for_vacancy, remove
from marketplace.vacancies.documents.store import DatabaseStore, DocumentStore, StoredFile, store

__all__ = [
    "MAX_BYTES",
    "MAX_PER_LISTING",
    "DatabaseStore",
    "DocumentRejected",
    "DocumentStore",
    "StoredFile",
    "Upload",
    "attach",
    "check_upload",
    "for_vacancy",
    "init_app",
    "read_text",
    "remove",
    "safe_filename",
    "sniff",
    "store",
]
