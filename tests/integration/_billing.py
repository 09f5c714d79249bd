"""Helpers for billing's integration tests: a tenant's open cycle and meter, plans set by
the operator."""

from __future__ import annotations

from typing import Any

from ossature.modules.billing.cycles import Cycle, open_cycle
from ossature.runtime.contexts import OPERATOR, internal_context
from ossature.runtime.system import System


async def cycle_of(system: System, tenant_id: str) -> Cycle:
    """The tenant's open cycle (it must have one)."""
    assert system.db is not None
    async with system.db.transaction(tenant_id, readonly=True) as conn:
        cycle = await open_cycle(conn, tenant_id)
    assert cycle is not None
    return cycle


async def meter_entries(system: System, tenant_id: str) -> list[dict[str, Any]]:
    """The tenant's meter entries, oldest first."""
    assert system.db is not None
    async with system.db.transaction(tenant_id, readonly=True) as conn:
        rows = await conn.fetch("select * from meter_entries order by metered_at, invocation_id")
    return [dict(row) for row in rows]


async def set_plan(system: System, tenant_id: str, plan: str) -> int:
    """set-tenant-plan as the platform's operator; its status."""
    assert system.pipeline is not None
    payload = {"tenantId": tenant_id, "plan": plan}
    result = await system.pipeline.invoke(
        "command", "set-tenant-plan", payload, internal_context(OPERATOR)
    )
    return result.status
