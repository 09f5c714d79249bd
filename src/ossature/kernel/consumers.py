"""Durable JetStream consumers that apply events to projections exactly once in effect.

A message from JetStream says that events a projection handles have arrived in a partition
(its subject names it); the events themselves are read from the store, in its global order,
after the projection's checkpoint in that partition. JetStream may hand back an
unacknowledged message after newer ones (a failed batch, a crash); reading from the store
means no event is ever skipped for it. The checkpoint moves in the same transaction as the
effect, so a redelivery or a restart midway applies nothing twice.

Several workers share a projection by partition (decision 113): a catch-up of a partition
holds its checkpoint's row lock, so one worker at a time applies it, in order, and the others
take other partitions; a partition another worker holds is waited for once every free one is
done, so that a bell rung for it is answered by a read made after the holder's.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Collection, Sequence
from itertools import groupby
from typing import Any

from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import APIError

from ossature.kernel.database import Database, set_tenant
from ossature.kernel.eventstore import EventStore
from ossature.kernel.logging import get_logger
from ossature.kernel.messages import Envelope, EventTypes, Position
from ossature.kernel.projection import (
    Projection,
    Replay,
    advance_checkpoint,
    applying,
    make_checkpoints,
    partition_checkpoint,
    take_checkpoint,
)
from ossature.kernel.pull import BatchPull
from ossature.kernel.reconnect import Backoff
from ossature.kernel.relay import EVENT_STREAM, PARTITIONS, filter_of, partitions_of

__all__ = ["SETTLE", "ProjectionRunner", "apply_batch", "rebuild", "subjects_of"]

_log = get_logger("ossature.projections")
SETTLE = 30.0  # seconds a rebuild waits for the transactions in flight when it starts
_POLL = 0.01
_NEXT_TRANSACTION = "select pg_snapshot_xmax(pg_current_snapshot())::text::bigint"
_OLDEST_IN_FLIGHT = "select pg_snapshot_xmin(pg_current_snapshot())::text::bigint"


async def apply_batch(
    conn: Any,
    projection: Projection,
    partition: int,
    envelopes: Sequence[Envelope],
    seen_to: Position | None = None,
) -> int:
    """Apply the envelopes (of `partition`'s tenants) past the partition's checkpoint, then
    move it, to `seen_to` when the read that found them saw every event of the partition up
    to there; the number applied."""
    checkpoint = await take_checkpoint(conn, projection.name, partition)
    assert checkpoint is not None  # waited for
    fresh = [e for e in envelopes if e.position > checkpoint]
    applied = await _apply_all(conn, projection, fresh, traced=True)
    if fresh:
        checkpoint = fresh[-1].position
    if seen_to is not None:
        checkpoint = max(checkpoint, seen_to)
    await advance_checkpoint(conn, partition_checkpoint(projection.name, partition), checkpoint)
    return applied


async def _apply_all(
    conn: Any, projection: Projection, envelopes: Sequence[Envelope], traced: bool
) -> int:
    """Apply the envelopes the projection handles, in order; how many. `traced`: in a span
    per run, when spans are recorded (a rebuild's replay is not)."""
    applied, tenant = 0, None
    for run in _runs(projection, [e for e in envelopes if projection.handles(e)]):
        if run[0].tenant_id != tenant:  # one round trip per run of a tenant's events
            tenant = run[0].tenant_id
            await set_tenant(conn, tenant)
        await _apply(conn, projection, run, traced)
        applied += len(run)
    return applied


def _unfinished(read: tuple[int, int] | None, batch: int) -> bool:
    """True when a partition's catch-up must go on: it was held, or its batch was full."""
    return read is None or read[0] == batch


def _runs(projection: Projection, envelopes: list[Envelope]) -> list[list[Envelope]]:
    """The envelopes cut into what is applied in one call: a run of consecutive events of
    one tenant and one type the projection applies by runs, or else a single event."""
    runs: list[list[Envelope]] = []
    for (event_type, _), group in groupby(envelopes, key=lambda e: (e.event_type, e.tenant_id)):
        run = list(group)
        runs += [run] if event_type in projection.runs else [[e] for e in run]
    return runs


async def _apply(conn: Any, projection: Projection, run: list[Envelope], traced: bool) -> None:
    """Apply a run (or one event); a failure is logged with the first event's invocation ids
    and the run's event ids."""
    try:
        with applying(projection, run) if traced else contextlib.nullcontext():
            if run[0].event_type in projection.runs:
                await projection.runs[run[0].event_type](conn, run)
            else:
                await projection.apply(conn, run[0])
    except Exception as error:
        _log.error(
            "projection.event-failed",
            projection=projection.name,
            event_id=run[0].event_id,
            event_type=run[0].event_type,
            run=[e.event_id for e in run[1:]] or None,
            error=repr(error)[:300],
            **run[0].context.log_fields(),
        )
        raise


async def rebuild(
    db: Database, store: EventStore, projection: Projection, settle: float = SETTLE
) -> int:
    """Empty the projection's tables and replay the whole store into them, in one transaction,
    every partition's checkpoint held (workers wait) and moved to where the replay ended; how
    many events were applied. In bulk when the projection offers it (`Projection.replay`),
    else event by event. `db` must read every tenant's events (the owner's, which no policy
    confines); a bulk rebuild takes two of its connections, one to read, one to write.

    It first waits, up to `settle` seconds (TimeoutError past that), for every transaction in
    flight when it was called to end (decision 141). A read stops below the oldest one in
    flight, and an event committed after that one began would otherwise be left out, for
    good in an inline projection's tables, which no runner catches up."""
    if projection.replay is not None and db.pool.get_max_size() < 2:
        raise ValueError("a bulk rebuild reads and writes on two connections: a pool of 2")
    async with db.connection() as conn:
        await _after_transactions_in_flight(conn, settle)  # outside the rebuild's transaction
        async with conn.transaction():
            for partition in range(PARTITIONS):
                await take_checkpoint(conn, projection.name, partition)
            for table in projection.tables:  # the projection's own, named in the code
                await conn.execute(f"delete from {table}")  # noqa: S608
            if projection.replay is None:
                total, after = await _replay_each(conn, store, projection)
            else:
                total, after = await _replay_bulk(db, conn, projection.replay, store, projection)
            for partition in range(PARTITIONS):
                checkpoint = partition_checkpoint(projection.name, partition)
                await advance_checkpoint(conn, checkpoint, after)
            return total


async def _after_transactions_in_flight(conn: Any, settle: float) -> None:
    """Return once every transaction that holds an id now has ended (each check a statement
    of its own, which takes no id); TimeoutError after `settle` seconds."""
    target = await conn.fetchval(_NEXT_TRANSACTION)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settle
    while await conn.fetchval(_OLDEST_IN_FLIGHT) < target:
        if loop.time() >= deadline:
            raise TimeoutError(f"transactions older than the rebuild still open after {settle} s")
        await asyncio.sleep(_POLL)


async def _replay_bulk(
    db: Database, conn: Any, replay: Replay, store: EventStore, projection: Projection
) -> tuple[int, Position]:
    """Read on a connection of its own, the projection writing on `conn` meanwhile."""
    async with db.connection() as reader, reader.transaction(readonly=True):
        stored = await store.read_stored(reader, projection.event_types)
        async with contextlib.aclosing(stored.chunks) as chunks:
            return await replay(conn, chunks), stored.seen_to


async def _replay_each(
    conn: Any, store: EventStore, projection: Projection
) -> tuple[int, Position]:
    """Apply each readable event of the projection's types, in order, page by page."""
    total, after = 0, (0, 0)
    while page := await store.read_types(conn, after, projection.event_types, 1000):
        total += await _apply_all(conn, projection, page.envelopes, traced=False)
        after = page.seen_to
    return total, after


def subjects_of(projection: Projection) -> list[str]:
    """The event subjects a projection handles, as stored (partition, tenant, stream type,
    event type): its consumer is sent nothing else."""
    return [filter_of(event_type) for event_type in sorted(projection.event_types)]


class ProjectionRunner:
    """Feeds one projection from its durable consumer until stopped."""

    def __init__(
        self,
        db: Database,
        source: Database,
        nc: Any,
        projection: Projection,
        batch: int = 200,
        types: EventTypes | None = None,
    ) -> None:
        """`db` writes the projection's tables; `source` reads every tenant's events; `nc` is
        the NATS client; `types` upcast what is read to each type's newest version."""
        self.db, self.source, self.nc, self.projection = db, source, nc, projection
        self.js = nc.jetstream()
        self.batch = batch
        self.store = EventStore(types)
        self._made = False  # every partition's checkpoint

    @property
    def durable(self) -> str:
        """The durable consumer's name."""
        return f"projection-{self.projection.name}"

    async def subscribe(self) -> BatchPull:
        """Create the durable pull consumer of this projection, or update its filter; its pull.

        Each message is acknowledged once its partition was caught up (AckPolicy.EXPLICIT:
        an ack of all up to a message, from one worker, would also ack the bells of the
        partitions another worker is catching up, and a crash of that worker would lose
        them). A consumer made with another ack policy, which JetStream cannot update, is
        made again: the checkpoint in PostgreSQL, not the consumer, says what was applied.
        """
        config = ConsumerConfig(
            durable_name=self.durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            max_ack_pending=10_000,
            ack_wait=30.0,
            filter_subjects=subjects_of(self.projection),
        )
        try:
            await self.js.add_consumer(EVENT_STREAM, config)
        except APIError:
            found = await self.js.consumer_info(EVENT_STREAM, self.durable)
            if found.config.ack_policy == AckPolicy.EXPLICIT:
                raise
            await self.js.delete_consumer(EVENT_STREAM, self.durable)
            await self.js.add_consumer(EVENT_STREAM, config)
        pull = BatchPull(self.nc, EVENT_STREAM, self.durable)
        await pull.start()
        return pull

    async def run(self, stop: asyncio.Event) -> None:
        """Fetch, apply, ack, until `stop` is set; subscribe again after a failure (an engine
        away), waiting longer after each failure in a row."""
        backoff = Backoff()
        while not stop.is_set():
            try:
                await self._follow(stop, backoff)
            except Exception:
                _log.exception("projection.failed", projection=self.projection.name)
                await backoff.wait(stop)

    async def _follow(self, stop: asyncio.Event, backoff: Backoff) -> None:
        pull = await self.subscribe()
        try:
            await self.catch_up()  # what arrived while no worker ran, acked or not
            backoff.reset()
            while not stop.is_set():
                try:
                    messages = await pull.fetch(self.batch, wait=0.5)
                except TimeoutError:  # nats-py raises its TimeoutError, or asyncio's from a fetch
                    continue
                try:
                    await self.handle(messages)
                except Exception:
                    _log.exception("projection.batch-failed", projection=self.projection.name)
                    await asyncio.sleep(1)
        finally:
            with contextlib.suppress(Exception):
                await pull.stop()

    async def handle(self, messages: Sequence[Any]) -> None:
        """Catch up the partitions the messages rang the bell for, then ack them."""
        await self.catch_up(partitions_of(m.subject for m in messages))
        for message in messages:
            await message.ack()

    async def catch_up(self, partitions: Collection[int] | None = None) -> int:
        """Apply every readable event after the checkpoint of each of `partitions` (all when
        None), a batch of a partition per transaction; how many were applied.

        The partitions are taken in turn from a place of this runner's own (workers that
        start together take different ones first); one another worker holds is skipped,
        and waited for only when every other is done."""
        if not self._made:  # once: a missing one would look held to `skip locked`
            async with self.db.connection() as conn:
                await make_checkpoints(conn, self.projection.name)
            self._made = True
        left = list(range(PARTITIONS) if partitions is None else sorted(partitions))
        start = random.randrange(len(left)) if left else 0  # noqa: S311 (no secret)
        left, applied = left[start:] + left[:start], 0
        while left:
            reads = [await self._catch_up_batch(partition, wait=False) for partition in left]
            if all(read is None for read in reads):  # each held by another worker
                reads[0] = await self._catch_up_batch(left[0], wait=True)
            applied += sum(read[1] for read in reads if read is not None)
            left = [p for p, read in zip(left, reads, strict=True) if _unfinished(read, self.batch)]
        return applied

    async def _catch_up_batch(self, partition: int, wait: bool) -> tuple[int, int] | None:
        """Read and apply one batch of `partition`'s events after its checkpoint, in one
        transaction: how many were read, how many applied; None when another transaction
        holds the partition and `wait` is false."""
        async with self.db.connection() as conn, conn.transaction():
            checkpoint = await take_checkpoint(conn, self.projection.name, partition, wait)
            if checkpoint is None:
                return None
            async with self.source.connection() as source:
                page = await self.store.read_types(
                    source, checkpoint, self.projection.event_types, self.batch, partition
                )
            applied = await apply_batch(
                conn, self.projection, partition, page.envelopes, page.seen_to
            )
        return len(page.envelopes), applied
