"""What happens to organisations and their teams, announced for the layers above to act on."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.events import DomainEvent


@dataclass(frozen=True)
class JoinRequested(DomainEvent):
    """Someone claimed a place in an organisation's team; its administrators decide."""

    request_id: int


@dataclass(frozen=True)
class JoinRequestDecided(DomainEvent):
    """An organisation's administrator approved or declined a join request."""

    request_id: int


@dataclass(frozen=True)
class ClaimDecided(DomainEvent):
    """A claim was settled by a moderator or by a confirmed address on an owned domain; `reason` is told."""

    request_id: int
    reason: str


@dataclass(frozen=True)
class ColleagueInvited(DomainEvent):
    """An administrator invited a colleague; `token` is the signed invitation link's token."""

    invitation_id: int
    token: str
