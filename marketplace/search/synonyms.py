"""What jobseekers type, and what they mean by it (shared VOCABULARY.md).

Two-way groups: a phrase of a group matches any phrase of the group. One-way expansions: the key also
matches its values, not the reverse. Filter triggers: typed phrases that suggest a filter (offered to
the person, never applied silently). Subject hints: typed phrases that suggest a subject filter.

Phrases are written as people type them; `phrase_words` turns each into the words matched against the
typed keywords, so "part-time", "part time" and "Part Time" are the same phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("headteacher", "principal", "head teacher"),
    ("slt", "senior", "leader", "senior leader", "lead practitioner", "head of", "director of"),
    ("primary teacher", "primary practitioner", "primary school teacher", "class teacher"),
    ("mfl", "modern foreign languages", "languages", "modern languages"),
    (
        "computing",
        "it",
        "ict",
        "information technology",
        "information communications technology",
        "computer science",
    ),
    ("physical education", "sport", "pe"),
    ("religion", "religious studies", "religious education", "re", "r.e", "rs", "r.s"),
    ("gcse", "g.c.s.e", "key stage 4", "ks4"),
    ("ks2", "keystage 2", "key stage 2", "ks 2"),
    ("16+", "fe", "further education"),
    ("early years", "childcare", "eyfs", "early years teacher", "early years foundation stage", "nursery"),
    ("ta", "teaching assistant", "classroom assistant"),
    (
        "nqt",
        "newly qualified teacher",
        "trainee",
        "newly qualified",
        "newly-qualified",
        "suitable for nqts",
        "ect",
        "early career",
    ),
    ("sen", "send", "senco", "sendco", "special educational needs", "special needs", "inclusion"),
    ("deputy head", "deputy headteacher", "assistant head", "assistant headteacher"),
    ("a level", "alevel", "a-level", "ks5", "key stage 5", "ks 5"),
    ("math", "maths", "mathematics"),
    ("ks1", "keystage 1", "key stage 1", "ks 1"),
    ("part time", "part-time", "parttime"),
    ("full time", "full-time", "fulltime"),
)

ONE_WAY_EXPANSIONS: Mapping[str, tuple[str, ...]] = {
    "primary": ("ks1", "ks2"),
    "mfl": ("french", "german", "spanish", "mandarin", "arabic", "eal", "english as an additional language"),
    "flexible": ("contract", "temporary", "supply"),
    "sats": ("ks2", "key stage 2", "keystage 2"),
    "music": ("performing arts",),
    "design and tech": ("food technology", "food", "product design", "textiles", "systems and control"),
    "humanities": (
        "ancient and modern languages",
        "literature",
        "philosophy",
        "history",
        "geography",
        "law",
        "politics",
        "religion",
        "psychology",
        "sociology",
    ),
    "performing arts": ("music", "drama", "performance", "dance", "culture", "art", "theatre"),
    "science": ("chemistry", "biology", "physics"),
    "all through": ("primary", "secondary"),
    "re": ("religious education",),
}

# Phrases matched as consecutive words although no synonym goes with them: "head of department" is
# one idea, and matching its words anywhere in a listing ("head of year … maths department") is not it.
PLAIN_PHRASES: tuple[str, ...] = (
    "head of department",
    "head of year",
    "head of english",
    "head of history",
    "head of maths",
    "head of mfl",
    "head of science",
    "head of sixth form",
    "head of key stage",
    "head of school",
    "middle leader",
    "phase leader",
    "art and design",
    "design and technology",
    "business studies",
    "food technology",
    "health and social care",
    "media studies",
    "social sciences",
    "sixth form",
    "cover supervisor",
    "learning support assistant",
    "job share",
)

# Typed words that are ordinary English as well as a subject or role ("it", "send your application"):
# as an alternative for another word they only match a listing's title and subjects.
AMBIGUOUS_WORDS = frozenset({"it", "re", "rs", "pe", "ta", "fe", "ect", "send", "sen", "senior", "leader"})

# filter name -> value -> trigger phrases (VOCABULARY.md "Phrases that imply a filter"), with the
# vocabulary's filter names mapped onto the search's own (job_roles, ect_suitable, visa_sponsorship).
FILTER_TRIGGERS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "ect_suitable": {
        "true": (
            "early career teacher",
            "early career teachers",
            "ect",
            "ects",
            "newly qualified teacher",
            "newly qualified teachers",
            "nqt",
            "nqts",
            "suitable for ect",
            "suitable for ects",
            "suitable for nqt",
            "suitable for nqts",
        )
    },
    "phases": {
        "primary": (
            "early years",
            "eyfs",
            "key stage 1",
            "key stage 2",
            "ks1",
            "ks2",
            "literacy",
            "numeracy",
            "nursery",
            "phonics",
            "primary",
            "primary school",
            "primary schools",
            "reception",
        ),
        "secondary": (
            "16-19",
            "accounting teacher",
            "biology",
            "business studies",
            "chemistry",
            "citizenship",
            "control",
            "design",
            "finance teacher",
            "food technology",
            "hospitality",
            "key stage 3",
            "key stage 4",
            "key stage 5",
            "ks3",
            "ks4",
            "ks5",
            "law",
            "literature",
            "media",
            "philosophy",
            "physics",
            "politics",
            "product",
            "psychology",
            "secondary",
            "secondary school",
            "secondary schools",
            "sixth form",
            "social care",
            "social science",
            "social sciences",
            "sociology",
            "statistics",
            "systems",
            "teacher of accounting",
            "teacher of finance",
            "textiles",
        ),
        "sixth_form_or_college": (
            "16-19",
            "accounting teacher",
            "biology",
            "business studies",
            "chemistry",
            "citizenship",
            "control",
            "design",
            "fe",
            "finance teacher",
            "food technology",
            "further education",
            "hospitality",
            "key stage 5",
            "ks5",
            "law",
            "literature",
            "media",
            "philosophy",
            "physics",
            "politics",
            "product",
            "psychology",
            "sixth form",
            "social care",
            "social science",
            "social sciences",
            "sociology",
            "statistics",
            "systems",
            "teacher of accounting",
            "teacher of finance",
            "textiles",
        ),
    },
    "job_roles": {
        "education_support": ("learning support assistant", "lsa", "support"),
        "teaching_assistant": (
            "hlta",
            "learning support assistant",
            "lsa",
            "ta",
            "teaching assistant",
            "teaching assistants",
        ),
        "assistant_headteacher": (
            "assistant head",
            "assistant head teacher",
            "assistant headteacher",
            "leader",
            "leadership",
            "senior leader",
            "senior leadership",
            "senior leadership team",
            "slt",
        ),
        "deputy_headteacher": (
            "deputy",
            "deputy head",
            "deputy head teacher",
            "deputy headteacher",
            "leader",
            "leadership",
            "senior leader",
            "senior leadership",
            "senior leadership team",
            "slt",
        ),
        "head_of_department_or_curriculum": (
            "head of",
            "head of english",
            "head of history",
            "head of maths",
            "head of mfl",
            "head of science",
            "leader",
            "leadership",
            "middle leader",
            "middle leadership",
            "tlr",
        ),
        "head_of_year_or_phase": (
            "head of key stage",
            "head of ks",
            "head of ks1",
            "head of ks2",
            "head of ks3",
            "head of ks4",
            "head of ks5",
            "head of sixth form",
            "head of year",
            "leader",
            "leadership",
            "middle leader",
            "middle leadership",
            "phase leader",
            "tlr",
        ),
        "headteacher": (
            "ceo",
            "head of school",
            "head teacher",
            "headteacher",
            "leader",
            "leadership",
            "principal",
            "senior leader",
            "senior leadership",
            "senior leadership team",
            "slt",
        ),
        "sendco": (
            "sen",
            "senco",
            "send",
            "sendco",
            "special educational needs",
            "special educational needs co-ordinator",
            "special educational needs coordinator",
        ),
        "teacher": ("teach", "teacher", "teachers", "teaching"),
    },
    "visa_sponsorship": {"true": ("sponsorship", "visa", "visa sponsorship")},
    "working_patterns": {"full_time": ("full time",), "part_time": ("flexible", "part time")},
}

SUBJECT_HINTS: Mapping[str, tuple[str, ...]] = {
    "Accounting": ("accounting teacher", "finance teacher", "teacher of accounting", "teacher of finance"),
    "Art and design": ("art", "design", "photography"),
    "Biology": ("biology", "science"),
    "Business studies": ("business studies",),
    "Chemistry": ("chemistry", "science"),
    "Citizenship": ("citizenship",),
    "Classics": ("classics", "greek", "latin"),
    "Computing": ("computer", "computing", "ict", "it"),
    "Dance": ("dance",),
    "Design and technology": ("control", "design", "dt", "product", "systems", "textiles"),
    "Drama": ("drama", "performing", "theatre"),
    "English": ("english", "literacy", "literature", "phonics"),
    "Food technology": ("food technology", "hospitality"),
    "French": ("french", "languages", "mfl"),
    "Geography": ("geography", "humanities"),
    "German": ("german", "languages", "mfl"),
    "Health and social care": ("health", "social care", "humanities"),
    "History": ("history", "humanities"),
    "Humanities": ("humanities",),
    "ICT": ("computer", "computing", "ict", "it"),
    "Languages": ("languages", "mfl", "russian"),
    "Law": ("humanities", "law"),
    "Mandarin": ("languages", "mandarin", "mfl"),
    "Mathematics": ("math", "mathematics", "maths", "numeracy"),
    "Media studies": ("film", "media", "photography"),
    "Music": ("music",),
    "Philosophy": ("humanities", "philosophy"),
    "Physical education": ("pe", "physical education", "sport", "sports"),
    "Physics": ("physics", "science"),
    "Politics": ("humanities", "politics"),
    "Psychology": ("humanities", "psychology"),
    "PSHE": ("pshe", "relationships", "rse", "sex education"),
    "Religious education": ("re", "religion", "religious education", "religious studies", "rs"),
    "Science": ("science",),
    "Social sciences": ("humanities", "social science", "social sciences", "sociology"),
    "Sociology": ("humanities", "social science", "social sciences", "sociology"),
    "Spanish": ("languages", "mfl", "spanish"),
    "Statistics": ("math", "mathematics", "maths", "statistics"),
}

# Words too common to search for: Whoosh's English stop words, except "it", which is a subject here
# (IT, ICT). Every backend's text analysis drops the same words (tests compare the list with Whoosh's).
STOP_WORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "have", "if", "in", "is",
        "may", "not", "of", "on", "or", "tbd", "that", "the", "this", "to", "us", "we", "when", "will",
        "with", "yet", "you", "your",
    }
)  # fmt: skip

# Words, keeping a trailing "+" ("16+"); dots and hyphens separate words, so "r.e" is "r e".
_WORD = re.compile(r"[a-z0-9]+\+?")


def phrase_words(text: str) -> tuple[str, ...]:
    """The words of a typed or listed phrase, lowercased: the unit phrases are matched in."""
    return tuple(_WORD.findall(text.lower()))


def _index_phrases(phrases: Iterable[str]) -> dict[tuple[str, ...], str]:
    return {phrase_words(phrase): phrase for phrase in phrases}


# Typed phrase (as words) -> every phrase it also matches (itself included), in vocabulary order.
def _build_alternatives() -> dict[tuple[str, ...], tuple[str, ...]]:
    alternatives: dict[tuple[str, ...], list[str]] = {}
    for group in SYNONYM_GROUPS:
        for phrase in group:
            alternatives.setdefault(phrase_words(phrase), []).extend(group)
    for phrase in PLAIN_PHRASES:
        alternatives.setdefault(phrase_words(phrase), []).append(phrase)
    two_way = {words: tuple(phrases) for words, phrases in alternatives.items()}
    for key, values in ONE_WAY_EXPANSIONS.items():
        key_words = phrase_words(key)
        # The key stands for its whole group (synonyms mean the same), and each value for its own group.
        expanded = [key, *values]
        for value in values:
            expanded.extend(two_way.get(phrase_words(value), ()))
        for phrase in list(alternatives.get(key_words, [key])):
            alternatives.setdefault(phrase_words(phrase), [phrase]).extend(expanded)
    return {words: tuple(dict.fromkeys(phrases)) for words, phrases in alternatives.items()}


ALTERNATIVES: Mapping[tuple[str, ...], tuple[str, ...]] = _build_alternatives()
LONGEST_PHRASE = max(len(words) for words in ALTERNATIVES)


def _build_triggers() -> dict[tuple[str, ...], list[tuple[str, str]]]:
    triggers: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for name, values in FILTER_TRIGGERS.items():
        for value, phrases in values.items():
            for phrase in phrases:
                triggers.setdefault(phrase_words(phrase), []).append((name, value))
    for subject, phrases in SUBJECT_HINTS.items():
        for phrase in phrases:
            triggers.setdefault(phrase_words(phrase), []).append(("subjects", subject))
    return triggers


TRIGGERS: Mapping[tuple[str, ...], list[tuple[str, str]]] = _build_triggers()
LONGEST_TRIGGER = max(len(words) for words in TRIGGERS)


def longest_matches(
    words: tuple[str, ...], phrases: Mapping[tuple[str, ...], object], longest: int
) -> list[tuple[tuple[str, ...], bool]]:
    """Split typed words into pieces, left to right, each the longest known phrase starting there
    (flag True) or else one unknown word (flag False)."""
    pieces: list[tuple[tuple[str, ...], bool]] = []
    position = 0
    while position < len(words):
        for length in range(min(longest, len(words) - position), 0, -1):
            candidate = words[position : position + length]
            if candidate in phrases:
                pieces.append((candidate, True))
                position += length
                break
        else:
            pieces.append((words[position : position + 1], False))
            position += 1
    return pieces


def implied_filters(keywords: str) -> dict[str, list[str]]:
    """The filters the typed keywords suggest (filter name -> values, in the order found), merged."""
    words = phrase_words(re.sub(r"[.,;]", "", keywords))
    found: dict[str, dict[str, None]] = {}
    for piece, known in longest_matches(words, TRIGGERS, LONGEST_TRIGGER):
        if known:
            for name, value in TRIGGERS[piece]:
                found.setdefault(name, {})[value] = None
    return {name: list(values) for name, values in found.items()}


def has_search_words(keywords: str) -> bool:
    """Whether typed keywords hold a word worth searching for (not only stop words or punctuation)."""
    return any(word.rstrip("+") not in STOP_WORDS for word in phrase_words(keywords))
