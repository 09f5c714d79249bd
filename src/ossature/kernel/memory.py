"""The in-memory seam: a module's commands run against an event store held in memory.

The same contract as the PostgreSQL store and unit of work: streams load decoded into
the declared event types, only the tenant's own; an append at a stale version raises
ConcurrencyConflict; a repeated idempotency key answers the first outcome and appends
nothing; an event the command's module does not declare is refused. A module's command
tests run in milliseconds with no engine (`InMemory(MODULE)`); what needs PostgreSQL
(SQL queries, read models, the folder tree) raises NeedsPostgres: test that in
tests/integration, on the real engines.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from ossature.kernel.context import Context
from ossature.kernel.database import Database
from ossature.kernel.deps import Deps
from ossature.kernel.errors import ConcurrencyConflict
from ossature.kernel.eventstore import EventStore, PendingAppend, Stream
from ossature.kernel.idempotency import (
    IdempotencyKey,
    IdempotencyRecord,
    Repeated,
    fingerprint,
    refuse_reuse,
)
from ossature.kernel.logging import get_logger
from ossature.kernel.messages import Envelope, EventTypes
from ossature.kernel.module import Module, refuse_undeclared
from ossature.kernel.projection import Projection
from ossature.kernel.unit_of_work import Staging

__all__ = ["InMemory", "MemoryStore", "MemoryUnitOfWork", "NeedsPostgres"]


class NeedsPostgres(RuntimeError):
    """The handler reached for the database, which an in-memory run does not have."""


class MemoryStore:
    """Streams and idempotency records in memory, partitioned by tenant as RLS would."""

    def __init__(self, types: EventTypes) -> None:
        self.types = types
        self.envelopes: list[Envelope] = []  # in the global order
        self.outcomes: dict[IdempotencyKey, IdempotencyRecord] = {}

    def load(self, tenant_id: str | None, stream_id: str) -> Stream:
        """Every event of the tenant's stream, in order, in its type's newest shape."""
        found = [e for e in self.envelopes if e.stream_id == stream_id and e.tenant_id == tenant_id]
        return Stream(stream_id, tuple(map(self.types.upcast, found)), self.types)

    def lookup(
        self, key: IdempotencyKey, command: str, fingerprint: str = ""
    ) -> IdempotencyRecord | None:
        """The record under `key`; IdempotencyKeyReused if another command or payload used it."""
        record = self.outcomes.get(key)
        if record is not None:
            refuse_reuse(record, command, fingerprint)
        return record

    def append_once(
        self, envelopes: list[Envelope], pending: Sequence[PendingAppend], record: IdempotencyRecord
    ) -> bool:
        """Record the outcome and append, or nothing when the key was recorded before."""
        if record.key in self.outcomes:
            return False
        versions: dict[str, int] = {}  # a stream's version as the batches before left it
        for batch in pending:
            current = versions.get(batch.stream_id)
            if current is None:
                current = self.load(record.key.tenant_id, batch.stream_id).version
            if current != batch.expected_version:
                raise ConcurrencyConflict({"streamId": batch.stream_id})
            versions[batch.stream_id] = current + len(batch.events)
        self.outcomes[record.key] = record
        self.envelopes.extend(envelopes)
        return True


class MemoryUnitOfWork(Staging):
    """A command's unit of work on a MemoryStore: what UnitOfWork does, without a database."""

    def __init__(self, store: MemoryStore, ctx: Context) -> None:
        super().__init__(ctx)
        self.store = store

    async def load(self, stream_id: str) -> Stream:
        """A stream of the current tenant."""
        return self.store.load(self.tenant_id, stream_id)

    async def recorded(self, command: str, fingerprint: str = "") -> IdempotencyRecord | None:
        """The record of an earlier invocation with the same key, if any."""
        if self.tenant_id is None:
            return None
        return self.store.lookup(self.idempotency_key(command), command, fingerprint)

    async def commit(
        self,
        command: str,
        outcome: dict[str, Any],
        now: datetime,
        inline: Sequence[Projection],
        fingerprint: str = "",
    ) -> dict[str, Any]:
        """Append and record the outcome; Repeated with the first record on a repeated key."""
        key = self.idempotency_key(command)
        invocation = self.ctx.trace.invocation_id
        record = IdempotencyRecord(key, command, invocation, outcome, fingerprint)
        envelopes = EventStore().stamped(self.ctx, key.tenant_id, now, self.pending)
        if not self.store.append_once(envelopes, self.pending, record):
            raise Repeated(self.store.lookup(key, command, fingerprint) or record)
        self.committed = envelopes
        return outcome


class _NoDatabase(Database):
    """Stands where the database would: any use says that the handler needs PostgreSQL."""

    def __init__(self) -> None:
        super().__init__(None)

    @asynccontextmanager
    async def transaction(
        self, tenant_id: str | None, *, readonly: bool = False, guard: str = ""
    ) -> AsyncIterator[Any]:
        raise NeedsPostgres("this handler reads or writes PostgreSQL: test it in tests/integration")
        yield

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        raise NeedsPostgres("this handler reads or writes PostgreSQL: test it in tests/integration")
        yield

    async def call(self, tenant_id: str | None, function: str, *args: Any) -> list[Any]:
        raise NeedsPostgres(f"{function} runs in PostgreSQL: test it in tests/integration")


class _NoAccess:
    """Authorization questions need the folder tree in PostgreSQL."""

    def __getattr__(self, name: str) -> Any:
        raise NeedsPostgres(f"access.{name} needs the folder tree: test it in tests/integration")


class InMemory:
    """Modules' commands and stream-reading queries, run by name against a MemoryStore.

    What the pipeline adds around a handler and that needs no engine is applied too: the
    payload is converted to its type (unknown fields refused), the events a command
    appends must be declared by its module, and the commit is idempotent. Authorization,
    audit and read models are the pipeline's and PostgreSQL's: integration tests cover them.
    """

    def __init__(
        self,
        *modules: Module,
        now: datetime | None = None,
        services: Mapping[type, object] | None = None,
    ) -> None:
        self.modules = modules
        self.store = MemoryStore(EventTypes(e for m in modules for e in m.events))
        self.now = now or datetime(2026, 1, 1, tzinfo=UTC)
        self.services = dict(services or {})
        self._commands = {s.name: (s, m) for m in modules for s in m.commands}
        self._queries = {s.name: s for m in modules for s in m.queries}

    def deps(self, ctx: Context) -> Deps:
        """What a handler gets, on this store: a fresh unit of work, the fixed clock."""
        uow = MemoryUnitOfWork(self.store, ctx)
        log = get_logger("ossature.memory")
        access: Any = _NoAccess()
        return Deps(_NoDatabase(), EventStore(), uow, self.now, log, access, self.services)

    async def command(self, ctx: Context, name: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Run the command `name` as the pipeline would, minus authorization; its outcome."""
        spec, module = self._commands[name]
        deps = self.deps(ctx)
        typed = spec.typed(dict(payload))
        outcome = dict(await spec.handler(ctx, typed, deps))
        refuse_undeclared(name, deps.uow.pending, module.appendable)
        try:
            kept = spec.recorded(outcome)
            return await deps.uow.commit(name, kept, self.now, (), fingerprint(typed)) | outcome
        except Repeated as repeat:
            return spec.repeated(repeat.outcome, outcome)

    async def query(self, ctx: Context, name: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Run the query `name` (one that reads streams, not SQL); its answer."""
        spec = self._queries[name]
        return dict(await spec.handler(ctx, spec.typed(dict(payload)), self.deps(ctx)))

    def stream(self, ctx: Context, stream_id: str) -> Stream:
        """A stream of the context's tenant, as stored."""
        return self.store.load(ctx.tenant_id, stream_id)
