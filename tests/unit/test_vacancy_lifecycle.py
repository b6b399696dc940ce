import pytest

from marketplace.vacancies.lifecycle import (
    ACTION_PHRASES,
    TRANSITIONS,
    IllegalTransition,
    VacancyAction,
    VacancyStatus,
    allowed_actions,
    next_status,
)

S, A = VacancyStatus, VacancyAction


@pytest.mark.parametrize(
    ("status", "action", "expected"),
    [
        (S.DRAFT, A.SUBMIT, S.PENDING_REVIEW),
        (S.PENDING_REVIEW, A.APPROVE, S.PUBLISHED),
        (S.PENDING_REVIEW, A.REJECT, S.REJECTED),
        (S.REJECTED, A.REVISE, S.DRAFT),
        (S.SCHEDULED, A.PUBLISH_SCHEDULED, S.PUBLISHED),
        (S.PUBLISHED, A.CLOSE, S.CLOSED),
        (S.PUBLISHED, A.EXPIRE, S.EXPIRED),
        (S.PUBLISHED, A.REMOVE, S.REMOVED),
    ],
)
def test_each_allowed_transition_leads_where_the_table_says(status, action, expected):
    assert next_status(status, action) is expected


def test_approval_before_the_publish_date_schedules_the_listing():
    assert next_status(S.PENDING_REVIEW, A.APPROVE, publish_date_reached=False) is S.SCHEDULED


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.DRAFT, A.APPROVE),
        (S.PUBLISHED, A.SUBMIT),
        (S.REJECTED, A.APPROVE),
        (S.REMOVED, A.REMOVE),
        (S.CLOSED, A.APPROVE),
        (S.PUBLISHED, A.APPROVE),
    ],
)
def test_an_illegal_transition_is_a_clear_error_not_a_silent_no_op(status, action):
    with pytest.raises(IllegalTransition, match="so it cannot be"):
        next_status(status, action)


def test_every_status_has_a_way_forward():
    # Even a removed listing: an upheld appeal or a reinstated organisation puts it back.
    stuck = [s for s in S if not allowed_actions(s)]
    assert stuck == []
    assert allowed_actions(S.REMOVED) == [A.REINSTATE]


def test_every_action_appears_in_the_table_and_reads_as_a_sentence():
    assert set(TRANSITIONS) == set(A) == set(ACTION_PHRASES)
    assert (
        str(IllegalTransition(S.PUBLISHED, A.SUBMIT))
        == "This listing is live, so it cannot be sent for review."
    )


@pytest.mark.parametrize(
    ("status", "action", "reached", "expected"),
    [
        (S.PENDING_REVIEW, A.REQUEST_CHANGES, True, S.DRAFT),
        (S.PUBLISHED, A.HOLD, True, S.PENDING_REVIEW),
        (S.SCHEDULED, A.HOLD, True, S.PENDING_REVIEW),
        (S.REMOVED, A.REINSTATE, True, S.PUBLISHED),
        (S.REJECTED, A.REINSTATE, False, S.SCHEDULED),
    ],
)
def test_moderation_moves_listings_back_and_forth(status, action, reached, expected):
    assert next_status(status, action, publish_date_reached=reached) is expected


def test_an_expired_listing_given_a_later_closing_date_goes_live_again():
    assert next_status(S.EXPIRED, A.REOPEN) is S.PUBLISHED


@pytest.mark.parametrize("status", [S.CLOSED, S.PUBLISHED, S.DRAFT, S.REMOVED, S.PENDING_REVIEW])
def test_only_an_expired_listing_can_be_reopened(status):
    # A listing its school ended early stays closed: advertising the job again is a relist.
    with pytest.raises(IllegalTransition, match="so it cannot be reopened"):
        next_status(status, A.REOPEN)
