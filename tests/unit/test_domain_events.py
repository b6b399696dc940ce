"""Announcing domain events and subscribing to them: no database, no app."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from marketplace.events import DomainEvent, announce, handlers_for, subscribe, unsubscribe


@dataclass(frozen=True)
class ListingNoticed(DomainEvent):
    vacancy_id: int


@dataclass(frozen=True)
class ListingNoticedTwice(ListingNoticed):
    times: int = 2


@dataclass(frozen=True)
class NobodyListens(DomainEvent):
    vacancy_id: int


@pytest.fixture
def heard():
    heard: list[tuple[str, DomainEvent]] = []

    def first(event):
        heard.append(("first", event))

    def second(event):
        heard.append(("second", event))

    def general(event):
        heard.append(("general", event))

    subscribe(ListingNoticed)(first)
    subscribe(ListingNoticed)(second)
    subscribe(DomainEvent)(general)
    yield heard
    unsubscribe(ListingNoticed, first)
    unsubscribe(ListingNoticed, second)
    unsubscribe(DomainEvent, general)


def test_every_handler_runs_at_once_in_the_order_it_subscribed(heard):
    event = ListingNoticed(vacancy_id=7)

    announce(event)

    assert heard == [("first", event), ("second", event), ("general", event)]


def test_a_subclass_reaches_the_handlers_of_the_events_it_specialises(heard):
    event = ListingNoticedTwice(vacancy_id=7)

    announce(event)

    assert [name for name, _ in heard] == ["first", "second", "general"]


def test_an_event_nobody_subscribed_to_is_announced_without_error(heard):
    announce(NobodyListens(vacancy_id=1))

    assert [name for name, _ in heard] == ["general"]


def test_subscribing_the_same_handler_twice_runs_it_once(heard):
    [first, *_] = handlers_for(ListingNoticed)
    subscribe(ListingNoticed)(first)

    announce(ListingNoticed(vacancy_id=3))

    assert [name for name, _ in heard] == ["first", "second", "general"]


def test_subscribe_returns_the_handler_unchanged():
    def handler(event):
        pass

    try:
        assert subscribe(NobodyListens)(handler) is handler
    finally:
        unsubscribe(NobodyListens, handler)


def test_a_failing_handler_fails_the_announcement_and_stops_later_handlers(heard):
    def broken(event):
        raise RuntimeError("outbox unavailable")

    subscribe(ListingNoticed)(broken)
    try:
        with pytest.raises(RuntimeError, match="outbox unavailable"):
            announce(ListingNoticed(vacancy_id=1))
    finally:
        unsubscribe(ListingNoticed, broken)
    assert [name for name, _ in heard] == ["first", "second"]


def test_events_are_frozen_values():
    event = ListingNoticed(vacancy_id=1)

    with pytest.raises(dataclasses.FrozenInstanceError):
        event.vacancy_id = 2  # type: ignore[misc]
    assert event == ListingNoticed(vacancy_id=1)


def test_only_domain_events_can_be_announced_or_subscribed_to():
    with pytest.raises(TypeError):
        announce("listing noticed")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        subscribe(str)  # type: ignore[arg-type]
