"""Commands, queries and events: frozen structs with explicit wire names."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import msgspec

from ossature.kernel.context import Context

__all__ = ["Envelope", "Event", "Payload", "Position", "event_name"]


class Payload(
    msgspec.Struct, frozen=True, rename="camel", kw_only=True, forbid_unknown_fields=True
):
    """Base of command and query payloads: camelCase on the wire, unknown fields refused."""


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
