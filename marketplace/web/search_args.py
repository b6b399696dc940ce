"""Reading a search from a query string, shared by the search page and the JSON API.

List parameters accept repeated keys (`phases=primary&phases=secondary`) or comma-separated values
(`phases=primary,secondary`). Unknown filter values are dropped by the search itself, never an error.
"""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from marketplace.numbers import whole_number
from marketplace.search.api import FILTERS, FLAGS, MAX_POSTED_WITHIN_DAYS, VacancySearch

MAX_KEYWORD_LENGTH = 200
MAX_LOCATION_LENGTH = 100
FILTER_NAMES = tuple(choices.attribute for choices in FILTERS)
FLAG_NAMES = tuple(FLAGS)
_YES = frozenset({"true", "1", "yes", "on"})
_NO = frozenset({"false", "0", "no", "off", ""})

# Every parameter the search understands, in the order the API documents them.
PARAMETERS = (
    "keyword",
    "location",
    "radius",
    *FILTER_NAMES,
    *FLAG_NAMES,
    "organisation",
    "minimum_salary",
    "posted_within_days",
    "sort",
    "page",
    "per_page",
)


def search_parameters(args: MultiDict) -> MultiDict:
    """Only the parameters the search understands: links built from a query string carry nothing else
    (and names such as `_anchor` or `_external`, which `url_for` treats specially, never reach it)."""
    return MultiDict([(name, value) for name, value in args.items(multi=True) if name in PARAMETERS])


class BadSearch(ValueError):
    """A query-string value that cannot be understood (the API answers 400; the page falls back)."""

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        super().__init__(message)


def list_values(args: MultiDict, name: str) -> tuple[str, ...]:
    """A list parameter's values, from repeated keys and comma-separated values alike."""
    return tuple(part.strip() for raw in args.getlist(name) for part in raw.split(",") if part.strip())


def _number(args: MultiDict, name: str, default: int | None, lowest: int, highest: int) -> int | None:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    number = whole_number(raw, lowest, highest)
    if number is None:
        raise BadSearch(name, f"'{name}' must be a whole number from {lowest:,} to {highest:,}")
    return number


MAX_MINIMUM_SALARY = 10_000_000
MINIMUM_SALARY_PROBLEM = "Enter a minimum salary in pounds a year, like 30,000"


def _minimum_salary(args: MultiDict) -> int | None:
    """The minimum salary as people type it: "30000", "30,000" or "£30,000"."""
    raw = args.get("minimum_salary", "").strip()
    cleaned = raw.removeprefix("£").replace(",", "").strip()
    if not cleaned:
        return None
    number = whole_number(cleaned, 0, MAX_MINIMUM_SALARY)
    if number is None:
        raise BadSearch("minimum_salary", MINIMUM_SALARY_PROBLEM)
    return number


def problems(args: MultiDict) -> dict[str, str]:
    """What the search page tells people it could not use, by field (the rest falls back quietly)."""
    try:
        _minimum_salary(args)
    except BadSearch as error:
        return {error.parameter: str(error)}
    return {}


def _flag(args: MultiDict, name: str) -> bool:
    raw = args.get(name, "").strip().lower()
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise BadSearch(name, f"'{name}' must be true or false")


def _read(args: MultiDict, name: str, read, fallback, strict: bool):
    try:
        return read()
    except BadSearch:
        if strict:
            raise
        return fallback


# The most results one page, the feed or the API answer with: beyond it a request is paged.
MAX_PER_PAGE = 100


def search_from_args(args: MultiDict, *, strict: bool = False) -> VacancySearch:
    """The search in ?keyword=…&phases=…&page=…; unless strict, bad values fall back to defaults."""
    filters = {name: list_values(args, name) for name in FILTER_NAMES}
    flags = {name: _read(args, name, lambda n=name: _flag(args, n), False, strict) for name in FLAG_NAMES}
    numbers = {
        "page": (1, 1, 10_000),
        "per_page": (20, 1, MAX_PER_PAGE),
        "posted_within_days": (None, 1, MAX_POSTED_WITHIN_DAYS),
    }
    values = {
        name: _read(args, name, lambda n=name, d=d, lo=lo, hi=hi: _number(args, n, d, lo, hi), d, strict)
        for name, (d, lo, hi) in numbers.items()
    }
    values["minimum_salary"] = _read(args, "minimum_salary", lambda: _minimum_salary(args), None, strict)
    return VacancySearch(
        keywords=args.get("keyword", "")[:MAX_KEYWORD_LENGTH],
        location=args.get("location", "")[:MAX_LOCATION_LENGTH],
        radius=args.get("radius", ""),
        organisation=args.get("organisation", "")[:130],
        sort=args.get("sort") or None,
        **values,
        **filters,
        **flags,
    )
