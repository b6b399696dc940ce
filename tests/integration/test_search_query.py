"""Searching for vacancies: keywords, ranking, filters, liveness, sorting, paging and snippets."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask import render_template_string

from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.search.api import VacancySearch, find_vacancies, search_vacancies
from marketplace.search.whoosh.backend import current_index
from marketplace.vacancies.models import Vacancy
from tests.factories import OrganisationFactory, VacancyFactory

PLAIN_BODY = "Join our friendly department. Supportive colleagues and a generous training budget."


def found_ids(keywords: str = "", *, now: dt.datetime | None = None, **options) -> list[int]:
    return find_vacancies(VacancySearch(keywords=keywords, **options), now=now).ids


def job(title: str, **fields) -> Vacancy:
    fields.setdefault("about_role", PLAIN_BODY)
    fields.setdefault("subjects", [])
    return VacancyFactory(published=True, title=title, **fields)


class TestKeywords:
    def test_every_form_of_a_word_finds_every_other(self, app):
        vacancy = job("Music teacher", about_role="Teaching music to all key stages.")
        for typed in ("teacher", "teachers", "teaching", "  TEACHING  "):
            assert found_ids(typed) == [vacancy.id], typed

    def test_every_word_typed_must_match(self, app):
        music = job("Teacher of Music")
        job("Teacher of Chemistry")

        assert found_ids("music teacher") == [music.id]
        assert found_ids("music chemistry") == []

    def test_stop_words_typed_do_not_hide_results(self, app):
        music = job("Music teacher")
        assert found_ids("teacher of the music") == [music.id]

    def test_keywords_match_the_subjects_and_the_school_name(self, app):
        by_subject = job("Class teacher", subjects=["Geography"])
        by_school = job("Class teacher", organisation=OrganisationFactory(name="Geography Lane Primary"))
        job("Class teacher")

        assert sorted(found_ids("geography")) == sorted([by_subject.id, by_school.id])

    def test_a_title_match_ranks_above_matches_in_the_description(self, app):
        in_body = job("Teacher of History", about_role="Geography fieldwork, geography trips, geography.")
        in_school_name = job("Teacher of Art", organisation=OrganisationFactory(name="Geography Road School"))
        in_title = job("Teacher of Geography")

        best, *others = found_ids("geography")
        assert best == in_title.id
        assert sorted(others) == sorted([in_body.id, in_school_name.id])

    def test_physics_does_not_find_physical_education(self, app):
        physics = job("Teacher of Physics")
        job("Teacher of Physical Education")

        assert found_ids("physics") == [physics.id]


class TestFilters:
    def test_values_of_one_filter_are_alternatives(self, app):
        primary = job("Class teacher", phases=["primary"])
        secondary = job("Maths teacher", phases=["secondary"])
        job("Lecturer", phases=["sixth_form_or_college"])

        assert sorted(found_ids(phases=("primary", "secondary"))) == sorted([primary.id, secondary.id])

    def test_different_filters_must_all_match(self, app):
        wanted = job("Class teacher", phases=["primary"], working_patterns=["part_time"])
        job("Class teacher", phases=["primary"], working_patterns=["full_time"])
        job("Maths teacher", phases=["secondary"], working_patterns=["part_time"])

        assert found_ids(phases=("primary",), working_patterns=("part_time",)) == [wanted.id]

    def test_filters_and_keywords_combine(self, app):
        wanted = job("Teacher of Music", key_stages=["ks2"])
        job("Teacher of Music", key_stages=["ks4"])
        job("Teacher of Art", key_stages=["ks2"])

        assert found_ids("music", key_stages=("ks2",)) == [wanted.id]

    def test_unknown_values_are_ignored(self, app):
        primary = job("Class teacher", phases=["primary"])
        job("Maths teacher", phases=["secondary"])

        assert found_ids(phases=("primary", "middle", "<script>")) == [primary.id]
        assert len(found_ids(phases=("middle",))) == 2

    def test_job_share_matches_the_flag_and_combines_with_patterns(self, app):
        shared = job("Class teacher", working_patterns=["part_time"], job_share=True)
        full_time = job("Class teacher", working_patterns=["full_time"])
        job("Class teacher", working_patterns=["part_time"])

        assert found_ids(working_patterns=("job_share",)) == [shared.id]
        either = found_ids(working_patterns=("job_share", "full_time"))
        assert sorted(either) == sorted([shared.id, full_time.id])

    def test_subjects_and_legacy_roles(self, app):
        head = job("Headteacher", job_roles=["headteacher"], subjects=["Art and design"])
        job("Teacher of Art", job_roles=["teacher"], subjects=["Art and design"])

        assert found_ids(job_roles=("leadership",), subjects=("art and design",)) == [head.id]


class TestLiveness:
    def test_a_listing_leaves_the_results_at_its_exact_closing_time(self, app):
        closes_at = (utcnow() + dt.timedelta(hours=2)).replace(microsecond=0)
        vacancy = job("Teacher of Music", closes_at=closes_at)

        assert found_ids("music", now=closes_at - dt.timedelta(microseconds=1)) == [vacancy.id]
        assert found_ids("music", now=closes_at) == []
        assert search_vacancies(VacancySearch(keywords="music"), now=closes_at).vacancies == []
        with current_index().searcher() as searcher:
            assert searcher.document(id=str(vacancy.id)) is not None  # still indexed: the query decides

    def test_a_listing_appears_on_its_publish_date(self, app):
        now = utcnow()
        tomorrow = now.date() + dt.timedelta(days=1)
        vacancy = job("Teacher of Music", publish_on=tomorrow)

        assert found_ids(now=now) == []
        assert found_ids(now=dt.datetime.combine(tomorrow, dt.time(0, 0), tzinfo=dt.UTC)) == [vacancy.id]

    def test_the_database_has_the_last_word_when_the_index_lags(self, app):
        vacancy = job("Teacher of Music")
        # A change made behind the session's back (no change log, no sync): the index still holds it.
        db.session.connection().execute(
            sa.update(Vacancy.__table__).where(Vacancy.__table__.c.id == vacancy.id).values(status="removed")
        )
        db.session.commit()

        assert found_ids("music") == [vacancy.id]
        assert search_vacancies(VacancySearch(keywords="music")).vacancies == []


class TestSortingAndPaging:
    @pytest.fixture
    def three(self, app):
        now, day = utcnow(), dt.timedelta(days=1)
        soon = job("Music teacher", closes_at=now + 2 * day, published_at=now - 9 * day)
        later = job("Music teacher", closes_at=now + 20 * day, published_at=now - 1 * day)
        middle = job(
            "Teacher of Music",
            about_role="Music, music and more music.",
            closes_at=now + 10 * day,
            published_at=now - 5 * day,
        )
        return soon, middle, later

    def test_without_keywords_the_soonest_closing_come_first(self, three):
        soon, middle, later = three
        assert found_ids() == [soon.id, middle.id, later.id]
        assert found_ids(sort="relevance") == [soon.id, middle.id, later.id]

    def test_newest_sorts_by_publication_time(self, three):
        soon, middle, later = three
        assert found_ids("music", sort="newest") == [later.id, middle.id, soon.id]

    def test_with_keywords_the_most_relevant_come_first(self, three):
        soon, middle, later = three
        assert found_ids("music") == [middle.id, soon.id, later.id]
        assert found_ids("music", sort="no-such-sort") == [middle.id, soon.id, later.id]

    def test_pages(self, three):
        soon, middle, later = three
        first = find_vacancies(VacancySearch(per_page=2))
        last = find_vacancies(VacancySearch(per_page=2, page=2))
        beyond = find_vacancies(VacancySearch(per_page=2, page=3))

        assert (first.ids, first.total, first.pages) == ([soon.id, middle.id], 3, 2)
        assert (last.ids, last.total, last.page) == ([later.id], 3, 2)
        assert (beyond.ids, beyond.total) == ([], 3)


class TestSearchVacancies:
    def test_rows_are_loaded_in_one_query_in_ranked_order(self, app):
        body_only = job("Teacher of History", about_role="Geography fieldwork every week.").id
        in_title = job("Teacher of Geography").id
        db.session.expunge_all()  # nothing cached: every row must come from the one query
        statements = []

        def record(connection, cursor, statement, *args):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            page = search_vacancies(VacancySearch(keywords="geography"))
            titles = [(vacancy.title, vacancy.organisation.name) for vacancy in page.vacancies]
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)

        assert [vacancy.id for vacancy in page.vacancies] == [in_title, body_only]
        assert len(statements) == 1
        assert titles[0][0] == "Teacher of Geography"
        assert (page.total, page.page, page.pages) == (2, 1, 1)

    def test_snippets_mark_the_matched_words_and_escape_the_rest(self, app):
        vacancy = job(
            "Teacher of Science",
            about_role='Join <script>alert("x")</script> our science team & enjoy our labs.',
        )

        snippet = search_vacancies(VacancySearch(keywords="Science")).highlights[vacancy.id]

        assert "<mark>science</mark>" in snippet
        assert "<script>" not in snippet
        assert "&lt;script&gt;" in snippet
        assert "&amp; enjoy" in snippet
        rendered = render_template_string("<p>{{ snippet }}</p>", snippet=snippet)
        assert "<mark>science</mark>" in rendered  # safe as it is: not escaped twice
        assert "&lt;script&gt;" in rendered

    def test_snippets_can_be_left_out(self, app):
        vacancy = job("Teacher of Science")

        page = search_vacancies(VacancySearch(keywords="science"), snippets=False)

        assert [found.id for found in page.vacancies] == [vacancy.id]
        assert page.highlights == {}

    def test_without_keywords_the_snippet_is_the_start_of_the_description(self, app):
        vacancy = job("Teacher of Music", about_role="Lead <b>bold</b> music. " * 30)

        snippet = search_vacancies(VacancySearch()).highlights[vacancy.id]

        assert snippet.startswith("Lead bold music.")  # the description's words, never its markup
        assert "<b>" not in snippet
        assert snippet.endswith("…")
        assert len(snippet) < 400
        assert "<mark>" not in snippet
