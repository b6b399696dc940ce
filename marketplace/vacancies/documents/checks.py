"""Checking an uploaded file by what it is, never by its name or the type the browser declares.

A PDF starts `%PDF-`, a Word 97-2003 document is an OLE2 compound file, and a DOCX is a real zip
archive holding `word/document.xml`. Pure: no database, no files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import re
import unicodedata
import zipfile

from marketplace.vacancies import document_text
from marketplace.vacancies.models import DOCUMENT_KINDS
from marketplace.vacancies.services import VacancyError

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_LISTING = 10

PDF = "application/pdf"
DOC = "application/msword"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {content_type: "." + kind.lower() for content_type, kind in DOCUMENT_KINDS.items()}
OLE2_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")


class DocumentRejected(VacancyError):
    """The file cannot be attached; the message says why, for the school."""


def sniff(data: bytes) -> str | None:
    """The content type of a PDF, DOC or DOCX judged by its bytes; None for anything else."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(OLE2_SIGNATURE):
        return DOC
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        # A damaged archive can also claim a compression method or feature zipfile does not have.
        except (zipfile.BadZipFile, NotImplementedError, EOFError, ValueError, OSError):
            return None
        if "word/document.xml" in names:
            return DOCX
    return None


def safe_filename(name: str, content_type: str) -> str:
    """A filename safe for headers and pages: the last path part, plain characters, the right extension."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    stem = os.path.splitext(base)[0]
    stem = re.sub(r"[^A-Za-z0-9 ._()-]+", "", stem)
    stem = re.sub(r"\s+", " ", stem).strip(" .")[:100] or "document"
    return stem + EXTENSIONS[content_type]


@dataclasses.dataclass(frozen=True)
class Upload:
    """A checked file, ready to store."""

    filename: str
    content_type: str
    data: bytes
    text: str | None = None  # its words, None when they cannot be read (see document_text)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def read_text(content_type: str, data: bytes) -> str | None:
    """A checked file's words, or None when they cannot be read (see document_text)."""
    read = {PDF: document_text.pdf_text, DOCX: document_text.docx_text}.get(content_type)
    return read(data) if read else None


def check_upload(filename: str, data: bytes) -> Upload:
    """The file as an Upload, or DocumentRejected saying what is wrong with it."""
    if not data:
        raise DocumentRejected("The selected file is empty")
    if len(data) > MAX_BYTES:
        raise DocumentRejected("The selected file must be smaller than 10 MB")
    content_type = sniff(data)
    if content_type is None:
        raise DocumentRejected("The selected file must be a PDF, DOC or DOCX")
    return Upload(
        filename=safe_filename(filename, content_type),
        content_type=content_type,
        data=data,
        text=read_text(content_type, data),
    )
