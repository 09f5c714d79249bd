"""The anatomy every module shares: a table of its commands, queries, events and projections."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.messages import Event, Payload
from ossature.kernel.notice import Notice

__all__ = [
    "AnyScope",
    "Anyone",
    "AtFolder",
    "Authorization",
    "CommandSpec",
    "Module",
    "Public",
    "QuerySpec",
]

Handler = Callable[[Context, Any, Any], Awaitable[Mapping[str, Any]]]
FolderOf = Callable[[Context, Any, Any], Awaitable[str]]


@dataclass(frozen=True)
class Public:
    """No authentication needed (log-in, message catalogs)."""


@dataclass(frozen=True)
class Anyone:
    """Any authenticated actor; the handler filters what it returns by the actor's grants."""


@dataclass(frozen=True)
class AnyScope:
    """The actor holds `action` at some folder of their tenant."""

    action: str


@dataclass(frozen=True)
class AtFolder:
    """The actor holds `action` at the folder `folder_of` resolves from the payload."""

    action: str
    folder_of: FolderOf


Authorization = Public | Anyone | AnyScope | AtFolder


@dataclass(frozen=True)
class CommandSpec:
    """A command: its wire name, payload type, handler and who may send it."""

    name: str
    payload: type[Payload]
    handler: Handler
    authorization: Authorization


@dataclass(frozen=True)
class QuerySpec:
    """A query: like a command, but it never changes anything."""

    name: str
    payload: type[Payload]
    handler: Handler
    authorization: Authorization


@dataclass(frozen=True)
class Module:
    """A bounded context, registered explicitly in the composition root."""

    name: str
    commands: Sequence[CommandSpec] = ()
    queries: Sequence[QuerySpec] = ()
    events: Sequence[type[Event]] = ()
    projections: Sequence[Any] = ()
    notices: Sequence[Notice] = ()
    root: Path | None = None
    tables: Mapping[str, str] = field(default_factory=dict)

    @property
    def migrations(self) -> Path | None:
        """The folder of this module's SQL migrations, if any."""
        return self.root / "migrations" if self.root else None

    @property
    def messages(self) -> Path | None:
        """The folder of this module's message catalogs, if any."""
        return self.root / "messages" if self.root else None


def payload_schema(payload: type[Payload]) -> dict[str, Any]:
    """The JSON schema of a payload type (for /openapi.json)."""
    return msgspec.json.schema(payload)
