"""The audit writer on the real engines: a group lands whole, each row as it was queued; a
write returns only once its entry is committed, and a failed write is tried again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.database import Database
from ossature.modules.audit.writer import AuditEntry, AuditWriter
from ossature.runtime.system import System
from tests.integration.support import Tenant, make_tenant

NOW = datetime(2026, 5, 4, 3, 2, 1, tzinfo=UTC)
_COLUMNS = (
    "kind, name, actor_id, outcome, status, message_key, context, recorded_at, repeat_of"
    " from audit_entries where invocation_id = $1"
)


async def test_a_group_writes_every_column_of_each_tenants_entries(
    system: System, tenant: Tenant
) -> None:
    """Two tenants' entries in one group: each row is in its tenant with every column as
    queued, the context whole, absent values null."""
    other_tenant = await make_tenant(system)
    writer = AuditWriter(system.db)
    when = datetime(2026, 5, 4, 3, 2, 1, 123456, tzinfo=UTC)
    ours, theirs = tenant.ctx("editor"), other_tenant.ctx("admin")
    writes = [
        AuditEntry(
            ours,
            tenant.tenant_id,
            "command",
            "rename-project",
            "denied",
            403,
            "errors.forbidden",
            when,
        ),
        AuditEntry(
            theirs,
            other_tenant.tenant_id,
            "query",
            "list-projects",
            "allowed",
            200,
            None,
            when + timedelta(seconds=1),
            "01JZ0000000000000000000000",
        ),
    ]

    await asyncio.gather(*(writer.write(entry) for entry in writes))

    async with system.db.transaction(tenant.tenant_id) as conn:
        our_row = await conn.fetchrow("select " + _COLUMNS, ours.trace.invocation_id)
        their_row_seen_by_us = await conn.fetchrow("select " + _COLUMNS, theirs.trace.invocation_id)
    async with system.db.transaction(other_tenant.tenant_id) as conn:
        their_row = await conn.fetchrow("select " + _COLUMNS, theirs.trace.invocation_id)
    assert None is their_row_seen_by_us
    assert (
        "command",
        "rename-project",
        _account(ours),
        "denied",
        403,
        "errors.forbidden",
        ours,
        when,
        None,
    ) == _decoded(our_row)
    assert (
        "query",
        "list-projects",
        _account(theirs),
        "allowed",
        200,
        None,
        theirs,
        when + timedelta(seconds=1),
        "01JZ0000000000000000000000",
    ) == _decoded(their_row)


def _account(ctx: Context) -> str:
    assert ctx.access is not None
    return ctx.access.account_id


def _decoded(row: object) -> tuple[object, ...]:
    values = tuple(row)  # type: ignore[call-overload]
    return (*values[:6], msgspec.convert(values[6], Context), *values[7:])


class _Flaky(Database):
    """The system's database whose first `failures` connections fail, as while it restarts."""

    def __init__(self, db: Database, failures: int) -> None:
        super().__init__(db.pool)
        self.failures = failures

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("the database is away")
        async with super().connection() as conn:
            yield conn


async def test_a_write_that_fails_is_tried_again_and_its_caller_waits_for_it(
    system: System, tenant: Tenant
) -> None:
    """Two failed writes later the entry is in, and `write` returned only then."""
    writer = AuditWriter(_Flaky(system.db, failures=2), pause=0.01)
    ctx = tenant.ctx("viewer")
    entry = AuditEntry(ctx, tenant.tenant_id, "query", "list-projects", "allowed", 200, None, NOW)

    await writer.write(entry)

    async with system.db.transaction(tenant.tenant_id) as conn:
        count = await conn.fetchval(
            "select count(*) from audit_entries where invocation_id = $1", ctx.trace.invocation_id
        )
    assert (0, 1) == (writer.pending, count)


async def test_stopping_writes_what_is_queued(system: System, tenant: Tenant) -> None:
    """Entries queued while the database is away are written once it is back, before the
    writer's run ends."""
    writer = AuditWriter(_Flaky(system.db, failures=3), pause=0.01)
    contexts = [tenant.ctx("viewer") for _ in range(5)]
    entries = [
        AuditEntry(ctx, tenant.tenant_id, "query", "get-project", "failed", 404, None, NOW)
        for ctx in contexts
    ]
    stop = asyncio.Event()
    stop.set()

    writes = [asyncio.ensure_future(writer.write(entry)) for entry in entries]
    await asyncio.sleep(0)  # one turn of the loop: each write queues its entry
    queued = writer.pending

    await writer.run(stop)

    async with system.db.transaction(tenant.tenant_id) as conn:
        count = await conn.fetchval(
            "select count(*) from audit_entries where invocation_id = any($1::text[])",
            [ctx.trace.invocation_id for ctx in contexts],
        )
    await asyncio.gather(*writes)
    assert (5, 0, 5) == (queued, writer.pending, count)
