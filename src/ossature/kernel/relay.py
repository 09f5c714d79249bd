"""The relay: publishes stored events to JetStream in global order, each exactly once in effect.

Publishing carries `Nats-Msg-Id` = event id, so a relay that crashes after
publishing but before moving its cursor republishes nothing new: JetStream
drops the repeats within its duplicate window.
"""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
from nats.js.api import StreamConfig

from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore
from ossature.kernel.logging import get_logger
from ossature.kernel.messages import Envelope, Position
from ossature.kernel.publish import BatchPublisher

__all__ = ["EVENT_STREAM", "EVENT_SUBJECTS", "Relay", "ensure_event_stream", "subject_of"]

EVENT_STREAM = "OSSATURE_EVENTS"
EVENT_SUBJECTS = "ossature.events.>"
_encoder = msgspec.json.Encoder()
_log = get_logger("ossature.relay")


def subject_of(envelope: Envelope) -> str:
    """The subject of an event: tenant, stream type and event type, for filtering consumers."""
    return f"ossature.events.{envelope.tenant_id}.{envelope.stream_type}.{envelope.event_type}"


async def ensure_event_stream(js: Any) -> None:
    """Create (or update) the JetStream stream that carries every event."""
    config = StreamConfig(name=EVENT_STREAM, subjects=[EVENT_SUBJECTS], duplicate_window=300.0)
    try:
        await js.add_stream(config)
    except Exception:
        await js.update_stream(config)


class Relay:
    """Moves events from the store to JetStream, resuming from a cursor kept in PostgreSQL."""

    def __init__(self, db: Database, nc: Any, store: EventStore, batch: int = 500) -> None:
        """`nc` is the NATS client the relay publishes on."""
        self.db, self.store, self.batch = db, store, batch
        self.publisher = BatchPublisher(nc)
        self.wake = asyncio.Event()

    async def pump(self) -> int:
        """Publish the next batch of readable events; the number published."""
        async with self.db.connection() as conn, conn.transaction():
            row = await conn.fetchrow(
                "select transaction_id::text::bigint as txid, position from relay_cursor"
                " where name = 'jetstream' for update"
            )
            after: Position = (row["txid"], row["position"])
            envelopes = await self.store.read_all(conn, after, self.batch)
            if not envelopes:
                return 0
            await self._publish(envelopes)
            last = envelopes[-1].position
            await conn.execute(
                "update relay_cursor set transaction_id = $1::text::xid8, position = $2"
                " where name = 'jetstream'",
                str(last[0]),
                last[1],
            )
        return len(envelopes)

    async def _publish(self, envelopes: list[Envelope]) -> None:
        messages = [
            (subject_of(e), _encoder.encode(e), {"Nats-Msg-Id": e.event_id}) for e in envelopes
        ]
        await self.publisher.publish_all(messages)

    async def run(self, stop: asyncio.Event, idle: float = 0.2) -> None:
        """Pump until `stop` is set, woken by NOTIFY from the store, by `wake` from a writer
        in this process, or every `idle` seconds."""
        async with self.db.connection() as listener:
            await listener.add_listener("ossature_events", self._notified)
            try:
                await self._loop(stop, idle)
            finally:
                await listener.remove_listener("ossature_events", self._notified)

    def _notified(self, *_: object) -> None:
        self.wake.set()

    async def _loop(self, stop: asyncio.Event, idle: float) -> None:
        while not stop.is_set():
            self.wake.clear()  # a wake from now on, during the pump too, is for the next one
            try:
                if await self.pump() == self.batch:
                    continue
            except Exception:
                _log.exception("relay.pump-failed")
            await self._sleep(stop, idle)

    async def _sleep(self, stop: asyncio.Event, idle: float) -> None:
        waiters = [asyncio.ensure_future(self.wake.wait()), asyncio.ensure_future(stop.wait())]
        await asyncio.wait(waiters, timeout=idle, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiters:
            waiter.cancel()
