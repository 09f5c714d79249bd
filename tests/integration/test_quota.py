"""Quotas: a tenant that used its plan's operations is refused further metered commands,
even by concurrent clients at the boundary, until a bigger plan or the next cycle."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from ossature.kernel.ids import new_id
from ossature.modules.billing.cycles import open_next
from ossature.modules.tenancy.catalog import catalog
from ossature.runtime.pipeline import Result
from tests.integration._billing import cycle_of, meter_entries, set_plan
from tests.integration.support import Tenant

TRIAL_QUOTA = 50


async def _create_projects(tenant: Tenant, count: int, clients: int) -> list[Result]:
    """`count` create-project commands sent by `clients` concurrent clients."""
    todo = list(range(count))
    results: list[Result] = []

    async def client() -> None:
        while todo:
            n = todo.pop()
            payload = {"folderId": tenant.folders["France"], "name": f"p{n}"}
            results.append(await tenant.invoke("admin", "command", "create-project", payload))

    await asyncio.gather(*(client() for _ in range(clients)))
    return results


async def _one_project(tenant: Tenant) -> Result:
    payload = {"folderId": tenant.folders["EU"], "name": f"after {new_id()}"}
    return await tenant.invoke("admin", "command", "create-project", payload)


async def test_the_51st_command_of_a_trial_tenant_is_refused_with_20_concurrent_clients(
    tenant: Tenant,
) -> None:
    """70 create-project from 20 concurrent clients on trial (quota 50): exactly 50 succeed,
    20 are refused 403 billing.quota-exceeded with the quota and the plan; the count stops
    at 50; after set-tenant-plan starter the next command succeeds at once."""
    assert 200 == await set_plan(tenant.system, tenant.tenant_id, "trial")
    # when
    results = await _create_projects(tenant, TRIAL_QUOTA + 20, clients=20)
    # then
    statuses = sorted(result.status for result in results)
    assert [200] * TRIAL_QUOTA + [403] * 20 == statuses
    refused = [result.error for result in results if result.status == 403]
    assert {("billing.quota-exceeded", TRIAL_QUOTA, "trial")} == {
        (e.key, e.params["quota"], e.params["plan"]) for e in refused if e is not None
    }
    assert TRIAL_QUOTA == (await cycle_of(tenant.system, tenant.tenant_id)).used
    assert TRIAL_QUOTA == len(await meter_entries(tenant.system, tenant.tenant_id))
    # when the operator sets a bigger plan
    assert 200 == await set_plan(tenant.system, tenant.tenant_id, "starter")
    # then
    assert 200 == (await _one_project(tenant)).status
    assert (TRIAL_QUOTA + 1, 2000) == (
        (await cycle_of(tenant.system, tenant.tenant_id)).used,
        (await cycle_of(tenant.system, tenant.tenant_id)).quota,
    )


async def test_queries_still_work_over_the_quota(tenant: Tenant) -> None:
    """A tenant refused commands still reads its projects and its usage."""
    assert 200 == await set_plan(tenant.system, tenant.tenant_id, "trial")
    await _create_projects(tenant, TRIAL_QUOTA, clients=5)
    assert 403 == (await _one_project(tenant)).status
    # when
    listed = await tenant.invoke("admin", "query", "list-projects", {})
    usage = await tenant.invoke(
        "admin",
        "query",
        "get-usage",
        {"from": "2000-01-01", "to": "2001-01-01", "groupBy": "module"},  # an empty span
    )
    # then
    assert (200, 200, 0) == (listed.status, usage.status, usage.body["total"])


async def test_a_new_cycle_starts_at_zero_and_allows_again(tenant: Tenant) -> None:
    """Closing the used-up cycle and opening the next (as invoicing does): the tenant works
    again, counted from 0 in the new cycle."""
    system = tenant.system
    assert 200 == await set_plan(system, tenant.tenant_id, "trial")
    await _create_projects(tenant, TRIAL_QUOTA, clients=5)
    assert 403 == (await _one_project(tenant)).status
    assert system.db is not None
    now = datetime.now(UTC)
    # when
    async with system.db.transaction(tenant.tenant_id) as conn:
        await conn.execute("update billing_cycles set closed_at = $1 where closed_at is null", now)
        opened = await open_next(conn, tenant.tenant_id, now, catalog().plans["trial"])
    # then
    assert 200 == (await _one_project(tenant)).status
    cycle = await cycle_of(system, tenant.tenant_id)
    assert (opened.cycle_id, 1, TRIAL_QUOTA) == (cycle.cycle_id, cycle.used, cycle.quota)
    entries = await meter_entries(system, tenant.tenant_id)
    assert [TRIAL_QUOTA, 1] == [
        sum(1 for e in entries if e["cycle_id"] != opened.cycle_id),
        sum(1 for e in entries if e["cycle_id"] == opened.cycle_id),
    ]
