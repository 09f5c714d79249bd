"""What a handler may use, handed to it explicitly as its third argument."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

from ossature.kernel.context import Context
from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore
from ossature.kernel.unit_of_work import UnitOfWork

__all__ = ["AccessControl", "Deps"]

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


@dataclass(frozen=True)
class Deps:
    """The invocation's clock reading, its unit of work, the database and module services."""

    db: Database
    store: EventStore
    uow: UnitOfWork
    now: datetime
    log: Any
    access: AccessControl
    services: Mapping[type, object] = field(default_factory=dict)

    def get(self, kind: type[T]) -> T:
        """The service registered for `kind` in the composition root."""
        service = self.services[kind]
        assert isinstance(service, kind)
        return service
