"""One command's unit of work: the streams it read, the events it appends, its recorded outcome."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ossature.kernel import spans
from ossature.kernel.context import Context
from ossature.kernel.database import Database
from ossature.kernel.errors import Unauthenticated
from ossature.kernel.eventstore import EventStore, PendingAppend, Stream
from ossature.kernel.group_commit import GroupCommit
from ossature.kernel.idempotency import IdempotencyKey, IdempotencyRecord, Repeated, lookup
from ossature.kernel.messages import Envelope, Event
from ossature.kernel.meter import Meter
from ossature.kernel.projection import Projection, applying

__all__ = ["Staging", "UnitOfWork"]


class Staging:
    """What every unit of work shares: the invocation's tenant and actor, the events it
    stages, those it committed, its idempotency key, and what its commit meters (set by the
    runtime for a command of a product module, decision 75)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.tenant_id: str | None = ctx.tenant_id
        self.actor_id: str = ctx.access.account_id if ctx.access else "anonymous"
        self.pending: list[PendingAppend] = []
        self.committed: list[Envelope] = []
        self.meter: Meter | None = None

    def use_tenant(self, tenant_id: str, actor_id: str | None = None) -> None:
        """Name the tenant (and the actor) of a public command such as log-in, once known."""
        self.tenant_id = tenant_id
        self.actor_id = actor_id or self.actor_id

    def append(
        self, stream_type: str, stream_id: str, expected_version: int, events: Sequence[Event]
    ) -> None:
        """Stage events for one stream, expected at `expected_version` when committed."""
        self.pending.append(PendingAppend(stream_type, stream_id, expected_version, tuple(events)))

    def idempotency_key(self, command: str) -> IdempotencyKey:
        """The key of this invocation: tenant, actor and the client's external id."""
        if self.tenant_id is None:
            raise Unauthenticated()
        return IdempotencyKey(self.tenant_id, self.actor_id, self.ctx.trace.external_invocation_id)


class UnitOfWork(Staging):
    """Collects a handler's appends; the runtime commits them with the idempotency record."""

    def __init__(
        self,
        db: Database,
        store: EventStore,
        ctx: Context,
        loaded: dict[str, Stream] | None = None,
        group: GroupCommit | None = None,
    ) -> None:
        """`loaded` holds streams already read in the same transaction (and receives more);
        `group` gathers commits of one event with those of concurrent invocations."""
        super().__init__(ctx)
        self.db, self.store, self.group = db, store, group
        self._loaded: dict[str, Stream] = {} if loaded is None else loaded

    async def load(self, stream_id: str) -> Stream:
        """Load a stream of the current tenant, once per invocation."""
        if stream_id not in self._loaded:
            async with self.db.transaction(self.tenant_id, readonly=True) as conn:
                self._loaded[stream_id] = await self.store.load(conn, stream_id)
        return self._loaded[stream_id]

    async def recorded(self, command: str, fingerprint: str = "") -> IdempotencyRecord | None:
        """The record of an earlier invocation with the same key, if any;
        IdempotencyKeyReused when it was another command's or another payload's."""
        if self.tenant_id is None:
            return None
        async with self.db.transaction(self.tenant_id, readonly=True) as conn:
            return await lookup(conn, self.idempotency_key(command), command, fingerprint)

    async def commit(
        self,
        command: str,
        outcome: dict[str, Any],
        now: datetime,
        inline: Sequence[Projection],
        fingerprint: str = "",
    ) -> dict[str, Any]:
        """Append, project inline, record the outcome (with the payload's `fingerprint`),
        the command's audit entry and its meter in one transaction; return the outcome.

        When another invocation with the same key committed first, nothing is appended and
        Repeated carries that invocation's record (the transaction must then roll back);
        IdempotencyKeyReused when it was another command's or another payload's.
        """
        key = self.idempotency_key(command)
        invocation = self.ctx.trace.invocation_id
        record = IdempotencyRecord(key, command, invocation, outcome, fingerprint)
        events = sum(len(batch.events) for batch in self.pending)
        attributes: spans.Attributes = {"ossature.command": command, "ossature.events": events}
        with spans.span(f"commit {command}", self.ctx.trace, attributes=attributes) as span:
            # the events' stored context names this span: what they cause joins the trace
            ctx = self.ctx if span is None else self.ctx.in_span(*spans.ids_of(span))
            await self._commit(ctx, now, record, inline, fingerprint)
        return outcome

    async def _commit(
        self,
        ctx: Context,
        now: datetime,
        record: IdempotencyRecord,
        inline: Sequence[Projection],
        fingerprint: str,
    ) -> None:
        if not self._projected_inline(inline):
            appended = await self._alone(ctx, now, record)
            if appended is not None:
                self.committed = appended
                return
        key = record.key
        async with self.db.transaction(key.tenant_id) as conn:
            appended = await self.store.append_once(
                conn, ctx, now, self.pending, record, meter=self.meter
            )
            if appended is None:
                raise Repeated(await lookup(conn, key, record.command, fingerprint) or record)
            self.committed = appended
            for envelope in self.committed:
                for projection in inline:
                    if projection.handles(envelope):
                        with applying(projection, (envelope,)):
                            await projection.apply(conn, envelope)

    async def _alone(
        self, ctx: Context, now: datetime, record: IdempotencyRecord
    ) -> list[Envelope] | None:
        """The commit as one statement that is its own transaction, when nothing else began
        the invocation's: one event in the next group commit, more on a connection of their
        own. None when it cannot run alone, or when the key was recorded before."""
        if self.group is not None and _one_event(self.pending):
            guard = self.db._claim_alone()
            if guard is None:
                return None
            return await self.group.append_once(ctx, now, self.pending, record, guard, self.meter)
        async with self.db._alone() as alone:
            if alone is None:
                return None
            conn, guard = alone
            return await self.store.append_once(
                conn, ctx, now, self.pending, record, guard, self.meter
            )

    def _projected_inline(self, inline: Sequence[Projection]) -> bool:
        """True when an inline projection handles one of the pending events."""
        names = {event.name for batch in self.pending for event in batch.events}
        return any(names & projection.event_types for projection in inline)


def _one_event(pending: Sequence[PendingAppend]) -> bool:
    return sum(len(batch.events) for batch in pending) == 1
