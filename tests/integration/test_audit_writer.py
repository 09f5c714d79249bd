"""The audit writer on the real engines: a batch lands whole, each row as it was queued."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec

from ossature.kernel.context import Context
from ossature.modules.audit.writer import AuditEntry, AuditWriter
from ossature.runtime.system import System
from tests.integration.support import Tenant, make_tenant

_COLUMNS = (
    "kind, name, actor_id, outcome, status, message_key, context, recorded_at"
    " from audit_entries where invocation_id = $1"
)


async def test_a_flush_writes_every_column_of_each_tenants_entries(
    system: System, tenant: Tenant
) -> None:
    """Two tenants' entries in one flush: each row is in its tenant with every column as
    queued, the context whole, absent values null."""
    other_tenant = await make_tenant(system)
    writer = AuditWriter(system.db)
    when = datetime(2026, 5, 4, 3, 2, 1, 123456, tzinfo=UTC)
    ours, theirs = tenant.ctx("editor"), other_tenant.ctx("admin")
    writer.add(
        AuditEntry(
            ours,
            tenant.tenant_id,
            "command",
            "rename-project",
            "denied",
            403,
            "errors.forbidden",
            when,
        )
    )
    writer.add(
        AuditEntry(
            theirs,
            other_tenant.tenant_id,
            "query",
            "list-projects",
            "allowed",
            200,
            None,
            when + timedelta(seconds=1),
        )
    )

    written = await writer.flush()

    async with system.db.transaction(tenant.tenant_id) as conn:
        our_row = await conn.fetchrow("select " + _COLUMNS, ours.trace.invocation_id)
        their_row_seen_by_us = await conn.fetchrow("select " + _COLUMNS, theirs.trace.invocation_id)
    async with system.db.transaction(other_tenant.tenant_id) as conn:
        their_row = await conn.fetchrow("select " + _COLUMNS, theirs.trace.invocation_id)
    assert 2 == written
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
    ) == _decoded(their_row)


def _account(ctx: Context) -> str:
    assert ctx.access is not None
    return ctx.access.account_id


def _decoded(row: object) -> tuple[object, ...]:
    values = tuple(row)  # type: ignore[call-overload]
    return (*values[:6], msgspec.convert(values[6], Context), values[7])
