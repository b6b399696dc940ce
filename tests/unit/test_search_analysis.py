"""How typed keywords and vacancy text become search terms."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.search.whoosh.analysis import search_terms, stem_word
from marketplace.vacancies import vocabulary


@pytest.mark.parametrize("word", ["teacher", "teachers", "teaching", "Teach", "TEACHERS"])
def test_forms_of_teach_share_one_term(word):
    assert search_terms(word) == ["teach"]


def test_case_and_surrounding_spaces_do_not_matter():
    assert search_terms("  Music   TEACHER ") == search_terms("music teacher") == ["music", "teach"]


def test_stop_words_are_dropped_but_it_is_a_subject():
    assert search_terms("head of the IT department") == ["head", "it", "depart"]


def test_repeated_words_count_once():
    assert search_terms("maths maths teacher") == ["math", "teach"]


def test_accents_are_folded():
    assert search_terms("Café") == search_terms("cafe")


def test_physics_is_not_physical_education():
    assert set(search_terms("physics")).isdisjoint(search_terms("physical education"))


def _is_plural(one: str, other: str) -> bool:
    return other in (one + "s", one + "es") or one in (other + "s", other + "es")


def test_no_stem_turns_one_subject_into_another():
    subjects = vocabulary.ALL_SUBJECTS
    words_by_subject = {subject: set(re.findall(r"\w+", subject.lower())) for subject in subjects}
    for (subject, words), (other_subject, other_words) in itertools.combinations(words_by_subject.items(), 2):
        for word, other in itertools.product(words, other_words):
            if word != other and not _is_plural(word, other):
                assert stem_word(word) != stem_word(other), f"{subject!r} would match {other_subject!r}"


@pytest.mark.parametrize(
    "options",
    [{}, {"mode": "query"}, {"positions": True, "chars": True}, {"positions": True, "removestops": False}],
)
def test_the_one_pass_word_filter_analyses_exactly_as_whooshs_own_filters(options):
    from marketplace.search.whoosh.analysis import reference_analyzer, vacancy_text_analyzer

    texts = [
        *vocabulary.ALL_SUBJECTS,
        "Café ÉCOLE naïve: it IT the a Key Stage 2, year 3 \u2013 teachers teaching physics",
        "physical education, SENCo/SENDCo (0.6 FTE) o'clock e.g. 3.5 days; Head of Year 7 \u2013 MFL & EAL",
        "",
    ]

    def tokens(analyzer, text):
        return [
            (token.text, getattr(token, "pos", None), getattr(token, "startchar", None), token.stopped)
            for token in analyzer(text, **options)
        ]

    for text in texts:
        assert tokens(vacancy_text_analyzer(), text) == tokens(reference_analyzer(), text), text


def test_the_neutral_stop_words_are_whooshs_except_it():
    from whoosh.analysis.filters import STOP_WORDS as WHOOSH_STOP_WORDS

    from marketplace.search.synonyms import STOP_WORDS

    assert WHOOSH_STOP_WORDS - {"it"} == STOP_WORDS


_TYPED = st.lists(
    st.one_of(
        st.sampled_from(
            ["the", "of", "and", "it", "c++", "16+", "key stage 2", "r.e", "café", "é", "-", "to"]
        ),
        st.text(alphabet="abcé+.- 0123", max_size=6),
    ),
    max_size=4,
).map(" ".join)


@given(_TYPED)
def test_the_port_knows_when_keywords_hold_a_word_exactly_as_the_engine_does(keywords):
    # VacancySearch decides its default sort without the engine: it must agree with the engine's units.
    from marketplace.search.api import VacancySearch
    from marketplace.search.whoosh.query import units_of

    search = VacancySearch(keywords=keywords)
    assert search.has_keywords == bool(units_of(search))
