import pytest

from marketplace.applications.lifecycle import (
    JOBSEEKER_ACTIONS,
    SCHOOL_ACTIONS,
    TRANSITIONS,
    ApplicationAction,
    ApplicationStatus,
    IllegalTransition,
    allowed_actions,
    next_status,
)

S, A = ApplicationStatus, ApplicationAction


def test_the_usual_path_from_draft_to_accepted():
    status = S.DRAFT
    for action in (A.SUBMIT, A.SHORTLIST, A.INVITE_TO_INTERVIEW, A.OFFER, A.ACCEPT):
        status = next_status(status, action)
    assert status is S.ACCEPTED


@pytest.mark.parametrize("status", [S.SUBMITTED, S.SHORTLISTED, S.INTERVIEWING, S.OFFERED])
def test_a_jobseeker_can_withdraw_until_the_outcome_is_settled(status):
    assert next_status(status, A.WITHDRAW) is S.WITHDRAWN


@pytest.mark.parametrize("status", [S.ACCEPTED, S.DECLINED, S.UNSUCCESSFUL, S.WITHDRAWN])
def test_settled_applications_cannot_be_withdrawn(status):
    with pytest.raises(IllegalTransition):
        next_status(status, A.WITHDRAW)


def test_submitting_twice_is_illegal():
    with pytest.raises(IllegalTransition):
        next_status(S.SUBMITTED, A.SUBMIT)


def test_schools_and_jobseekers_share_out_every_action():
    assert set(TRANSITIONS) == SCHOOL_ACTIONS | JOBSEEKER_ACTIONS
    assert not SCHOOL_ACTIONS & JOBSEEKER_ACTIONS


def test_a_school_cannot_accept_an_offer_on_a_jobseekers_behalf():
    assert A.ACCEPT not in allowed_actions(S.OFFERED, SCHOOL_ACTIONS)
    assert A.ACCEPT in allowed_actions(S.OFFERED, JOBSEEKER_ACTIONS)
