"""A login source's configuration, folded from its events. Pure: no I/O, no clock, no ids."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ossature.kernel.messages import Envelope

__all__ = ["LoginSource", "replay", "source_stream"]


@dataclass(frozen=True)
class LoginSource:
    name: str
    kind: str
    sealed_location: str
    schedule: str
    version: int


def source_stream(tenant_id: str, name: str) -> str:
    """The stream of a tenant's source: names are unique per tenant, stream ids globally."""
    return f"login-source:{tenant_id}:{name}"


def evolve(state: LoginSource | None, envelope: Envelope) -> LoginSource | None:
    """The state after one event."""
    p = envelope.payload
    if envelope.event_type == "login-source-configured":
        return LoginSource(
            p["sourceName"], p["kind"], p["sealedLocation"], p["schedule"], envelope.stream_version
        )
    return state


def replay(envelopes: Iterable[Envelope]) -> LoginSource | None:
    """The state after every event of a stream."""
    state: LoginSource | None = None
    for envelope in envelopes:
        state = evolve(state, envelope)
    return state
