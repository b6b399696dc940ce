"""The search engine's caches across index commits: a publish or a withdrawal is seen by the very next
search (results, totals and facet counts), and a commit reads only the segment it added."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import whoosh.index
import whoosh.writing
from whoosh.query import And, Or, Phrase, Term
from whoosh.reading import SegmentReader

from marketplace.extensions import db
from marketplace.search.api import VacancySearch, find_vacancies
from marketplace.search.whoosh import engine, ranking
from marketplace.search.whoosh.backend import current_index
from marketplace.search.whoosh.engine import forget_snapshots, segment_reads, snapshot_in_use
from marketplace.search.whoosh.schema import SCHEMA_VERSION, Bookmark
from marketplace.vacancies.lifecycle import VacancyStatus
from tests.factories import OrganisationFactory, VacancyFactory

BODY = "Join our friendly department. Supportive colleagues and a generous training budget."


def listing(title: str, **fields):
    fields.setdefault("about_role", BODY)
    fields.setdefault("subjects", [])
    return VacancyFactory(published=True, title=title, **fields)


def test_a_published_listing_is_found_by_the_next_search_for_words_already_searched(app):
    first = listing("Teacher of Physics")
    assert find_vacancies(VacancySearch(keywords="physics")).ids == [first.id]

    second = listing("Physics Teacher", working_patterns=["part_time"])

    result = find_vacancies(VacancySearch(keywords="physics"))
    assert sorted(result.ids) == sorted([first.id, second.id])
    assert result.total == 2
    assert result.facets["working_patterns"]["part_time"] == 1
    assert second.id in result.highlights


def test_a_withdrawn_listing_leaves_the_results_and_the_facet_counts(app):
    kept = listing("Teacher of Chemistry", working_patterns=["full_time"])
    withdrawn = listing("Chemistry Teacher", working_patterns=["part_time"])
    before = find_vacancies(VacancySearch(keywords="chemistry"))
    assert before.total == 2
    assert before.facets["working_patterns"] == {**before.facets["working_patterns"], "part_time": 1}

    withdrawn.status = VacancyStatus.CLOSED
    db.session.commit()

    after = find_vacancies(VacancySearch(keywords="chemistry"))
    assert after.ids == [kept.id]
    assert after.total == 1
    assert after.facets["working_patterns"]["part_time"] == 0
    assert after.facets["working_patterns"]["full_time"] == 1
    # With the filter the facet is about, too.
    assert find_vacancies(VacancySearch(keywords="chemistry", working_patterns=("part_time",))).total == 0


def test_an_edit_moves_a_listing_between_words_and_facets(app):
    vacancy = listing("Teacher of History", working_patterns=["full_time"])
    assert find_vacancies(VacancySearch(keywords="history")).ids == [vacancy.id]

    vacancy.title = "Teacher of Geography"
    vacancy.working_patterns = ["part_time"]
    db.session.commit()

    assert find_vacancies(VacancySearch(keywords="history")).ids == []
    result = find_vacancies(VacancySearch(keywords="geography"))
    assert result.ids == [vacancy.id]
    assert result.facets["working_patterns"]["part_time"] == 1
    assert result.facets["working_patterns"]["full_time"] == 0


def add_segment(index, *titles: str) -> None:
    """Documents committed as a segment of their own (no merge), as a publish on a large index does."""
    writer = index.writer()
    for number, title in enumerate(titles, start=1000):
        writer.add_document(id=str(number), kind="vacancy", title=title, body=BODY, vacancy_id=number)
    writer.update_document(**Bookmark(0, SCHEMA_VERSION).document())
    writer.commit(merge=False)


def test_a_commit_reads_only_the_segment_it_added(app):
    index = current_index()
    add_segment(index, "Teacher of Music", "Music Teacher")
    forget_snapshots()
    with snapshot_in_use(index.path, index.open) as snapshot:
        old_segments = [leaf.postings.segment_id for leaf in snapshot.evaluator.leaves]
        assert snapshot.ranking(("music",), Term("title", "music"))
    reads_before = {segment: segment_reads[segment] for segment in old_segments}
    postings_before = {segment: ranking.postings_reads[segment] for segment in old_segments}

    add_segment(index, "Head of Music")

    with snapshot_in_use(index.path, index.open) as snapshot:
        segments = [leaf.postings.segment_id for leaf in snapshot.evaluator.leaves]
        found = snapshot.ranking(("music",), Term("title", "music"))
    new_segments = set(segments) - set(old_segments)
    assert len(new_segments) == 1
    assert len(found) == 3
    # The earlier segments' arrays and postings were kept; only the new segment was read.
    assert {segment: segment_reads[segment] for segment in old_segments} == reads_before
    assert {segment: ranking.postings_reads[segment] for segment in old_segments} == postings_before
    assert all(segment_reads[segment] == 1 for segment in new_segments)


def test_a_publish_scores_only_its_new_segment_while_the_statistics_hold(app, monkeypatch):
    # The test index is tiny: let it drift by half its documents before the statistics refresh.
    monkeypatch.setattr(ranking, "STALE_FRACTION", 0.5)
    index = current_index()
    add_segment(index, "Teacher of Music", "Music Teacher", "Head of Music", "Teacher of Art")
    forget_snapshots()
    query = Or([Term("title", "music", boost=3.0), Term("body", "support")])
    with snapshot_in_use(index.path, index.open) as snapshot:
        old_segments = [leaf.postings.segment_id for leaf in snapshot.evaluator.leaves]
        before = dict(zip(*snapshot.scores(("music",), query), strict=True))
    computations_before = {segment: ranking.score_computations[segment] for segment in old_segments}

    add_segment(index, "Music and Drama Teacher")

    with snapshot_in_use(index.path, index.open) as snapshot:
        docs, scores = snapshot.scores(("music",), query)
        new_segments = {leaf.postings.segment_id for leaf in snapshot.evaluator.leaves} - set(old_segments)
        titles = {snapshot.searcher.stored_fields(int(docnum)).get("title") for docnum in docs}
    assert "Music and Drama Teacher" in titles  # found at once
    assert len(docs) == len(before) + 1
    # The earlier segments' scores were kept as they were, not worked out again.
    assert {segment: ranking.score_computations[segment] for segment in old_segments} == computations_before
    assert all(
        before[docnum] == score for docnum, score in zip(docs, scores, strict=True) if docnum in before
    )
    assert all(ranking.score_computations[segment] == 1 for segment in new_segments)


def test_the_statistics_refresh_once_the_index_has_drifted_and_scores_are_whooshs_again(app, monkeypatch):
    monkeypatch.setattr(ranking, "STALE_FRACTION", 0.5)
    index = current_index()
    add_segment(index, "Teacher of Music", "Music Teacher")
    forget_snapshots()
    query = Term("title", "music")
    with snapshot_in_use(index.path, index.open) as snapshot:
        first_epoch = snapshot.evaluator.statistics.epoch
        snapshot.scores(("music",), query)

    add_segment(index, "Head of Music", "Music Lead", "Teacher of Art")  # more than half as many again

    with snapshot_in_use(index.path, index.open) as snapshot:
        assert snapshot.evaluator.statistics.epoch != first_epoch
        docs, scores = snapshot.scores(("music",), query)
        expected = {docnum: score for docnum, score in snapshot.searcher.search(query, limit=None).items()}
    assert dict(zip(docs.tolist(), scores.tolist(), strict=True)) == expected


# Index terms are stems ("teacher" is indexed as "teach").
QUERIES = [
    Term("title", "teach"),
    Or([Term("title", "music", boost=3.0), Term("body", "music"), Term("body", "friend", boost=0.8)]),
    And([Or([Term("title", "music"), Term("body", "music")]), Term("body", "support")]),
    Or([Phrase("title", ["head", "music"]), Term("job_role", "teacher", boost=100.0)]),
    Or(
        [
            Term(field, word, boost=weight)
            for field in ("title", "body")
            for word, weight in (("music", 2.0), ("art", 0.8), ("teach", 1.0))
        ]
    ),
]


@pytest.mark.parametrize("query", QUERIES, ids=str)
def test_scores_are_those_whoosh_gives(app, query):
    listing("Teacher of Music", job_roles=["teacher"], about_role=f"{BODY} Music every day, music all day.")
    listing("Head of Music", job_roles=["head_of_department_or_curriculum"])
    add_segment(current_index(), "Music Teacher", "Teacher of Art", "Head of Music and Drama")
    withdrawn = listing("Teacher of Music and Art")
    withdrawn.status = VacancyStatus.CLOSED  # a segment with a deletion
    db.session.commit()
    index = current_index()
    with snapshot_in_use(index.path, index.open) as snapshot:
        matched, scores = snapshot.evaluator.evaluate(query)
        matched &= snapshot.live_mask  # the engine drops deleted documents after evaluating
        # Without scores (a keyword among others), and again from what each segment kept.
        for _ in range(2):
            assert ((snapshot.evaluator.matches(query) & snapshot.live_mask) == matched).all()
        expected: dict[int, float] = {}
        context = snapshot.searcher.context()
        for leaf, offset in snapshot.searcher.leaf_searchers():
            matcher = query.matcher(leaf, context)
            while matcher.is_active():
                expected[offset + matcher.id()] = matcher.score()
                matcher.next()
    assert expected
    assert {int(docnum) for docnum in matched.nonzero()[0]} == set(expected)
    # To the last bit: Whoosh's order of adding clause scores is followed, so ties fall as they did.
    assert {docnum: float(scores[docnum]) for docnum in expected} == expected


def test_a_new_generation_is_warmed_with_the_last_ones_searches(app):
    listing("Teacher of Physics")
    find_vacancies(VacancySearch(keywords="physics"))
    index = current_index()
    with snapshot_in_use(index.path, index.open) as old:
        searched = [key for kind, key in old.recent if kind == "scores"]
    assert searched

    listing("Physics Teacher")  # a commit: the index moves to a new generation
    with snapshot_in_use(index.path, index.open) as new:
        assert new.generation > old.generation
    for thread in threading.enumerate():
        if thread.name == "search-prewarm":
            thread.join(timeout=30)

    with snapshot_in_use(index.path, index.open) as new:
        assert all(key in new.cache("rankings").values for key in searched)
    assert len(find_vacancies(VacancySearch(keywords="physics")).ids) == 2


def test_the_warming_of_a_new_generation_waits_while_searches_are_under_way(app):
    listing("Teacher of Physics")
    find_vacancies(VacancySearch(keywords="physics"))
    index = current_index()
    with snapshot_in_use(index.path, index.open) as old:  # a search under way meanwhile
        searched = [key for kind, key in old.recent if kind == "scores"]
        listing("Physics Teacher")  # a commit: the index moves to a new generation
        with engine._snapshots_lock:
            new = engine._snapshots[str(index.path)]
        assert new.generation > old.generation
        time.sleep(0.2)
        assert not any(key in new.cache("rankings").values for key in searched)
    for thread in threading.enumerate():
        if thread.name == "search-prewarm":
            thread.join(timeout=30)

    assert searched
    assert all(key in new.cache("rankings").values for key in searched)


def test_a_large_new_segment_has_the_vocabularys_postings_read_before_anyone_searches(app, monkeypatch):
    monkeypatch.setattr(engine, "_WARM_SEGMENT_SIZE", 1)  # the test index is small
    listing("Teacher of Music", about_role=f"{BODY} A part time post, maternity cover.")
    index = current_index()
    forget_snapshots()  # as a new process: nothing read yet
    with snapshot_in_use(index.path, index.open) as snapshot:
        segments = [leaf.postings.segment_id for leaf in snapshot.evaluator.leaves]
        # The warming gives way to searches: it waits while this one is under way.
        assert not snapshot.warmed.wait(0.2)
    assert snapshot.warmed.wait(30)
    reads_before = {segment: ranking.postings_reads[segment] for segment in segments}

    result = find_vacancies(VacancySearch(keywords="part time maths teacher maternity cover"))
    everything = find_vacancies(VacancySearch(keywords="music"))

    assert result.total == 0
    assert everything.total == 1
    assert {segment: ranking.postings_reads[segment] for segment in segments} == reads_before


def test_phrases_match_where_whoosh_finds_them(app):
    first = listing("Head of Music", about_role="Music lessons for every year group. A part time role.")
    listing("Music Teacher", about_role="Part of a team, the time table is shared.")
    index = current_index()
    forget_snapshots()
    with snapshot_in_use(index.path, index.open) as snapshot:
        for query in (Phrase("body", ["part", "time"]), Phrase("title", ["head", "music"])):
            matched, _ = snapshot.evaluator.evaluate(query)
            found = {snapshot.columns["vacancy_id"][docnum] for docnum in matched.nonzero()[0]}
            ids = snapshot.columns["vacancy_id"]
            expected = {ids[docnum] for docnum in snapshot.searcher.docs_for_query(query)}
            assert found == expected == {first.id}


def test_an_edited_description_is_highlighted_as_it_now_reads(app):
    vacancy = listing("Teacher of Physics", about_role="Physics with our friendly science department.")
    assert "friendly science" in find_vacancies(VacancySearch(keywords="physics")).highlights[vacancy.id]

    vacancy.about_role = "Physics in our new laboratories, with a generous training budget."
    db.session.commit()

    highlight = find_vacancies(VacancySearch(keywords="physics")).highlights[vacancy.id]
    assert "new laboratories" in highlight
    assert "friendly" not in highlight


def test_words_and_phrases_nobody_indexed_do_not_grow_the_segment_caches(app):
    # Search words are whatever people type: a stream of distinct made-up words or quoted phrases must
    # not make the per-segment caches (kept as long as the segment lives) grow without limit.
    listing("Teacher of Music")
    index = current_index()
    forget_snapshots()
    with snapshot_in_use(index.path, index.open) as snapshot:
        postings = [leaf.postings for leaf in snapshot.evaluator.leaves]
        for number in range(ranking._MATCHES_KEPT + 50):
            made_up = f"zq{number}x"
            snapshot.evaluator.evaluate(Term("title", made_up))
            snapshot.evaluator.evaluate(Phrase("title", ["music", made_up]))
    for segment in postings:
        assert not any(word.startswith("zq") for _, word in segment.terms)
        assert len(segment.phrases) <= ranking._MATCHES_KEPT


def merge_all_but_the_first(writer, segments):
    """A Whoosh merge policy: the first segment kept, the rest merged into one new segment after it."""
    first, *rest = segments
    for segment in rest:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [first]


def test_a_place_searched_before_a_commit_is_answered_after_it_as_a_fresh_search_would(app, monkeypatch):
    monkeypatch.setattr(whoosh.writing, "MERGE_SMALL", whoosh.writing.NO_MERGE)  # a segment a commit
    leeds = OrganisationFactory(name="Leeds Grammar", postcode="LS1 1AA", latitude=53.8, longitude=-1.55)
    wakefield = OrganisationFactory(name="Wakefield High", postcode="WF1 1AA", latitude=53.68, longitude=-1.5)
    kept = listing("Teacher of Music", organisation=leeds)
    closing = listing("Teacher of Art", organisation=wakefield)
    listing("Teacher of Drama", organisation=OrganisationFactory(latitude=51.45, longitude=-2.59))
    near_leeds = VacancySearch(location="Leeds", radius=25, sort="distance")
    before = find_vacancies(near_leeds)
    assert set(before.ids) == {kept.id, closing.id}

    added = listing("Teacher of History", organisation=wakefield)  # a commit adds a segment
    closing.status = VacancyStatus.CLOSED  # and another deletes a listing the earlier one found
    db.session.commit()
    after = find_vacancies(near_leeds)
    later = listing("Teacher of Dance", organisation=leeds)
    with_later = find_vacancies(near_leeds)
    current_index().open().writer().commit(mergetype=merge_all_but_the_first)  # renumbers all but the first
    merged = find_vacancies(near_leeds)
    current_index().open().writer().commit(optimize=True)  # renumbers every document
    optimised = find_vacancies(near_leeds)
    forget_snapshots()  # worked out from nothing

    fresh = find_vacancies(near_leeds)
    assert set(fresh.ids) == {kept.id, added.id, later.id}
    assert [(result.ids, result.total, result.distances) for result in (with_later, merged, optimised)] == [
        (fresh.ids, fresh.total, fresh.distances)
    ] * 3
    assert (after.ids, after.distances) == (
        [vacancy_id for vacancy_id in fresh.ids if vacancy_id != later.id],
        {key: value for key, value in fresh.distances.items() if key != later.id},
    )


def test_keywords_searched_before_a_commit_are_answered_after_it_as_worked_out_whole(app, monkeypatch):
    monkeypatch.setattr(whoosh.writing, "MERGE_SMALL", whoosh.writing.NO_MERGE)  # a segment a commit
    monkeypatch.setattr(ranking, "STALE_FRACTION", 1.0)  # the scores' statistics hold throughout
    firsts: list[int] = []
    for name in ("scored", "matches"):
        original = getattr(ranking.Evaluator, name)

        def recorded(self, query, *, first=0, original=original):
            firsts.append(first)
            return original(self, query, first=first)

        monkeypatch.setattr(ranking.Evaluator, name, recorded)
    listing("Teacher of Physics")
    closing = listing("Physics and Chemistry Teacher")
    listing("Teacher of Art")
    searches = [
        VacancySearch(keywords="physics"),  # ranked on its own: from its scores
        VacancySearch(keywords="physics teacher", sort="newest"),  # each word's matches
        VacancySearch(keywords="chemistry OR art teacher"),
    ]
    index = current_index()

    def answered_as_worked_out_whole() -> list:
        answers = [find_vacancies(search) for search in searches]
        with snapshot_in_use(index.path, index.open) as snapshot:
            for (kind, key), query in snapshot.recent.items():
                if kind == "scores":
                    docs, scores = snapshot.evaluator.scored(query)
                    live = snapshot.live_mask[docs]
                    kept = snapshot.cache("rankings").values[key]
                    assert (kept[0].tolist(), kept[1].tolist()) == (
                        docs[live].tolist(),
                        scores[live].tolist(),
                    )
                else:
                    matched = snapshot.evaluator.matches(query) & snapshot.live_mask
                    assert snapshot.cache("queries").values[key] == ranking.bits_of(matched)
        return [(sorted(answer.ids), answer.total, answer.facets) for answer in answers]

    answered_as_worked_out_whole()
    firsts.clear()
    added = listing("Physics Teacher")  # a commit adds a segment
    answered_as_worked_out_whole()
    assert any(firsts)  # (the first uses after the commit added the new segment to what was known)
    firsts.clear()
    closing.status = VacancyStatus.CLOSED  # a commit deletes a listing the earlier one found
    db.session.commit()
    after = answered_as_worked_out_whole()
    assert any(firsts)
    current_index().open().writer().commit(mergetype=merge_all_but_the_first)  # renumbers all but the first
    merged = answered_as_worked_out_whole()
    current_index().open().writer().commit(optimize=True)  # renumbers every document
    optimised = answered_as_worked_out_whole()
    forget_snapshots()

    assert after == merged == optimised == answered_as_worked_out_whole()
    assert added.id in after[0][0]
    assert closing.id not in after[0][0]


def searched_index():
    """The index with one listing, searched once: this process holds its generation's snapshot."""
    listing("Teacher of Physics")
    index = current_index()
    with snapshot_in_use(index.path, index.open) as snapshot:
        return index, snapshot.generation


def test_a_search_waits_for_the_thread_reading_a_new_generation_rather_than_reading_it_too(app):
    index, before = searched_index()
    committed, done = threading.Event(), threading.Event()

    def commit_and_read() -> None:
        with engine.next_generation_prepared(index.path):
            add_segment(index, "Physics Teacher")  # a newer generation on disk, not yet read
            committed.set()
            done.wait(30)
            with snapshot_in_use(index.path, index.open):  # read by the thread that committed it
                pass

    answered: list[int] = []

    def search() -> None:
        with snapshot_in_use(index.path, index.open) as snapshot:
            answered.append(snapshot.generation)

    committing = threading.Thread(target=commit_and_read)
    committing.start()
    try:
        assert committed.wait(30)
        reads_before = sum(segment_reads.values())
        searching = threading.Thread(target=search)
        searching.start()
        searching.join(0.3)
        assert searching.is_alive()  # waiting: never answered from the generation before
    finally:
        done.set()
        committing.join(30)
    searching.join(30)

    assert answered
    assert answered[0] > before
    assert sum(segment_reads.values()) == reads_before + 1  # read once, by the committing thread


def test_two_threads_applying_changes_at_once_each_read_the_new_generation_without_waiting(app, monkeypatch):
    monkeypatch.setattr(engine, "_PREPARED_WAIT", 60.0)  # a wait for the other would outlast the test
    index, before = searched_index()
    preparing, done = threading.Event(), threading.Event()

    def the_follower() -> None:
        with engine.next_generation_prepared(index.path):
            preparing.set()
            done.wait(30)

    read: list[int] = []

    def a_publishing_request() -> None:
        with engine.next_generation_prepared(index.path):
            add_segment(index, "Physics Teacher")
            with snapshot_in_use(index.path, index.open) as snapshot:
                read.append(snapshot.generation)

    follower = threading.Thread(target=the_follower)
    follower.start()
    try:
        assert preparing.wait(30)
        request = threading.Thread(target=a_publishing_request)
        request.start()
        request.join(10)
        assert not request.is_alive()
    finally:
        done.set()
        follower.join(30)
    assert read
    assert read[0] > before


def test_a_generation_that_takes_on_the_orders_and_places_before_it_sorts_as_one_sorted_whole(app):
    now = dt.datetime.now(dt.UTC)
    schools = [  # two on one latitude: the document number, then the longitude, decide
        OrganisationFactory(latitude=53.8, longitude=-1.55),
        OrganisationFactory(latitude=53.8, longitude=-1.4),
        OrganisationFactory(latitude=51.45, longitude=-2.59),
    ]

    def numbered(number: int):
        return listing(
            f"Teacher {number}",
            organisation=schools[number % 3],
            closes_at=now + dt.timedelta(days=number % 4 + 1),
            published_at=now - dt.timedelta(hours=number % 3),
            salary_minimum=30000 + 1000 * (number % 5),
        )

    listings = [numbered(number) for number in range(12)]
    index = current_index()
    for number in range(6):  # commits that add listings, some tying with earlier ones, and close others
        numbered(number)
        listings[number].status = VacancyStatus.CLOSED
        db.session.commit()
        with snapshot_in_use(index.path, index.open):
            pass
    with snapshot_in_use(index.path, index.open) as carried:
        assert carried.shared_documents > 0  # (the orders were taken on, not sorted whole)
    forget_snapshots()
    with snapshot_in_use(index.path, index.open) as whole:
        pass

    for name in ("closing_order", "newest_order", "salary_order", "closing_times", "salaries"):
        assert getattr(carried, name).tolist() == getattr(whole, name).tolist(), name
    assert [column.tolist() for column in carried.by_latitude] == [
        column.tolist() for column in whole.by_latitude
    ]
    assert len(whole.by_latitude[1]) == 12  # every live listing's school


def test_a_generation_committed_while_the_one_before_is_read_is_read_by_the_next_search(app):
    """Another process (the node's index writer) can commit while this one reads the generation it
    found: the snapshot is the generation its reader holds, so the next search reads the newer one."""
    index, before = searched_index()
    add_segment(index, "Teacher of Chemistry")

    def open_as_another_process_commits():
        ix = index.open()
        opened = ix.searcher

        def searcher(**kwargs):
            held = opened(**kwargs)
            add_segment(index, "Physics Teacher")
            return held

        ix.searcher = searcher
        return ix

    with snapshot_in_use(index.path, open_as_another_process_commits) as first:
        assert first.generation == before + 1
    with snapshot_in_use(index.path, index.open) as second:
        assert second.generation == before + 2


def test_the_index_opens_when_a_commit_deletes_the_table_of_contents_about_to_be_read(app, monkeypatch):
    index, before = searched_index()
    add_segment(index, "Physics Teacher")  # the table of contents of `before` is deleted
    latest = whoosh.index.TOC._latest_generation.__func__
    listings: list[int] = []

    def listed_just_before_the_commit(cls, storage, indexname):
        listings.append(latest(cls, storage, indexname))
        return before if len(listings) == 1 else listings[-1]

    monkeypatch.setattr(whoosh.index.TOC, "_latest_generation", classmethod(listed_just_before_the_commit))
    assert index.open().latest_generation() == before + 1
    assert len(listings) > 2  # the stale listing, and the listings that found the new generation
