"""The query side of the Whoosh backend: a `VacancySearch` in; ranked vacancy ids, a total, facet
counts, highlighted snippets, distances and suggestions out (as an api.SearchResult).

Every keyword unit must match (AND; see keywords.py); filters are OR'd within one filter and AND'd
across filters. Liveness (publish date reached, closing time ahead) is decided here at query time, so
a listing leaves the results at its exact closing time whether or not the index has heard of it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from functools import lru_cache, partial
from typing import Any

import numpy as np
from markupsafe import Markup

from marketplace.search.api import FILTERS, FILTERS_BY_NAME, FLAGS, LABELS, SearchResult, VacancySearch
from marketplace.search.geo import RADIUS_CHOICES, Location, miles
from marketplace.search.synonyms import ALTERNATIVES, implied_filters, phrase_words
from marketplace.search.whoosh.analysis import stem_word
from marketplace.search.whoosh.engine import NO_DISTANCES, Distances, Snapshot
from marketplace.search.whoosh.keywords import TEXT_FIELD_WEIGHTS, Unit, keyword_units
from marketplace.search.whoosh.schema import subject_term
from marketplace.search.whoosh.snippets import snippet
from marketplace.vacancies import vocabulary

SNIPPET_FIELD = "body"

# Each list filter's index field, and how the index spells one of its values.
FILTER_FIELDS: Mapping[str, tuple[str, Callable[[str], str]]] = {
    "job_roles": ("job_role", str),
    "phases": ("phase", str),
    "key_stages": ("key_stage", str),
    "subjects": ("subject", subject_term),
    "working_patterns": ("working_pattern", str),
    "contract_types": ("contract_type", str),
    "organisation_types": ("organisation_type", str),
    "school_types": ("school_type", str),
}
# Each yes/no filter's index field, and the term a "yes" matches.
FLAG_TERMS: Mapping[str, tuple[str, str]] = {
    "ect_suitable": ("ect_status", "ect_suitable"),
    "visa_sponsorship": ("visa_sponsorship", "true"),
    "quick_apply": ("quick_apply", "true"),
}
assert set(FILTER_FIELDS) == set(FILTERS_BY_NAME)
assert set(FLAG_TERMS) == set(FLAGS)


@lru_cache(maxsize=4096)
def _units(keywords: str) -> tuple[Unit, ...]:
    return tuple(keyword_units(keywords))


def units_of(search: VacancySearch) -> tuple[Unit, ...]:
    """The keyword units of a search (one per typed word or known phrase; stop words give none)."""
    return _units(search.keywords)


# --- Running a search on a snapshot --------------------------------------------------------------


class SearchPlan:
    """The sets of documents each part of a search allows, combined on demand (alert matching uses it too)."""

    def __init__(
        self,
        snapshot: Snapshot,
        search: VacancySearch,
        location: Location | None,
        now: dt.datetime,
        *,
        strict: bool = False,
    ):
        # strict (alerts): a keyword that names the job matches only listings that are that job
        # (their fields, title or subjects), never a passing mention in the description.
        self.strict = strict
        self.snapshot = snapshot
        self.search = search
        self.location = location
        self.now = now
        self.live = snapshot.live_bits(now)
        self.conditions: dict[str, int] = {}
        self.distances: Distances = NO_DISTANCES
        self.unit_bits = {unit.typed: self.unit(unit) for unit in units_of(search)}
        if units_of(search):
            keyword = self.live
            for bits in self.unit_bits.values():
                keyword &= bits
            self.conditions["keywords"] = keyword
        for choices in FILTERS:
            identifiers = getattr(search, choices.attribute)
            if identifiers:
                self.conditions[choices.attribute] = self.value_bits(choices.attribute, identifiers)
        for name in FLAGS:
            if getattr(search, name):
                self.conditions[name] = self.value_bits(name, ("true",))
        if search.organisation:
            self.conditions["organisation"] = snapshot.term_bits("organisation_slug", (search.organisation,))
        if search.minimum_salary:
            self.conditions["minimum_salary"] = snapshot.salary_bits(search.minimum_salary)
        if search.posted_within_days:
            since = self.now - dt.timedelta(days=search.posted_within_days)
            self.conditions["posted_within_days"] = snapshot.posted_since_bits(since)
        if location is not None and location.area is not None:
            # An area is membership, not a circle: the radius does not apply.
            self.conditions["location"] = snapshot.term_bits("area", location.area.ids)
        elif location is not None and location.point is not None:
            bits, self.distances = snapshot.within(location.point, search.radius)
            self.conditions["location"] = bits

    def unit(self, unit: Unit) -> int:
        if self.strict and unit.names_the_job:
            return self.snapshot.query_bits(("strict", unit.key), unit.query(strict=True))
        alone = len(units_of(self.search)) == 1 and self.search.effective_sort == "relevance"
        return self.snapshot.query_bits(unit.key, unit.query(), ranked=alone)

    def value_bits(self, name: str, values: Iterable[str]) -> int:
        if name in FLAG_TERMS:
            field_name, term = FLAG_TERMS[name]
            return self.snapshot.term_bits(field_name, (term,))
        field_name, spelling = FILTER_FIELDS[name]
        return self.snapshot.term_bits(field_name, tuple(spelling(value) for value in values))

    def option_bits(self, name: str) -> list[tuple[str, int]]:
        """Each option of a list filter and the documents that have it (the same for every search
        on the snapshot: worked out once)."""
        choices = FILTERS_BY_NAME[name]
        return self.snapshot.cache("options").get(
            name, lambda: [(value, self.value_bits(name, (value,))) for value in choices.options]
        )

    def combined(self, *, without: str | None = None, extra: int | None = None) -> int:
        bits = self.live
        for name, condition in self.conditions.items():
            if name != without:
                bits &= condition
        return bits if extra is None else bits & extra

    def ordered(self, bits: int, wanted: int) -> tuple[str, list[int]]:
        """The sort that applies, and the first `wanted` documents of the set in it."""
        search, snapshot = self.search, self.snapshot
        units = units_of(search)
        sort = search.effective_sort
        if sort == "distance" and not self.distances:
            sort = "relevance" if units else "closing_date"
        if sort == "relevance":
            query = snapshot.keyword_query(units)
            key = tuple(unit.key for unit in units)
            return sort, snapshot.ranked(query, bits, wanted, key=key)
        if sort == "distance":
            return sort, snapshot.by_distance(bits, self.distances, wanted)
        if sort == "newest":
            return sort, snapshot.ordered(bits, snapshot.newest_order, wanted)
        return sort, snapshot.ordered(bits, snapshot.closing_order, wanted)

    def facets(self) -> dict[str, dict[str, int]]:
        facets: dict[str, dict[str, int]] = {}
        for choices in FILTERS:
            base = self.combined(without=choices.attribute)
            facets[choices.attribute] = {
                value: (base & bits).bit_count() for value, bits in self.option_bits(choices.attribute)
            }
        for name in FLAGS:
            base = self.combined(without=name)
            facets[name] = {"true": (base & self.value_bits(name, ("true",))).bit_count()}
        return facets


def _stored_snippet(snapshot: Snapshot, docnum: int, terms: frozenset[str]) -> Markup:
    """A result's snippet made from the text stored in the index (asked for only on a cache miss)."""
    return snippet(snapshot.searcher.stored_fields(docnum).get(SNIPPET_FIELD, ""), terms)


def run_search(
    snapshot: Snapshot,
    search: VacancySearch,
    *,
    now: dt.datetime,
    location: Location | None = None,
    snippets: bool = True,
    correct_spelling: bool = True,
) -> SearchResult:
    """Run a search against a snapshot of the index; `now` decides which listings are live.

    Without `snippets` (the JSON API, alert matching) the highlighting work is skipped.
    """
    plan = SearchPlan(snapshot, search, location, now)
    matching = plan.combined()
    total = matching.bit_count()
    if total == 0 and correct_spelling and units_of(search):
        corrected = spelling_correction(snapshot, search, plan)
        if corrected is not None:
            result = run_search(
                snapshot, corrected, now=now, location=location, snippets=snippets, correct_spelling=False
            )
            if result.total:
                suggestions = {
                    **result.suggestions,
                    "spelling": {"original": search.keywords, "keyword": corrected.keywords, "applied": True},
                }
                return replace(result, suggestions=suggestions)
    offset = (search.page - 1) * search.per_page
    sort, docnums = plan.ordered(matching, offset + search.per_page)
    docnums = docnums[offset:]
    ids = snapshot.columns["vacancy_id"][docnums].tolist()
    highlights: dict[int, Markup] = {}
    if snippets:
        terms = frozenset(term for unit in units_of(search) for term in unit.all_terms())
        for vacancy_id, docnum in zip(ids, docnums, strict=True):
            highlights[vacancy_id] = snapshot.highlight(
                docnum,
                terms,
                partial(_stored_snippet, snapshot, docnum, terms),
            )
    metres = plan.distances.metres_of(np.asarray(docnums, dtype=np.int64)).tolist()
    distances = {
        vacancy_id: round(miles(far), 1)
        for vacancy_id, far in zip(ids, metres, strict=True)
        if far != math.inf
    }
    return SearchResult(
        ids=ids,
        total=total,
        page=search.page,
        per_page=search.per_page,
        highlights=highlights,
        facets=plan.facets(),
        distances=distances,
        suggestions=suggestions_for(plan, matching, total),
        sort=sort,
        location=location,
        search=search,
    )


# --- Suggestions ---------------------------------------------------------------------------------


def suggestions_for(plan: SearchPlan, matching: int, total: int) -> dict[str, Any]:
    """Filters the keywords imply (with counts), and for an empty page, every way on."""
    search = plan.search
    suggestions: dict[str, Any] = {}
    implied = []
    for name, values in implied_filters(search.keywords).items():
        selected = getattr(search, name)
        for value in values:
            if value in (selected if isinstance(selected, tuple) else (("true",) if selected else ())):
                continue
            count = (matching & plan.value_bits(name, (value,))).bit_count()
            if count:
                implied.append({"filter": name, "value": value, "label": LABELS[name][value], "count": count})
    if implied:
        suggestions["filters"] = implied
    if total:
        return suggestions
    if "location" in plan.conditions and plan.location is not None and plan.location.point is not None:
        wider, seen = [], set()
        for radius in RADIUS_CHOICES:
            if radius <= search.radius:
                continue
            bits, _ = plan.snapshot.within(plan.location.point, radius)
            count = plan.combined(without="location", extra=bits).bit_count()
            if count and count not in seen:
                seen.add(count)
                wider.append({"radius": radius, "count": count})
        if wider:
            suggestions["wider_radius"] = wider
    units = units_of(search)
    if len(units) > 1:
        fewer: list[dict[str, Any]] = []
        others = plan.combined(without="keywords")
        for unit in units:
            bits = others
            for other in units:
                if other is not unit:
                    bits &= plan.unit_bits[other.typed]
            if bits:
                keyword = " ".join(other.typed for other in units if other is not unit)
                fewer.append({"keyword": keyword, "without": unit.typed, "count": bits.bit_count()})
        if fewer:
            suggestions["fewer_words"] = sorted(fewer, key=lambda way: -way["count"])[:3]
    removable = []
    for name in (*search.active_filters(), *(("keywords",) if units_of(search) else ())):
        count = plan.combined(without=name).bit_count()
        if count:
            removable.append({"filter": name, "count": count})
    if removable:
        suggestions["remove_filters"] = removable
    return suggestions


# --- Spelling ------------------------------------------------------------------------------------

_SPELLING_FIELDS = ("title", "subjects")


def _vocabulary_words() -> dict[str, str]:
    words: dict[str, str] = {}
    sources = [
        *vocabulary.ALL_SUBJECTS,
        *vocabulary.JOB_ROLES.values(),
        *vocabulary.PHASES.values(),
        *(phrase for phrases in ALTERNATIVES.values() for phrase in phrases),
    ]
    for text in sources:
        for word in phrase_words(text):
            if word.isalpha():
                words.setdefault(stem_word(word), word)
    return words


_SURFACE_WORDS = _vocabulary_words()


def spelling_correction(snapshot: Snapshot, search: VacancySearch, plan: SearchPlan) -> VacancySearch | None:
    """The search with each misspelt keyword replaced by the nearest indexed word.

    A keyword is misspelt when it matches no live listing and is no word of any listing in the index
    at all: a real word ("scale" in "leadership scale") is never replaced. A word with nothing near
    it is left as typed (the page then offers to search without it).
    """
    keywords = search.keywords
    changed = False
    reader = snapshot.searcher.reader()
    for unit in units_of(search):
        if plan.unit_bits[unit.typed] & plan.live or len(unit.terms) != 1 or unit.is_vocabulary:
            continue
        if any(reader.doc_frequency(field_name, unit.terms[0]) for field_name in TEXT_FIELD_WEIGHTS):
            continue
        word = _nearest_word(snapshot, unit.typed.lower(), unit.terms[0])
        if word is None:
            continue
        pattern = re.compile(rf"\b{re.escape(unit.typed)}\b", re.IGNORECASE)
        keywords, count = pattern.subn(word, keywords, count=1)
        changed = changed or bool(count)
    return replace(search, keywords=keywords) if changed else None


def _edit_distance(one: str, other: str, limit: int) -> int:
    """Letters added, dropped, changed or swapped with a neighbour (limit + 1 once beyond the limit)."""
    if abs(len(one) - len(other)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(other) + 1))
    for i, a in enumerate(one, 1):
        current = [i]
        for j, b in enumerate(other, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b))
            if i > 1 and j > 1 and a == other[j - 2] and one[i - 2] == b:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def _nearest_word(snapshot: Snapshot, typed: str, term: str) -> str | None:
    """The indexed word nearest to a typed one (`term` is its stem), or None.

    One edit away first (a letter added, dropped or changed, or two neighbours swapped: "histroy"),
    then, for longer words, two; the word in most listings wins a tie. Both the words people type
    (the vocabulary's, "teacher" for "techer") and the index's stems are compared, because stemming
    a misspelling and the word it means can put them further apart than the typing did.
    """
    reader = snapshot.searcher.reader()
    swapped = {stem_word(word): word for word in _transpositions(typed)}
    for maxdist in (1, 2) if len(term) > 4 else (1,):
        candidates: dict[str, str | None] = dict.fromkeys(
            candidate
            for leaf, _ in reader.leaf_readers()
            for field_name in _SPELLING_FIELDS
            for candidate in leaf.terms_within(field_name, term, maxdist, prefix=1)
        )
        if maxdist == 1:
            candidates.update(swapped)
        for surface in _SURFACE_WORDS.values():
            if surface[:1] == typed[:1] and _edit_distance(typed, surface, maxdist) <= maxdist:
                candidates.setdefault(stem_word(surface), surface)
        candidates.pop(term, None)
        frequencies = {
            candidate: sum(reader.doc_frequency(field_name, candidate) for field_name in _SPELLING_FIELDS)
            for candidate in candidates
        }
        found = [(-frequency, candidate) for candidate, frequency in frequencies.items() if frequency]
        if found:
            _, best = min(found)
            return candidates[best] or _SURFACE_WORDS.get(best) or _word_in_a_title(snapshot, best)
    return None


def _transpositions(word: str) -> set[str]:
    """The word with each pair of neighbouring letters swapped."""
    if not word.isalpha():
        return set()
    pairs = range(len(word) - 1)
    return {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in pairs if word[i] != word[i + 1]}


def _word_in_a_title(snapshot: Snapshot, term: str) -> str:
    """The word as a listing's title writes it (an index term is a stem, which people don't type)."""
    for docnum in snapshot.searcher.docs_for_query(_term_query(term)):
        title = snapshot.searcher.stored_fields(docnum).get("title", "")
        for word in re.findall(r"\w+", title):
            if stem_word(word.lower()) == term:
                return word.lower()
        break
    return term


def _term_query(term: str):
    from whoosh.query import Term

    return Term("title", term)
