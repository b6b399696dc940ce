"""The snippet under each search result: the matched words marked in the description's own text."""

from __future__ import annotations

from markupsafe import Markup

from marketplace.search.whoosh.analysis import search_terms
from marketplace.search.whoosh.snippets import SNIPPET_CHARACTERS, snippet

FILLER = "Our school is a happy, inclusive community where every pupil is known and valued. "


def test_every_form_of_a_searched_word_is_marked_as_written():
    text = "Teachers of Maths wanted: teaching maths at key stage 3 is what the teacher does."

    marked = snippet(text, set(search_terms("teacher maths")))

    assert marked.count("<mark>") == 5
    for word in ("Teachers", "Maths", "teaching", "maths", "teacher"):
        assert f"<mark>{word}</mark>" in marked


def test_a_word_deep_in_a_long_description_is_shown_in_its_passage():
    text = FILLER * 40 + "We need a physics teacher for September. " + FILLER * 40

    marked = snippet(text, set(search_terms("physics")))

    assert marked.startswith("… ")
    assert marked.endswith(" …")
    assert "<mark>physics</mark> teacher for September." in marked
    assert len(marked) < SNIPPET_CHARACTERS * 2


def test_words_inside_other_words_or_stop_words_are_not_marked():
    text = "Physical education and metaphysics; the art of teaching."

    marked = snippet(text, set(search_terms("physics art")))

    assert "<mark>" in marked
    assert "<mark>Physical</mark>" not in marked
    assert "meta<mark>" not in marked
    assert "<mark>art</mark>" in marked


def test_passages_that_touch_read_as_one():
    text = "A maths teacher. " + "Our pupils are known and valued, every one. " + "Maths again, twice: maths."

    marked = snippet(text, set(search_terms("maths")))

    assert "…" not in marked
    assert marked.count("<mark>") == 3
    assert "&lt;" not in marked


def test_the_description_is_escaped_around_the_marks():
    marked = snippet('Join <script>alert("x")</script> our science team & enjoy.', {"scienc", "science"})

    assert isinstance(marked, Markup)
    assert "<script>" not in marked
    assert "&lt;script&gt;" in marked
    assert "&amp; enjoy." in marked


def test_two_passages_at_most_preferring_those_with_different_words():
    passages = ["A maths post. ", "Maths again. ", "Maths with a physics teacher. "]
    text = (FILLER * 5).join(passages) + FILLER

    marked = snippet(text, set(search_terms("maths physics")))

    assert marked.count(" … ") + marked.startswith("… ") <= 2
    assert "<mark>Maths</mark> with a <mark>physics</mark>" in marked


def test_without_a_match_the_opening_is_shown_cut_on_a_word():
    text = "Lead   music\nlessons. " * 100

    opening = snippet(text, {"chemistri"})

    assert opening.startswith("Lead music lessons. Lead music")
    assert opening.endswith(" …")
    assert len(opening) <= SNIPPET_CHARACTERS
    assert snippet("Short.", set()) == "Short."
