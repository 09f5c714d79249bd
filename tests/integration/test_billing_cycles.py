"""Each tenant has one open billing cycle, opened with it, moved by set-tenant-plan at once,
and opened at start-up for a tenant that has none."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from ossature.modules.billing.cycles import Cycle, month_end, month_start, open_cycle
from ossature.modules.billing.projections import open_missing_cycles
from ossature.runtime.contexts import OPERATOR, internal_context
from ossature.runtime.system import System
from tests.integration.support import Tenant, make_tenant


async def _open(system: System, tenant_id: str) -> Cycle | None:
    assert system.db is not None
    async with system.db.transaction(tenant_id, readonly=True) as conn:
        return await open_cycle(conn, tenant_id)


async def _set_plan(system: System, tenant_id: str, plan: str) -> int:
    assert system.pipeline is not None
    payload = {"tenantId": tenant_id, "plan": plan}
    result = await system.pipeline.invoke(
        "command", "set-tenant-plan", payload, internal_context(OPERATOR)
    )
    return result.status


async def test_a_new_tenant_opens_this_month_on_the_default_plan(system: System) -> None:
    """The first cycle is the calendar month of the tenant's creation, on starter, at 0."""
    tenant = await make_tenant(system, plan=None)
    now = datetime.now(UTC)

    cycle = await _open(tenant.system, tenant.tenant_id)

    assert cycle is not None
    assert (month_start(now), month_end(now)) == (cycle.starts_at, cycle.ends_at)
    assert ("starter", 2000) == (cycle.plan, cycle.quota)


async def test_setting_a_plan_moves_the_open_cycle_at_once(system: System) -> None:
    """set-tenant-plan changes the open cycle's plan and quota in its own transaction."""
    tenant = await make_tenant(system, plan=None)
    before = await _open(tenant.system, tenant.tenant_id)

    assert 200 == await _set_plan(tenant.system, tenant.tenant_id, "enterprise")
    after = await _open(tenant.system, tenant.tenant_id)

    assert before is not None and after is not None
    assert ("enterprise", None, before.cycle_id) == (after.plan, after.quota, after.cycle_id)


async def test_a_tenant_without_a_cycle_gets_one_at_start_up_on_its_plan(tenant: Tenant) -> None:
    """A tenant whose cycle is missing (created before billing existed) gets this month's,
    on the plan its plan stream last set."""
    system = tenant.system
    assert 200 == await _set_plan(system, tenant.tenant_id, "team")
    owner = await asyncpg.connect(system.owner_url)
    try:
        async with owner.transaction():
            await owner.execute("select set_config('app.tenant_id', $1, true)", tenant.tenant_id)
            await owner.execute("delete from billing_cycles where tenant_id = $1", tenant.tenant_id)
            opened = await open_missing_cycles(owner, datetime.now(UTC))
            again = await open_missing_cycles(owner, datetime.now(UTC))
    finally:
        await owner.close()

    cycle = await _open(system, tenant.tenant_id)
    assert cycle is not None
    assert (True, 0) == (opened >= 1, again)
    assert ("team", 50000, 0) == (cycle.plan, cycle.quota, cycle.used)
