"""Supporting documents are judged by their bytes: PDF, DOC (OLE2) and DOCX (a zip with word/document.xml)."""

import io
import zipfile

import pytest

from marketplace.vacancies.documents import checks as documents
from marketplace.vacancies.documents.checks import (
    DOC,
    DOCX,
    PDF,
    DocumentRejected,
    check_upload,
    safe_filename,
    sniff,
)
from tests.document_samples import doc_bytes, docx_bytes, pdf_bytes


def _zip(**files: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (pdf_bytes(), PDF),
        (doc_bytes(), DOC),
        (docx_bytes(), DOCX),
        (b"Just some text pretending to be a PDF", None),
        (b"<html><script>alert(1)</script></html>", None),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, None),
        (b"MZ\x90\x00" + b"\x00" * 100, None),  # a Windows program
        (_zip(**{"xl/workbook.xml": "<workbook/>"}), None),  # a spreadsheet is a zip too
        (b"PK\x03\x04 not really a zip", None),
        (b"%PD", None),
    ],
)
def test_the_type_comes_from_the_content(data, expected):
    assert sniff(data) == expected


def test_a_good_file_gets_a_clean_name_with_the_right_extension():
    upload = check_upload("C:\\Users\\me\\Job description (final) <v2>.exe", pdf_bytes())

    assert upload.content_type == PDF
    assert upload.filename == "Job description (final) v2.pdf"
    assert len(upload.sha256) == 64
    assert check_upload("../../etc/passwd", docx_bytes()).filename == "passwd.docx"
    assert safe_filename("", DOC) == "document.doc"
    assert safe_filename("Résumé.DOC", DOC) == "Resume.doc"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.pdf", b"", "The selected file is empty"),
        ("fake.pdf", b"Not a PDF at all", "The selected file must be a PDF, DOC or DOCX"),
        ("big.pdf", b"%PDF-" + b"0" * documents.MAX_BYTES, "The selected file must be smaller than 10 MB"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(name, data, message):
    with pytest.raises(DocumentRejected, match=message):
        check_upload(name, data)
