"""The application lifecycle as a pure transition table."""

from __future__ import annotations

import enum


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SHORTLISTED = "shortlisted"
    INTERVIEWING = "interviewing"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    UNSUCCESSFUL = "unsuccessful"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ApplicationAction(enum.StrEnum):
    SUBMIT = "submit"
    SHORTLIST = "shortlist"
    INVITE_TO_INTERVIEW = "invite_to_interview"
    OFFER = "offer"
    ACCEPT = "accept"
    DECLINE = "decline"
    REJECT = "reject"
    WITHDRAW = "withdraw"


S = ApplicationStatus
A = ApplicationAction

# A jobseeker may withdraw at any point before the outcome is settled.
_OPEN = frozenset({S.SUBMITTED, S.SHORTLISTED, S.INTERVIEWING, S.OFFERED})

TRANSITIONS: dict[ApplicationAction, tuple[frozenset[ApplicationStatus], ApplicationStatus]] = {
    A.SUBMIT: (frozenset({S.DRAFT}), S.SUBMITTED),
    A.SHORTLIST: (frozenset({S.SUBMITTED}), S.SHORTLISTED),
    A.INVITE_TO_INTERVIEW: (frozenset({S.SUBMITTED, S.SHORTLISTED}), S.INTERVIEWING),
    A.OFFER: (frozenset({S.SHORTLISTED, S.INTERVIEWING}), S.OFFERED),
    A.ACCEPT: (frozenset({S.OFFERED}), S.ACCEPTED),
    A.DECLINE: (frozenset({S.OFFERED}), S.DECLINED),
    A.REJECT: (frozenset({S.SUBMITTED, S.SHORTLISTED, S.INTERVIEWING}), S.UNSUCCESSFUL),
    A.WITHDRAW: (_OPEN | {S.DRAFT}, S.WITHDRAWN),
}

# Who may take each action: the school moves an application through selection; the jobseeker
# submits, answers an offer and withdraws.
SCHOOL_ACTIONS = frozenset({A.SHORTLIST, A.INVITE_TO_INTERVIEW, A.OFFER, A.REJECT})
JOBSEEKER_ACTIONS = frozenset({A.SUBMIT, A.ACCEPT, A.DECLINE, A.WITHDRAW})


class IllegalTransition(Exception):
    def __init__(self, status: ApplicationStatus, action: ApplicationAction):
        self.status = status
        self.action = action
        super().__init__(
            f"An application that is {status.label.lower()} cannot be given the action '{action}'."
        )


def allowed_actions(
    status: ApplicationStatus, actions: frozenset[ApplicationAction]
) -> list[ApplicationAction]:
    return [a for a in actions if status in TRANSITIONS[a][0]]


def next_status(status: ApplicationStatus, action: ApplicationAction) -> ApplicationStatus:
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise IllegalTransition(status, action)
    return target
