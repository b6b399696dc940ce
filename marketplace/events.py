"""Domain events: the core says what happened, the layers above decide what follows.

    # in the core (accounts, organisations, vacancies, applications)
    announce(ApplicationShortlisted(application_id=application.id))

    # in a layer above it (notifications, analytics)
    @subscribe(ApplicationShortlisted)
    def email_the_candidate(event: ApplicationShortlisted) -> None: ...

The core never imports the layers that react to it, so it cannot reach up. Handlers run at once, in the
announcer's transaction: an outbox row or an analytics row is kept exactly when the change is committed,
and is gone with it on a rollback (the outbox sends only after the commit). A handler that raises fails
the use-case, as the email or count it stands for would have done inline.

Events carry ids and plain values, never ORM objects: a handler loads what it needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

Event = TypeVar("Event", bound="DomainEvent")
Handler = Callable[[Event], None]


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened in the domain; subclasses are frozen dataclasses of ids and plain values."""


_handlers: dict[type[DomainEvent], list[Callable[[DomainEvent], None]]] = {}


def subscribe(event_type: type[Event]) -> Callable[[Handler], Handler]:
    """Register the decorated function to run whenever an event of `event_type` (or a subclass) is announced.

    Registering the same function twice for one type keeps one registration, so importing a module of
    handlers again (a second app in the same process) never doubles an email.
    """
    if not (isinstance(event_type, type) and issubclass(event_type, DomainEvent)):
        raise TypeError(f"subscribe() takes a DomainEvent subclass, not {event_type!r}")

    def register(handler: Handler) -> Handler:
        handlers = _handlers.setdefault(event_type, [])
        if handler not in handlers:
            handlers.append(handler)
        return handler

    return register


def handlers_for(event_type: type[DomainEvent]) -> list[Callable[[DomainEvent], None]]:
    """The handlers an event of `event_type` reaches, in the order they run (most general type last)."""
    found = []
    for cls in event_type.__mro__:
        if isinstance(cls, type) and issubclass(cls, DomainEvent):
            found.extend(handler for handler in _handlers.get(cls, []) if handler not in found)
    return found


def announce(event: DomainEvent) -> None:
    """Run every handler subscribed to the event's type, now, in the caller's transaction."""
    if not isinstance(event, DomainEvent):
        raise TypeError(f"announce() takes a DomainEvent, not {event!r}")
    for handler in handlers_for(type(event)):
        handler(event)


def unsubscribe(event_type: type[DomainEvent], handler: Callable[[DomainEvent], None]) -> None:
    """Forget one registration (for tests that subscribe a handler of their own)."""
    handlers = _handlers.get(event_type, [])
    if handler in handlers:
        handlers.remove(handler)
