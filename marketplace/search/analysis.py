"""How vacancy text becomes search terms: the same analysis runs on indexed text and on typed keywords.

English stemming (Snowball's Porter2) lets "teaching" find "teachers", with two kinds of exception:
words the stemmer leaves apart although jobseekers mean the same thing, and subject words it would
wrongly merge ("physics" and "physical" both stem to "physic": a physics teacher is not a PE teacher).
"""

from __future__ import annotations

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.analysis.filters import STOP_WORDS
from whoosh.lang.snowball.english import EnglishStemmer
from whoosh.support.charset import accent_map

# "it" is a subject here (IT, ICT), not a word to drop.
STOP_WORDS_KEPT = frozenset({"it"})
VACANCY_STOP_WORDS = STOP_WORDS - STOP_WORDS_KEPT

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


def vacancy_text_analyzer() -> Analyzer:
    """The analyzer of every full-text field: words, lowercased, accents folded, stop words dropped, stemmed.

    Pickled into the index with the schema, so the stem function is referenced by its module path:
    renaming it means rebuilding the index.
    """
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        # minsize=1 keeps the digits of "key stage 2" and "year 3" (single letters are stop words anyway).
        | StopFilter(stoplist=VACANCY_STOP_WORDS, minsize=1)
        | StemFilter(stemfn=stem_word)
    )


TEXT_ANALYZER = vacancy_text_analyzer()


def search_terms(text: str) -> list[str]:
    """The distinct terms a piece of typed text stands for, in the order typed."""
    return list(dict.fromkeys(token.text for token in TEXT_ANALYZER(text, mode="query")))
