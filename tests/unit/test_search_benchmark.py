"""The search benchmark's query mix: enough distinct searches, of the kinds people make (no timing here)."""

from __future__ import annotations

from benchmarks.search import POPULAR, as_search, queries, query_string


def test_the_mix_holds_at_least_200_distinct_searches_the_page_understands():
    mix = queries(300)
    assert len({query_string(pairs) for pairs in mix}) == 300
    searches = [as_search(pairs) for pairs in mix]
    assert sum(search.has_keywords for search in searches) > 150
    assert sum(bool(search.location) for search in searches) > 30
    assert sum(bool(search.active_filters()) for search in searches) > 30
    assert sum(search.keywords == "teacher" for search in searches) >= 1
    # The popular searches are in every mix: the throughput runs repeat them as cache hits.
    assert {query_string(pairs) for pairs in POPULAR} <= {query_string(pairs) for pairs in mix}


def test_the_same_seed_gives_the_same_mix():
    assert queries(250) == queries(250)
    assert queries(250) != queries(250, seed=12)
