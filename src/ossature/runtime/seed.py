"""The demo data: two tenants, each with a folder tree, three accounts and a few projects,
on different plans in different countries and regions (acme: team, in France, region eu;
globex: starter, in the US, region us), and the platform's tenant with one human operator (who may impersonate: decision 51).

Seeded through the same pipeline as any client's commands, so the demo data
has events, history and audit entries like real data.
"""

from __future__ import annotations

from typing import Any

from ossature.kernel.context import Actor
from ossature.kernel.errors import DomainError
from ossature.modules.identity.projections import account_by_email
from ossature.modules.identity.service import IdentityService
from ossature.modules.tenancy.perimeter import PLATFORM_TENANT
from ossature.modules.tenancy.projections import tenant_by_slug
from ossature.runtime.contexts import OPERATOR, internal_context, tenant_service
from ossature.runtime.operators import create_operator
from ossature.runtime.pipeline import Kind, Pipeline

__all__ = ["DEMO_TENANTS", "PLATFORM_OPERATOR", "PLATFORM_TENANT", "demo_accounts", "seed_demo"]

DEMO_TENANTS = ("acme", "globex")
# each demo tenant's country and plan (decision 70), and region (decision 91)
_SUBSCRIPTIONS = {"acme": ("FR", "team"), "globex": ("US", "starter")}
_REGIONS = {"acme": "eu", "globex": "us"}
PLATFORM_OPERATOR = "operator@platform.test"
_ROLES = (
    ("admin", "tenant-admin", "Global"),
    ("editor", "project-editor", "EU"),
    ("viewer", "project-viewer", "US"),
)
_PROJECTS = (
    ("France", "Paris office move"),
    ("France", "Website relaunch"),
    ("US", "Customer portal"),
    ("US", "Q3 hiring plan"),
)


class SeedFailed(RuntimeError):
    pass


def demo_accounts() -> list[str]:
    """The demo accounts' emails, the platform operator's last."""
    tenants = [f"{who}@{tenant}.test" for tenant in DEMO_TENANTS for who, _, _ in _ROLES]
    return [*tenants, PLATFORM_OPERATOR]


async def _call(
    pipeline: Pipeline, actor: Actor, kind: Kind, name: str, payload: dict[str, Any]
) -> dict[str, Any]:
    result = await pipeline.invoke(kind, name, payload, internal_context(actor))
    if result.status != 200:
        raise SeedFailed(f"{name}: {result.status} {result.error and result.error.key}")
    return dict(result.body)


async def seed_demo(pipeline: Pipeline, password: str) -> bool:
    """Seed the demo tenants that are absent; True when anything was seeded."""
    seeded = False
    for slug in DEMO_TENANTS:
        async with pipeline.db.transaction(None, readonly=True) as conn:
            tenant = await tenant_by_slug(conn, slug)
        if tenant is None:
            await _seed_tenant(pipeline, slug, password)
            seeded = True
        elif await _without_plan(pipeline, tenant["tenant_id"]):  # seeded before plans
            await _set_plan(pipeline, tenant["tenant_id"], slug)
            seeded = True
    if await _operator_seeded(pipeline):
        return seeded
    await _seed_platform(pipeline, password)
    return True


async def _operator_seeded(pipeline: Pipeline) -> bool:
    """Whether the demo's operator exists: the platform's tenant alone is not enough, since
    `ossature operator create` makes it for operators of its own."""
    async with pipeline.db.transaction(None, readonly=True) as conn:
        platform = await tenant_by_slug(conn, PLATFORM_TENANT)
    if platform is None:
        return False
    async with pipeline.db.transaction(platform["tenant_id"], readonly=True) as conn:
        identity = pipeline.services[IdentityService]
        assert isinstance(identity, IdentityService)
        index = identity.index_of(platform["tenant_id"], PLATFORM_OPERATOR)
        return await account_by_email(conn, index) is not None


async def _without_plan(pipeline: Pipeline, tenant_id: str) -> bool:
    async with pipeline.db.transaction(tenant_id, readonly=True) as conn:
        return await conn.fetchval("select plan from tenant_subscriptions") is None


async def _set_plan(pipeline: Pipeline, tenant_id: str, slug: str) -> None:
    plan = {"tenantId": tenant_id, "plan": _SUBSCRIPTIONS[slug][1]}
    await _call(pipeline, OPERATOR, "command", "set-tenant-plan", plan)


async def _seed_platform(pipeline: Pipeline, password: str) -> None:
    """The platform's own tenant and its operator, a person who logs in like anyone."""
    try:
        await create_operator(pipeline, PLATFORM_OPERATOR, "Operator", password)
    except DomainError as error:
        raise SeedFailed(f"the platform's operator: {error.status} {error.key}") from None


async def _seed_tenant(pipeline: Pipeline, slug: str, password: str) -> None:
    country = _SUBSCRIPTIONS[slug][0]
    created = {
        "slug": slug,
        "displayName": slug.title(),
        "country": country,
        "region": _REGIONS[slug],
    }
    tenant = await _call(pipeline, OPERATOR, "command", "create-tenant", created)
    await _set_plan(pipeline, tenant["tenantId"], slug)
    actor = tenant_service(tenant["tenantId"], tenant["rootFolderId"])
    folders = {"Global": tenant["rootFolderId"]}
    for name, parent in (("EU", "Global"), ("France", "EU"), ("US", "Global")):
        made = await _call(
            pipeline, actor, "command", "create-folder", {"parentId": folders[parent], "name": name}
        )
        folders[name] = made["folderId"]
    for who, role, folder in _ROLES:
        account = {"email": f"{who}@{slug}.test", "displayName": who.title(), "password": password}
        made = await _call(pipeline, actor, "command", "register-account", account)
        assignment = {"accountId": made["accountId"], "role": role, "folderId": folders[folder]}
        await _call(pipeline, actor, "command", "assign-role", assignment)
    for folder, name in _PROJECTS:
        await _call(
            pipeline,
            actor,
            "command",
            "create-project",
            {"folderId": folders[folder], "name": name},
        )
