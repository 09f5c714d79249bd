"""A notification as users receive it: a message key and its parameters, never English text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from ossature.kernel.context import Trace
from ossature.modules.notifications.topics import (
    BROADCAST_STREAM,
    NOTIFICATION_STREAM,
    broadcast_subject,
    stream_subject,
)

__all__ = ["Delivery", "Entity", "Notification"]


class Entity(msgspec.Struct, frozen=True):
    """What the notification is about: a stream type (e.g. `project`) and its id."""

    type: str
    id: str


class Notification(msgspec.Struct, frozen=True, rename="camel", kw_only=True):
    """The JSON body on `tenants/<tenant>/users/<account>/notifications`.

    `trace` holds the ids of the invocation that caused the event (client action,
    external invocation, originating trace, parent and invocation ids).
    """

    message_key: str
    params: dict[str, Any]
    entity: Entity
    event_id: str
    event_type: str
    occurred_at: datetime
    actor_id: str | None
    trace: Trace


@dataclass(frozen=True)
class Delivery:
    """One notification for one account, or for everyone reading the `broadcast` topic."""

    tenant_id: str
    account_id: str
    notification: Notification
    broadcast: str | None = None

    @property
    def stream(self) -> str:
        """The stream that stores it once and republishes it."""
        return NOTIFICATION_STREAM if self.broadcast is None else BROADCAST_STREAM

    @property
    def subject(self) -> str:
        """Where it is stored in its stream."""
        if self.broadcast is not None:
            return broadcast_subject(self.broadcast)
        return stream_subject(self.tenant_id, self.account_id)

    @property
    def message_id(self) -> str:
        """The deduplication id: one message per event and recipient (one for a broadcast)."""
        if self.broadcast is not None:
            return self.notification.event_id
        return f"{self.notification.event_id}:{self.account_id}"
