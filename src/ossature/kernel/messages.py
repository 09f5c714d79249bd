"""Commands, queries and events: frozen structs with explicit wire names."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar, Protocol, TypeVar, cast

import msgspec

from ossature.kernel.context import Context

__all__ = [
    "Envelope",
    "Event",
    "EventTypes",
    "Evolves",
    "Payload",
    "Position",
    "UnknownEvent",
    "event_name",
    "fold",
]


class Payload(
    msgspec.Struct, frozen=True, rename="camel", kw_only=True, forbid_unknown_fields=True
):
    """Base of command and query payloads: camelCase on the wire, unknown fields refused.

    A field typed `Secret` (kernel/sensitive.py) is left out of the payload's fingerprint
    kept with its idempotency record (decision 34) and out of a kept invocation (64)."""


class Event(msgspec.Struct, frozen=True, rename="camel", kw_only=True):
    """Base of event payloads. Subclasses set `name` (kebab-case) and `version`."""

    name: ClassVar[str]
    version: ClassVar[int] = 1


def event_name(event: Event | type[Event]) -> str:
    """The stored name of an event type."""
    return event.name


Position = tuple[int, int]
"""A place in the global order: (transaction id, sequence within the store)."""


class Envelope(msgspec.Struct, frozen=True, rename="camel", kw_only=True):
    """A stored event: its payload plus everything needed to route, order and explain it."""

    event_id: str
    event_type: str
    schema_version: int
    stream_type: str
    stream_id: str
    stream_version: int
    tenant_id: str
    occurred_at: datetime
    payload: dict[str, Any]
    context: Context
    originating_event_id: str | None = None
    causing_event_id: str | None = None
    position: Position = (0, 0)

    def decode(self, event_type: type[Event]) -> Event:
        """The payload as an instance of `event_type`."""
        return msgspec.convert(self.payload, event_type)


class UnknownEvent(LookupError):
    """An event whose type was declared by no module, or folded by a state that does not know it."""

    def __init__(self, event_type: str, where: str) -> None:
        super().__init__(f"{where} does not know the event type {event_type!r}")
        self.event_type = event_type


class EventTypes:
    """Every declared event type by its stored name: stored events decode into them."""

    def __init__(self, types: Iterable[type[Event]] = ()) -> None:
        self.by_name: dict[str, type[Event]] = {t.name: t for t in types}

    def decode(self, envelope: Envelope) -> Event:
        """The envelope's payload as an instance of its declared type; UnknownEvent if none."""
        event_type = self.by_name.get(envelope.event_type)
        if event_type is None:
            raise UnknownEvent(envelope.event_type, "no module's table")
        return envelope.decode(event_type)


S = TypeVar("S")


class Evolves(Protocol[S]):
    """An event that says how it changes a state."""

    def evolve(self, state: S) -> S:
        """The state after this event."""
        ...


def fold(state: S, events: Iterable[Event], family: type[Event]) -> S:
    """`state` changed by each event in turn; UnknownEvent for one outside `family` (the
    state's event base class), never skipped."""
    for event in events:
        if not isinstance(event, family):
            raise UnknownEvent(event.name, f"a fold of {family.__name__}")
        state = cast(Evolves[S], event).evolve(state)
    return state
