"""Projections: read models fed by events, each owning its tables and its checkpoint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ossature.kernel.database import fetch_made
from ossature.kernel.messages import Envelope, Position

__all__ = ["Projection", "advance_checkpoint", "read_checkpoint"]

Apply = Callable[[Any, Envelope], Awaitable[None]]
ApplyRun = Callable[[Any, Sequence[Envelope]], Awaitable[None]]


@dataclass(frozen=True)
class Projection:
    """Handlers by event type, and the tables they own.

    `runs` handle a run of consecutive events of one type and one tenant in one call (one
    statement for the run, not one per event), for types whose events may be applied in
    any order among themselves, such as creations of distinct rows. An inline projection
    runs in the transaction that appends the events (for read models that commands depend
    on); the others run as durable consumers.
    """

    name: str
    handlers: Mapping[str, Apply]
    tables: tuple[str, ...]
    inline: bool = False
    runs: Mapping[str, ApplyRun] = field(default_factory=dict)

    @property
    def event_types(self) -> frozenset[str]:
        """Every event type this projection reacts to."""
        return frozenset(self.handlers) | frozenset(self.runs)

    def handles(self, envelope: Envelope) -> bool:
        """True when this projection reacts to the envelope's event type."""
        return envelope.event_type in self.handlers or envelope.event_type in self.runs

    async def apply(self, conn: Any, envelope: Envelope) -> None:
        """Apply one event within the caller's transaction."""
        handler = self.handlers.get(envelope.event_type)
        if handler is not None:
            await handler(conn, envelope)
        elif envelope.event_type in self.runs:
            await self.runs[envelope.event_type](conn, (envelope,))


async def read_checkpoint(conn: Any, name: str) -> Position:
    """The position of the last event applied by projection `name`, locked for this transaction.

    One round trip once the checkpoint exists; the first call makes it.
    """
    row = await fetch_made(
        conn,
        "select transaction_id::text::bigint as txid, position from projection_checkpoints"
        " where projection = $1 for update",
        "insert into projection_checkpoints (projection) values ($1) on conflict do nothing",
        name,
    )
    return (row["txid"], row["position"])


async def advance_checkpoint(conn: Any, name: str, position: Position) -> None:
    """Record that projection `name` has applied every event up to `position`."""
    await conn.execute(
        "update projection_checkpoints set transaction_id = $2::text::xid8, position = $3,"
        " updated_at = now() where projection = $1",
        name,
        str(position[0]),
        position[1],
    )
