"""What happens to listings, announced for the layers above to act on."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.events import DomainEvent


@dataclass(frozen=True)
class ClosingDateExtended(DomainEvent):
    """The school gave more time to apply for a live listing."""

    vacancy_id: int


@dataclass(frozen=True)
class ListingEndedEarly(DomainEvent):
    """The school closed a live or scheduled listing before its closing date."""

    vacancy_id: int
