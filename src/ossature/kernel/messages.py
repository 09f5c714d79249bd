"""Commands, queries and events: frozen structs with explicit wire names."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, ClassVar, Protocol, TypeVar, cast

import msgspec

from ossature.kernel.context import Context

__all__ = [
    "Envelope",
    "Event",
    "EventTypes",
    "Evolves",
    "MissingUpcaster",
    "Payload",
    "Position",
    "StoredDecoder",
    "UnknownEvent",
    "Upcaster",
    "event_name",
    "fold",
]


class Payload(
    msgspec.Struct, frozen=True, rename="camel", kw_only=True, forbid_unknown_fields=True
):
    """Base of command and query payloads: camelCase on the wire, unknown fields refused.

    A field typed `Secret` (kernel/sensitive.py) is left out of the payload's fingerprint
    kept with its idempotency record (decision 34) and out of a kept invocation (64)."""


Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
"""A stored payload of one version of an event turned into the next version's shape."""

StoredDecoder = Callable[[str | bytes], "Event"]
"""A payload as stored (JSON text) decoded into its event, in its type's newest shape."""


class Event(msgspec.Struct, frozen=True, rename="camel", kw_only=True):
    """Base of event payloads. Subclasses set `name` (kebab-case) and `version`; a type at
    version N > 1 sets `upcasters`, one per older version: {1: v1 to v2, ..., N-1: to N}.
    `personal` names the fields that hold a person's data, sealed with their key (decision 93)."""

    name: ClassVar[str]
    version: ClassVar[int] = 1
    upcasters: ClassVar[Mapping[int, Upcaster]] = {}
    personal: ClassVar[tuple[str, ...]] = ()


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


class MissingUpcaster(TypeError):
    """An event type at version N lacks the upcaster from some older version (a bug)."""


class EventTypes:
    """Every declared event type by its stored name: stored events decode into them, and
    stored payloads of an older version are upcast to the newest (`upcast`)."""

    def __init__(self, types: Iterable[type[Event]] = ()) -> None:
        self.by_name: dict[str, type[Event]] = {t.name: t for t in types}
        self._decoders: dict[tuple[str, int], StoredDecoder] = {}
        # Only the types with more than one version: for every other event, reading it
        # costs one failed dict lookup.
        self.evolved = {name: t for name, t in self.by_name.items() if t.version > 1}
        for event_type in self.evolved.values():
            missing = set(range(1, event_type.version)) - set(event_type.upcasters)
            if missing:
                raise MissingUpcaster(
                    f"{event_type.name} is at version {event_type.version} but has no"
                    f" upcaster from version(s) {sorted(missing)}"
                )

    def upcast(self, envelope: Envelope) -> Envelope:
        """The envelope with its payload in its type's newest shape (itself when it is)."""
        event_type = self.evolved.get(envelope.event_type)
        if event_type is None or envelope.schema_version >= event_type.version:
            return envelope
        payload = envelope.payload
        for version in range(envelope.schema_version, event_type.version):
            payload = event_type.upcasters[version](payload)
        return msgspec.structs.replace(envelope, payload=payload, schema_version=event_type.version)

    def decode(self, envelope: Envelope) -> Event:
        """The envelope's payload as an instance of its declared type; UnknownEvent if none."""
        event_type = self.by_name.get(envelope.event_type)
        if event_type is None:
            raise UnknownEvent(envelope.event_type, "no module's table")
        return envelope.decode(event_type)

    def stored_decoder(self, name: str, schema_version: int) -> StoredDecoder:
        """What decodes a payload as stored (JSON text) for type `name` at `schema_version`
        into an instance of that type, upcast as `upcast` does: the newest shape straight
        from the JSON, with no dict in between. Made once a pair; UnknownEvent if no type has
        that name."""
        key = (name, schema_version)
        found = self._decoders.get(key)
        if found is None:
            found = self._decoders[key] = self._stored_decoder(name, schema_version)
        return found

    def _stored_decoder(self, name: str, schema_version: int) -> StoredDecoder:
        event_type = self.by_name.get(name)
        if event_type is None:
            raise UnknownEvent(name, "no module's table")
        if schema_version >= event_type.version:
            return cast(StoredDecoder, msgspec.json.Decoder(event_type).decode)

        def upcast(payload: str | bytes) -> Event:
            fields: dict[str, Any] = msgspec.json.decode(payload)
            for version in range(schema_version, event_type.version):
                fields = event_type.upcasters[version](fields)
            return msgspec.convert(fields, event_type)

        return upcast


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
