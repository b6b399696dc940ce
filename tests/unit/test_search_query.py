"""The search query object tidies what people (and old links) send, and never raises on it."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.search.api import VacancySearch
from marketplace.search.changes import advance_bookmark
from marketplace.search.whoosh.schema import subject_term


def test_keywords_lose_surrounding_and_repeated_spaces():
    assert VacancySearch(keywords="  maths \t teacher ").keywords == "maths teacher"


def test_unknown_filter_values_are_dropped_and_known_ones_kept_in_order():
    search = VacancySearch(phases=("secondary", "middle", "nonsense", "primary", "secondary"))
    assert search.phases == ("secondary", "primary")


def test_a_filter_of_only_unknown_values_restricts_nothing():
    assert VacancySearch(working_patterns=("compressed_hours",)).working_patterns == ()


def test_legacy_job_role_aliases_expand_to_the_roles_that_replaced_them():
    assert VacancySearch(job_roles=("leadership",)).job_roles == (
        "headteacher",
        "deputy_headteacher",
        "assistant_headteacher",
    )
    assert VacancySearch(job_roles=("middle_leader", "teacher")).job_roles == (
        "head_of_year_or_phase",
        "head_of_department_or_curriculum",
        "teacher",
    )


def test_subjects_match_the_vocabulary_whatever_their_case():
    search = VacancySearch(subjects=("mathematics", "PHYSICS", "Basket weaving"))
    assert search.subjects == ("Mathematics", "Physics")


def test_job_share_is_a_working_pattern_choice():
    search = VacancySearch(working_patterns=("job_share", "part_time"))
    assert search.working_patterns == ("job_share", "part_time")


def test_a_single_string_counts_as_one_value():
    assert VacancySearch(phases="primary").phases == ("primary",)


@pytest.mark.parametrize(
    ("keywords", "sort", "effective"),
    [
        ("", None, "closing_date"),
        ("maths", None, "relevance"),
        ("maths", "newest", "newest"),
        ("", "newest", "newest"),
        ("maths", "closing_date", "closing_date"),
        ("maths", "closing", "closing_date"),  # the name older links use
        ("", "relevance", "closing_date"),  # nothing to be relevant to
        ("the of", None, "closing_date"),  # only stop words: no keywords after all
        ("maths", "distance; drop table", "relevance"),
        ("maths", "distance", "relevance"),  # no location to measure from
    ],
)
def test_sort_defaults_and_fallbacks(keywords, sort, effective):
    assert VacancySearch(keywords=keywords, sort=sort).effective_sort == effective


def test_unknown_sort_is_forgotten():
    assert VacancySearch(sort="cheapest").sort is None


@pytest.mark.parametrize(
    ("page", "per_page", "expected"),
    [(0, 0, (1, 1)), (-3, 500, (1, 100)), ("2", "10", (2, 10)), ("x", None, (1, 20)), (7, 20, (7, 20))],
)
def test_page_and_page_size_are_kept_within_bounds(page, per_page, expected):
    search = VacancySearch(page=page, per_page=per_page)
    assert (search.page, search.per_page) == expected


NOW = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)
RECENT = NOW - dt.timedelta(seconds=5)
LONG_AGO = NOW - dt.timedelta(hours=1)
HORIZON = NOW - dt.timedelta(minutes=5)


def test_the_bookmark_moves_to_the_last_change_when_there_are_no_gaps():
    assert advance_bookmark(10, [(11, RECENT), (12, RECENT), (13, RECENT)], HORIZON) == 13


def test_the_bookmark_waits_before_a_recent_gap():
    # Change 12 may belong to a transaction that has not committed yet.
    assert advance_bookmark(10, [(11, RECENT), (13, RECENT), (14, RECENT)], HORIZON) == 11


def test_the_bookmark_passes_a_gap_once_it_is_old():
    # Change 12 was rolled back long ago.
    assert advance_bookmark(10, [(11, LONG_AGO), (13, LONG_AGO), (14, RECENT)], HORIZON) == 14


def test_the_bookmark_stays_put_without_changes():
    assert advance_bookmark(10, [], HORIZON) == 10


def test_a_subject_is_one_filter_term_whatever_its_punctuation():
    assert subject_term("Hotel, catering and travel") == "hotel_catering_and_travel"
    assert subject_term("Children's development and learning") == "children_s_development_and_learning"
