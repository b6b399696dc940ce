"""Reading the words of uploaded documents, so moderation can check them, and failing safely."""

from __future__ import annotations

import io
import zipfile

from marketplace.vacancies.document_text import docx_text, pdf_text
from marketplace.vacancies.documents.checks import DocumentRejected, check_upload
from tests.document_samples import damaged, doc_bytes, docx_bytes, pdf_bytes


def test_the_words_of_a_pdf_and_a_docx_are_read():
    assert pdf_text(pdf_bytes("Teacher of Music, full time")) == "Teacher of Music, full time"
    assert docx_text(docx_bytes("Teacher of Music, full time")) == "Teacher of Music, full time"
    assert check_upload("pack.pdf", pdf_bytes("Head of Year 9")).text == "Head of Year 9"


def test_an_old_word_file_is_not_read():
    assert check_upload("pack.doc", doc_bytes()).text is None


def test_a_damaged_pdf_or_docx_reads_as_nothing_rather_than_failing():
    assert pdf_text(b"%PDF-1.4\nnot really a pdf") is None
    assert docx_text(b"PK\x03\x04 not a zip") is None


def test_no_damaged_pdf_makes_reading_fail():
    """pypdf trips over damaged files with errors of every kind (AttributeError, TypeError…): an upload
    must never fail because of it."""
    for seed in range(3000):
        text = pdf_text(damaged(pdf_bytes("Teacher of music wanted"), seed))
        assert text is None or isinstance(text, str)


def test_a_damaged_docx_is_refused_or_read_never_an_error():
    original = docx_bytes("Teacher of music wanted")
    for seed in range(3000):
        try:
            upload = check_upload("pack.docx", damaged(original, seed))
        except DocumentRejected:
            continue
        assert upload.text is None or isinstance(upload.text, str)


def test_a_pdf_without_words_reads_as_nothing():
    assert pdf_text(pdf_bytes("")) is None


def test_a_docx_declaring_entities_is_refused_unread():
    """A billion-laughs document: expanding its entities would take all the memory there is."""
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", laughs)
    assert docx_text(out.getvalue()) is None
