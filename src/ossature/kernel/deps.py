"""What a handler may use, handed to it explicitly as its third argument."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

from ossature.kernel.context import Context
from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore, PendingAppend, Stream
from ossature.kernel.idempotency import IdempotencyRecord
from ossature.kernel.messages import Envelope, Event
from ossature.kernel.meter import Meter
from ossature.kernel.projection import Projection

__all__ = ["AccessControl", "Deps", "UnitOfWorkPort"]

T = TypeVar("T")


class AccessControl(Protocol):
    """The authorization decisions a handler may ask for (filtering what it returns)."""

    async def visible_folders(self, ctx: Context, action: str) -> frozenset[str]:
        """The folders of the actor's tenant where the actor may perform `action`."""
        ...

    def granting_folders(self, ctx: Context, action: str) -> frozenset[str]:
        """The folders in whose subtrees (themselves included) the actor may perform `action`:
        a folder is visible exactly when its chain holds one of them."""
        ...

    async def actions_at(self, ctx: Context, folder_id: str) -> frozenset[str]:
        """The actions the actor may perform at `folder_id`."""
        ...

    async def allows_anywhere(self, ctx: Context, action: str, folders: Sequence[str]) -> bool:
        """True when the actor may perform `action` at every folder of `folders`' chain."""
        ...


class UnitOfWorkPort(Protocol):
    """An invocation's unit of work: the streams it reads, the events it stages, its commit.

    Two implementations keep one contract: PostgreSQL's (`kernel/unit_of_work.py`) and
    the in-memory one for fast tests (`kernel/memory.py`).
    """

    ctx: Context
    tenant_id: str | None
    pending: list[PendingAppend]
    committed: list[Envelope]
    meter: Meter | None  # what the commit meters (the runtime sets it, decision 75)

    def use_tenant(self, tenant_id: str, actor_id: str | None = None) -> None:
        """Name the tenant (and the actor) of a public command such as log-in, once known."""
        ...

    async def load(self, stream_id: str) -> Stream:
        """A stream of the current tenant, decoded into the declared event types."""
        ...

    def append(
        self, stream_type: str, stream_id: str, expected_version: int, events: Sequence[Event]
    ) -> None:
        """Stage events for one stream, expected at `expected_version` when committed."""
        ...

    async def recorded(self, command: str, fingerprint: str = "") -> IdempotencyRecord | None:
        """The record of an earlier invocation with the same key, if any; IdempotencyKeyReused
        when it was another command's or another payload's."""
        ...

    async def commit(
        self,
        command: str,
        outcome: dict[str, Any],
        now: datetime,
        inline: Sequence[Projection],
        fingerprint: str = "",
    ) -> dict[str, Any]:
        """Append and record the outcome at once (with the payload's fingerprint); Repeated
        when the key was recorded before."""
        ...


@dataclass(frozen=True)
class Deps:
    """The invocation's clock reading, its unit of work, the database and module services."""

    db: Database
    store: EventStore
    uow: UnitOfWorkPort
    now: datetime
    log: Any
    access: AccessControl
    services: Mapping[type, object] = field(default_factory=dict)

    def get(self, kind: type[T]) -> T:
        """The service registered for `kind` in the composition root."""
        service = self.services[kind]
        assert isinstance(service, kind)
        return service
