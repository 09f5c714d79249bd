"""The audit trail's writer, for invocations that commit nothing: queries, refusals,
failures, and repeats answered from an idempotency record.

A command's own entry is written with its effects, in its commit (`ossature_audit_commit`).
Every other entry goes through `write`, which returns once the entry is committed: the
invocation is answered only then, so no answered invocation loses its entry, whatever dies
when. Entries are written in groups, as commits are (kernel/group_commit.py): while one
group is written the next gathers, each caller released when its group committed, so a
lone entry goes at once and a busy process writes many per statement. A group whose write
fails is written again, after a pause that grows, until it goes in: never dropped. See
decision 33.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

import msgspec
from prometheus_client import Histogram

from ossature.kernel.context import Context
from ossature.kernel.database import Database
from ossature.kernel.logging import get_logger

__all__ = ["LIMIT", "AuditEntry", "AuditWriter"]

_log = get_logger("ossature.audit")
LIMIT = 256  # entries in one statement at most
GROUP_SIZES = Histogram(
    "ossature_audit_group_size",
    "Audit entries written by one statement of the audit writer.",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)


@dataclass(frozen=True)
class AuditEntry:
    """One invocation as the audit trail keeps it; `repeat_of` names the invocation whose
    recorded outcome answered it (None: it ran)."""

    ctx: Context
    tenant_id: str | None
    kind: str
    name: str
    outcome: str
    status: int
    message_key: str | None
    recorded_at: datetime
    repeat_of: str | None = None
    actor_id: str | None = None  # when the context has no actor: whom the invocation named


@dataclass
class _Waiting:
    row: _Row
    written: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class AuditWriter:
    """Writes entries in groups, one statement each; `write` returns once its entry is in."""

    def __init__(self, db: Database, pause: float = 0.05, longest_pause: float = 2.0) -> None:
        self.db, self.pause, self.longest_pause = db, pause, longest_pause
        self._queue: list[_Waiting] = []
        self._writer: asyncio.Task[None] | None = None

    async def write(self, entry: AuditEntry) -> None:
        """Return once `entry` is committed; entries without a tenant (a request refused
        before its context was known) are logged only."""
        if entry.tenant_id is None:
            self.log_only(entry)
            return
        waiting = _Waiting(_row(entry))
        self._queue.append(waiting)
        if self._writer is None:
            self._writer = asyncio.ensure_future(self._drain())
        await asyncio.shield(waiting.written)  # a caller given up on: its entry still goes in

    def log_only(self, entry: AuditEntry) -> None:
        """Log an entry that belongs to no tenant, as one line."""
        _log.info(
            "audit.no-tenant",
            name=entry.name,
            outcome=entry.outcome,
            status=entry.status,
            **entry.ctx.log_fields(),
        )

    @property
    def pending(self) -> int:
        """Entries queued and not yet committed."""
        return len(self._queue)

    async def flush(self) -> None:
        """Return once every entry queued so far is committed."""
        if self._queue:
            await asyncio.shield(self._queue[-1].written)

    async def run(self, stop: asyncio.Event) -> None:
        """Once stopped, write what is queued; what never could be is logged, each entry."""
        await stop.wait()
        try:
            await self.flush()
        finally:
            for waiting in self._queue:  # cancelled at shutdown with the database away
                _log.error("audit.unwritten", entry=msgspec.to_builtins(waiting.row))

    async def _drain(self) -> None:
        pause = self.pause
        try:
            while self._queue:
                group = self._queue[:LIMIT]
                try:
                    await self._insert([waiting.row for waiting in group])
                except Exception as error:  # the database away: the same group again, later
                    _log.warning("audit.write-failed", entries=len(group), error=repr(error))
                    await asyncio.sleep(pause)
                    pause = min(pause * 2, self.longest_pause)
                    continue
                pause = self.pause
                GROUP_SIZES.observe(len(group))
                del self._queue[: len(group)]
                for waiting in group:
                    waiting.written.set_result(None)
        finally:
            self._writer = None

    async def _insert(self, rows: list[_Row]) -> None:
        async with self.db.connection() as conn:
            await conn.execute(_INSERT, rows)


# One statement for the whole group, every tenant's entries (each confined to its tenant):
# PostgreSQL starts its executor once per tenant, not once per row. The group goes as one
# JSON document, encoded by msgspec in one call (the pool's jsonb codec), where ten arrays
# cost asyncpg a check and an encoding call per element: 0.68-0.70 of the client's CPU, the
# backend's the same within 3% (`benchmarks/audit_batches.py`).
_INSERT = "select audit_append($1::jsonb)"


class _Row(msgspec.Struct, frozen=True):
    """An audit_entries row, named as its columns are."""

    tenant_id: str | None
    invocation_id: str
    kind: str
    name: str
    actor_id: str | None
    outcome: str
    status: int
    message_key: str | None
    context: Context
    recorded_at: datetime
    repeat_of: str | None


def _row(entry: AuditEntry) -> _Row:
    return _Row(
        entry.tenant_id,
        entry.ctx.trace.invocation_id,
        entry.kind,
        entry.name,
        entry.ctx.access.account_id if entry.ctx.access else entry.actor_id,
        entry.outcome,
        entry.status,
        entry.message_key,
        entry.ctx,
        entry.recorded_at,
        entry.repeat_of,
    )
