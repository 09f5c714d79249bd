"""Notices: what a module tells the users who may see an entity when one of its events happens."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from ossature.kernel.messages import Envelope

__all__ = ["Notice", "payload_params"]

Params = Callable[[Envelope, Any], Awaitable[Mapping[str, Any]]]


async def payload_params(envelope: Envelope, deps: Any) -> Mapping[str, Any]:
    """The event's payload as the message parameters."""
    return envelope.payload


@dataclass(frozen=True)
class Notice:
    """Sent when an event of `event_type` happens, to everyone the `audience` query admits.

    `audience` names the query that guards the entity (e.g. `get-project`); the
    notifier asks its authorization rule, with `audience_payload(envelope)` as the
    payload, which accounts may see the entity. `params` reads the message key's
    parameters from the event (and, through the handler deps, the entity's stream).
    The entity is the event's stream: its type and id.

    `to`, when set, names the accounts the event is about (a report's reporter): only those
    of them the audience query admits are told. `broadcast`, when set, is a topic every
    connected user reads (`announcements`): one message for everyone, no audience at all.
    """

    event_type: str
    message_key: str
    audience: str
    audience_payload: Callable[[Envelope], Mapping[str, Any]]
    params: Params = payload_params
    to: Callable[[Envelope], Collection[str]] | None = None
    broadcast: str | None = None
