"""How vacancy text becomes search terms: the same analysis runs on indexed text and on typed keywords.

English stemming (Snowball's Porter2) lets "teaching" find "teachers", with two kinds of exception:
words the stemmer leaves apart although jobseekers mean the same thing, and subject words it would
wrongly merge ("physics" and "physical" both stem to "physic": a physics teacher is not a PE teacher).
"""

from __future__ import annotations

from functools import lru_cache

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang.snowball.english import EnglishStemmer
from whoosh.support.charset import accent_map

from marketplace.search.synonyms import STOP_WORDS

# Whoosh's English stop words less "it", a subject here (IT, ICT): the list every backend drops.
VACANCY_STOP_WORDS = STOP_WORDS

# word -> stem, overriding the stemmer. Agent nouns keep their "-er" in Porter2, so "teacher" would
# never meet "teaching"; subject words that collide keep themselves (see tests/unit/test_search_analysis.py,
# which checks every subject in the vocabulary).
STEM_EXCEPTIONS: dict[str, str] = {
    "teacher": "teach",
    "teachers": "teach",
    "physics": "physics",
    "physical": "physical",
}

_english = EnglishStemmer()


def stem_word(word: str) -> str:
    """The stem of one lowercase word, honouring STEM_EXCEPTIONS."""
    return STEM_EXCEPTIONS.get(word) or _english.stem(word)


_cached_stem = lru_cache(maxsize=50_000)(stem_word)


class VacancyWordFilter(Filter):
    """Whoosh's LowercaseFilter | CharsetFilter(accent_map) | StopFilter | StemFilter(stem_word), in one
    pass: the same tokens, positions and stop-word handling, without four generators per word (which
    cost more than the work itself when a whole corpus is indexed).
    """

    def __init__(self, stoplist: frozenset[str], minsize: int = 1):
        self.stops = frozenset(stoplist)
        self.min = minsize

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VacancyWordFilter) and (self.stops, self.min) == (other.stops, other.min)

    def __hash__(self) -> int:
        return hash((self.stops, self.min))

    def __call__(self, tokens):
        stops, minsize = self.stops, self.min
        position = None
        for token in tokens:
            text = token.text.lower().translate(accent_map)
            if len(text) >= minsize and text not in stops:
                if token.positions:  # renumbered, as StopFilter does: stop words leave no gaps
                    if position is None:
                        position = token.pos
                    else:
                        position += 1
                        token.pos = position
                token.stopped = False
                token.text = _cached_stem(text)
                yield token
            elif not token.removestops:
                token.text = text
                token.stopped = True
                yield token


def vacancy_text_analyzer() -> Analyzer:
    """The analyzer of every full-text field: words, lowercased, accents folded, stop words dropped, stemmed.

    Pickled into the index with the schema, so the filter and the stem function are referenced by
    their module path: renaming them means rebuilding the index.
    """
    # minsize=1 keeps the digits of "key stage 2" and "year 3" (single letters are stop words anyway).
    return RegexTokenizer() | VacancyWordFilter(VACANCY_STOP_WORDS, minsize=1)


def reference_analyzer() -> Analyzer:
    """The same analysis from Whoosh's own filters (tests check VacancyWordFilter against it)."""
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=VACANCY_STOP_WORDS, minsize=1)
        | StemFilter(stemfn=stem_word)
    )


TEXT_ANALYZER = vacancy_text_analyzer()


def search_terms(text: str) -> list[str]:
    """The distinct terms a piece of typed text stands for, in the order typed."""
    return list(dict.fromkeys(token.text for token in TEXT_ANALYZER(text, mode="query")))
