"""The event store on PostgreSQL: append with optimistic concurrency, load a stream, read all in order.

The global order is (transaction id, position). A reader only reads events whose
transaction id is below the oldest transaction still in flight
(`pg_snapshot_xmin`), so an event whose transaction commits late is never
skipped: it is simply not readable yet. See docs/decisions/0002-global-order.md.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

import asyncpg
import msgspec

from ossature.kernel._eventstore_sql import (
    _APPEND_GROUP,
    _APPEND_ONCE,
    _APPEND_ONE,
    _INSERT,
    _READ_ALL,
    _READ_PARTITION,
    _READ_STREAMS,
    _READ_TYPES,
    _STORED,
    _STORED_BOUND,
    _columns,
    _envelope,
    _group_item,
    _recorded,
    _values,
)
from ossature.kernel.context import Context
from ossature.kernel.errors import ConcurrencyConflict
from ossature.kernel.idempotency import IdempotencyRecord
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Envelope, Event, EventTypes, Position
from ossature.kernel.meter import Meter, meter_columns

__all__ = ["EventStore", "Page", "PendingAppend", "Stored", "Stream"]


@dataclass(frozen=True)
class Stream:
    """A stream as loaded: its events and its current version (0 when it does not exist)."""

    stream_id: str
    envelopes: tuple[Envelope, ...]
    types: EventTypes = field(default_factory=EventTypes, compare=False, repr=False)

    @property
    def version(self) -> int:
        """The version of the last event, 0 for an empty stream."""
        return self.envelopes[-1].stream_version if self.envelopes else 0

    @cached_property
    def events(self) -> tuple[Event, ...]:
        """The events, decoded into their declared types (UnknownEvent for an undeclared one)."""
        return tuple(self.types.decode(envelope) for envelope in self.envelopes)


@dataclass(frozen=True)
class Page:
    """Events of some types read after a position, and how far the read saw every event."""

    envelopes: list[Envelope]
    seen_to: Position  # each event up to here is in `envelopes`, or of another type

    def __bool__(self) -> bool:
        return bool(self.envelopes)


@dataclass(frozen=True)
class Stored:
    """Every readable event of some types as stored rows, a chunk at a time, stream by stream
    (a stream's events together, in version order): each row is (tenant_id, stream_id,
    stream_version, event_type, schema_version, payload), the payload as its JSON text, not
    upcast. `seen_to`: the last readable event of any type, in global order."""

    seen_to: Position
    chunks: AsyncGenerator[Sequence[Any], None]


@dataclass(frozen=True)
class PendingAppend:
    """Events to append to one stream, expected to be at `expected_version`."""

    stream_type: str
    stream_id: str
    expected_version: int
    events: tuple[Event, ...]


class EventStore:
    """Stateless operations on the `events` table, run on a connection the caller owns.

    Streams it loads decode their events into `types` (every module's declared events), and
    every event it reads comes with its payload upcast to its type's newest version (decision
    97). A store made without types upcasts nothing: the relay's, which publishes as stored.
    """

    def __init__(self, types: EventTypes | None = None) -> None:
        self.types = EventTypes() if types is None else types

    async def load(self, conn: Any, stream_id: str) -> Stream:
        """Every event of a stream, in order (only the current tenant's, by RLS)."""
        found = await self.load_many(conn, [stream_id])
        return found.get(stream_id, Stream(stream_id, (), self.types))

    async def load_many(self, conn: Any, stream_ids: Sequence[str]) -> dict[str, Stream]:
        """Every event of each stream, in one round trip (streams with no event are absent)."""
        rows = await conn.fetch(_READ_STREAMS, list(stream_ids))
        found: dict[str, list[Envelope]] = {}
        for row in rows:
            found.setdefault(row["stream_id"], []).append(_envelope(row, self.types))
        return {sid: Stream(sid, tuple(events), self.types) for sid, events in found.items()}

    async def append(
        self,
        conn: Any,
        ctx: Context,
        tenant_id: str,
        now: datetime,
        pending: Sequence[PendingAppend],
    ) -> list[Envelope]:
        """Append every pending batch in the caller's transaction; a stale version raises."""
        envelopes = _stamped(ctx, tenant_id, now, pending)
        if envelopes:
            await _insert(conn, pending, _INSERT, *_columns(envelopes))
        return envelopes

    async def append_once(
        self,
        conn: Any,
        ctx: Context,
        now: datetime,
        pending: Sequence[PendingAppend],
        record: IdempotencyRecord,
        guard: str = "",
        meter: Meter | None = None,
    ) -> list[Envelope] | None:
        """Record the outcome and append, in one round trip; None when the key was recorded
        before (by a committed transaction: nothing is then appended). A `meter` is counted
        in the same statement (decision 75), which raises when it would pass the quota.

        Runs in the caller's transaction, or outside any as a transaction of its own: the
        statement confines itself to the key's tenant and checks `guard` (the invocation's
        guard, such as its session: see `guard_check`) first. A stale version raises
        ConcurrencyConflict, as `append` does.
        """
        envelopes = self.stamped(ctx, record.key.tenant_id, now, pending)
        if len(envelopes) == 1:
            return await self.append_stamped(conn, envelopes, pending, record, guard, meter)
        columns = [*_columns(envelopes), *_recorded(record), msgspec.to_builtins(ctx), now]
        columns += meter_columns(meter)
        recorded = await _insert(conn, pending, _APPEND_ONCE, record.key.tenant_id, guard, *columns)
        return envelopes if recorded else None

    def stamped(
        self, ctx: Context, tenant_id: str, now: datetime, pending: Sequence[PendingAppend]
    ) -> list[Envelope]:
        """The envelopes the pending events will be stored as: ids, versions, context."""
        return _stamped(ctx, tenant_id, now, pending)

    async def append_stamped(
        self,
        conn: Any,
        envelopes: list[Envelope],
        pending: Sequence[PendingAppend],
        record: IdempotencyRecord,
        guard: str = "",
        meter: Meter | None = None,
    ) -> list[Envelope] | None:
        """`append_once` for one envelope already stamped (`stamped`) from `pending`."""
        if len(envelopes) != 1:
            raise ValueError("append_stamped appends exactly one event")
        columns = [*_values(envelopes[0]), *_recorded(record), *meter_columns(meter)]
        recorded = await _insert(conn, pending, _APPEND_ONE, record.key.tenant_id, guard, *columns)
        return envelopes if recorded else None

    async def append_group(
        self, conn: Any, commits: Sequence[tuple[Envelope, IdempotencyRecord, str, Meter | None]]
    ) -> list[bool]:
        """Several one-event commits (each its stamped envelope, its record, its guard and
        its meter) in one statement and one transaction (kernel migration 0009): whether each
        event went in (not when its key was recorded before). Raises when any commit is
        refused (its guard, a stream version taken, its quota), and then nothing is kept."""
        items = [_group_item(*commit) for commit in commits]
        return list(await conn.fetchval(_APPEND_GROUP, items))

    async def read_all(self, conn: Any, after: Position, limit: int = 500) -> list[Envelope]:
        """Events after `after` in global order, never past a transaction still in flight."""
        rows = await conn.fetch(_READ_ALL, str(after[0]), after[1], limit)
        return [_envelope(row, self.types) for row in rows]

    async def read_types(
        self,
        conn: Any,
        after: Position,
        types: Collection[str],
        limit: int = 500,
        partition: int | None = None,
    ) -> Page:
        """The events of `types` after `after` (of the tenants of `partition`, when given), as
        `read_all` reads them (the others are not even sent), and the position up to which
        every event was seen (of those types, in that partition)."""
        found = (str(after[0]), after[1], limit, sorted(types))
        if partition is None:
            rows = await conn.fetch(_READ_TYPES, *found)
        else:
            rows = await conn.fetch(_READ_PARTITION, *found, partition)
        envelopes = [_envelope(row, self.types) for row in rows if row["event_id"] is not None]
        if len(envelopes) == limit:
            return Page(envelopes, envelopes[-1].position)
        last = (rows[0]["last_transaction_id"], rows[0]["last_position"]) if rows else after
        return Page(envelopes, max(last, after))

    async def read_stored(self, conn: Any, types: Collection[str], chunk: int = 5000) -> Stored:
        """Every event of `types` readable now, as `read_types` would read them, as stored
        rows through one cursor (`Stored`): for a rebuild, in the caller's transaction."""
        bound = await conn.fetchrow(_STORED_BOUND)
        last = (bound["transaction_id"], bound["position"])
        seen_to = (0, 0) if last[0] is None else last
        return Stored(seen_to, _chunks(conn, chunk, bound["xmin"], sorted(types)))


async def _chunks(conn: Any, size: int, *args: Any) -> AsyncGenerator[Sequence[Any], None]:
    """The cursor's rows a chunk at a time, the next one asked for before this one is handed
    over: PostgreSQL reads it while the caller folds this one. Closed early (`aclose`), it
    waits for the chunk asked for, so that the connection is free again."""
    cursor = await conn.cursor(_STORED, *args)
    ahead = asyncio.ensure_future(cursor.fetch(size))
    try:
        while chunk := await ahead:
            ahead = asyncio.ensure_future(cursor.fetch(size))
            await asyncio.sleep(0)  # the request goes out before the caller takes the CPU
            yield chunk
    finally:
        with contextlib.suppress(Exception):
            await ahead


async def _insert(conn: Any, pending: Sequence[PendingAppend], sql: str, *args: Any) -> Any:
    """Run an insert of events; a stream version taken by another writer, or one that skips
    ahead of the stream (kernel migration 0011), is a conflict: the stream is not at the
    version the append expected."""
    try:
        return await conn.fetchval(sql, *args)
    except (asyncpg.UniqueViolationError, asyncpg.ForeignKeyViolationError) as error:
        raise ConcurrencyConflict({"stream": pending[0].stream_id}) from error


def _stamped(
    ctx: Context, tenant_id: str, now: datetime, pending: Sequence[PendingAppend]
) -> list[Envelope]:
    return [envelope for batch in pending for envelope in _stamp(ctx, tenant_id, now, batch)]


def _stamp(ctx: Context, tenant_id: str, now: datetime, batch: PendingAppend) -> list[Envelope]:
    return [
        Envelope(
            event_id=new_id(),
            event_type=event.name,
            schema_version=event.version,
            stream_type=batch.stream_type,
            stream_id=batch.stream_id,
            stream_version=batch.expected_version + offset,
            tenant_id=tenant_id,
            occurred_at=now,
            payload=msgspec.to_builtins(event),
            context=ctx,
        )
        for offset, event in enumerate(batch.events, start=1)
    ]
