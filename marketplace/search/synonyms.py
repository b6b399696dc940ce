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

from marketplace.vacancies import vocabulary

# Where a group below differs from VOCABULARY.md it is because the vocabulary's group bled into
# other jobs on a realistic corpus: "assistant head" and "deputy head" are different posts; a SENCO
# is one post among the jobs for "SEN"; "inclusion" is not the SENCO's job title; "languages" alone
# is the last word of "English Language". Added groups are the equivalents jobseekers type.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("headteacher", "principal", "head teacher", "headteachers", "head teachers", "principals"),
    ("slt", "senior", "leader", "senior leader", "lead practitioner", "head of", "director of"),
    ("primary teacher", "primary practitioner", "primary school teacher", "class teacher"),
    ("mfl", "modern foreign languages", "modern languages", "foreign languages"),
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
    (
        "early years",
        "childcare",
        "eyfs",
        "early years teacher",
        "early years foundation stage",
        "nursery",
        "reception",
    ),
    ("ta", "tas", "teaching assistant", "teaching assistants", "classroom assistant", "classroom assistants"),
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
    ("sen", "send", "special educational needs", "special needs"),
    (
        "senco",
        "sendco",
        "special educational needs coordinator",
        "special educational needs co-ordinator",
        "sen coordinator",
        "send coordinator",
    ),
    (
        "deputy head",
        "deputy headteacher",
        "deputy head teacher",
        "vice principal",
        "deputy principal",
        "deputy heads",
        "deputy headteachers",
    ),
    (
        "assistant head",
        "assistant headteacher",
        "assistant head teacher",
        "assistant principal",
        "assistant heads",
        "assistant headteachers",
    ),
    ("a level", "alevel", "a-level", "ks5", "key stage 5", "ks 5"),
    ("math", "maths", "mathematics"),
    ("ks1", "keystage 1", "key stage 1", "ks 1"),
    ("ks3", "keystage 3", "key stage 3", "ks 3"),
    ("part time", "part-time", "parttime"),
    ("full time", "full-time", "fulltime"),
    ("job share", "jobshare", "job-share"),
    ("lsa", "lsas", "learning support assistant", "learning support assistants"),
    ("hlta", "hltas", "higher level teaching assistant", "higher level teaching assistants"),
    ("d&t", "dt", "design and technology", "design technology", "design & technology"),
    ("sbm", "school business manager", "business manager"),
    (
        "head of department",
        "head of faculty",
        "head of subject",
        "curriculum leader",
        "curriculum lead",
        "subject leader",
        "subject lead",
        "heads of department",
        "curriculum leaders",
        "subject leaders",
    ),
    ("head of year", "year leader", "progress leader", "pastoral leader", "head of house", "heads of year"),
    # Pay scales, as salary descriptions write them.
    ("mps", "main pay scale", "main pay range", "mpr", "main scale"),
    ("ups", "upper pay scale", "upper pay range", "upr"),
    ("tlr", "teaching and learning responsibility"),
    (
        "leadership scale",
        "leadership pay scale",
        "leadership pay range",
        "leadership range",
        "leadership spine",
    ),
)

# "Head of maths" is a head of department post in maths: each subject's names after "head of" (and
# before "lead" or after "curriculum leader") are one group.
HEAD_OF_SUBJECTS: tuple[tuple[str, ...], ...] = (
    ("math", "maths", "mathematics"),
    ("science",),
    ("english",),
    ("history",),
    ("geography",),
    ("mfl", "modern foreign languages", "modern languages", "languages"),
    ("computing", "ict", "computer science"),
    ("pe", "physical education"),
    ("re", "religious education", "religious studies"),
    ("dt", "design and technology", "design technology"),
    ("art", "art and design"),
    ("music",),
    ("drama",),
)


def _head_of_group(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(
        phrase
        for name in names
        for phrase in (f"head of {name}", f"curriculum leader {name}", f"curriculum leader of {name}")
    )


SYNONYM_GROUPS += tuple(_head_of_group(names) for names in HEAD_OF_SUBJECTS)

ONE_WAY_EXPANSIONS: Mapping[str, tuple[str, ...]] = {
    "primary": ("ks1", "ks2"),
    # Not "eal" or "english as an additional language" (VOCABULARY.md lists them): teaching English to
    # pupils who are learning it is not a modern foreign languages post.
    "mfl": ("french", "german", "spanish", "mandarin", "arabic", "italian", "russian"),
    "languages": (
        "mfl",
        "modern foreign languages",
        "modern languages",
        "foreign languages",
        "french",
        "german",
        "spanish",
        "mandarin",
        "arabic",
        "italian",
        "russian",
    ),
    "flexible": ("contract", "temporary", "supply"),
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
    "sats": ("ks2", "key stage 2", "keystage 2", "year 6"),
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

SYNONYM_GROUPS += tuple((f"year {number}", f"y{number}") for number in range(1, 14))

# Words that say what the person is looking for in general, not which job: "maths jobs near York".
# They are never required (a listing does not have to say "jobs"); inside a phrase ("job share") they
# still count.
NOISE_WORDS = frozenset(
    {
        "job", "jobs", "vacancy", "vacancies", "near", "nr", "around", "position", "positions",
        "opportunity", "opportunities", "role", "roles", "post", "posts", "career", "careers",
    }
)  # fmt: skip


def _subjects(*names: str) -> tuple[tuple[tuple[str, str], ...], ...]:
    return tuple((("subjects", name),) for name in names)


def _roles(*values: str) -> tuple[tuple[tuple[str, str], ...], ...]:
    return tuple((("job_roles", value),) for value in values)


def _key_stages(*values: str) -> tuple[tuple[tuple[str, str], ...], ...]:
    return tuple((("key_stages", value),) for value in values)


_SENIOR = _roles("headteacher", "deputy_headteacher", "assistant_headteacher", "other_leadership")
_MATHS = _subjects("Mathematics")
_COMPUTING = _subjects("Computing", "ICT")
_PE = _subjects("Physical education", "Sports science")
_RE = _subjects("Religious education")
_LANGUAGES = _subjects("French", "German", "Spanish", "Mandarin", "Languages", "Foreign languages")
_DT = _subjects("Design and technology")
_SCIENCE = _subjects("Science", "Biology", "Chemistry", "Physics")
_EARLY_YEARS = (*_key_stages("early_years"), (("phases", "nursery"),))
_HEAD_OF_MEANING = {
    "math": _MATHS,
    "science": _SCIENCE,
    "mfl": _LANGUAGES,
    "computing": _COMPUTING,
    "pe": _subjects("Physical education"),
    "re": _RE,
    "dt": _DT,
    "art": _subjects("Art and design"),
}


def _subject_meaning(name: str) -> tuple[tuple[tuple[str, str], ...], ...]:
    return _HEAD_OF_MEANING.get(name) or _subjects(name.capitalize())


# What a typed phrase says about the job in the fields the school filled in (its roles, phases, key
# stages, subjects, working patterns): phrase -> alternatives, each a set of (filter, value) pairs that
# must all hold. A listing whose fields say so matches, and ranks above one that only mentions the
# words; the words still find listings whose fields say nothing. Every phrase of a two-way group
# shares its group's meaning.
MEANINGS: tuple[tuple[tuple[str, ...], tuple[tuple[tuple[str, str], ...], ...]], ...] = (
    (("teacher", "teachers", "teaching", "teach", "lecturer", "lecturers"), _roles("teacher")),
    (("head of department", "middle leader", "middle leaders"), _roles("head_of_department_or_curriculum")),
    (("middle leader", "middle leaders", "middle leadership"), _roles("head_of_year_or_phase")),
    (
        ("head of year", "head of key stage", "phase leader", "head of sixth form"),
        _roles("head_of_year_or_phase"),
    ),
    (("assistant head",), _roles("assistant_headteacher")),
    (("deputy head", "deputy"), _roles("deputy_headteacher")),
    (("headteacher", "head of school", "executive headteacher", "executive head"), _roles("headteacher")),
    (("senco",), _roles("sendco")),
    # A SEN teacher teaches in a special school; a SENCO post is found by "senco".
    (("sen",), ((("school_types", "special_school"),),)),
    (("slt", "senior leader", "senior leaders", "senior leadership", "senior leadership team"), _SENIOR),
    (("leadership",), _SENIOR),
    (("ta", "teaching assistant"), _roles("teaching_assistant", "higher_level_teaching_assistant")),
    (("hlta",), _roles("higher_level_teaching_assistant")),
    (("lsa", "learning support"), _roles("education_support", "teaching_assistant")),
    (("cover supervisor", "cover supervisors"), _roles("education_support")),
    (("primary", "primary school", "primary schools"), ((("phases", "primary"),),)),
    (("primary teacher",), ((("phases", "primary"), ("job_roles", "teacher")),)),
    (("secondary", "secondary school", "secondary schools"), ((("phases", "secondary"),),)),
    (("sixth form", "sixth form college"), ((("phases", "sixth_form_or_college"),), *_key_stages("ks5"))),
    (("fe", "college", "colleges"), ((("phases", "sixth_form_or_college"),),)),
    (("all through", "all-through school"), ((("phases", "through"),),)),
    (("early years",), _EARLY_YEARS),
    (("ks1", "year 1", "year 2"), _key_stages("ks1")),
    (("ks2", "year 3", "year 4", "year 5", "year 6", "sats", "upper ks2", "lower ks2"), _key_stages("ks2")),
    (("ks3", "year 7", "year 8", "year 9"), _key_stages("ks3")),
    (("ks4", "year 10", "year 11"), _key_stages("ks4")),
    (("ks5", "year 12", "year 13", "sixth form"), _key_stages("ks5")),
    (("part time",), ((("working_patterns", "part_time"),),)),
    (("full time",), ((("working_patterns", "full_time"),),)),
    (("job share",), ((("working_patterns", "job_share"),),)),
    (("nqt",), ((("ect_suitable", "true"),),)),
    (("maths",), _MATHS),
    (("computing",), _COMPUTING),
    (("pe",), _PE),
    (("re",), _RE),
    (("mfl", "languages"), _LANGUAGES),
    (("dt",), _DT),
    (("science",), _SCIENCE),
    (("art",), _subjects("Art and design")),
    (("business", "business studies"), _subjects("Business studies", "Economics and Business Studies")),
    (("economics",), _subjects("Economics", "Economics and Business Studies")),
    (("performing arts",), _subjects("Music", "Drama", "Dance")),
    (
        ("humanities",),
        _subjects(
            "Humanities",
            "History",
            "Geography",
            "Religious education",
            "Philosophy",
            "Sociology",
            "Politics",
            "Psychology",
            "Law",
            "Social sciences",
        ),
    ),
    *(
        (
            _head_of_group(names),
            tuple(
                (("job_roles", "head_of_department_or_curriculum"), *condition)
                for condition in _subject_meaning(names[0])
            ),
        )
        for names in HEAD_OF_SUBJECTS
    ),
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
    for words in STRUCTURED:  # a phrase with a meaning is one unit, even without synonyms
        alternatives.setdefault(words, []).append(" ".join(words))
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


Condition = tuple[tuple[str, str], ...]  # (filter, value) pairs that must all hold


def _build_meanings() -> dict[tuple[str, ...], tuple[Condition, ...]]:
    meanings: dict[tuple[str, ...], dict[Condition, None]] = {}
    subject_names = tuple(((name.lower(),), _subjects(name)) for name in vocabulary.ALL_SUBJECTS)
    for phrases, conditions in (*MEANINGS, *subject_names):
        for phrase in phrases:
            meanings.setdefault(phrase_words(phrase), {}).update(dict.fromkeys(conditions))
    for group in SYNONYM_GROUPS:  # every phrase of a group means what any of them means
        shared: dict[Condition, None] = {}
        for phrase in group:
            shared.update(meanings.get(phrase_words(phrase), {}))
        if shared:
            for phrase in group:
                meanings.setdefault(phrase_words(phrase), {}).update(shared)
    return {words: tuple(conditions) for words, conditions in meanings.items()}


# Typed phrase (as words) -> what it says about the job's fields (see MEANINGS).
STRUCTURED: Mapping[tuple[str, ...], tuple[Condition, ...]] = _build_meanings()


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
    """Whether typed keywords hold a word worth searching for (not only stop words, words such as
    "jobs" or punctuation)."""
    return any(
        word.rstrip("+") not in STOP_WORDS and word not in NOISE_WORDS for word in phrase_words(keywords)
    )
