"""Projections: read models fed by events, each owning its tables and its checkpoint."""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import Any, cast

from ossature.kernel import spans
from ossature.kernel.database import fetch_made
from ossature.kernel.messages import Envelope, Event, EventTypes, Evolves, Position, StoredDecoder
from ossature.kernel.relay import PARTITIONS

__all__ = [
    "Projection",
    "Replay",
    "advance_checkpoint",
    "applying",
    "folded_rows",
    "make_checkpoints",
    "partition_checkpoint",
    "read_checkpoint",
    "take_checkpoint",
]

Apply = Callable[[Any, Envelope], Awaitable[None]]
ApplyRun = Callable[[Any, Sequence[Envelope]], Awaitable[None]]
Replay = Callable[[Any, AsyncIterator[Sequence[Any]]], Awaitable[int]]
"""A rebuild in bulk: given every event the projection handles as stored rows (the chunks of
`EventStore.read_stored`: stream by stream, each in version order), write the projection's
emptied tables as the handlers would have left them; how many events it applied."""


@dataclass(frozen=True)
class Projection:
    """Handlers by event type, and the tables they own.

    `runs` handle a run of consecutive events of one type and one tenant in one call (one
    statement for the run, not one per event), for types whose events may be applied in
    any order among themselves, such as creations of distinct rows. An inline projection
    runs in the transaction that appends the events (for read models that commands depend
    on); the others run as durable consumers. `replay`, when set, rebuilds the tables in
    bulk (`folded_rows` sets it); without it, a rebuild calls the handlers event by event.
    """

    name: str
    handlers: Mapping[str, Apply]
    tables: tuple[str, ...]
    inline: bool = False
    runs: Mapping[str, ApplyRun] = field(default_factory=dict)
    replay: Replay | None = None

    @cached_property
    def event_types(self) -> frozenset[str]:
        """Every event type this projection reacts to (made once: each commit asks)."""
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


@contextmanager
def applying(projection: Projection, run: Sequence[Envelope]) -> Iterator[None]:
    """The span of a projection applying a run of events (or one): under the span that
    stored the first (its stored context names it), linked to the others' (decision 102)."""
    if not spans.recording():
        yield
        return
    first = run[0]
    attributes: spans.Attributes = {
        "ossature.projection": projection.name,
        "ossature.event_type": first.event_type,
        "ossature.event_id": first.event_id,
        "ossature.events": len(run),
        "ossature.tenant_id": first.tenant_id,
    }
    with spans.span(
        f"project {projection.name} {first.event_type}",
        first.context.trace,
        kind=spans.SpanKind.CONSUMER if not projection.inline else spans.SpanKind.INTERNAL,
        attributes=attributes,
        links=[e.context.trace for e in run[1:]],
    ):
        yield


def folded_rows(
    name: str,
    table: str,
    state: type[Any],
    events: Sequence[type[Event]],
    runs: Mapping[str, ApplyRun] | None = None,
) -> Projection:
    """A read model of one row per stream: the stream's state, as its events fold it.

    `state` is a frozen dataclass whose fields are the table's columns (besides
    `tenant_id`): the first is the key, the stream's id; `version` is the stream's version,
    which no `evolve` reads (the commands' fold sets it once, at the end); the defaults are
    a stream not begun. Each event is folded onto its row with its own
    `evolve`, the fold the commands use, so the row cannot drift from the stream: one read
    and one write per event. `runs` takes over the event types better applied a run at a
    time (creations of distinct rows: one statement per run); they must write what the
    fold would. A rebuild folds the streams one after the other and copies each row in once.
    """
    # The table and the state's fields are named in the code; values are parameters.
    columns = [f.name for f in dataclasses.fields(state)]
    read = f"select {', '.join(columns)} from {table} where {columns[0]} = $1"  # noqa: S608
    values = ", ".join(f"${n}" for n in range(1, len(columns) + 2))
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns[1:])
    write = (
        f"insert into {table} (tenant_id, {', '.join(columns)}) values ({values})"  # noqa: S608
        f" on conflict ({columns[0]}) do update set {updates}"
    )
    by_name = {event.name: event for event in events}

    async def folded(conn: Any, envelope: Envelope) -> None:
        row = await conn.fetchrow(read, envelope.stream_id)
        event = cast(Evolves[Any], envelope.decode(by_name[envelope.event_type]))
        after = dataclasses.replace(
            event.evolve(state(**row) if row else state()), version=envelope.stream_version
        )
        await conn.execute(write, envelope.tenant_id, *dataclasses.astuple(after))

    taken = runs or {}
    handlers = {event_type: folded for event_type in by_name if event_type not in taken}
    replay = _replayed(table, columns, state, EventTypes(events))
    return Projection(name, handlers, (table,), runs=dict(taken), replay=replay)


def _replayed(table: str, columns: list[str], state: type[Any], types: EventTypes) -> Replay:
    """`folded_rows`' bulk rebuild: the streams folded one after the other with their events'
    `evolve`, each stream's row (its state, its last event's version and tenant) copied into
    the table once its last event is folded, while the read goes on. The version is set once
    at the end, as the commands' fold sets it (an `evolve` reads no version), and the row is
    then the one `folded` leaves event by event."""
    fields = [column for column in columns if column != "version"]

    async def replay(conn: Any, chunks: AsyncIterator[Sequence[Any]]) -> int:
        folding = _Folding(types, state(), attrgetter(*fields))
        with _no_cycle_collection():
            await conn.copy_records_to_table(
                table, records=folding.rows(chunks), columns=["tenant_id", "version", *fields]
            )
        return folding.applied

    return replay


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector off meanwhile: a fold makes a state per event, none in a
    cycle, and the collector would walk them for nothing (a third of the fold's CPU when every
    stream's state was held to the end: docs/performance.md)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Folding:
    """Streams folded one after the other, their events coming together and in order."""

    def __init__(self, types: EventTypes, empty: Any, values: Callable[[Any], tuple[Any, ...]]):
        self.types, self.empty, self.values = types, empty, values
        self.decoders: dict[tuple[str, int], StoredDecoder] = {}
        self.stream: str | None = None
        self.state, self.tenant_id, self.version = empty, "", 0
        self.applied = 0

    async def rows(self, chunks: AsyncIterator[Sequence[Any]]) -> AsyncIterator[tuple[Any, ...]]:
        """Each stream's row once its last event is folded."""
        async for chunk in chunks:
            for row in self.fold(chunk):
                yield row
        if self.stream is not None:
            yield self.row()

    def fold(self, chunk: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Fold the chunk's events; the rows of the streams it ended. (The loop keeps the
        stream in local names: it is most of a rebuild's time in Python.)"""
        ended: list[tuple[Any, ...]] = []
        stream, state, tenant, version = self.stream, self.state, self.tenant_id, self.version
        decoders, values = self.decoders, self.values
        for tenant_id, stream_id, stream_version, event_type, schema_version, payload in chunk:
            if stream_id != stream:
                if stream is not None:
                    ended.append((tenant, version, *values(state)))
                stream, state = stream_id, self.empty
            decode = decoders.get((event_type, schema_version)) or self.decoder(
                event_type, schema_version
            )
            state = cast(Evolves[Any], decode(payload)).evolve(state)
            tenant, version = tenant_id, stream_version
        self.stream, self.state, self.tenant_id, self.version = stream, state, tenant, version
        self.applied += len(chunk)
        return ended

    def decoder(self, event_type: str, schema_version: int) -> StoredDecoder:
        key = (event_type, schema_version)
        found = self.decoders.get(key)
        if found is None:
            found = self.decoders[key] = self.types.stored_decoder(event_type, schema_version)
        return found

    def row(self) -> tuple[Any, ...]:
        """The current stream's row: its tenant, its version, then the state's other fields."""
        return (self.tenant_id, self.version, *self.values(self.state))


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


def partition_checkpoint(name: str, partition: int) -> str:
    """The name of projection `name`'s checkpoint in one partition (decision 113)."""
    return f"{name}/{partition}"


async def take_checkpoint(
    conn: Any, name: str, partition: int, wait: bool = True
) -> Position | None:
    """The position of the last event of `partition` applied by projection `name`, locked for
    this transaction; None, when `wait` is false, if another transaction holds it or it is
    not made yet (`make_checkpoints`). Waiting, it is made when missing."""
    checkpoint = partition_checkpoint(name, partition)
    taken = _TAKE if wait else f"{_TAKE} skip locked"
    row = await conn.fetchrow(taken, checkpoint)
    if row is None and wait:
        await conn.execute(_MAKE, name, [partition])
        row = await conn.fetchrow(taken, checkpoint)
    return None if row is None else (row["txid"], row["position"])


async def make_checkpoints(conn: Any, name: str) -> None:
    """Make projection `name`'s checkpoint in every partition that has none, at the
    projection's checkpoint from before partitions (decision 114; the start of the store for
    a new projection): an upgraded system replays nothing and skips nothing."""
    await conn.execute(_MAKE, name, list(range(PARTITIONS)))


_TAKE = (
    "select transaction_id::text::bigint as txid, position from projection_checkpoints"
    " where projection = $1 for update"
)
_MAKE = """insert into projection_checkpoints (projection, transaction_id, position)
    select $1 || '/' || p, coalesce(before.transaction_id, '0'), coalesce(before.position, 0)
    from unnest($2::int[]) as p left join projection_checkpoints as before
        on before.projection = $1
    on conflict do nothing"""
