"""Durable JetStream consumers that apply events to projections exactly once in effect.

A message from JetStream says that events a projection handles have arrived; the
events themselves are read from the store, in its global order, after the
projection's checkpoint. JetStream may hand back an unacknowledged message after
newer ones (a failed batch, a crash); reading from the store means no event is
ever skipped for it. The checkpoint moves in the same transaction as the effect,
so a redelivery or a restart midway applies nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
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
    advance_checkpoint,
    applying,
    read_checkpoint,
)
from ossature.kernel.pull import BatchPull
from ossature.kernel.reconnect import Backoff
from ossature.kernel.relay import EVENT_STREAM

__all__ = ["ProjectionRunner", "apply_batch", "rebuild", "subjects_of"]

_log = get_logger("ossature.projections")


async def apply_batch(
    conn: Any,
    projection: Projection,
    envelopes: Sequence[Envelope],
    seen_to: Position | None = None,
    traced: bool = True,
) -> int:
    """Apply the envelopes past the checkpoint, then move it, to `seen_to` when the read
    that found them saw every event up to there; the number applied. `traced`: in a span
    per run, when spans are recorded (a rebuild's replay is not)."""
    checkpoint = await read_checkpoint(conn, projection.name)
    fresh = [e for e in envelopes if e.position > checkpoint]
    applied, tenant = 0, None
    for run in _runs(projection, [e for e in fresh if projection.handles(e)]):
        if run[0].tenant_id != tenant:  # one round trip per run of a tenant's events
            tenant = run[0].tenant_id
            await set_tenant(conn, tenant)
        await _apply(conn, projection, run, traced)
        applied += len(run)
    if fresh:
        checkpoint = fresh[-1].position
    if seen_to is not None:
        checkpoint = max(checkpoint, seen_to)
    await advance_checkpoint(conn, projection.name, checkpoint)
    return applied


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


async def rebuild(db: Database, store: EventStore, projection: Projection) -> int:
    """Empty the projection's tables and replay the whole store into them, in one transaction.

    `db` must read every tenant's events (the owner's connection).
    """
    async with db.connection() as conn, conn.transaction():
        await read_checkpoint(conn, projection.name)
        for table in projection.tables:
            # The projection's own tables, named in the code: nothing from a request.
            await conn.execute(f"delete from {table}")  # noqa: S608
        await advance_checkpoint(conn, projection.name, (0, 0))
        total, after = 0, (0, 0)
        while page := await store.read_types(conn, after, projection.event_types, 1000):
            total += await apply_batch(conn, projection, page.envelopes, page.seen_to, False)
            after = page.seen_to
        return total


def subjects_of(projection: Projection) -> list[str]:
    """The event subjects a projection handles: its consumer is sent nothing else."""
    return [f"ossature.events.*.*.{event_type}" for event_type in sorted(projection.event_types)]


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

    @property
    def durable(self) -> str:
        """The durable consumer's name."""
        return f"projection-{self.projection.name}"

    async def subscribe(self) -> BatchPull:
        """Create the durable pull consumer of this projection, or update its filter; its pull.

        Messages are acknowledged all at once (AckPolicy.ALL: the last of a batch acks the
        batch), for they are only bells. A consumer made with another ack policy, which
        JetStream cannot update, is made again: the checkpoint in PostgreSQL, not the
        consumer, says what was applied.
        """
        config = ConsumerConfig(
            durable_name=self.durable,
            ack_policy=AckPolicy.ALL,
            deliver_policy=DeliverPolicy.ALL,
            max_ack_pending=10_000,
            ack_wait=30.0,
            filter_subjects=subjects_of(self.projection),
        )
        try:
            await self.js.add_consumer(EVENT_STREAM, config)
        except APIError:
            found = await self.js.consumer_info(EVENT_STREAM, self.durable)
            if found.config.ack_policy == AckPolicy.ALL:
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
        """Catch up from the store, then ack the messages that rang the bell (the last acks
        them all)."""
        await self.catch_up()
        if messages:
            await messages[-1].ack()

    async def catch_up(self) -> int:
        """Apply every readable event after the checkpoint, a batch per transaction."""
        applied = 0
        while True:
            async with self.db.connection() as conn, conn.transaction():
                checkpoint = await read_checkpoint(conn, self.projection.name)  # locked
                async with self.source.connection() as source:
                    page = await self.store.read_types(
                        source, checkpoint, self.projection.event_types, self.batch
                    )
                applied += await apply_batch(conn, self.projection, page.envelopes, page.seen_to)
            if len(page.envelopes) < self.batch:
                return applied
