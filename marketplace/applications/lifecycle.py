"""The application lifecycle as a pure transition table.

    submitted    → shortlisted, unsuccessful
    shortlisted  → interviewing (with a date and time), unsuccessful
    interviewing → offered, unsuccessful
    offered      → accepted, declined
    any open state (and a draft) → withdrawn, by the candidate

Who may act: the school shortlists, invites to interview, offers and turns down; the candidate submits
and withdraws. An offer is answered by the candidate, usually by telephone or email to the school, so
accepting or declining may be done by the candidate or recorded by the school on the candidate's word.
"""

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

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    ApplicationAction.SUBMIT: "Submit",
    ApplicationAction.SHORTLIST: "Shortlist",
    ApplicationAction.INVITE_TO_INTERVIEW: "Invite to interview",
    ApplicationAction.OFFER: "Offer the job",
    ApplicationAction.ACCEPT: "Record that the candidate accepted",
    ApplicationAction.DECLINE: "Record that the candidate declined",
    ApplicationAction.REJECT: "Mark as unsuccessful",
    ApplicationAction.WITHDRAW: "Withdraw",
}

S = ApplicationStatus
A = ApplicationAction

# Sent and not yet settled: the candidate may still withdraw.
OPEN = frozenset({S.SUBMITTED, S.SHORTLISTED, S.INTERVIEWING, S.OFFERED})
SETTLED = frozenset({S.ACCEPTED, S.DECLINED, S.UNSUCCESSFUL, S.WITHDRAWN})

TRANSITIONS: dict[ApplicationAction, tuple[frozenset[ApplicationStatus], ApplicationStatus]] = {
    A.SUBMIT: (frozenset({S.DRAFT}), S.SUBMITTED),
    A.SHORTLIST: (frozenset({S.SUBMITTED}), S.SHORTLISTED),
    A.INVITE_TO_INTERVIEW: (frozenset({S.SHORTLISTED}), S.INTERVIEWING),
    A.OFFER: (frozenset({S.INTERVIEWING}), S.OFFERED),
    A.ACCEPT: (frozenset({S.OFFERED}), S.ACCEPTED),
    A.DECLINE: (frozenset({S.OFFERED}), S.DECLINED),
    A.REJECT: (frozenset({S.SUBMITTED, S.SHORTLISTED, S.INTERVIEWING}), S.UNSUCCESSFUL),
    # A draft withdrawn is a draft discarded.
    A.WITHDRAW: (OPEN | {S.DRAFT}, S.WITHDRAWN),
}

# The school selects; the candidate applies and withdraws; either may settle an offer (the school
# records the answer the candidate gave it).
SCHOOL_ACTIONS = frozenset({A.SHORTLIST, A.INVITE_TO_INTERVIEW, A.OFFER, A.REJECT, A.ACCEPT, A.DECLINE})
JOBSEEKER_ACTIONS = frozenset({A.SUBMIT, A.ACCEPT, A.DECLINE, A.WITHDRAW})

# Actions that need an interview date and time.
NEEDS_INTERVIEW_TIME = frozenset({A.INVITE_TO_INTERVIEW})


class IllegalTransition(Exception):
    def __init__(self, status: ApplicationStatus, action: ApplicationAction):
        self.status = status
        self.action = action
        super().__init__(
            f"An application that is {status.label.lower()} cannot be moved with "
            f"“{action.label.lower()}”. {_what_is_possible(status)}"
        )


def _what_is_possible(status: ApplicationStatus) -> str:
    actions = [a for a in TRANSITIONS if a is not A.SUBMIT and status in TRANSITIONS[a][0]]
    if not actions:
        return "Its outcome is settled, so its status can no longer change."
    return "It can only be moved with: " + ", ".join(f"“{a.label.lower()}”" for a in actions) + "."


def allowed_actions(
    status: ApplicationStatus, actions: frozenset[ApplicationAction]
) -> list[ApplicationAction]:
    """The actions from `actions` that may be taken now, in the table's order."""
    return [a for a in TRANSITIONS if a in actions and status in TRANSITIONS[a][0]]


def next_status(status: ApplicationStatus, action: ApplicationAction) -> ApplicationStatus:
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise IllegalTransition(status, action)
    return target
