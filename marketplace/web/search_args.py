"""Reading a search from a query string, shared by the search page and the JSON API."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from marketplace.search.service import VacancySearch

MAX_KEYWORD_LENGTH = 200
# The search itself drops values it does not know (and maps legacy ones), so every value passes through.
FILTER_NAMES = ("job_roles", "phases", "key_stages", "subjects", "working_patterns")


class BadSearch(ValueError):
    """A query-string value that cannot be understood (the API answers 400; the page falls back)."""


def _positive_int(args: MultiDict, name: str, default: int) -> int:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 10_000:
        raise BadSearch(f"'{name}' must be a whole number from 1 to 10,000")
    return int(raw)


def search_from_args(args: MultiDict, *, strict: bool = False) -> VacancySearch:
    """The search in ?keyword=…&phases=…&page=…; unless strict, bad numbers fall back to defaults."""
    filters = {name: tuple(args.getlist(name)) for name in FILTER_NAMES}
    try:
        page = _positive_int(args, "page", 1)
        per_page = _positive_int(args, "per_page", 20)
    except BadSearch:
        if strict:
            raise
        page, per_page = 1, 20
    return VacancySearch(
        keywords=args.get("keyword", "")[:MAX_KEYWORD_LENGTH],
        sort=args.get("sort") or None,
        page=page,
        per_page=per_page,
        **filters,
    )
