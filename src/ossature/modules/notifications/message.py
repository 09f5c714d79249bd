"""A notification as users receive it: a message key and its parameters, never English text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from ossature.kernel.context import Trace
from ossature.modules.notifications.topics import stream_subject

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
    """One notification for one account."""

    tenant_id: str
    account_id: str
    notification: Notification

    @property
    def subject(self) -> str:
        """Where it is stored in the notification stream."""
        return stream_subject(self.tenant_id, self.account_id)

    @property
    def message_id(self) -> str:
        """The deduplication id: one message per event and recipient."""
        return f"{self.notification.event_id}:{self.account_id}"
