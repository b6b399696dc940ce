"""Typed keywords as units of meaning, each a Whoosh query: every unit must match (AND).

A unit is the longest vocabulary phrase starting at a word ("key stage 2", "modern foreign languages")
or else one word. A vocabulary unit also matches its synonyms and one-way expansions; multi-word
alternatives match as consecutive words. Alternatives rank a little below what was typed, and
alternatives that are everyday English words too ("it", "send", "re") only count in a listing's title
and subjects, where they mean the subject or role.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from whoosh.query import NullQuery, Or, Phrase, Query, Term

from marketplace.search.synonyms import (
    ALTERNATIVES,
    AMBIGUOUS_WORDS,
    LONGEST_PHRASE,
    longest_matches,
    phrase_words,
)
from marketplace.search.whoosh.analysis import TEXT_ANALYZER

# BM25F per-field weights: a word in the title (or a subject) says more about the job than one in the
# school's name or the description.
TEXT_FIELD_WEIGHTS: Mapping[str, float] = {"title": 3.0, "subjects": 2.0, "organisation": 1.0, "body": 1.0}
NARROW_FIELDS = ("title", "subjects")
ALTERNATIVE_WEIGHT = 0.8


def analysed(text: str) -> tuple[str, ...]:
    """The index terms of a phrase, in order (stop words gone, words stemmed)."""
    return tuple(token.text for token in TEXT_ANALYZER(text, mode="query"))


@dataclass(frozen=True)
class KeywordUnit:
    """One thing the person typed ("key stage 2", "maths") and the term sequences it matches."""

    typed: str
    terms: tuple[str, ...]  # what was typed, as index terms
    alternatives: tuple[tuple[str, ...], ...]  # synonyms and expansions, as index terms (typed excluded)
    narrow: frozenset[tuple[str, ...]]  # alternatives matched in title and subjects only

    @property
    def is_vocabulary(self) -> bool:
        return bool(self.alternatives) or len(self.terms) > 1

    def all_terms(self) -> set[str]:
        """Every single index term this unit can match (for highlighting)."""
        return {term for sequence in (self.terms, *self.alternatives) for term in sequence}

    def query(self) -> Query:
        clauses: list[Query] = []
        for sequence, weight in (
            (self.terms, 1.0),
            *((alt, ALTERNATIVE_WEIGHT) for alt in self.alternatives),
        ):
            fields = NARROW_FIELDS if sequence in self.narrow else TEXT_FIELD_WEIGHTS
            for field in fields:
                boost = TEXT_FIELD_WEIGHTS[field] * weight
                if len(sequence) == 1:
                    clauses.append(Term(field, sequence[0], boost=boost))
                else:
                    clauses.append(Phrase(field, list(sequence), boost=boost))
        return Or(clauses) if clauses else NullQuery


@lru_cache(maxsize=4096)
def _unit(words: tuple[str, ...], known: bool) -> KeywordUnit | None:
    typed = " ".join(words)
    terms = analysed(typed)
    if not terms:
        return None
    alternatives: dict[tuple[str, ...], None] = {}
    narrow: set[tuple[str, ...]] = set()
    if typed in AMBIGUOUS_WORDS:
        narrow.add(terms)
    if known:
        for phrase in ALTERNATIVES[words]:
            sequence = analysed(phrase)
            if sequence and sequence != terms:
                alternatives[sequence] = None
                if phrase_words(phrase) != words and phrase in AMBIGUOUS_WORDS:
                    narrow.add(sequence)
    return KeywordUnit(typed=typed, terms=terms, alternatives=tuple(alternatives), narrow=frozenset(narrow))


def keyword_units(keywords: str) -> list[KeywordUnit]:
    """The units of typed keywords, longest vocabulary phrase first, duplicates once."""
    units: dict[tuple[str, ...], KeywordUnit] = {}
    for words, known in longest_matches(phrase_words(keywords), ALTERNATIVES, LONGEST_PHRASE):
        unit = _unit(words, known)
        if unit is not None:
            units.setdefault(unit.terms, unit)
    return list(units.values())
