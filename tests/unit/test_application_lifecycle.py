import pytest

from marketplace.applications.lifecycle import (
    JOBSEEKER_ACTIONS,
    NEEDS_INTERVIEW_TIME,
    OPEN,
    SCHOOL_ACTIONS,
    TRANSITIONS,
    ApplicationAction,
    ApplicationStatus,
    IllegalTransition,
    allowed_actions,
    next_status,
)

S, A = ApplicationStatus, ApplicationAction

# The table of the issue, written out move by move: (from, action) → to.
EXPECTED = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, A.SHORTLIST): S.SHORTLISTED,
    (S.SUBMITTED, A.REJECT): S.UNSUCCESSFUL,
    (S.SHORTLISTED, A.INVITE_TO_INTERVIEW): S.INTERVIEWING,
    (S.SHORTLISTED, A.REJECT): S.UNSUCCESSFUL,
    (S.INTERVIEWING, A.OFFER): S.OFFERED,
    (S.INTERVIEWING, A.REJECT): S.UNSUCCESSFUL,
    (S.OFFERED, A.ACCEPT): S.ACCEPTED,
    (S.OFFERED, A.DECLINE): S.DECLINED,
    (S.DRAFT, A.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, A.WITHDRAW): S.WITHDRAWN,
    (S.SHORTLISTED, A.WITHDRAW): S.WITHDRAWN,
    (S.INTERVIEWING, A.WITHDRAW): S.WITHDRAWN,
    (S.OFFERED, A.WITHDRAW): S.WITHDRAWN,
}


@pytest.mark.parametrize(("status", "action"), [(s, a) for s in S for a in A])
def test_every_move_is_either_in_the_table_or_refused(status, action):
    if (status, action) in EXPECTED:
        assert next_status(status, action) is EXPECTED[(status, action)]
    else:
        with pytest.raises(IllegalTransition):
            next_status(status, action)


def test_the_usual_path_from_draft_to_accepted():
    status = S.DRAFT
    for action in (A.SUBMIT, A.SHORTLIST, A.INVITE_TO_INTERVIEW, A.OFFER, A.ACCEPT):
        status = next_status(status, action)
    assert status is S.ACCEPTED


@pytest.mark.parametrize("status", sorted(OPEN))
def test_a_candidate_can_withdraw_until_the_outcome_is_settled(status):
    assert next_status(status, A.WITHDRAW) is S.WITHDRAWN


@pytest.mark.parametrize("status", [S.ACCEPTED, S.DECLINED, S.UNSUCCESSFUL, S.WITHDRAWN])
def test_settled_applications_cannot_move_at_all(status):
    assert allowed_actions(status, SCHOOL_ACTIONS | JOBSEEKER_ACTIONS) == []
    with pytest.raises(IllegalTransition, match="settled"):
        next_status(status, A.WITHDRAW)


def test_skipping_a_stage_is_illegal_and_the_error_says_what_is_possible():
    with pytest.raises(IllegalTransition) as error:
        next_status(S.SUBMITTED, A.INVITE_TO_INTERVIEW)
    assert str(error.value) == (
        "An application that is submitted cannot be moved with “invite to interview”. "
        "It can only be moved with: “shortlist”, “mark as unsuccessful”, “withdraw”."
    )
    with pytest.raises(IllegalTransition):
        next_status(S.SHORTLISTED, A.OFFER)


def test_submitting_twice_is_illegal():
    with pytest.raises(IllegalTransition):
        next_status(S.SUBMITTED, A.SUBMIT)


def test_only_the_candidate_withdraws_and_only_the_school_selects():
    assert set(TRANSITIONS) == SCHOOL_ACTIONS | JOBSEEKER_ACTIONS
    assert A.WITHDRAW not in SCHOOL_ACTIONS
    assert A.SUBMIT not in SCHOOL_ACTIONS
    assert not {A.SHORTLIST, A.INVITE_TO_INTERVIEW, A.OFFER, A.REJECT} & JOBSEEKER_ACTIONS


def test_an_offer_is_answered_by_the_candidate_or_recorded_by_the_school():
    assert allowed_actions(S.OFFERED, SCHOOL_ACTIONS) == [A.ACCEPT, A.DECLINE]
    assert allowed_actions(S.OFFERED, JOBSEEKER_ACTIONS) == [A.ACCEPT, A.DECLINE, A.WITHDRAW]


def test_what_a_school_can_do_at_each_stage():
    assert allowed_actions(S.SUBMITTED, SCHOOL_ACTIONS) == [A.SHORTLIST, A.REJECT]
    assert allowed_actions(S.SHORTLISTED, SCHOOL_ACTIONS) == [A.INVITE_TO_INTERVIEW, A.REJECT]
    assert allowed_actions(S.INTERVIEWING, SCHOOL_ACTIONS) == [A.OFFER, A.REJECT]
    assert allowed_actions(S.DRAFT, SCHOOL_ACTIONS) == []


def test_only_an_invitation_to_interview_needs_a_date_and_time():
    assert {A.INVITE_TO_INTERVIEW} == NEEDS_INTERVIEW_TIME
