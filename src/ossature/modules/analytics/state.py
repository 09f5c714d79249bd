"""A login source's configuration, folded from its events. Pure: no I/O, no clock, no ids.

Each event type of a source's stream says, beside its command, how it changes the
source (`evolve`); `replay` folds a stream's events in order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Annotated

import msgspec

from ossature.kernel.messages import Event, UnknownEvent

__all__ = [
    "OWN_LOGINS",
    "LoginSource",
    "LoginSourceEvent",
    "SourceName",
    "replay",
    "source_stream",
]

OWN_LOGINS = "ossature"
"""The reserved source name of Ossature's own `user-logged-in` events."""

SourceName = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]


@dataclass(frozen=True)
class LoginSource:
    """A configured source as its stream tells it, its location still sealed."""

    name: str
    kind: str
    sealed_location: str
    schedule: str
    version: int = 0


def source_stream(tenant_id: str, name: str) -> str:
    """The stream of a tenant's source: names are unique per tenant, stream ids globally."""
    return f"login-source:{tenant_id}:{name}"


class LoginSourceEvent(Event, frozen=True):
    """An event of a login source's stream. Each type defines `evolve`; one that does not
    is unknown to a source, and folding it raises."""

    def evolve(self, source: LoginSource | None) -> LoginSource:
        """The source after this event (None before the stream's first event)."""
        raise UnknownEvent(self.name, "a login source's state")


def replay(events: Iterable[Event], version: int) -> LoginSource | None:
    """The source after every event of its stream, up to `version`; None for no event."""
    source: LoginSource | None = None
    for event in events:
        if not isinstance(event, LoginSourceEvent):
            raise UnknownEvent(event.name, "a login source's state")
        source = event.evolve(source)
    return None if source is None else replace(source, version=version)
