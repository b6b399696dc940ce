"""The query side: a `VacancySearch` in; ranked vacancy ids, a total, facet counts, highlighted snippets,
distances and suggestions out.

One query object serves the HTML search page, the JSON API and alert matching, so it knows nothing of
requests: callers turn their own input into a VacancySearch, which tidies it up (unknown filter values
and sorts are dropped, never an error). Every keyword unit must match (AND; see keywords.py); filters
are OR'd within one filter and AND'd across filters. Liveness (publish date reached, closing time
ahead) is decided here at query time, so a listing leaves the results at its exact closing time
whether or not the index has heard of it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from markupsafe import Markup, escape
from whoosh import highlight

from marketplace.search.analysis import TEXT_ANALYZER, search_terms, stem_word
from marketplace.search.engine import Snapshot
from marketplace.search.geo import (
    DEFAULT_RADIUS_MILES,
    NATIONWIDE,
    RADIUS_CHOICES,
    Location,
    miles,
    radius_miles,
    tidy,
)
from marketplace.search.keywords import TEXT_FIELD_WEIGHTS, KeywordUnit, keyword_units
from marketplace.search.schema import ORGANISATION_TYPE_GROUPS, subject_term
from marketplace.search.synonyms import ALTERNATIVES, implied_filters, phrase_words
from marketplace.vacancies import vocabulary

SORTS = ("relevance", "distance", "closing_date", "newest")
_SORT_ALIASES = {"closing": "closing_date"}  # the name older links use
MAX_PER_PAGE = 100
MAX_POSTED_WITHIN_DAYS = 3650

SNIPPET_FIELD = "body"
SNIPPET_CHARACTERS = 240

__all__ = ["FILTERS", "SORTS", "TEXT_FIELD_WEIGHTS", "SearchResult", "VacancySearch", "run_search"]


@dataclass(frozen=True)
class FilterChoices:
    """One list filter: the VacancySearch attribute, the index field it matches, and what it accepts.

    `accepted` maps each accepted value (lowercase) to the identifiers it stands for: itself, or for
    a legacy alias, the values that replaced it.
    """

    attribute: str
    field: str
    accepted: Mapping[str, tuple[str, ...]]
    term: Callable[[str], str] = str  # how the index spells an identifier

    def normalise(self, values: Iterable[str]) -> tuple[str, ...]:
        """Known identifiers for the given values, aliases expanded, duplicates and unknowns dropped."""
        identifiers: dict[str, None] = {}
        for value in values:
            for identifier in self.accepted.get(str(value).strip().lower(), ()):
                identifiers[identifier] = None
        return tuple(identifiers)

    @property
    def options(self) -> tuple[str, ...]:
        """Every identifier a facet counts."""
        return tuple(dict.fromkeys(i for identifiers in self.accepted.values() for i in identifiers))


def _choices(
    identifiers: Iterable[str], aliases: Mapping[str, tuple[str, ...]] | None = None
) -> dict[str, tuple[str, ...]]:
    return {identifier.lower(): (identifier,) for identifier in identifiers} | dict(aliases or {})


_SENIOR_LEADERS = ("headteacher", "deputy_headteacher", "assistant_headteacher")
_MIDDLE_LEADERS = ("head_of_year_or_phase", "head_of_department_or_curriculum")
# Legacy values that old links and saved alerts still carry.
_JOB_ROLE_ALIASES = {
    "leadership": _SENIOR_LEADERS,
    "senior_leader": _SENIOR_LEADERS,
    "middle_leader": _MIDDLE_LEADERS,
}
# Job share is a yes/no flag on the vacancy, offered (and indexed) as one more working pattern.
_WORKING_PATTERNS = [*vocabulary.WORKING_PATTERNS, "job_share"]
ORGANISATION_TYPES = {
    "academy": "Academy or free school",
    "local_authority": "Local authority maintained school",
    "fe_college": "FE college",
    "independent": "Independent school",
}
SCHOOL_TYPES = {"faith_school": "Faith school", "special_school": "Special school"}
assert set(ORGANISATION_TYPES) == set(ORGANISATION_TYPE_GROUPS)

FILTERS: tuple[FilterChoices, ...] = (
    FilterChoices("job_roles", "job_role", _choices(vocabulary.JOB_ROLES, _JOB_ROLE_ALIASES)),
    FilterChoices("phases", "phase", _choices(vocabulary.PHASES)),
    FilterChoices("key_stages", "key_stage", _choices(vocabulary.KEY_STAGES)),
    FilterChoices("subjects", "subject", _choices(vocabulary.SUBJECTS), term=subject_term),
    FilterChoices("working_patterns", "working_pattern", _choices(_WORKING_PATTERNS)),
    FilterChoices("contract_types", "contract_type", _choices(vocabulary.CONTRACT_TYPES)),
    FilterChoices("organisation_types", "organisation_type", _choices(ORGANISATION_TYPES)),
    FilterChoices("school_types", "school_type", _choices(SCHOOL_TYPES)),
)
FILTERS_BY_NAME = {choices.attribute: choices for choices in FILTERS}
# Yes/no filters: the attribute, and the index field and term a "yes" matches.
FLAGS: Mapping[str, tuple[str, str]] = {
    "ect_suitable": ("ect_status", "ect_suitable"),
    "visa_sponsorship": ("visa_sponsorship", "true"),
    "quick_apply": ("quick_apply", "true"),
}
_TRUE = frozenset({"true", "1", "yes", "on", "y"})


def _whole_number(value: Any, default: int, *, lowest: int = 1, highest: int | None = None) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    number = max(number, lowest)
    return min(number, highest) if highest is not None else number


def _optional_number(value: Any, highest: int) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return min(number, highest) if number > 0 else None


def _flag(value: Any) -> bool:
    return value is True or str(value).strip().lower() in _TRUE


@dataclass(frozen=True)
class VacancySearch:
    """What a jobseeker (or an alert) is looking for. Construction tidies every value; nothing raises."""

    keywords: str = ""
    location: str = ""
    radius: int = DEFAULT_RADIUS_MILES
    job_roles: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    key_stages: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    working_patterns: tuple[str, ...] = ()
    contract_types: tuple[str, ...] = ()
    organisation_types: tuple[str, ...] = ()
    school_types: tuple[str, ...] = ()
    ect_suitable: bool = False
    visa_sponsorship: bool = False
    quick_apply: bool = False
    organisation: str = ""  # a school's or trust's slug
    minimum_salary: int | None = None
    posted_within_days: int | None = None
    sort: str | None = None
    page: int = 1
    per_page: int = 20

    def __post_init__(self) -> None:
        tidy_value = object.__setattr__  # the dataclass is frozen: tidy values once, here
        tidy_value(self, "keywords", " ".join(str(self.keywords or "").split()))
        tidy_value(self, "location", " ".join(str(self.location or "").split()))
        tidy_value(self, "radius", radius_miles(self.radius))
        for choices in FILTERS:
            values = getattr(self, choices.attribute) or ()
            tidy_value(
                self, choices.attribute, choices.normalise([values] if isinstance(values, str) else values)
            )
        for name in FLAGS:
            tidy_value(self, name, _flag(getattr(self, name)))
        tidy_value(self, "organisation", str(self.organisation or "").strip().lower())
        tidy_value(self, "minimum_salary", _optional_number(self.minimum_salary, 10_000_000))
        tidy_value(
            self, "posted_within_days", _optional_number(self.posted_within_days, MAX_POSTED_WITHIN_DAYS)
        )
        sort = _SORT_ALIASES.get(str(self.sort), self.sort)
        tidy_value(self, "sort", sort if sort in SORTS else None)
        tidy_value(self, "page", _whole_number(self.page, 1))
        tidy_value(self, "per_page", _whole_number(self.per_page, 20, highest=MAX_PER_PAGE))

    @cached_property
    def units(self) -> list[KeywordUnit]:
        return keyword_units(self.keywords)

    @cached_property
    def terms(self) -> list[str]:
        """The search terms the keywords stand for (stop words gone, words stemmed)."""
        return search_terms(self.keywords)

    @property
    def has_point_location(self) -> bool:
        return bool(self.location) and tidy(self.location) not in NATIONWIDE

    @property
    def effective_sort(self) -> str:
        """The sort asked for when it makes sense; otherwise relevance with keywords, distance with a
        location, closing date without either."""
        sort = self.sort
        if sort == "relevance" and not self.units:
            sort = None
        if sort == "distance" and not self.has_point_location:
            sort = None
        if sort:
            return sort
        if self.units:
            return "relevance"
        return "distance" if self.has_point_location else "closing_date"

    def active_filters(self) -> dict[str, Any]:
        """The filters in use (not keywords or location), by name."""
        active: dict[str, Any] = {}
        for choices in FILTERS:
            if getattr(self, choices.attribute):
                active[choices.attribute] = getattr(self, choices.attribute)
        for name in FLAGS:
            if getattr(self, name):
                active[name] = True
        for name in ("organisation", "minimum_salary", "posted_within_days"):
            if getattr(self, name):
                active[name] = getattr(self, name)
        return active

    def without(self, name: str) -> VacancySearch:
        """The same search with one filter (or the keywords, or the location) removed."""
        blank: dict[str, Any] = {
            "keywords": "",
            "location": "",
            "organisation": "",
            "minimum_salary": None,
            "posted_within_days": None,
            **dict.fromkeys(FLAGS, False),
            **{choices.attribute: () for choices in FILTERS},
        }
        return replace(self, **{name: blank[name]}, page=1)


@dataclass(frozen=True)
class SearchResult:
    """One page of matching vacancy ids, best first, with everything the page shows beside them."""

    ids: list[int]
    total: int
    page: int
    per_page: int
    highlights: dict[int, Markup] = field(default_factory=dict)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    distances: dict[int, float] = field(default_factory=dict)  # vacancy id -> miles
    suggestions: dict[str, Any] = field(default_factory=dict)
    sort: str = "closing_date"
    location: Location | None = None
    search: VacancySearch | None = None  # the search that was run (corrected, when it was)

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page)


class MarkFormatter(highlight.Formatter):
    """Matched words wrapped in <mark>, every other character HTML-escaped, "…" where text was cut."""

    def _text(self, text: str) -> str:
        return str(escape(text))

    def format_token(self, text: str, token, replace: bool = False) -> str:
        return f"<mark>{escape(highlight.get_text(text, token, replace))}</mark>"

    def format(self, fragments: list[highlight.Fragment], replace: bool = False) -> str:
        parts = []
        for fragment in fragments:
            text = fragment.text
            # Fragments start and end on words: keep the punctuation that opens or closes the text.
            if not any(character.isalnum() for character in text[: fragment.startchar]):
                fragment.startchar = 0
            if not any(character.isalnum() for character in text[fragment.endchar :]):
                fragment.endchar = len(text)
            if fragment.startchar > 0:
                parts.append("…")
            parts.append(self.format_fragment(fragment, replace=replace))
        if fragments and fragments[-1].endchar < len(fragments[-1].text):
            parts.append("…")
        return " ".join(parts)


def snippet(text: str, terms: set[str]) -> Markup:
    """The description around the matched words, or its opening when no word matched it."""
    if terms:
        marked = highlight.highlight(
            text,
            terms,
            TEXT_ANALYZER,
            highlight.ContextFragmenter(maxchars=SNIPPET_CHARACTERS, surround=60),
            MarkFormatter(),
            top=2,
        )
        if marked:
            return Markup(marked)  # noqa: S704 (MarkFormatter escaped everything but its own <mark> tags)
    return escape(textwrap.shorten(text, SNIPPET_CHARACTERS, placeholder=" …"))


# --- Running a search on a snapshot --------------------------------------------------------------


class SearchPlan:
    """The sets of documents each part of a search allows, combined on demand (alert matching uses it too)."""

    def __init__(
        self, snapshot: Snapshot, search: VacancySearch, location: Location | None, now: dt.datetime
    ):
        self.snapshot = snapshot
        self.search = search
        self.location = location
        self.now = now
        self.live = snapshot.live_bits(now)
        self.conditions: dict[str, int] = {}
        self.distances: dict[int, float] = {}
        self.unit_bits = {unit.typed: self.unit(unit) for unit in search.units}
        if search.units:
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
        if location is not None and location.point is not None:
            bits, self.distances = snapshot.within(location.point, search.radius)
            self.conditions["location"] = bits

    def unit(self, unit: KeywordUnit) -> int:
        key = (unit.terms, unit.alternatives, unit.narrow)
        alone = len(self.search.units) == 1 and self.search.effective_sort == "relevance"
        return self.snapshot.query_bits(key, unit.query(), ranked=alone)

    def value_bits(self, name: str, values: Iterable[str]) -> int:
        if name in FLAGS:
            field_name, term = FLAGS[name]
            return self.snapshot.term_bits(field_name, (term,))
        choices = FILTERS_BY_NAME[name]
        return self.snapshot.term_bits(choices.field, tuple(choices.term(value) for value in values))

    def combined(self, *, without: str | None = None, extra: int | None = None) -> int:
        bits = self.live
        for name, condition in self.conditions.items():
            if name != without:
                bits &= condition
        return bits if extra is None else bits & extra

    def facets(self) -> dict[str, dict[str, int]]:
        facets: dict[str, dict[str, int]] = {}
        for choices in FILTERS:
            base = self.combined(without=choices.attribute)
            facets[choices.attribute] = {
                value: (base & self.value_bits(choices.attribute, (value,))).bit_count()
                for value in choices.options
            }
        for name in FLAGS:
            base = self.combined(without=name)
            facets[name] = {"true": (base & self.value_bits(name, ("true",))).bit_count()}
        return facets


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
    if total == 0 and correct_spelling and search.units:
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
    sort = search.effective_sort
    if sort == "distance" and not plan.distances:
        sort = "relevance" if search.units else "closing_date"
    offset = (search.page - 1) * search.per_page
    wanted = offset + search.per_page
    if sort == "relevance":
        query = snapshot.keyword_query(search.units)
        key = tuple((unit.terms, unit.alternatives, unit.narrow) for unit in search.units)
        docnums = snapshot.ranked(query, matching, wanted, key=key)
    elif sort == "distance":
        docnums = snapshot.by_distance(matching, plan.distances, wanted)
    elif sort == "newest":
        docnums = snapshot.ordered(matching, snapshot.newest_order, wanted)
    else:
        docnums = snapshot.ordered(matching, snapshot.closing_order, wanted)
    docnums = docnums[offset:]
    vacancy_ids = snapshot.columns["vacancy_id"]
    ids = [vacancy_ids[docnum] for docnum in docnums]
    highlights: dict[int, Markup] = {}
    if snippets:
        terms = {term for unit in search.units for term in unit.all_terms()}
        for vacancy_id, docnum in zip(ids, docnums, strict=True):
            body = snapshot.searcher.stored_fields(docnum).get(SNIPPET_FIELD, "")
            highlights[vacancy_id] = snippet(body, terms)
    distances = {
        vacancy_id: round(miles(plan.distances[docnum]), 1)
        for vacancy_id, docnum in zip(ids, docnums, strict=True)
        if docnum in plan.distances
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

LABELS: Mapping[str, Mapping[str, str]] = {
    "job_roles": vocabulary.JOB_ROLES,
    "phases": vocabulary.PHASES,
    "key_stages": vocabulary.KEY_STAGES,
    "subjects": {subject: subject for subject in vocabulary.SUBJECTS},
    "working_patterns": {**vocabulary.WORKING_PATTERNS, "job_share": "Job share"},
    "contract_types": vocabulary.CONTRACT_TYPES,
    "organisation_types": ORGANISATION_TYPES,
    "school_types": SCHOOL_TYPES,
    "ect_suitable": {"true": "Suitable for early career teachers"},
    "visa_sponsorship": {"true": "Visa sponsorship available"},
    "quick_apply": {"true": "Apply through the marketplace"},
}


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
    removable = []
    for name in (*search.active_filters(), *(("keywords",) if search.units else ())):
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
        *vocabulary.SUBJECTS,
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
    """The search with each keyword that matches no live listing replaced by the nearest indexed word."""
    keywords = search.keywords
    changed = False
    for unit in search.units:
        if plan.unit_bits[unit.typed] & plan.live or len(unit.terms) != 1 or unit.is_vocabulary:
            continue
        word = _nearest_word(snapshot, unit.typed.lower(), unit.terms[0])
        if word is None:
            return None
        pattern = re.compile(rf"\b{re.escape(unit.typed)}\b", re.IGNORECASE)
        keywords, count = pattern.subn(word, keywords, count=1)
        changed = changed or bool(count)
    return replace(search, keywords=keywords, page=1) if changed else None


def _nearest_word(snapshot: Snapshot, typed: str, term: str) -> str | None:
    """The indexed word nearest to a typed one (`term` is its stem), or None.

    One edit away first (a letter added, dropped or changed, or two neighbours swapped: "histroy"),
    then, for longer words, two; the word in most listings wins a tie. A swap is looked for in the
    typed word, because stemming the misspelling ("histroy") and the word ("history" -> "histori")
    can put them further apart than one edit.
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
