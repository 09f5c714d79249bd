"""set-tenant-plan: a platform operator puts a tenant on a plan of the catalog (decision 70).

The plan's modules, features and quota hold from the commit on: the plan is read from the
catalog at each use, and billing moves the open cycle's quota in the same transaction. The
event names the plan only; an invoice records the terms it charged.
"""

from __future__ import annotations

from typing import Annotated, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.modules.tenancy.catalog import catalog
from ossature.modules.tenancy.errors import TenantNotFound, UnknownPlan
from ossature.modules.tenancy.subscription import Subscriptions

__all__ = [
    "SetTenantPlan",
    "TenantId",
    "TenantPlanAnswer",
    "TenantPlanSet",
    "append_to_plan",
    "existing_tenant",
    "plan_stream",
    "set_tenant_plan",
]

TenantId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
PlanName = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class SetTenantPlan(Payload, frozen=True):
    tenant_id: TenantId
    plan: PlanName


class TenantPlanSet(Event, frozen=True):
    name = "tenant-plan-set"

    plan: str


class TenantPlanAnswer(TypedDict):
    tenantId: str
    plan: str
    version: int


def plan_stream(tenant_id: str) -> str:
    """The stream of a tenant's plan."""
    return f"{tenant_id}.plan"


async def existing_tenant(deps: Deps, tenant_id: str) -> None:
    """TenantNotFound unless `tenant_id` is a tenant (the directory is readable by all)."""
    async with deps.db.transaction(None, readonly=True) as conn:
        found = await conn.fetchval("select 1 from tenants where tenant_id = $1", tenant_id)
    if found is None:
        raise TenantNotFound({"tenantId": tenant_id})


async def set_tenant_plan(ctx: Context, cmd: SetTenantPlan, deps: Deps) -> TenantPlanAnswer:
    plans = catalog()
    if plans.plan(cmd.plan) is None:
        raise UnknownPlan({"plan": cmd.plan, "plans": ", ".join(plans.plans)})
    version = await append_to_plan(deps, cmd.tenant_id, TenantPlanSet(plan=cmd.plan))
    return {"tenantId": cmd.tenant_id, "plan": cmd.plan, "version": version}


async def append_to_plan(deps: Deps, tenant_id: str, event: Event) -> int:
    """Stage `event` on the tenant's plan stream, in the tenant (TenantNotFound when there is
    none), and forget the tenant's subscription here; the stream's version after it."""
    await existing_tenant(deps, tenant_id)
    deps.uow.use_tenant(tenant_id)
    stream = await deps.uow.load(plan_stream(tenant_id))
    deps.uow.append("tenant-plan", stream.stream_id, stream.version, [event])
    subscriptions = deps.services.get(Subscriptions)
    if isinstance(subscriptions, Subscriptions):  # here at once; elsewhere within FRESH_FOR
        subscriptions.forget(tenant_id)
    return stream.version + 1
