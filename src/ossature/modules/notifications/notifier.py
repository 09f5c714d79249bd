"""The notifier: a durable event processor telling every user who may see an entity what happened.

For each event a module declared a `Notice` for, it asks the notice's audience query's
authorization rule (the one guarding, say, `get-project`) which accounts of the tenant it
admits, and publishes one notification per account to the JetStream stream
OSSATURE_NOTIFICATIONS with `Nats-Msg-Id` = `<event id>:<account id>`. The stream
deduplicates and republishes each stored message to the user's topic
`tenants.<tenant>.users.<account>.notifications`: a repeat is not stored, so it is
never republished.

Exactly once per event and recipient: the cursor moves in PostgreSQL after the batch is
published, and a notifier killed midway republishes its batch from the cursor; JetStream
drops the repeats within DUPLICATE_WINDOW. An event older than STALE_AFTER
(well inside that window) is not notified at all, so that no restart, however late,
can publish twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from itertools import groupby
from typing import Any

import msgspec
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from opentelemetry.trace import Span

from ossature.kernel import sensitive, spans
from ossature.kernel.context import Actor
from ossature.kernel.database import Database, set_tenant
from ossature.kernel.deps import Deps
from ossature.kernel.errors import DomainError
from ossature.kernel.eventstore import EventStore, Stream
from ossature.kernel.ids import new_id
from ossature.kernel.keys import PersonalKeys
from ossature.kernel.logging import get_logger
from ossature.kernel.messages import Envelope, EventTypes
from ossature.kernel.module import Module, QuerySpec
from ossature.kernel.notice import Notice
from ossature.kernel.publish import BatchPublisher
from ossature.kernel.pull import BatchPull
from ossature.kernel.reconnect import Backoff
from ossature.kernel.relay import EVENT_STREAM, EVENT_SUBJECTS
from ossature.kernel.unit_of_work import UnitOfWork
from ossature.modules.access.service import AccessService
from ossature.modules.notifications._audience import Directory
from ossature.modules.notifications._cursor import advance_cursor, read_cursor
from ossature.modules.notifications.message import Delivery, Entity, Notification
from ossature.modules.notifications.topics import (
    BROADCAST_STREAM,
    DUPLICATE_WINDOW,
    NOTIFICATION_STREAM,
)

__all__ = ["STALE_AFTER", "Notifier", "is_stale"]

STALE_AFTER = timedelta(seconds=DUPLICATE_WINDOW - 5 * 60)
_decoder = msgspec.json.Decoder(Envelope)
_encoder = msgspec.json.Encoder()
_log = get_logger("ossature.notifier")
Published = Callable[[Delivery, bool], Awaitable[None]]


def is_stale(envelope: Envelope, now: datetime) -> bool:
    """True when the event is too old to notify: a repeat might fall outside the dedup window."""
    return now - envelope.occurred_at > STALE_AFTER


async def _nothing(delivery: Delivery, duplicate: bool) -> None:
    return None


class Notifier:
    """Follows the event stream from its cursor in PostgreSQL, notifying as it goes, until stopped.

    It reads with an ephemeral consumer that starts right after the cursor, and starts a
    new one from the cursor after any failure. (A durable consumer would redeliver a dead
    worker's messages after newer ones, which a cursor that only moves forward would then
    skip.) Several notifiers may run: the cursor's row lock lets one notify a given batch,
    and the others skip it. `on_published(delivery, duplicate)` runs for each delivery once
    the batch's acks are in, `duplicate` when JetStream dropped it as a repeat (a seam for
    tests that kill the notifier midway).
    """

    name = "notifier"

    def __init__(
        self,
        db: Database,
        nc: Any,
        modules: Sequence[Module],
        access: AccessService,
        services: Mapping[type, object],
        *,
        batch: int = 200,
        on_published: Published = _nothing,
    ) -> None:
        self.db, self.nc, self.access, self.services = db, nc, access, services
        self.publisher = BatchPublisher(nc)
        self.modules = tuple(modules)
        self.notices = {n.event_type: n for m in modules for n in m.notices}
        self.queries = {q.name: q for m in modules for q in m.queries}
        self.batch, self.on_published = batch, on_published
        self.store = EventStore(EventTypes(e for m in self.modules for e in m.events))

    async def run(self, stop: asyncio.Event) -> None:
        """Follow the event stream until `stop` is set, starting again from the cursor on
        failure (an engine away), waiting longer after each failure in a row."""
        backoff = Backoff()
        while not stop.is_set():
            try:
                await self._follow(stop, backoff)
            except Exception:
                _log.exception("notifier.failed")
                await backoff.wait(stop)

    async def _follow(self, stop: asyncio.Event, backoff: Backoff) -> None:
        pull = await self.subscribe(await self.position())
        backoff.reset()
        try:
            while not stop.is_set():
                try:
                    messages = await pull.fetch(self.batch, wait=0.5)
                except TimeoutError:  # nats-py raises its TimeoutError, or asyncio's from a fetch
                    continue
                await self.handle(messages)
        finally:
            with contextlib.suppress(Exception):
                await pull.stop()

    async def position(self) -> int:
        """The stream sequence of the last event notified."""
        async with self.db.transaction(None) as conn:
            return await read_cursor(conn, self.name, lock=False)

    async def subscribe(self, after: int) -> BatchPull:
        """An ephemeral pull consumer of the event stream, from the event after `after`, sent
        only the events a notice is declared for (the cursor skips the others with them)."""
        start: dict[str, Any] = {"deliver_policy": DeliverPolicy.ALL}
        if after > 0:
            start = {"deliver_policy": DeliverPolicy.BY_START_SEQUENCE, "opt_start_seq": after + 1}
        noticed = [f"ossature.events.*.*.*.{event_type}" for event_type in sorted(self.notices)]
        config = ConsumerConfig(
            name=f"notifier-{new_id()}",
            ack_policy=AckPolicy.NONE,
            inactive_threshold=30.0,
            filter_subjects=noticed or [EVENT_SUBJECTS],
            **start,
        )
        consumer = await self.nc.jetstream().add_consumer(EVENT_STREAM, config)
        pull = BatchPull(self.nc, EVENT_STREAM, consumer.name)
        await pull.start()
        return pull

    async def handle(self, messages: Sequence[Any]) -> None:
        """Notify the messages past the cursor, then move the cursor, in one transaction.

        The batch is read tenant by tenant: each run of one tenant's events switches the
        transaction to that tenant once and reads the streams of all its events at once.
        The deliveries of the whole batch are then published together.
        """
        # Published as stored (decision 98): upcast here, as the store upcasts what it reads.
        upcast = self.store.types.upcast
        batch = [(m.metadata.sequence.stream, upcast(_decoder.decode(m.data))) for m in messages]
        async with self.db.transaction(None) as conn:
            cursor = await read_cursor(conn, self.name)
            fresh = [envelope for sequence, envelope in batch if sequence > cursor]
            started = self._notifying(messages, batch, cursor)
            deliveries: list[Delivery] = []
            try:
                for tenant_id, envelopes in _runs_by_tenant(fresh):
                    deliveries += await self._deliveries_of_run(conn, tenant_id, envelopes)
                await self._publish(deliveries)
            finally:
                _notified(started, deliveries)
            await advance_cursor(conn, self.name, max([cursor, *(s for s, _ in batch)]))

    def _notifying(
        self, messages: Sequence[Any], batch: Sequence[tuple[int, Envelope]], cursor: int
    ) -> dict[str, Span]:
        """A span per fresh event a notice is declared for, when spans are recorded: under
        the relay's span its message's `traceparent` names, else under the span of the
        commit that stored it (decision 103). Ended once the batch is published."""
        if not spans.recording():
            return {}
        started: dict[str, Span] = {}
        for message, (sequence, envelope) in zip(messages, batch, strict=True):
            if sequence <= cursor or envelope.event_type not in self.notices:
                continue
            headers = message.headers or {}
            within = spans.carried(headers.get("traceparent")) or envelope.context.trace
            attributes = {
                "ossature.event_id": envelope.event_id,
                "ossature.event_type": envelope.event_type,
                "ossature.tenant_id": envelope.tenant_id,
            }
            kind = spans.SpanKind.CONSUMER
            name = f"notify {envelope.event_type}"
            span = spans.begin(name, within, kind=kind, attributes=attributes)
            if span is not None:
                started[envelope.event_id] = span
        return started

    async def _deliveries_of_run(
        self, conn: Any, tenant_id: str, envelopes: Sequence[Envelope]
    ) -> list[Delivery]:
        """The deliveries of consecutive events of one tenant, read in that tenant's view."""
        await set_tenant(conn, tenant_id)
        view = self.db.within(conn, tenant_id)
        noticed = [e.stream_id for e in envelopes if e.event_type in self.notices]
        streams = await self.store.load_many(conn, sorted(set(noticed))) if noticed else {}
        keys = self.services.get(PersonalKeys)
        directory = Directory(view, keys if isinstance(keys, PersonalKeys) else None)
        deliveries: list[Delivery] = []
        for envelope in envelopes:
            deliveries += await self.deliveries(view, directory, envelope, streams)
        return deliveries

    async def deliveries(
        self,
        db: Database,
        directory: Directory,
        envelope: Envelope,
        streams: dict[str, Stream] | None = None,
    ) -> list[Delivery]:
        """One delivery per account that may see the event's entity; none for a stale event.

        `streams` are streams already read in `db`'s transaction; notices read through them.
        """
        notice = self.notices.get(envelope.event_type)
        if notice is None or is_stale(envelope, datetime.now(UTC)):
            return []
        deps = self._deps(db, envelope, streams)
        try:
            audience = await self._audience(deps, directory, notice, envelope)
            params = await notice.params(envelope, deps)
        except DomainError as error:  # the entity is gone or unreadable: nobody to tell
            _log.warning("notifier.no-audience", event_id=envelope.event_id, key=error.key)
            return []
        actor = await directory.actor_name(envelope)
        notification = _notification(notice, envelope, {"actorName": actor, **params})
        if notice.broadcast is not None:
            return [Delivery(envelope.tenant_id, "", notification, notice.broadcast)]
        return [Delivery(envelope.tenant_id, account, notification) for account in audience]

    async def _audience(
        self, deps: Deps, directory: Directory, notice: Notice, envelope: Envelope
    ) -> list[str]:
        """The accounts that the audience query's own authorization rule admits (of those
        the notice is addressed `to`, when it says); none to count for a broadcast."""
        if notice.broadcast is not None:
            return []
        spec: QuerySpec[Any] = self.queries[notice.audience]
        payload = msgspec.convert(
            dict(notice.audience_payload(envelope)), spec.payload, dec_hook=sensitive.dec_hook
        )
        principals = await directory.principals(envelope.tenant_id)
        if notice.to is not None:
            named = set(notice.to(envelope))
            principals = {a: grants for a, grants in principals.items() if a in named}
        access = self.access.on(deps.db)
        ctx = deps.uow.ctx
        answers = None if notice.to is not None else directory.answers(envelope.tenant_id)
        admitted = await access.audience(
            ctx, spec.authorization, payload, deps, principals, answers
        )
        return sorted(admitted)

    def _deps(
        self, db: Database, envelope: Envelope, streams: dict[str, Stream] | None = None
    ) -> Deps:
        """What the notice's rule and parameters read through: the tenant, as the notifier.

        The event's own context, acting as the notifier: these reads are recorded nowhere,
        so they need no invocation id of their own (a fork would make a ULID per event)."""
        ctx = envelope.context.acting_as(_notifier_actor(envelope.tenant_id))
        uow = UnitOfWork(db, self.store, ctx, streams)
        now = datetime.now(UTC)
        return Deps(db, self.store, uow, now, _log, self.access.on(db), self.services)

    async def _publish(self, deliveries: Sequence[Delivery]) -> None:
        """The users' deliveries to the notification stream, the broadcasts to theirs."""
        for stream in (NOTIFICATION_STREAM, BROADCAST_STREAM):
            batch = [d for d in deliveries if d.stream == stream]
            if not batch:
                continue
            messages = [
                (d.subject, _encoder.encode(d.notification), {"Nats-Msg-Id": d.message_id})
                for d in batch
            ]
            stored = await self.publisher.publish_all(messages, stream=stream)
            for delivery, ack in zip(batch, stored, strict=True):
                await self.on_published(delivery, bool(ack.duplicate))


def _notified(started: Mapping[str, Span], deliveries: Sequence[Delivery]) -> None:
    """End each event's span, saying how many deliveries it made."""
    if not started:
        return
    counts = Counter(d.notification.event_id for d in deliveries)
    for event_id, span in started.items():
        span.set_attribute("ossature.deliveries", counts[event_id])
        span.end()


def _runs_by_tenant(envelopes: Sequence[Envelope]) -> list[tuple[str, list[Envelope]]]:
    """The envelopes cut into runs of consecutive events of one tenant, in order."""
    return [(tenant_id, list(run)) for tenant_id, run in groupby(envelopes, key=_tenant_of)]


def _tenant_of(envelope: Envelope) -> str:
    return envelope.tenant_id


@functools.lru_cache(maxsize=1024)
def _notifier_actor(tenant_id: str) -> Actor:
    return Actor(account_id="notifier", kind="service", tenant_id=tenant_id, mechanism="internal")


def _notification(notice: Notice, envelope: Envelope, params: Mapping[str, Any]) -> Notification:
    actor = envelope.context.access
    return Notification(
        message_key=notice.message_key,
        params=dict(params),
        entity=Entity(type=envelope.stream_type, id=envelope.stream_id),
        event_id=envelope.event_id,
        event_type=envelope.event_type,
        occurred_at=envelope.occurred_at,
        actor_id=actor.account_id if actor else None,
        trace=envelope.context.trace,
    )
