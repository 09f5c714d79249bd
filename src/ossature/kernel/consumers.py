"""Durable JetStream consumers that apply events to projections exactly once in effect.

Delivery is at least once; the checkpoint moves in the same transaction as the
effect, and an event at or before the checkpoint is skipped, so a redelivery or
a restart midway applies nothing twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import msgspec
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from ossature.kernel.database import Database, set_tenant
from ossature.kernel.eventstore import EventStore
from ossature.kernel.logging import get_logger
from ossature.kernel.messages import Envelope
from ossature.kernel.projection import Projection, advance_checkpoint, read_checkpoint
from ossature.kernel.relay import EVENT_STREAM

__all__ = ["ProjectionRunner", "apply_batch", "rebuild", "subjects_of"]

_decoder = msgspec.json.Decoder(Envelope)
_log = get_logger("ossature.projections")


async def apply_batch(conn: Any, projection: Projection, envelopes: Sequence[Envelope]) -> int:
    """Apply the envelopes past the checkpoint, then move it; the number applied."""
    checkpoint = await read_checkpoint(conn, projection.name)
    applied = 0
    for envelope in envelopes:
        if envelope.position <= checkpoint:
            continue
        if projection.handles(envelope):
            await set_tenant(conn, envelope.tenant_id)
            await projection.apply(conn, envelope)
            applied += 1
        checkpoint = envelope.position
    await advance_checkpoint(conn, projection.name, checkpoint)
    return applied


async def rebuild(db: Database, store: EventStore, projection: Projection) -> int:
    """Empty the projection's tables and replay the whole store into them, in one transaction.

    `db` must read every tenant's events (the owner's connection).
    """
    async with db.connection() as conn, conn.transaction():
        await read_checkpoint(conn, projection.name)
        for table in projection.tables:
            await conn.execute(f"delete from {table}")
        await advance_checkpoint(conn, projection.name, (0, 0))
        total, after = 0, (0, 0)
        while batch := await store.read_all(conn, after, 1000):
            total += await apply_batch(conn, projection, batch)
            after = batch[-1].position
        return total


def subjects_of(projection: Projection) -> list[str]:
    """The event subjects a projection handles: its consumer is sent nothing else."""
    return [f"ossature.events.*.*.{event_type}" for event_type in sorted(projection.handlers)]


class ProjectionRunner:
    """Feeds one projection from its durable consumer until stopped."""

    def __init__(self, db: Database, js: Any, projection: Projection, batch: int = 200) -> None:
        self.db, self.js, self.projection, self.batch = db, js, projection, batch

    @property
    def durable(self) -> str:
        """The durable consumer's name."""
        return f"projection-{self.projection.name}"

    async def subscribe(self) -> Any:
        """Create the durable pull consumer of this projection, or update its filter, and bind."""
        config = ConsumerConfig(
            durable_name=self.durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            max_ack_pending=10_000,
            ack_wait=30.0,
            filter_subjects=subjects_of(self.projection),
        )
        await self.js.add_consumer(EVENT_STREAM, config)
        return await self.js.pull_subscribe_bind(durable=self.durable, stream=EVENT_STREAM)

    async def run(self, stop: asyncio.Event) -> None:
        """Fetch, apply, ack, until `stop` is set."""
        subscription = await self.subscribe()
        while not stop.is_set():
            try:
                messages = await subscription.fetch(self.batch, timeout=0.5)
            except (TimeoutError, NatsTimeout):
                continue
            try:
                await self.handle(messages)
            except Exception:
                _log.exception("projection.batch-failed", projection=self.projection.name)
                await asyncio.sleep(1)

    async def handle(self, messages: Sequence[Any]) -> None:
        """Apply a fetched batch in one transaction, then ack every message."""
        envelopes = [_decoder.decode(message.data) for message in messages]
        async with self.db.connection() as conn, conn.transaction():
            await apply_batch(conn, self.projection, envelopes)
        await asyncio.gather(*(message.ack() for message in messages))
