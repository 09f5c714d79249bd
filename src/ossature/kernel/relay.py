"""The relay: publishes stored events to JetStream in global order, each exactly once in effect.

Publishing carries `Nats-Msg-Id` = event id (and a W3C `traceparent`), so a relay that crashes after
publishing but before moving its cursor republishes nothing new: JetStream
drops the repeats within its duplicate window.

A commit that appended events wakes the relay: directly when the relay runs in the
writer's process, with a message on `WAKE_SUBJECT` (`RelayWaker`) when it runs in
another, and with a NOTIFY from the store's trigger for writers that do neither.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Iterable
from typing import Any

import msgspec
from asyncpg.exceptions import InterfaceError
from nats.js.api import StreamConfig, SubjectTransform
from opentelemetry.trace import Span

from ossature.kernel import spans
from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore
from ossature.kernel.logging import get_logger
from ossature.kernel.messages import Envelope, Position
from ossature.kernel.publish import BatchPublisher
from ossature.kernel.reconnect import Backoff

__all__ = [
    "EVENT_STREAM",
    "EVENT_SUBJECTS",
    "PARTITIONS",
    "WAKE_SUBJECT",
    "Relay",
    "RelayWaker",
    "ensure_event_stream",
    "filter_of",
    "partition_of",
    "partitioned",
    "partitions_of",
    "subject_of",
]

EVENT_STREAM = "OSSATURE_EVENTS"
EVENT_SUBJECTS = "ossature.events.>"
# The partitions a tenant's events are spread over (decision 112): fixed, for NATS and
# PostgreSQL (`ossature_partition`) compute a tenant's partition from this count.
PARTITIONS = 16
# Published as `ossature.events.<tenant>.<stream type>.<event type>`, stored with the
# tenant's partition in front of the tenant (decision 112).
_PARTITIONING = SubjectTransform(
    src="ossature.events.*.*.*",
    dest=f"ossature.events.{{{{partition({PARTITIONS},1)}}}}.{{{{wildcard(1)}}}}"
    ".{{wildcard(2)}}.{{wildcard(3)}}",
)
WAKE_SUBJECT = "ossature.relay.wake"  # plain NATS, outside every stream: a wake is not kept
_encoder = msgspec.json.Encoder()
_log = get_logger("ossature.relay")


def subject_of(envelope: Envelope) -> str:
    """The subject of an event: tenant, stream type and event type, for filtering consumers."""
    return f"ossature.events.{envelope.tenant_id}.{envelope.stream_type}.{envelope.event_type}"


def filter_of(event_type: str, stream_type: str = "*") -> str:
    """The subject filter of a consumer of one event type's stored events (any partition,
    any tenant): `ossature.events.<partition>.<tenant>.<stream type>.<event type>`."""
    return f"ossature.events.*.*.{stream_type}.{event_type}"


def partition_of(tenant_id: str) -> int:
    """The partition of a tenant's events: NATS's `partition(PARTITIONS, …)` of the tenant
    token, FNV-1a (32 bits) of its UTF-8 bytes modulo the count, as `ossature_partition`
    computes it in PostgreSQL."""
    hashed = 0x811C9DC5
    for byte in tenant_id.encode():
        hashed = ((hashed ^ byte) * 0x01000193) & 0xFFFFFFFF
    return hashed % PARTITIONS


def partitions_of(subjects: Iterable[str]) -> frozenset[int]:
    """The partitions that stored event subjects name; every partition for a subject stored
    before partitions were (it names none)."""
    found: set[int] = set()
    for subject in subjects:
        tokens = subject.split(".")  # ossature, events, partition, tenant, stream, event
        if len(tokens) != 6:
            return frozenset(range(PARTITIONS))
        found.add(int(tokens[2]))
    return frozenset(found)


def partitioned(config: StreamConfig) -> StreamConfig:
    """The event stream's configuration, storing each event under its tenant's partition."""
    return dataclasses.replace(config, subject_transform=_PARTITIONING)


async def ensure_event_stream(js: Any, replicas: int = 1) -> None:
    """Create (or update) the JetStream stream that carries every event, on `replicas` nodes."""
    config = StreamConfig(name=EVENT_STREAM, subjects=[EVENT_SUBJECTS], duplicate_window=300.0)
    config.num_replicas = replicas
    try:
        await js.add_stream(partitioned(config))
    except Exception:
        await js.update_stream(partitioned(config))


class Relay:
    """Moves events from the store to JetStream, resuming from a cursor kept in PostgreSQL."""

    def __init__(self, db: Database, nc: Any, store: EventStore, batch: int = 500) -> None:
        """`nc` is the NATS client the relay publishes on, and is woken on."""
        self.db, self.store, self.batch = db, store, batch
        self.nc, self.publisher = nc, BatchPublisher(nc)
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
        """Publish the batch, each message's `traceparent` naming its publication's span
        (when spans are recorded), else the span its stored context names."""
        published = [_publication(e) for e in envelopes]
        messages = [
            (
                subject_of(e),
                _encoder.encode(e),
                {
                    "Nats-Msg-Id": e.event_id,
                    "traceparent": spans.traceparent_of(span, e.context.trace),
                },
            )
            for e, span in zip(envelopes, published, strict=True)
        ]
        try:
            await self.publisher.publish_all(messages)
        finally:
            for span in published:
                if span is not None:
                    span.end()

    async def run(self, stop: asyncio.Event, idle: float = 0.2) -> None:
        """Pump until `stop` is set, woken by `wake` from a writer in this process, by a
        message on WAKE_SUBJECT from a writer in another, by NOTIFY from the store, or
        every `idle` seconds. A lost LISTEN connection is made again, after a backoff."""
        woken = await self.nc.subscribe(WAKE_SUBJECT, cb=self._woken)
        backoff = Backoff()
        try:
            while not stop.is_set():
                try:
                    await self._listening(stop, idle, backoff)
                except Exception as error:  # the database is away: pump on, listen again
                    _log.warning("relay.listen-failed", error=repr(error)[:300])
                    await backoff.wait(stop)
        finally:
            with contextlib.suppress(Exception):  # NATS may be gone: nothing to undo there
                await woken.unsubscribe()

    async def _listening(self, stop: asyncio.Event, idle: float, backoff: Backoff) -> None:
        async with self.db.connection() as listener:
            await listener.add_listener("ossature_events", self._notified)
            backoff.reset()
            try:
                await self._loop(stop, idle, listener)
            finally:
                if not _lost(listener):
                    await listener.remove_listener("ossature_events", self._notified)

    def _notified(self, *_: object) -> None:
        self.wake.set()

    async def _woken(self, _: Any) -> None:
        self.wake.set()

    async def _loop(self, stop: asyncio.Event, idle: float, listener: Any) -> None:
        while not stop.is_set() and not _lost(listener):
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


def _publication(envelope: Envelope) -> Span | None:
    """The span of an event's publication, under the commit that stored it (decision 103)."""
    if not spans.recording():
        return None
    return spans.begin(
        f"relay {envelope.event_type}",
        envelope.context.trace,
        kind=spans.SpanKind.PRODUCER,
        attributes={
            "ossature.event_id": envelope.event_id,
            "ossature.event_type": envelope.event_type,
            "ossature.tenant_id": envelope.tenant_id,
            "messaging.destination.name": subject_of(envelope),
        },
    )


def _lost(connection: Any) -> bool:
    """True once a pooled connection died (the pool then detached it from its proxy)."""
    try:
        return bool(connection.is_closed())
    except InterfaceError:
        return True


class RelayWaker:
    """Wakes relays in other processes after commits that appended events.

    Calling it (after each such commit) is cheap and sends nothing itself: `run` sends one
    message on WAKE_SUBJECT for however many calls came since its last one, so a burst of
    commits costs a message or a few, not one each. A wake lost with the NATS connection
    delays the events by the relay's idle poll at most.
    """

    def __init__(self, nc: Any) -> None:
        self.nc = nc
        self._due = asyncio.Event()

    def __call__(self) -> None:
        self._due.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Send the wakes that are due until `stop` is set."""
        watcher = asyncio.ensure_future(self._set_on(stop))
        try:
            while True:
                await self._due.wait()
                if stop.is_set():
                    return
                self._due.clear()
                await self._send()
        finally:
            watcher.cancel()

    async def _set_on(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self._due.set()

    async def _send(self) -> None:
        try:
            await self.nc.publish(WAKE_SUBJECT)
        except Exception:  # disconnected: the relay's idle poll finds the events
            _log.warning("relay.wake-not-sent", exc_info=True)
