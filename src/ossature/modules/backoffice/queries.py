"""list-tenants and get-tenant: every customer tenant's plan, modules and usage this cycle,
for the platform's operators (decision 73). Each is one statement, a function that reads
past row-level security; the platform's own tenant is never listed."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload
from ossature.kernel.module import FeatureValue
from ossature.modules.tenancy.catalog import catalog
from ossature.modules.tenancy.errors import TenantNotFound
from ossature.modules.tenancy.perimeter import PLATFORM_TENANT
from ossature.modules.tenancy.subscription import Subscription, Subscriptions

__all__ = [
    "GetTenant",
    "ListTenants",
    "TenantDetail",
    "TenantList",
    "TenantRow",
    "get_tenant",
    "list_tenants",
]

_LIST = "select * from backoffice_tenants($1, $2, $3, $4)"
_ONE = "select * from backoffice_tenant($1, $2)"


class ListTenants(Payload, frozen=True):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] | None = None
    after: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None  # a slug
    limit: Annotated[int, msgspec.Meta(ge=1, le=200)] = 50


class GetTenant(Payload, frozen=True):
    tenant_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class TenantRow(TypedDict):
    tenantId: str
    slug: str
    displayName: str
    country: str | None
    region: str
    plan: str
    modules: list[str]
    usedThisCycle: int
    quota: int | None


class TenantList(TypedDict):
    tenants: list[TenantRow]
    next: str | None


class CycleView(TypedDict):
    cycleId: str
    startsAt: str
    endsAt: str
    used: int
    quota: int | None


class InvestigationSummary(TypedDict):
    investigationId: str
    invocationName: str
    reportedAt: str


class TenantDetail(TypedDict):
    tenantId: str
    slug: str
    displayName: str
    country: str | None
    region: str
    plan: str
    plans: list[str]  # every plan of the catalog, to choose from
    modules: dict[str, bool]
    features: dict[str, FeatureValue]
    cycle: CycleView | None
    openInvestigations: int
    investigations: list[InvestigationSummary]
    keyVersion: int | None  # the tenant key's version; None: no personal data sealed yet


def _subscription(subscriptions: Subscriptions, row: Any, features: Any = None) -> Subscription:
    return subscriptions.resolve(
        row["plan"], row["enabled"], row["disabled"], features, row["country"]
    )


def _listed(subscriptions: Subscriptions, row: Any) -> TenantRow:
    subscription = _subscription(subscriptions, row)
    has_cycle = row["cycle_quota"]  # no open cycle yet: the plan's quota
    return {
        "tenantId": row["tenant_id"],
        "slug": row["slug"],
        "displayName": row["display_name"],
        "country": row["country"],
        "region": row["region"],
        "plan": subscription.plan.name,
        "modules": sorted(subscription.modules),
        "usedThisCycle": row["used"],
        "quota": row["quota"] if has_cycle else subscription.plan.quota,
    }


async def list_tenants(ctx: Context, query: ListTenants, deps: Deps) -> TenantList:
    """Customer tenants by slug, a page at a time (`next`: the `after` of the next page)."""
    subscriptions = deps.get(Subscriptions)
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        rows = await conn.fetch(_LIST, PLATFORM_TENANT, query.text, query.after, query.limit + 1)
    page = [_listed(subscriptions, row) for row in rows[: query.limit]]
    more = len(rows) > query.limit
    return {"tenants": page, "next": page[-1]["slug"] if more else None}


def _cycle(row: Any) -> CycleView | None:
    if row["cycle_id"] is None:
        return None
    return {
        "cycleId": row["cycle_id"],
        "startsAt": row["starts_at"].isoformat(),
        "endsAt": row["ends_at"].isoformat(),
        "used": row["used"],
        "quota": row["quota"],
    }


async def get_tenant(ctx: Context, query: GetTenant, deps: Deps) -> TenantDetail:
    """One customer tenant: its subscription, open cycle and open investigations."""
    subscriptions = deps.get(Subscriptions)
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        row = await conn.fetchrow(_ONE, PLATFORM_TENANT, query.tenant_id)
    if row is None:
        raise TenantNotFound({"tenantId": query.tenant_id})
    subscription = _subscription(subscriptions, row, row["features"])
    return {
        "tenantId": row["tenant_id"],
        "slug": row["slug"],
        "displayName": row["display_name"],
        "country": row["country"],
        "region": row["region"],
        "plan": subscription.plan.name,
        "plans": list(catalog().plans),
        "modules": {m: m in subscription.modules for m in sorted(subscriptions.products)},
        "features": dict(subscription.features),
        "cycle": _cycle(row),
        "openInvestigations": row["open_investigations"],
        "investigations": list(row["investigations"]),
        "keyVersion": row["key_version"],
    }
