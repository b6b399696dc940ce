"""The equal opportunities report never lets a reader work out a group of fewer than five people, neither
by subtracting the shown groups from the total nor by comparing two reports."""

from __future__ import annotations

import itertools

from hypothesis import assume, given
from hypothesis import strategies as st

from marketplace.applications.equal_opportunities import MIN_GROUP, fold_small_groups, released


def test_one_small_group_is_folded_with_the_next_smallest_so_it_cannot_be_subtracted():
    # Shown alone, "Yes 12, Prefer not to say 6" out of 20 would give away the 2 who said "No".
    shown, folded = fold_small_groups({"Yes": 12, "No": 2, "Prefer not to say": 6})
    assert shown == [("Yes", 12)]
    assert folded == 8


def test_a_few_small_groups_that_add_up_to_fewer_than_five_take_in_the_smallest_shown_group():
    shown, folded = fold_small_groups({"Female": 9, "Male": 7, "Prefer not to say": 1, "Other": 2})
    assert shown == [("Female", 9)]
    assert folded == 10


def test_small_groups_that_add_up_to_five_or_more_are_folded_alone():
    shown, folded = fold_small_groups({"A": 8, "B": 3, "C": 2, "Prefer not to say": 6})
    assert shown == [("A", 8), ("Prefer not to say", 6)]
    assert folded == 5


def test_ties_fold_the_first_of_the_smallest_groups_in_the_questions_order():
    shown, folded = fold_small_groups({"Yes": 6, "No": 6, "Prefer not to say": 1})
    assert shown == [("No", 6)]
    assert folded == 7


def test_nothing_is_folded_when_every_group_is_large_enough_or_empty():
    assert fold_small_groups({"Yes": 5, "No": 0, "Prefer not to say": 7}) == (
        [("Yes", 5), ("Prefer not to say", 7)],
        0,
    )


def test_one_large_group_and_one_small_one_are_both_folded():
    assert fold_small_groups({"Female": 5, "Male": 2, "Prefer not to say": 0}) == ([], 7)


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=2, max_size=9))
def test_no_small_group_can_be_worked_out_from_the_total(sizes):
    assume(sum(sizes) >= MIN_GROUP)  # a report of fewer answers shows nothing at all
    counts = {f"answer {i}": size for i, size in enumerate(sizes)}
    shown, folded = fold_small_groups(counts)
    assert all(people >= MIN_GROUP for _, people in shown)
    assert sum(people for _, people in shown) + folded == sum(sizes)
    # The folded row is the only thing a reader can subtract to: it is empty or at least five people.
    assert folded == 0 or folded >= MIN_GROUP


def test_answers_are_counted_only_once_their_spell_has_finished():
    assert released({0: 7}, spells_finished=0) == 0  # still open the first time
    assert released({0: 7}, spells_finished=1) == 7


def test_answers_after_a_reopening_wait_until_five_or_more_have_closed():
    # 12 counted when the listing first closed; re-opened, 2 more answered, closed again.
    assert released({0: 12, 1: 2}, spells_finished=2) == 12
    # Re-opened once more: 4 more, closed again: the 6 held back are counted together.
    assert released({0: 12, 1: 2, 2: 4}, spells_finished=3) == 18
    # While it is open again, the counted answers stay as they were.
    assert released({0: 12, 1: 2, 2: 4}, spells_finished=2) == 12


def test_a_listing_with_too_few_answers_waits_for_the_next_spell():
    assert released({0: 3}, spells_finished=1) == 0
    assert released({0: 3, 1: 2}, spells_finished=2) == 5


@given(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=8))
def test_two_reports_of_a_listing_differ_by_nothing_or_by_five_or_more(spell_sizes):
    answers = dict(enumerate(spell_sizes))
    counts = [released(answers, finished) for finished in range(len(spell_sizes) + 1)]
    for earlier, later in itertools.pairwise(counts):
        assert later >= earlier
    for i, earlier in enumerate(counts):
        for later in counts[i:]:
            assert later - earlier == 0 or later - earlier >= MIN_GROUP
