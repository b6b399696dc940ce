"""Finding a family of case-insensitive phrase patterns in a text without scanning it once per phrase.

A wording family is one alternation of regular expressions. Python's engine tries every alternative at
every position of the text, which made these rules the slowest part of screening a listing. Most phrases
cannot occur at all in a given text: each pattern is read once, when the module loads, for the words every
match of it must contain ("graduate" for "recent graduates", one of "fee", "deposit" or "charge" for a
price followed by a fee, and "must" or "should" as well as "be" for "must be married"), and a text is
searched only with the patterns whose words it contains. A pattern with no such word (of two characters or
more, or a sign such as "£") is always searched.

Dropping patterns that cannot match anywhere leaves every match of the alternation as it was (the same
leftmost position, the same first alternative to match there), so the findings are exactly those of
scanning with every pattern.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

try:  # Python 3.11 renamed the parser; the names inside are the same.
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

# The characters outside ASCII that a case-insensitive pattern lets stand for an ASCII letter, or whose
# lower case is not one character (so a lower-cased copy of the text would no longer line up with it).
# A text holding one of them is searched with every pattern.
_CASE_TRAPS = frozenset("\u0130\u0131\u017f\u212a")
# A pattern piece with more spellings than this is treated as unknown rather than listed.
_MOST_SPELLINGS = 200
_SHORTEST_WORD = 2

_ZERO_WIDTH = {sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT}
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}


def _letter(code: int) -> str | None:
    """A literal character as the lower-cased text holds it, or None if case folding makes it unsafe."""
    char = chr(code)
    if char.isascii() or char.lower() == char.upper():
        return char.lower()
    return None


def _product(left: frozenset[str] | None, right: frozenset[str] | None) -> frozenset[str] | None:
    if left is None or right is None or len(left) * len(right) > _MOST_SPELLINGS:
        return None
    return frozenset(a + b for a in left for b in right)


def _exact(item: tuple) -> frozenset[str] | None:
    """Every text that one piece of a parsed pattern can match, lower-cased, if there are few of them."""
    op, av = item
    if op is sre_constants.LITERAL:
        letter = _letter(av)
        return None if letter is None else frozenset({letter})
    if op in _ZERO_WIDTH:
        return frozenset({""})
    if op is sre_constants.IN:
        letters = set()
        for member_op, member in av:
            if member_op is not sre_constants.LITERAL or _letter(member) is None:
                return None
            letters.add(_letter(member))
        return frozenset(letters)
    if op is sre_constants.SUBPATTERN:
        return _exact_sequence(av[-1])
    if op is sre_constants.BRANCH:
        spellings: set[str] = set()
        for branch in av[1]:
            branch_spellings = _exact_sequence(branch)
            if branch_spellings is None:
                return None
            spellings |= branch_spellings
        return frozenset(spellings) if len(spellings) <= _MOST_SPELLINGS else None
    if op in _REPEATS:
        low, high, body = av
        if (low, high) == (0, 1):
            inner = _exact_sequence(body)
            return None if inner is None else inner | {""}
    return None


def _exact_sequence(sequence) -> frozenset[str] | None:
    spellings: frozenset[str] | None = frozenset({""})
    for item in sequence:
        spellings = _product(spellings, _exact(item))
        if spellings is None:
            return None
    return spellings


def _useful(words: frozenset[str] | None) -> bool:
    """Whether looking for these words rules out texts: not for one letter, but for a sign such as '£'."""
    return bool(words) and all(
        len(word) >= _SHORTEST_WORD or (len(word) == 1 and not word.isalnum() and not word.isspace())
        for word in words
    )


def _is_boundary(item: tuple) -> bool:
    """`\\b`, or one or more spaces: what lies on either side of it is not one word."""
    op, av = item
    if op is sre_constants.AT:
        return av is sre_constants.AT_BOUNDARY
    return (
        op in _REPEATS
        and av[0] >= 1
        and list(av[2]) == [(sre_constants.IN, [(sre_constants.CATEGORY, sre_constants.CATEGORY_SPACE)])]
    )


def _one_word(word: str) -> bool:
    return word.isascii() and all(char.isalnum() or char == "_" for char in word)


@dataclass(frozen=True)
class Need:
    """Every match contains one of `words`; if `whole`, as a whole word of the text (letters, digits and
    underscores with neither before or after it), which a lookup in the text's set of words can tell."""

    words: frozenset[str]
    whole: bool


def _required(sequence) -> list[Need]:
    """What every match of a parsed sequence contains: a word of each need."""
    found: list[Need] = []
    run: frozenset[str] = frozenset({""})
    # Whether the run began just after a boundary, and whether one has followed its last character.
    run_bounded, boundary_since = False, False

    def close_run(bounded_after: bool) -> None:
        if _useful(run):
            whole = run_bounded and (boundary_since or bounded_after) and all(map(_one_word, run))
            found.append(Need(run, whole))

    for item in sequence:
        op, av = item
        exact = _exact(item)
        repeated = _exact_sequence(av[2]) if op in _REPEATS and av[0] >= 1 else None
        if exact is None and repeated is not None:
            # Matched at least `av[0]` times in a row: the run so far is followed by that many copies, and
            # the next piece follows as many.
            copies = frozenset(word * av[0] for word in repeated)
            joined = _product(run, copies)
            run = joined if joined is not None else run
            close_run(False)
            run, run_bounded, boundary_since = copies, False, False
            continue
        if exact == frozenset({""}):  # zero width: \b, a lookahead or lookbehind
            boundary_since = boundary_since or _is_boundary(item)
            continue
        if exact is not None:
            if run == frozenset({""}):
                run_bounded = boundary_since
            joined = _product(run, exact)
            if joined is None:  # too many spellings to join: keep the run so far, start again here
                close_run(False)
                joined, run_bounded = exact, False
            run, boundary_since = joined, False
            continue
        close_run(_is_boundary(item))
        run, run_bounded, boundary_since = frozenset({""}), False, _is_boundary(item)
        if op is sre_constants.SUBPATTERN:
            found.extend(_required(av[-1]))
        elif op is sre_constants.BRANCH:
            # A match goes through one branch: it contains one of the branches' rarest words.
            needs = []
            for branch in av[1]:
                branch_needs = _required(branch)
                if not branch_needs:
                    needs = []
                    break
                needs.append(_rarest(branch_needs))
            if needs:
                words = frozenset().union(*(need.words for need in needs))
                found.append(Need(words, all(need.whole for need in needs)))
        elif op in _REPEATS and av[0] >= 1:
            # The piece matches at least once, so what one repetition must contain, the match contains.
            found.extend(_required(av[2]))
    close_run(False)
    return found


def _rarest(needs: list[Need]) -> Need:
    """The need least likely to be met by an ordinary text: the longest shortest word, then the fewest."""
    return max(needs, key=lambda need: (min(map(len, need.words)), -len(need.words)))


def needs_of(pattern: str) -> tuple[Need, ...]:
    """What every case-insensitive match of `pattern` contains, the cheapest and rarest to look for first;
    empty when nothing is known."""
    needs = set(_required(sre_parse.parse(pattern, re.I)))
    return tuple(
        sorted(
            needs,
            key=lambda need: (
                not need.whole,
                -min(map(len, need.words)),
                len(need.words),
                sorted(need.words),
            ),
        )
    )


def required_words(pattern: str) -> tuple[frozenset[str], ...]:
    """The words of each need of `pattern` (see `needs_of`)."""
    return tuple(need.words for need in needs_of(pattern))


_WORD = re.compile(r"\w+")


class _Words(dict):
    """Whether a lower-cased text holds each word asked about, each looked for once, and its whole words."""

    def __init__(self, lowered: str) -> None:
        super().__init__()
        self.lowered = lowered
        self.whole = frozenset(_WORD.findall(lowered))

    def __missing__(self, word: str) -> bool:
        found = self[word] = word in self.lowered
        return found

    def meets(self, need: Need) -> bool:
        if need.whole:
            return not need.words.isdisjoint(self.whole)
        return any(self[word] for word in need.words)


@functools.lru_cache(maxsize=64)
def _words_of(text: str) -> _Words | None:
    """The text's words, or None if case folding could hide one (a listing's text is read by each family)."""
    if not text.isascii() and not _CASE_TRAPS.isdisjoint(text):
        return None
    return _Words(text.lower())


class PhraseFinder:
    """The matches of several case-insensitive patterns in a text, as one alternation of them finds them."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.patterns = patterns
        self.compiled = self._alternation(tuple(range(len(patterns))))
        self._needs = tuple(needs_of(pattern) for pattern in patterns)
        # Most patterns need first a whole word, which indexes them: a text is then compared with the
        # patterns its own words name, not with every pattern in turn.
        self._named_by: dict[str, list[int]] = {}
        self._unnamed: list[int] = []
        for i, needs in enumerate(self._needs):
            if needs and needs[0].whole:
                for word in needs[0].words:
                    self._named_by.setdefault(word, []).append(i)
            else:
                self._unnamed.append(i)
        self._naming_words = frozenset(self._named_by)

    @functools.lru_cache(maxsize=256)  # noqa: B019 (finders live as long as the module)
    def _alternation(self, which: tuple[int, ...]) -> re.Pattern:
        return re.compile("|".join(f"(?:{self.patterns[i]})" for i in which), re.I)

    def finditer(self, text: str) -> Iterator[re.Match]:
        holds = _words_of(text)
        if holds is None:
            return self.compiled.finditer(text)
        candidates = set(self._unnamed)
        for word in self._naming_words & holds.whole:
            candidates.update(self._named_by[word])
        # In the patterns' own order: the alternation prefers the earlier of two matches at one place.
        which = tuple(i for i in sorted(candidates) if all(holds.meets(need) for need in self._needs[i]))
        if not which:
            return iter(())
        return self._alternation(which).finditer(text)
