"""The vacancy lifecycle as a pure transition table: no database, no clock of its own.

Each action names the states it may start from and the state it leads to. Guards that need facts
(is the publish date in the future?) take them as arguments, so the table is testable on its own.
"""

from __future__ import annotations

import enum


class VacancyStatus(enum.StrEnum):
    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    CLOSED = "closed"
    EXPIRED = "expired"
    REJECTED = "rejected"
    REMOVED = "removed"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    VacancyStatus.DRAFT: "Draft",
    VacancyStatus.PENDING_REVIEW: "In review",
    VacancyStatus.SCHEDULED: "Scheduled",
    VacancyStatus.PUBLISHED: "Live",
    VacancyStatus.CLOSED: "Closed",
    VacancyStatus.EXPIRED: "Expired",
    VacancyStatus.REJECTED: "Rejected",
    VacancyStatus.REMOVED: "Removed",
}


class VacancyAction(enum.StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    REVISE = "revise"
    PUBLISH_SCHEDULED = "publish_scheduled"
    CLOSE = "close"
    EXPIRE = "expire"
    REMOVE = "remove"
    # Moderation: returned to the school for changes, hidden while reports are checked, put back.
    REQUEST_CHANGES = "request_changes"
    HOLD = "hold"
    REINSTATE = "reinstate"
    # The school moved the closing date of a listing that had expired: live again, as it was approved.
    REOPEN = "reopen"


S = VacancyStatus
A = VacancyAction

# action -> (states it may start from, state it leads to). APPROVE leads to PUBLISHED, or to
# SCHEDULED when the publish date is still ahead: see next_status().
TRANSITIONS: dict[VacancyAction, tuple[frozenset[VacancyStatus], VacancyStatus]] = {
    A.SUBMIT: (frozenset({S.DRAFT}), S.PENDING_REVIEW),
    A.APPROVE: (frozenset({S.PENDING_REVIEW}), S.PUBLISHED),
    A.REJECT: (frozenset({S.PENDING_REVIEW}), S.REJECTED),
    A.REVISE: (frozenset({S.REJECTED}), S.DRAFT),
    A.PUBLISH_SCHEDULED: (frozenset({S.SCHEDULED}), S.PUBLISHED),
    A.CLOSE: (frozenset({S.PUBLISHED, S.SCHEDULED}), S.CLOSED),
    A.EXPIRE: (frozenset({S.PUBLISHED}), S.EXPIRED),
    A.REMOVE: (frozenset({S.PENDING_REVIEW, S.SCHEDULED, S.PUBLISHED, S.CLOSED, S.EXPIRED}), S.REMOVED),
    A.REQUEST_CHANGES: (frozenset({S.PENDING_REVIEW}), S.DRAFT),
    A.HOLD: (frozenset({S.PUBLISHED, S.SCHEDULED}), S.PENDING_REVIEW),
    # An appeal upheld, or an organisation reinstated: back to live (or scheduled, like APPROVE).
    A.REINSTATE: (frozenset({S.REJECTED, S.REMOVED}), S.PUBLISHED),
    # Only an expired listing: one the school ended early stays closed (it may be relisted as a new one).
    A.REOPEN: (frozenset({S.EXPIRED}), S.PUBLISHED),
}

# Statuses whose listing may be shown to jobseekers (subject to its dates).
PUBLIC_STATUSES = frozenset({S.PUBLISHED})


# How each action reads in a sentence: "This listing is live, so it cannot be sent for review."
ACTION_PHRASES = {
    A.SUBMIT: "sent for review",
    A.APPROVE: "approved",
    A.REJECT: "rejected",
    A.REVISE: "revised",
    A.PUBLISH_SCHEDULED: "published",
    A.CLOSE: "closed",
    A.EXPIRE: "expired",
    A.REMOVE: "removed",
    A.REQUEST_CHANGES: "returned for changes",
    A.HOLD: "held for review",
    A.REINSTATE: "reinstated",
    A.REOPEN: "reopened",
}


class IllegalTransition(Exception):
    """An action that the lifecycle does not allow from the vacancy's current status."""

    def __init__(self, status: VacancyStatus, action: VacancyAction):
        self.status = status
        self.action = action
        super().__init__(f"This listing is {status.label.lower()}, so it cannot be {ACTION_PHRASES[action]}.")


def allowed_actions(status: VacancyStatus) -> list[VacancyAction]:
    return [action for action, (sources, _) in TRANSITIONS.items() if status in sources]


def next_status(
    status: VacancyStatus, action: VacancyAction, *, publish_date_reached: bool = True
) -> VacancyStatus:
    """The status after `action`, or IllegalTransition. Pure: every fact it needs is an argument."""
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise IllegalTransition(status, action)
    if action in (A.APPROVE, A.REINSTATE) and not publish_date_reached:
        return S.SCHEDULED
    return target
