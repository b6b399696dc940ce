"""Rich text for the role description: a small safe subset of HTML, written by schools in simple formatting.

Stored: sanitised HTML with paragraphs, line breaks, bold, italic, lists and links only (nh3 removes
everything else, keeping the words). Schools type simple formatting in a text box (a blank line starts a
paragraph, `**bold**`, `*italic*`, lines starting `- ` or `1. ` for lists, `[words](https://…)` for links),
or paste HTML; both end up as the same safe subset. Listings that came in as plain text (imports, the
API, older drafts) are shown with their paragraphs and line breaks, escaped.

Search, the moderation rules and duplicate checks read `plain_text()`, so markup is never indexed as
words and formatting cannot split a phrase the rules look for.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

TAGS = frozenset({"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a"})
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

_HTML_TAG = re.compile(r"<\s*/?\s*(?:p|br|strong|b|em|i|ul|ol|li|a|div|span|h[1-6])\b[^>]*>", re.I)
_BLOCKS = frozenset({"p", "li", "ul", "ol", "div", "h1", "h2", "h3", "h4", "h5", "h6"})

# Simple formatting: paragraphs, emphasis, lists and links; no headings, code, quotes, images or raw HTML.
_markdown = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False}).disable(
    [
        "heading",
        "lheading",
        "code",
        "fence",
        "blockquote",
        "hr",
        "image",
        "html_block",
        "html_inline",
        "backticks",
    ]
)


def is_html(value: str | None) -> bool:
    """Whether a stored or typed description is markup (rather than plain text)."""
    return bool(value and _HTML_TAG.search(value))


def sanitise(markup: str) -> str:
    """The safe subset of `markup`: unknown tags are dropped (their words kept), attributes but href too."""
    cleaned = nh3.clean(
        markup.replace("\x00", ""),
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return cleaned.strip()


def from_editor(text: str) -> str:
    """What a school typed (simple formatting or pasted HTML) as sanitised HTML to store."""
    text = (text or "").replace("\x00", "").replace("\r\n", "\n").strip()
    if not text:
        return ""
    if is_html(text):
        return sanitise(text)
    return sanitise(_markdown.render(text))


def render(value: str | None) -> Markup:
    """A description ready for a page: stored HTML sanitised again, plain text escaped with its paragraphs."""
    if not value:
        return Markup("")
    if is_html(value):
        return Markup(sanitise(value))  # noqa: S704  (sanitised to the safe subset just now)
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", value.replace("\r\n", "\n")) if part.strip()]
    return Markup("").join(
        Markup("<p>") + escape(part).replace("\n", Markup("<br>")) + Markup("</p>") for part in paragraphs
    )


class _TextParser(HTMLParser):
    def __init__(self, *, links: bool, editor: bool):
        super().__init__(convert_charrefs=True)
        self.links = links
        self.editor = editor
        self.out: list[str] = []
        self.lists: list[list] = []  # [kind, counter] for each open list
        self.href: list[str | None] = []
        self.link_start: list[int] = []

    def _newline(self, count: int = 1) -> None:
        text = "".join(self.out)
        trailing = len(text) - len(text.rstrip("\n"))
        if text.strip() and trailing < count:
            self.out.append("\n" * (count - trailing))

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "div") or (tag.startswith("h") and len(tag) == 2):
            self._newline(2)
        elif tag in ("ul", "ol"):
            self._newline(2 if not self.lists else 1)
            self.lists.append([tag, 0])
        elif tag == "li":
            self._newline(1)
            if self.lists:
                self.lists[-1][1] += 1
                kind, number = self.lists[-1]
                indent = "  " * (len(self.lists) - 1)
                self.out.append(f"{indent}{number}. " if kind == "ol" else f"{indent}- ")
            else:
                self.out.append("- ")
        elif tag == "br":
            self.out.append("\n")
        elif tag in ("strong", "b") and self.editor:
            self.out.append("**")
        elif tag in ("em", "i") and self.editor:
            self.out.append("*")
        elif tag == "a":
            self.href.append(dict(attrs).get("href"))
            self.link_start.append(len(self.out))
            if self.editor:
                self.out.append("[")

    def handle_endtag(self, tag):
        if tag in ("p", "div") or (tag.startswith("h") and len(tag) == 2):
            self._newline(2)
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._newline(2 if not self.lists else 1)
        elif tag in ("strong", "b") and self.editor:
            self.out.append("**")
        elif tag in ("em", "i") and self.editor:
            self.out.append("*")
        elif tag == "a" and self.href:
            href = self.href.pop()
            start = self.link_start.pop()
            words = "".join(self.out[start:]).lstrip("[")
            if self.editor:
                self.out.append(f"]({href})" if href else "]")
            elif self.links and href and href not in (words, f"mailto:{words}"):
                self.out.append(f" ({href})")

    def handle_data(self, data):
        if self.lists or "".join(self.out[-1:]).endswith("\n") or not self.out:
            data = data.lstrip("\n")
        self.out.append(re.sub(r"[ \t\r\n]+", " ", data) if "\n" in data else data)

    def text(self) -> str:
        lines = [line.rstrip() for line in "".join(self.out).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def plain_text(value: str | None, *, links: bool = False) -> str:
    """The words of a description, without markup: for the search index, the rules and duplicate checks.

    Paragraphs and list items stay on their own lines. With `links`, each link's address follows its words
    (so the rules still see where a link goes).
    """
    if not value:
        return ""
    if not is_html(value):
        return value
    parser = _TextParser(links=links, editor=False)
    parser.feed(sanitise(value))
    parser.close()
    return parser.text()


def to_editor(value: str | None) -> str:
    """A stored description as simple formatting, for the school to edit in a text box."""
    if not value:
        return ""
    if not is_html(value):
        return value
    parser = _TextParser(links=False, editor=True)
    parser.feed(sanitise(value))
    parser.close()
    return parser.text()
