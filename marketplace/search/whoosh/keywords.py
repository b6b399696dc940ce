"""Typed keywords as units of meaning, each a Whoosh query: every unit must match (AND).

A unit is the longest vocabulary phrase starting at a word ("key stage 2", "modern foreign languages")
or else one word; a quoted phrase ("forest school") is one unit matched exactly; units joined by an
upper-case OR match when either does. A vocabulary unit also matches its synonyms and one-way
expansions; multi-word alternatives match as consecutive words. Alternatives rank a little below
what was typed, and alternatives that are everyday English words too ("it", "send", "re") only count
in a listing's title and subjects, where they mean the subject or role.

A unit that names a role, phase, key stage, subject or working pattern ("head of department",
"secondary", "year 6", "maths", "part time") also matches the listings whose fields say so, and
those rank above listings that only mention the words. Words such as "jobs" or "near" are not
required at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from whoosh.query import And, NullQuery, Or, Phrase, Query, Term

from marketplace.search.synonyms import (
    ALTERNATIVES,
    AMBIGUOUS_WORDS,
    LONGEST_PHRASE,
    NOISE_WORDS,
    STRUCTURED,
    longest_matches,
    phrase_words,
)
from marketplace.search.whoosh.analysis import TEXT_ANALYZER
from marketplace.search.whoosh.schema import subject_term

# BM25F per-field weights: a word in the title (or a subject) says more about the job than one in the
# school's name, the description or the salary text.
TEXT_FIELD_WEIGHTS: Mapping[str, float] = {
    "title": 3.0,
    "subjects": 2.0,
    "organisation": 1.0,
    "body": 1.0,
    "pay": 1.0,
}
NARROW_FIELDS = ("title", "subjects")
ALTERNATIVE_WEIGHT = 0.8
# What a field the school filled in adds to a listing's score: more than words can add (a BM25F term
# score stays well below it), so listings that are what the person typed rank above every listing
# that only mentions it, and among them the words decide.
STRUCTURED_BOOST = 100.0

# Each filter a phrase's meaning names, and how the index holds one of its values.
_MEANING_FIELDS: Mapping[str, tuple[str, Any]] = {
    "job_roles": ("job_role", str),
    "phases": ("phase", str),
    "key_stages": ("key_stage", str),
    "subjects": ("subject", subject_term),
    "working_patterns": ("working_pattern", str),
    "school_types": ("school_type", str),
    "ect_suitable": ("ect_status", lambda _: "ect_suitable"),
}


def analysed(text: str) -> tuple[str, ...]:
    """The index terms of a phrase, in order (stop words gone, words stemmed)."""
    return tuple(token.text for token in TEXT_ANALYZER(text, mode="query"))


def _text_query(sequence: tuple[str, ...], fields, weight: float) -> list[Query]:
    clauses: list[Query] = []
    for field in fields:
        boost = TEXT_FIELD_WEIGHTS[field] * weight
        if len(sequence) == 1:
            clauses.append(Term(field, sequence[0], boost=boost))
        else:
            clauses.append(Phrase(field, list(sequence), boost=boost))
    return clauses


@dataclass(frozen=True)
class KeywordUnit:
    """One thing the person typed ("key stage 2", "maths") and what it matches."""

    typed: str
    terms: tuple[str, ...]  # what was typed, as index terms
    alternatives: tuple[tuple[str, ...], ...]  # synonyms and expansions, as index terms (typed excluded)
    narrow: frozenset[tuple[str, ...]]  # alternatives matched in title and subjects only
    # The fields it names: alternatives, each (index field, term) pairs that must all hold.
    structured: tuple[tuple[tuple[str, str], ...], ...] = ()
    exact: bool = False  # a quoted phrase: these words in this order, nothing else

    @property
    def is_vocabulary(self) -> bool:
        return bool(self.alternatives) or len(self.terms) > 1 or self.exact or bool(self.structured)

    @property
    def names_the_job(self) -> bool:
        """Whether it names a role, phase, key stage, subject or working pattern (alerts then want
        listings that are that, not ones that mention it in passing)."""
        return bool(self.structured)

    @property
    def key(self) -> Any:
        return (self.terms, self.alternatives, self.narrow, self.structured, self.exact)

    def all_terms(self) -> set[str]:
        """Every single index term this unit can match (for highlighting)."""
        return {term for sequence in (self.terms, *self.alternatives) for term in sequence}

    def query(self, *, strict: bool = False) -> Query:
        """Its query; `strict` keeps only what shows the listing is about it: the fields the school
        filled in, and for a unit that names the job, the title and subjects."""
        return _query_of(self, strict)

    def build_query(self, *, strict: bool) -> Query:
        clauses: list[Query] = []
        for condition in self.structured:
            terms = [Term(field, term, boost=STRUCTURED_BOOST / len(condition)) for field, term in condition]
            clauses.append(terms[0] if len(terms) == 1 else And(terms))
        narrow_only = strict and self.names_the_job
        for sequence, weight in (
            (self.terms, 1.0),
            *((alt, ALTERNATIVE_WEIGHT) for alt in self.alternatives),
        ):
            fields = NARROW_FIELDS if narrow_only or sequence in self.narrow else TEXT_FIELD_WEIGHTS
            clauses.extend(_text_query(sequence, fields, weight))
        return Or(clauses) if clauses else NullQuery


@dataclass(frozen=True)
class AnyOfUnits:
    """Units joined by OR ("chemistry OR physics"): a listing matching any of them matches."""

    options: tuple[KeywordUnit, ...]

    @property
    def typed(self) -> str:
        return " OR ".join(option.typed for option in self.options)

    @property
    def terms(self) -> tuple[str, ...]:
        return ()

    is_vocabulary = True
    exact = False

    @property
    def names_the_job(self) -> bool:
        return any(option.names_the_job for option in self.options)

    @property
    def key(self) -> Any:
        return ("or", tuple(option.key for option in self.options))

    def all_terms(self) -> set[str]:
        return {term for option in self.options for term in option.all_terms()}

    def query(self, *, strict: bool = False) -> Query:
        return _query_of(self, strict)

    def build_query(self, *, strict: bool) -> Query:
        return Or([option.query(strict=strict) for option in self.options])


Unit = KeywordUnit | AnyOfUnits


@lru_cache(maxsize=4096)
def _query_of(unit: Unit, strict: bool) -> Query:
    """A unit's query, built once and shared by every search for it: the engine's caches then find
    it by identity (see ranking.QueryKey). Nothing changes a query once built."""
    return unit.build_query(strict=strict)


def _structured(words: tuple[str, ...]) -> tuple[tuple[tuple[str, str], ...], ...]:
    conditions = []
    for condition in STRUCTURED.get(words, ()):
        pairs = []
        for name, value in condition:
            field, spelling = _MEANING_FIELDS[name]
            pairs.append((field, spelling(value)))
        conditions.append(tuple(pairs))
    return tuple(conditions)


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
    return KeywordUnit(
        typed=typed,
        terms=terms,
        alternatives=tuple(alternatives),
        narrow=frozenset(narrow),
        structured=_structured(words) if known else (),
    )


def _exact_unit(text: str) -> KeywordUnit | None:
    terms = analysed(text)
    if not terms:
        return None
    return KeywordUnit(
        typed=f'"{" ".join(phrase_words(text))}"',
        terms=terms,
        alternatives=(),
        narrow=frozenset(),
        exact=True,
    )


def _plain_units(text: str) -> list[KeywordUnit]:
    units = []
    for words, known in longest_matches(phrase_words(text), ALTERNATIVES, LONGEST_PHRASE):
        if not known and len(words) == 1 and words[0] in NOISE_WORDS:
            continue
        unit = _unit(words, known)
        if unit is not None:
            units.append(unit)
    return units


_OR = re.compile(r"(?<!\S)OR(?!\S)")


def keyword_units(keywords: str) -> list[Unit]:
    """The units of typed keywords, longest vocabulary phrase first, duplicates once.

    Text in double quotes is one exact unit (an unclosed quote is ignored); an upper-case OR between
    two units makes them one unit that either satisfies.
    """
    parts = keywords.split('"')
    if len(parts) % 2 == 0:  # an unclosed quote: its text is ordinary words
        parts[-2:] = [parts[-2] + " " + parts[-1]]
    pieces: list[KeywordUnit | str] = []
    for number, part in enumerate(parts):
        if number % 2:
            unit = _exact_unit(part)
            if unit is not None:
                pieces.append(unit)
            continue
        for position, chunk in enumerate(_OR.split(part)):
            if position:
                pieces.append("OR")
            pieces.extend(_plain_units(chunk))
    units: list[Unit] = []
    joining = False
    for piece in pieces:
        if isinstance(piece, str):
            joining = bool(units)
            continue
        if joining and units:
            previous = units.pop()
            options = previous.options if isinstance(previous, AnyOfUnits) else (previous,)
            units.append(AnyOfUnits((*options, piece)) if piece not in options else previous)
        else:
            units.append(piece)
        joining = False
    unique: dict[Any, Unit] = {}
    for each in units:
        unique.setdefault(each.key, each)
    return list(unique.values())
