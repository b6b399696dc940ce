"""How typed keywords and vacancy text become search terms."""

from __future__ import annotations

import itertools
import re

import pytest

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
    words_by_subject = {subject: set(re.findall(r"\w+", subject.lower())) for subject in vocabulary.SUBJECTS}
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
        *vocabulary.SUBJECTS,
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
