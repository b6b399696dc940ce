"""The query side: a `VacancySearch` in, ranked vacancy ids, a total and highlighted snippets out.

One query object serves the HTML search page, the JSON API and alert matching, so it knows nothing of
requests: callers turn their own input into a VacancySearch, which tidies it up (unknown filter values
and sorts are dropped, never an error). Keywords must all match (AND), each one in any text field;
filters are OR'd within one filter and AND'd across filters. Liveness (publish date reached, closing
time ahead) is decided here at query time, so a listing leaves the results at its exact closing time
whether or not the index has heard of it.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from markupsafe import Markup, escape
from whoosh import highlight, sorting
from whoosh.query import And, Every, NumericRange, Or, Query, Term
from whoosh.searching import Hit, Searcher

from marketplace.db import uk_today
from marketplace.search.analysis import search_terms
from marketplace.search.schema import VACANCY_KIND, day_number, epoch_microseconds, subject_term
from marketplace.vacancies import vocabulary

SORTS = ("relevance", "closing", "newest")
MAX_PER_PAGE = 100

# BM25F per-field weights: a word in the title (or a subject) says more about the job than one in the
# school's name or the description.
TEXT_FIELD_WEIGHTS: Mapping[str, float] = {"title": 3.0, "subjects": 2.0, "organisation": 1.0, "body": 1.0}

SNIPPET_FIELD = "body"
SNIPPET_CHARACTERS = 240


@dataclass(frozen=True)
class FilterChoices:
    """One filter: the VacancySearch attribute, the index field it matches, and what it accepts.

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

    def query(self, identifiers: tuple[str, ...]) -> Query:
        return Or([Term(self.field, self.term(identifier)) for identifier in identifiers])


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

FILTERS: tuple[FilterChoices, ...] = (
    FilterChoices("job_roles", "job_role", _choices(vocabulary.JOB_ROLES, _JOB_ROLE_ALIASES)),
    FilterChoices("phases", "phase", _choices(vocabulary.PHASES)),
    FilterChoices("key_stages", "key_stage", _choices(vocabulary.KEY_STAGES)),
    FilterChoices("subjects", "subject", _choices(vocabulary.SUBJECTS), term=subject_term),
    FilterChoices("working_patterns", "working_pattern", _choices(_WORKING_PATTERNS)),
)


def _whole_number(value: Any, default: int, *, lowest: int = 1, highest: int | None = None) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    number = max(number, lowest)
    return min(number, highest) if highest is not None else number


@dataclass(frozen=True)
class VacancySearch:
    """What a jobseeker (or an alert) is looking for. Construction tidies every value; nothing raises."""

    keywords: str = ""
    job_roles: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    key_stages: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    working_patterns: tuple[str, ...] = ()
    sort: str | None = None
    page: int = 1
    per_page: int = 20

    def __post_init__(self) -> None:
        tidy = object.__setattr__  # the dataclass is frozen: tidy values once, here
        tidy(self, "keywords", " ".join(str(self.keywords or "").split()))
        for choices in FILTERS:
            values = getattr(self, choices.attribute) or ()
            tidy(self, choices.attribute, choices.normalise([values] if isinstance(values, str) else values))
        tidy(self, "sort", self.sort if self.sort in SORTS else None)
        tidy(self, "page", _whole_number(self.page, 1))
        tidy(self, "per_page", _whole_number(self.per_page, 20, highest=MAX_PER_PAGE))

    @cached_property
    def terms(self) -> list[str]:
        """The search terms the keywords stand for (stop words gone, words stemmed)."""
        return search_terms(self.keywords)

    @property
    def effective_sort(self) -> str:
        """The sort asked for when it makes sense; otherwise relevance with keywords, closing date without."""
        if self.sort == "relevance" and not self.terms:
            return "closing"
        return self.sort or ("relevance" if self.terms else "closing")


@dataclass(frozen=True)
class SearchResult:
    """One page of matching vacancy ids, best first, with the total and a highlighted snippet per id."""

    ids: list[int]
    total: int
    page: int
    per_page: int
    highlights: dict[int, Markup] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page)


def keyword_query(terms: list[str]) -> Query | None:
    """Every term must match, each in any text field, weighted by field."""
    if not terms:
        return None
    return And(
        [
            Or([Term(name, term, boost=weight) for name, weight in TEXT_FIELD_WEIGHTS.items()])
            for term in terms
        ]
    )


def live_query(now: dt.datetime) -> Query:
    """Listed right now: publish date reached, closing time still ahead (the index holds published only)."""
    return And(
        [
            Term("kind", VACANCY_KIND),
            NumericRange("publish_on", None, day_number(uk_today(now))),
            NumericRange("closes_at", epoch_microseconds(now), None, startexcl=True),
        ]
    )


def filter_query(search: VacancySearch, now: dt.datetime) -> Query:
    """Everything that restricts without ranking: liveness, then each filter the search uses."""
    conditions = [live_query(now)]
    for choices in FILTERS:
        identifiers = getattr(search, choices.attribute)
        if identifiers:
            conditions.append(choices.query(identifiers))
    return And(conditions)


def sort_facet(sort: str) -> sorting.FacetType:
    closing = sorting.FieldFacet("closes_at")
    newest = sorting.FieldFacet("published_at", reverse=True)
    # Each sort ends with a tie-breaker, so pages never shuffle between requests.
    return {
        "relevance": sorting.MultiFacet([sorting.ScoreFacet(), closing]),
        "closing": sorting.MultiFacet([closing, newest]),
        "newest": sorting.MultiFacet([newest, closing]),
    }[sort]


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


def snippet(hit: Hit) -> Markup:
    """The description around the matched words, or its opening when no word matched it."""
    marked = hit.highlights(SNIPPET_FIELD, top=2)
    if marked:
        return Markup(marked)  # noqa: S704 (MarkFormatter escaped everything but its own <mark> tags)
    opening = textwrap.shorten(hit.get(SNIPPET_FIELD, ""), SNIPPET_CHARACTERS, placeholder=" …")
    return escape(opening)


def run_search(
    searcher: Searcher, search: VacancySearch, *, now: dt.datetime, snippets: bool = True
) -> SearchResult:
    """Run a search against an open index searcher; `now` decides which listings are live.

    Without `snippets` (the JSON API, alert matching) the highlighting work is skipped.
    """
    terms = search.terms
    offset = (search.page - 1) * search.per_page
    results = searcher.search(
        keyword_query(terms) or Every(),
        filter=filter_query(search, now),
        limit=offset + search.per_page,
        sortedby=sort_facet(search.effective_sort),
    )
    results.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARACTERS, surround=60)
    results.formatter = MarkFormatter()
    hits = list(results)[offset:]
    ids = [int(hit["id"]) for hit in hits]
    highlights: dict[int, Markup] = {}
    if snippets:
        highlights = {vacancy_id: snippet(hit) for vacancy_id, hit in zip(ids, hits, strict=True)}
    return SearchResult(
        ids=ids,
        total=len(results),
        page=search.page,
        per_page=search.per_page,
        highlights=highlights,
    )
