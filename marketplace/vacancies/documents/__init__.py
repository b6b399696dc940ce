"""Supporting documents for a listing (job description, person specification, application pack).

    checks.py    what a file is, judged by its bytes (pure)
    store.py     the DocumentStore seam and the local-disk store
    services.py  list, attach and remove a listing's documents
    cleanup.py   files follow their records, after commit

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
from marketplace.vacancies.documents.store import (
    DocumentStore,
    LocalDiskStore,
    delete_file,
    folder,
    path_of,
    store_for,
)

__all__ = [
    "MAX_BYTES",
    "MAX_PER_LISTING",
    "DocumentRejected",
    "DocumentStore",
    "LocalDiskStore",
    "Upload",
    "attach",
    "check_upload",
    "delete_file",
    "folder",
    "for_vacancy",
    "init_app",
    "path_of",
    "read_text",
    "remove",
    "safe_filename",
    "sniff",
    "store_for",
]
