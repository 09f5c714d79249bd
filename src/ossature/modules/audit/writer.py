"""The audit trail's writer: entries are queued by the runtime and written in batches.

Each invocation adds one entry; writing them in batches keeps the cost of an
audited query to an append to a list. `flush` runs every `interval` seconds and
at shutdown.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.database import Database
from ossature.kernel.logging import get_logger

__all__ = ["AuditEntry", "AuditWriter"]

_log = get_logger("ossature.audit")


@dataclass(frozen=True)
class AuditEntry:
    """One invocation as the audit trail keeps it."""

    ctx: Context
    tenant_id: str | None
    kind: str
    name: str
    outcome: str
    status: int
    message_key: str | None
    recorded_at: datetime


class AuditWriter:
    """Buffers entries and writes them per tenant in one statement each."""

    def __init__(self, db: Database, interval: float = 0.05) -> None:
        self.db, self.interval = db, interval
        self.pending: list[AuditEntry] = []

    def add(self, entry: AuditEntry) -> None:
        """Queue an entry; entries without a tenant (failed authentication) are logged only."""
        if entry.tenant_id is None:
            _log.info(
                "audit.no-tenant",
                name=entry.name,
                outcome=entry.outcome,
                status=entry.status,
                **entry.ctx.log_fields(),
            )
            return
        self.pending.append(entry)

    async def flush(self) -> int:
        """Write every queued entry; the number written."""
        batch, self.pending = self.pending, []
        by_tenant: dict[str, list[AuditEntry]] = {}
        for entry in batch:
            by_tenant.setdefault(entry.tenant_id or "", []).append(entry)
        for tenant_id, entries in by_tenant.items():
            columns = [list(column) for column in zip(*(_row(e) for e in entries), strict=True)]
            async with self.db.transaction(tenant_id) as conn:
                await conn.execute(_INSERT, *columns)
        return len(batch)

    async def run(self, stop: asyncio.Event) -> None:
        """Flush every `interval` until stopped, then flush what is left."""
        while not stop.is_set():
            await asyncio.sleep(self.interval)
            try:
                await self.flush()
            except Exception:
                _log.exception("audit.flush-failed")
        await self.flush()


# One statement for the whole batch: PostgreSQL starts its executor once, not once per row.
_INSERT = """insert into audit_entries (tenant_id, invocation_id, kind, name, actor_id, outcome,
    status, message_key, context, recorded_at)
    select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
        $6::text[], $7::int[], $8::text[], $9::jsonb[], $10::timestamptz[])"""


def _row(entry: AuditEntry) -> tuple[Any, ...]:
    actor = entry.ctx.access.account_id if entry.ctx.access else None
    return (
        entry.tenant_id,
        entry.ctx.trace.invocation_id,
        entry.kind,
        entry.name,
        actor,
        entry.outcome,
        entry.status,
        entry.message_key,
        msgspec.to_builtins(entry.ctx),
        entry.recorded_at,
    )
