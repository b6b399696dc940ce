"""The words of a supporting document, read once when it is uploaded, so moderation checks what a school
attaches as it checks the listing itself.

A PDF's words come from pypdf; a DOCX is a zip of XML whose paragraphs are read directly. A Word
97-2003 (.doc) file is a binary format that nothing maintained reads in pure Python, so its words are
not read, nor are those of a PDF that is protected, damaged or only scanned images: moderation then
says the document was not checked, and a moderator reads it.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Callable

from defusedxml import ElementTree
from pypdf import PdfReader

logger = logging.getLogger(__name__)

# Enough for any job pack; the rest of a longer file is not read.
MAX_CHARACTERS = 100_000
MAX_PAGES = 60
# A DOCX's XML is compressed: refuse to inflate more than this (a zip bomb would not stop otherwise).
MAX_XML_BYTES = 20 * 1024 * 1024

_WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def readable(read: Callable[[bytes], str]) -> Callable[[bytes], str | None]:
    """`read`, returning at most MAX_CHARACTERS of tidied text, or None when the words cannot be read."""

    def read_words(data: bytes) -> str | None:
        try:
            text = read(data)
        except Exception:  # a parser meeting a damaged or hostile file can fail in any way (see the tests)
            logger.info("The words of an uploaded document could not be read", exc_info=True)
            return None
        text = re.sub(r"[ \t]+", " ", text.replace("\x00", "")).strip()[:MAX_CHARACTERS]
        return text or None  # a scanned PDF has pages but no words

    return read_words


@readable
def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):  # opens only with a password
        return ""
    pages = []
    length = 0
    for page in reader.pages[:MAX_PAGES]:
        pages.append(page.extract_text() or "")
        length += len(pages[-1])
        if length >= MAX_CHARACTERS:
            break
    return "\n".join(pages)


@readable
def docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("word/document.xml") as part:
        xml = part.read(MAX_XML_BYTES + 1)
    if len(xml) > MAX_XML_BYTES:
        raise ValueError("word/document.xml is too large")
    paragraphs = []
    for paragraph in ElementTree.fromstring(xml).iter(f"{_WORD}p"):
        words = "".join(node.text or "" for node in paragraph.iter(f"{_WORD}t"))
        if words:
            paragraphs.append(words)
    return "\n".join(paragraphs)
