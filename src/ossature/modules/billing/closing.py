"""Claiming the cycles that are due to close (ends_at <= now), oldest first.

The claim marks each due cycle for a few minutes in the statement that finds it (`for update
skip locked`), so two schedulers never claim one cycle: the loser skips the row, and the
marked row is not found again until the mark expires (a scheduler that died meanwhile). The
closing itself locks the cycle again and names it, so a late second closing is refused, and
its idempotency key is the cycle's, so a repeat answers the first invoice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

__all__ = ["CLAIM_FOR", "DueCycle", "claim_due_cycles"]

CLAIM_FOR = timedelta(minutes=5)

_CLAIM = """with due as (
        select c.tenant_id, c.cycle_id from billing_cycles c
        where c.closed_at is null and c.ends_at <= $1
          and (c.close_claimed_until is null or c.close_claimed_until <= $1)
        order by c.ends_at limit $3
        for update of c skip locked)
    update billing_cycles c set close_claimed_until = $2
    from due join tenants t on t.tenant_id = due.tenant_id
    where c.tenant_id = due.tenant_id and c.cycle_id = due.cycle_id
    returning c.tenant_id, c.cycle_id, c.ends_at, t.root_folder_id"""


@dataclass(frozen=True)
class DueCycle:
    """A cycle to close, and the root folder of its tenant (the closing actor's scope)."""

    tenant_id: str
    cycle_id: str
    root_folder_id: str


async def claim_due_cycles(db: Any, now: datetime, limit: int = 100) -> list[DueCycle]:
    """The cycles due at `now` (at most `limit`), oldest first, each claimed for CLAIM_FOR."""
    async with db.transaction(None) as conn:
        rows = await conn.fetch(_CLAIM, now, now + CLAIM_FOR, limit)
    rows = sorted(rows, key=lambda row: row["ends_at"])
    return [DueCycle(r["tenant_id"], r["cycle_id"], r["root_folder_id"]) for r in rows]
