"""The wording rules search a text only with the phrases it could contain: the findings must be exactly
those of searching with every phrase of the family."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.moderation import rules
from marketplace.moderation.phrases import PhraseFinder, required_words

FAMILIES = {
    f"{family.rule}/{family.severity}/{number}": family.patterns
    for number, family in enumerate((*rules.DOCUMENT_WORDINGS, rules.EXCLAMATIONS))
} | {"equality.religion": rules.RELIGION_PATTERNS}

# Words that make the phrases of every family, in the cases people type them, with ordinary school words,
# numbers, signs and the letters that case-insensitive matching treats as ASCII ones (a Turkish capital I,
# a long s, a Kelvin sign).
PHRASE_WORDS = sorted(
    {word for patterns in FAMILIES.values() for p in patterns for ws in required_words(p) for word in ws}
)
ORDINARY_WORDS = (
    "a an the you we our be is are must should will only no not to of for on with by aged age young people "
    "recent graduates male female candidates applicants british native speakers teacher pupils feedback "
    "classroom experience her his he she 25 30 45 £300 £ 2\u2013 -"
)
WORDS = [
    *PHRASE_WORDS,
    *(word.upper() for word in PHRASE_WORDS[::3]),
    *(word.capitalize() for word in PHRASE_WORDS[1::3]),
    *ORDINARY_WORDS.split(),
    "\u0130NTERVIEW",
    "\u017fingle",
    "\u212aik",
    "whats app",
    "able-bodied",
]
SEPARATORS = [" ", " ", " ", "  ", "\n", ", ", ". ", "-", "!! ", "!"]


@st.composite
def texts(draw) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), max_size=40))
    gaps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(words), max_size=len(words)))
    return "".join(word + gap for word, gap in zip(words, gaps, strict=True))


def every_phrase(patterns: tuple[str, ...], text: str) -> list[tuple[tuple[int, int], str]]:
    alternation = re.compile("|".join(f"(?:{p})" for p in patterns), re.I)
    return [(match.span(), match.group(0)) for match in alternation.finditer(text)]


FINDERS = {name: PhraseFinder(patterns) for name, patterns in FAMILIES.items()}


@settings(max_examples=400, deadline=None)
@given(text=texts())
def test_the_phrases_found_are_those_every_phrase_finds(text):
    for name, finder in FINDERS.items():
        found = [(match.span(), match.group(0)) for match in finder.finditer(text)]
        assert found == every_phrase(FAMILIES[name], text), name


@pytest.mark.parametrize(
    "text",
    [
        "Candidates must be under 30. FEMALES ONLY. Recent graduates welcome!!!",
        "We are a leading recruitment agency recruiting on behalf of our clients: £50 registration fee.",
        "Our DBS fee is paid by the school. Young people aged 11 to 16. Mrs Young leads the department.",
        "No \u0130nterview needed: a guaranteed job, \u017fingle candidates only, K\u212aIK us.",
        "You must be a practising Catholic and a regular church-goer. Text us on WhatsApp.",
        "Native English speaker, fit and healthy, no history of depression, must not be pregnant.",
    ],
)
def test_listings_with_findings_are_read_as_every_phrase_reads_them(text):
    for name, finder in FINDERS.items():
        found = [(match.span(), match.group(0)) for match in finder.finditer(text)]
        assert found == every_phrase(FAMILIES[name], text), name
    assert any(list(finder.finditer(text)) for finder in FINDERS.values())


def test_a_phrase_is_known_by_the_words_it_cannot_do_without():
    assert required_words(r"\b(?:recent|new|fresh)\s+graduates?\b") == (
        frozenset({"graduate", "graduates"}),
        frozenset({"recent", "fresh", "new"}),
    )
    assert required_words(r"£\s?\d[\d,.]*\s+(?:fee|deposit)\b") == (
        frozenset({"deposit", "fee"}),
        frozenset({"£"}),
    )
    assert required_words(r"!{2,}") == (frozenset({"!!"}),)
    # Nothing two characters long that every match holds: such a phrase is always searched for.
    assert required_words(r"\b\w+y\s+\d+") == ()
