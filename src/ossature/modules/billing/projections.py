"""Billing's inline projection: each tenant's open cycle follows its plan (decision 74).

A tenant's first cycle opens with the tenant (`tenant-created`: the catalog's default plan,
the calendar month of the event); `tenant-plan-set` moves the open cycle to the new plan and
its quota in set-tenant-plan's own transaction, so a bigger plan lets the tenant work again
at once. A tenant created before billing existed gets its cycle at start-up
(`open_missing_cycles`).

The cycles hold what no event holds (the meter's counts), so the projection owns no table a
rebuild would empty: replaying it opens what is missing and sets plans again, nothing more.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ossature.kernel.messages import Envelope
from ossature.kernel.projection import Projection
from ossature.modules.billing.cycles import month_start, open_cycle, open_next
from ossature.modules.tenancy.catalog import Catalog, Plan, catalog

__all__ = ["CYCLES", "open_missing_cycles"]


async def _tenant_created(conn: Any, envelope: Envelope) -> None:
    plans = catalog()
    await _ensure_open(conn, envelope.payload["tenantId"], envelope.occurred_at, plans)


async def _tenant_plan_set(conn: Any, envelope: Envelope) -> None:
    plan = catalog().plan(envelope.payload["plan"])
    if plan is None:  # a plan since removed from the catalog: the cycle keeps its terms
        return
    updated = await conn.fetchval(
        "update billing_cycles set plan = $2, quota = $3"
        " where tenant_id = $1 and closed_at is null returning cycle_id",
        envelope.tenant_id,
        plan.name,
        plan.quota,
    )
    if updated is None:
        await open_next(conn, envelope.tenant_id, month_start(envelope.occurred_at), plan)


async def _ensure_open(conn: Any, tenant_id: str, at: datetime, plans: Catalog) -> None:
    """Open the tenant's cycle of the month holding `at`, unless one is open."""
    if await open_cycle(conn, tenant_id) is None:
        await open_next(conn, tenant_id, month_start(at), _current_plan(plans, None))


def _current_plan(plans: Catalog, name: str | None) -> Plan:
    plan = plans.plan(name) if name else None
    return plan or plans.plans[plans.default]


# The tenants' latest plan, read from their plan streams (tenancy's `<tenant>.plan`).
_LATEST_PLAN = """select payload->>'plan' from events
    where stream_id = $1 and event_type = 'tenant-plan-set'
    order by stream_version desc limit 1"""


async def open_missing_cycles(conn: Any, now: datetime, plans: Catalog | None = None) -> int:
    """Open a cycle, this month, on its current plan, for each tenant that has none open (one
    created before billing existed); the number opened. Runs in one transaction of the
    caller's, confining each tenant's statements to it in turn."""
    plans = plans or catalog()
    opened = 0
    for tenant_id in await conn.fetchval("select array_agg(tenant_id) from tenants") or []:
        await conn.execute("select set_config('app.tenant_id', $1, true)", tenant_id)
        if await open_cycle(conn, tenant_id) is not None:
            continue
        name = await conn.fetchval(_LATEST_PLAN, f"{tenant_id}.plan")
        await open_next(conn, tenant_id, month_start(now), _current_plan(plans, name))
        opened += 1
    return opened


CYCLES = Projection(
    name="billing-cycles",
    handlers={"tenant-created": _tenant_created, "tenant-plan-set": _tenant_plan_set},
    tables=(),
    inline=True,
)
