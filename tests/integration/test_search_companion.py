"""A large segment's companion file: what searches read first, decoded once and kept beside the segment,
so a process that opens the index later answers its first searches without decoding postings, and
answers them exactly as it would have by decoding them."""

from __future__ import annotations

import logging

import pytest

from marketplace.extensions import db
from marketplace.search.api import VacancySearch, backend, find_vacancies
from marketplace.search.whoosh import companion, engine, ranking
from marketplace.search.whoosh.backend import current_index
from marketplace.search.whoosh.engine import forget_snapshots, snapshot_in_use
from tests.factories import VacancyFactory

SEARCHES = [
    VacancySearch(keywords="part time maths teacher"),
    VacancySearch(keywords="send"),
    VacancySearch(keywords="special educational needs coordinator"),
    VacancySearch(keywords="maternity cover"),
    VacancySearch(keywords="music"),
    VacancySearch(keywords="head of year", sort="newest"),
]


@pytest.fixture
def small_segments_count_as_large(monkeypatch):
    """The test index holds a few listings: treat its segments as the large ones of a real index."""
    monkeypatch.setattr(companion, "LARGE_SEGMENT", 1)
    monkeypatch.setattr(engine, "_WARM_SEGMENT_SIZE", 1)


def some_listings() -> None:
    VacancyFactory(
        published=True,
        title="Teacher of Mathematics",
        about_role="A part time post. We welcome pupils with special educational needs.",
    )
    for title, about in (
        ("SENCo", "Special educational needs coordinator, full time."),
        ("Head of Year 9", "Maternity cover until July."),
        ("Music Teacher", "Part time music teaching in a choir school."),
    ):
        VacancyFactory(published=True, title=title, about_role=about)


def answers() -> list[tuple]:
    found = []
    for search in SEARCHES:
        result = find_vacancies(search)
        found.append((result.ids, result.total, result.facets, dict(result.highlights)))
    return found


def rebuild_index() -> list[str]:
    backend().rebuild(db.session)
    with current_index().searcher() as searcher:
        return [reader.segment().segment_id() for reader, _ in searcher.reader().leaf_readers()]


def merge_everything() -> None:
    """A commit that merges every segment into one new segment, as Whoosh's merges do in time."""
    current_index().open().writer().commit(optimize=True)


def as_a_new_process() -> None:
    forget_snapshots()  # every generation's arrays and decoded postings dropped


def test_a_rebuilt_segment_gets_a_file_and_a_new_process_answers_from_it_without_decoding(
    app, small_segments_count_as_large
):
    some_listings()
    segments = rebuild_index()
    folder = current_index().path
    assert segments
    assert all(companion.path_of(folder, segment).exists() for segment in segments)

    as_a_new_process()
    reads_before = {segment: ranking.postings_reads[segment] for segment in segments}
    from_the_file = answers()
    assert {segment: ranking.postings_reads[segment] for segment in segments} == reads_before

    # The same answers, scores and snippets as decoding the postings gives.
    for segment in segments:
        companion.path_of(folder, segment).unlink()
    as_a_new_process()
    assert answers() == from_the_file
    assert any(ids for ids, *_ in from_the_file)


def test_a_damaged_file_is_passed_over_and_the_postings_are_decoded(
    app, small_segments_count_as_large, caplog
):
    some_listings()
    segments = rebuild_index()
    as_a_new_process()
    expected = answers()
    folder = current_index().path
    for segment in segments:
        companion.path_of(folder, segment).write_bytes(b"PK\x03\x04 not a whole file")

    as_a_new_process()
    with caplog.at_level(logging.WARNING, logger="marketplace.search.whoosh.companion"):
        assert answers() == expected
    assert "unreadable search index file" in caplog.text


def test_a_segment_made_by_a_merge_gets_its_file_from_the_first_process_that_warms_it(
    app, small_segments_count_as_large
):
    some_listings()
    index = current_index()
    merge_everything()
    as_a_new_process()
    with snapshot_in_use(index.path, index.open) as snapshot:
        segments = [leaf.postings.segment_id for leaf in snapshot.evaluator.leaves]
    assert not any(companion.path_of(index.path, segment).exists() for segment in segments)
    assert snapshot.warmed.wait(30)  # (set once the file is written)
    assert all(companion.path_of(index.path, segment).exists() for segment in segments)

    as_a_new_process()
    reads_before = {segment: ranking.postings_reads[segment] for segment in segments}
    assert find_vacancies(VacancySearch(keywords="part time")).total == 2
    assert {segment: ranking.postings_reads[segment] for segment in segments} == reads_before


def test_the_file_goes_with_its_segment(app, small_segments_count_as_large):
    some_listings()
    segments = rebuild_index()
    index = current_index()
    VacancyFactory(published=True, title="Teacher of Art")
    merge_everything()  # one new segment replaces the rebuilt ones

    assert not any(companion.path_of(index.path, segment).exists() for segment in segments)
    assert find_vacancies(VacancySearch(keywords="art")).total == 1
