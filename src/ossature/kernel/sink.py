"""Event sinks: processors whose effect is outside the database (a mail sent, a call made).

Such an effect cannot share a transaction with the checkpoint, so a sink takes events one
at a time: in one transaction it locks its checkpoint (one sink works at a time, however
many workers run), checks that the event is still past it, does the effect, moves the
checkpoint past the event and commits. An effect is done again only when the process dies
(or the commit fails) between the effect and the commit; it is then done again for the same
event, so the outside world must recognise a repeat by the event id (a mail's Message-ID,
an idempotency key): decision 46.

As for projections, a JetStream message is only a bell (`kernel/consumers.py`): the events
are read from the store after the checkpoint. An effect that raises `Permanent` is given up:
`on_permanent` records it in the checkpoint's transaction and the sink moves on. Any other
exception is transient: the same event is tried again after a wait that doubles, and the
events behind it wait for it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import APIError

from ossature.kernel import spans
from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore
from ossature.kernel.logging import get_logger
from ossature.kernel.messages import Envelope, EventTypes, Position
from ossature.kernel.projection import advance_checkpoint, read_checkpoint
from ossature.kernel.pull import BatchPull
from ossature.kernel.reconnect import Backoff
from ossature.kernel.relay import EVENT_STREAM

__all__ = ["Permanent", "Sink", "SinkRunner"]

_log = get_logger("ossature.sinks")

Effect = Callable[[Envelope], Awaitable[None]]
OnPermanent = Callable[[Any, Envelope, "Permanent"], Awaitable[None]]


class Permanent(Exception):
    """The effect can never succeed for this event (a recipient refused for good): give up."""


def _effect_span(sink: str, envelope: Envelope) -> AbstractContextManager[object]:
    """The span of a sink's effect (a mail sent), under the commit that stored the event
    (decision 103)."""
    if not spans.recording():
        return nullcontext()
    attributes: spans.Attributes = {
        "ossature.event_id": envelope.event_id,
        "ossature.tenant_id": envelope.tenant_id,
    }
    name = f"sink {sink} {envelope.event_type}"
    return spans.span(
        name, envelope.context.trace, kind=spans.SpanKind.CONSUMER, attributes=attributes
    )


async def _forget(conn: Any, envelope: Envelope, failure: Permanent) -> None:
    return None


async def _nothing(envelope: Envelope) -> None:
    return None


@dataclass(frozen=True)
class Sink:
    """An effect per event of `event_types`; `on_permanent(conn, envelope, failure)` records
    a failure given up, in the transaction of the checkpoint; `after_effect` runs between
    the effect and the commit (a seam for tests that stop a sink there)."""

    name: str
    event_types: frozenset[str]
    effect: Effect
    on_permanent: OnPermanent = _forget
    after_effect: Effect = _nothing


class SinkRunner:
    """Feeds one sink from its durable consumer until stopped: `db` holds the checkpoint,
    `source` reads every tenant's events."""

    def __init__(
        self,
        db: Database,
        source: Database,
        nc: Any,
        sink: Sink,
        *,
        batch: int = 50,
        retry: tuple[float, float] = (0.5, 60.0),
        types: EventTypes | None = None,
    ) -> None:
        self.db, self.source, self.nc, self.sink = db, source, nc, sink
        self.batch, self.retry = batch, retry
        self.store = EventStore(types)  # `types` upcast what is read to the newest versions

    @property
    def checkpoint(self) -> str:
        """The name of its checkpoint (among the projections'), and of its durable consumer."""
        return f"sink-{self.sink.name}"

    async def run(self, stop: asyncio.Event) -> None:
        """Fetch, deliver, ack, until `stop` is set; subscribe again after a failure."""
        backoff = Backoff()
        while not stop.is_set():
            try:
                await self._follow(stop, backoff)
            except Exception:
                _log.exception("sink.failed", sink=self.sink.name)
                await backoff.wait(stop)

    async def _follow(self, stop: asyncio.Event, backoff: Backoff) -> None:
        pull = await self._subscribe()
        try:
            await self.catch_up(stop)
            backoff.reset()
            while not stop.is_set():
                try:
                    messages = await pull.fetch(self.batch, wait=0.5)
                except TimeoutError:  # nats-py raises its TimeoutError, or asyncio's from a fetch
                    continue
                await self.catch_up(stop)
                await messages[-1].ack()
        finally:
            with contextlib.suppress(Exception):
                await pull.stop()

    async def _subscribe(self) -> BatchPull:
        config = ConsumerConfig(
            durable_name=self.checkpoint,
            ack_policy=AckPolicy.ALL,
            deliver_policy=DeliverPolicy.NEW,  # the store, from the checkpoint, has the rest
            max_ack_pending=10_000,
            ack_wait=30.0,
            filter_subjects=[f"ossature.events.*.*.*.{t}" for t in sorted(self.sink.event_types)],
        )
        js = self.nc.jetstream()
        try:
            await js.add_consumer(EVENT_STREAM, config)
        except APIError:  # made with another filter (a mail added): only a bell, so remake it
            await js.delete_consumer(EVENT_STREAM, self.checkpoint)
            await js.add_consumer(EVENT_STREAM, config)
        pull = BatchPull(self.nc, EVENT_STREAM, self.checkpoint)
        await pull.start()
        return pull

    async def catch_up(self, stop: asyncio.Event) -> int:
        """Deliver every readable event after the checkpoint, one by one; how many."""
        delivered = 0
        while not stop.is_set():
            async with self.db.connection() as conn, conn.transaction():
                checkpoint = await read_checkpoint(conn, self.checkpoint)  # made if missing
            async with self.source.connection() as source:
                page = await self.store.read_types(
                    source, checkpoint, self.sink.event_types, self.batch
                )
            for envelope in page.envelopes:
                await self._deliver_until_done(envelope, stop)
                delivered += 1
            if not stop.is_set():
                await self._skip_to(page.seen_to)
            if len(page.envelopes) < self.batch:
                break
        return delivered

    async def _deliver_until_done(self, envelope: Envelope, stop: asyncio.Event) -> None:
        backoff = Backoff(*self.retry)
        while not stop.is_set():
            try:
                await self.deliver(envelope)
                return
            except Exception as error:
                _log.warning(
                    "sink.retrying",
                    sink=self.sink.name,
                    event_id=envelope.event_id,
                    event_type=envelope.event_type,
                    error=repr(error)[:300],
                    wait=backoff.delay,
                )
                await backoff.wait(stop)

    async def deliver(self, envelope: Envelope) -> bool:
        """The effect of one event, unless the checkpoint is past it already; then the
        checkpoint moved past it, in one transaction. True when the effect ran."""
        async with self.db.connection() as conn, conn.transaction():
            if await self._locked_position(conn) >= envelope.position:
                return False  # another worker's sink delivered it meanwhile
            try:
                with _effect_span(self.sink.name, envelope):
                    await self.sink.effect(envelope)
            except Permanent as failure:
                await self.sink.on_permanent(conn, envelope, failure)
            await self.sink.after_effect(envelope)
            await advance_checkpoint(conn, self.checkpoint, envelope.position)
        return True

    async def _locked_position(self, conn: Any) -> Position:
        """The checkpoint, this sink's lock held until the transaction ends.

        An advisory lock, not `for update`: a row lock gives the transaction an id, and an
        id in flight through an SMTP exchange would hold back every reader of the store
        (they read below the oldest transaction in flight). The transaction gets its id only
        when the checkpoint moves, just before it commits."""
        await conn.execute("select pg_advisory_xact_lock(hashtextextended($1, 0))", self.checkpoint)
        row = await conn.fetchrow(
            "select transaction_id::text::bigint as txid, position from projection_checkpoints"
            " where projection = $1",
            self.checkpoint,
        )
        return (row["txid"], row["position"])

    async def _skip_to(self, position: Position) -> None:
        """Move the checkpoint to `position` (every event up to it seen), never back."""
        async with self.db.connection() as conn, conn.transaction():
            if await self._locked_position(conn) < position:
                await advance_checkpoint(conn, self.checkpoint, position)
