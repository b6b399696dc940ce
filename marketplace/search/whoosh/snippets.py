"""The highlighted snippet under each search result: the description around the matched words.

Whoosh's highlighter runs every word of a description through the full analysis chain, one token
object and four generators per word, for each of the twenty results of a page: that was a third of a
search page's time. Here the words are only looked at as strings: the description's distinct words
are found in one pass (in C), each distinct word's index term comes from a cache, and the passages
are cut around the positions of the words that matched, scanning no further than needed. The words
matched are exactly those the index matched (the same tokenizer pattern, folding and stemming as
`analysis.VacancyWordFilter`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape
from whoosh.support.charset import accent_map

from marketplace.search.whoosh.analysis import VACANCY_STOP_WORDS, stem_word

SNIPPET_CHARACTERS = 240  # the longest passage
SURROUND = 60  # characters of context either side of the matched words
PASSAGES = 2  # passages shown at most
_ELLIPSIS = " …"  # after an opening cut short

# Whoosh's RegexTokenizer pattern, the one the index was built with (`[\w\*]+(\.?[\w\*]+)*`), in a
# form that matches the same words without backtracking (and without a group, for findall).
_TOKEN = re.compile(r"[\w\*]+(?:\.[\w\*]+)*")
_TERM_CACHE_SIZE = 100_000
_terms: dict[str, str] = {}


def index_term(word: str) -> str:
    """The term the index holds for one lowercased word of a description: folded and stemmed, or
    the folded word itself for a stop word (which the index leaves out, so it matches nothing)."""
    term = _terms.get(word)
    if term is None:
        folded = word.translate(accent_map)
        term = folded if folded in VACANCY_STOP_WORDS else stem_word(folded)
        if len(_terms) >= _TERM_CACHE_SIZE:
            _terms.clear()
        _terms[word] = term
    return term


def _is_word_character(character: str) -> bool:
    return character.isalnum() or character in "_*"


def _passage_start(text: str, lowest: int, first: int) -> int:
    """Where a passage whose first match starts at `first` begins: up to SURROUND characters earlier,
    on the start of a word, never before `lowest` (the end of the previous passage)."""
    position = max(lowest, first - SURROUND)
    while position < first and position > 0 and _is_word_character(text[position - 1]):
        position += 1  # inside a word: start at the next one
    found = _TOKEN.search(text, position, first + 1)
    return found.start() if found else first


def _passage_end(text: str, last: int, highest: int) -> int:
    """Where a passage whose last match ends at `last` ends: up to SURROUND characters later (never
    past `highest`), on the end of a word."""
    position = min(len(text), last + SURROUND, max(highest, last))
    while position > last and position < len(text) and _is_word_character(text[position]):
        position -= 1  # inside a word: end at the previous one
    while position > last and not _is_word_character(text[position - 1]):
        position -= 1
    return position


@lru_cache(maxsize=1024)
def _finder(words: frozenset[str]) -> re.Pattern[str]:
    """A pattern finding the given (lowercase) words where they are whole tokens of a description."""
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w\*])(?<![\w\*]\.)(?:{alternatives})(?![\w\*]|\.[\w\*])", re.IGNORECASE)


def _passages(text: str, matched: dict[str, str], present: set[str]) -> list[tuple[list, set[str]]]:
    """The runs of matched words close enough to share a passage, in text order, each with the terms
    it matches; scanning stops once PASSAGES runs together show every term the text matches."""
    runs: list[tuple[list, set[str]]] = []
    current: list[tuple[int, int]] = []
    terms: set[str] = set()
    for found in _finder(frozenset(matched)).finditer(text):
        term = matched.get(found.group().lower())
        if term is None:  # a case-insensitive match the lowercased word does not share
            continue
        start, end = found.span()
        if (
            current
            and start - current[-1][1] <= SURROUND
            and end - current[0][0] <= SNIPPET_CHARACTERS - SURROUND
        ):
            current.append((start, end))
            terms.add(term)
            continue
        if current:
            runs.append((current, terms))
            if len(runs) >= PASSAGES and set().union(*(t for _, t in runs[:PASSAGES])) >= present:
                return runs
        current, terms = [(start, end)], {term}
    if current:
        runs.append((current, terms))
    return runs


def _best(runs: list[tuple[list, set[str]]]) -> list[list[tuple[int, int]]]:
    """The PASSAGES runs showing the most different terms, then the most matches (Whoosh's scoring),
    earlier first on a tie; in text order."""
    ranked = sorted(range(len(runs)), key=lambda i: (-len(runs[i][1]) * 100 * len(runs[i][0]), i))
    return [runs[i][0] for i in sorted(ranked[:PASSAGES])]


def snippet(text: str, terms: set[str] | frozenset[str]) -> Markup:
    """The description around the matched words (each in <mark>, everything else escaped, "…" where
    text was cut), or its opening when no word matched it."""
    if terms and text:
        matched = {}
        known = _terms.get
        for word in set(_TOKEN.findall(text.lower())):
            term = known(word) or index_term(word)
            if term in terms:
                matched[word] = term
        if matched:
            return _marked(text, _best(_passages(text, matched, set(matched.values()))))
    return _opening(text)


def _marked(text: str, passages: list[list[tuple[int, int]]]) -> Markup:
    parts: list[str] = []
    previous_end = 0
    end = 0
    for matches in passages:
        start = _passage_start(text, previous_end, matches[0][0])
        end = _passage_end(text, matches[-1][1], start + SNIPPET_CHARACTERS)
        # Keep the punctuation that opens or closes the description.
        if not any(_is_word_character(character) for character in text[:start]):
            start = 0
        if not any(_is_word_character(character) for character in text[end:]):
            end = len(text)
        pieces, position = [], start
        for match_start, match_end in matches:
            pieces.append(escape(text[position:match_start]))
            pieces.append(Markup("<mark>%s</mark>") % text[match_start:match_end])
            position = match_end
        pieces.append(escape(text[position:end]))
        passage = "".join(pieces)
        if parts and not text[previous_end:start].strip():
            parts[-1] += str(escape(text[previous_end:start])) + passage  # passages that touch read as one
        else:
            parts += ["…", passage] if start > 0 else [passage]
        previous_end = end
    if end < len(text):
        parts.append("…")
    return Markup(" ".join(parts))  # noqa: S704 (every piece of the description was escaped above)


def _opening(text: str) -> Markup:
    """The start of the description, whitespace collapsed, cut on a word (textwrap.shorten's result,
    without reading more of a long description than the opening)."""
    head = " ".join(text[: SNIPPET_CHARACTERS * 4].split())
    if len(head) <= SNIPPET_CHARACTERS and len(text) <= SNIPPET_CHARACTERS * 4:
        return escape(head)
    room = SNIPPET_CHARACTERS - len(_ELLIPSIS)
    cut = head[: room + 1].rfind(" ")
    opening = head[:cut] if cut > 0 else head[:room]
    return escape(opening.rstrip() + _ELLIPSIS)
