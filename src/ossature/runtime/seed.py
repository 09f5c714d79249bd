"""The demo data: two tenants, each with a folder tree, three accounts and a few projects,
and the platform's tenant with one human operator (who may impersonate: decision 51).

Seeded through the same pipeline as any client's commands, so the demo data
has events, history and audit entries like real data.
"""

from __future__ import annotations

from typing import Any

from ossature.kernel.context import Actor, Grant
from ossature.modules.tenancy.projections import tenant_by_slug
from ossature.runtime.contexts import OPERATOR, internal_context, tenant_service
from ossature.runtime.pipeline import Kind, Pipeline

__all__ = ["DEMO_TENANTS", "PLATFORM_OPERATOR", "PLATFORM_TENANT", "demo_accounts", "seed_demo"]

DEMO_TENANTS = ("acme", "globex")
PLATFORM_TENANT = "platform"
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
            if await tenant_by_slug(conn, slug):
                continue
        await _seed_tenant(pipeline, slug, password)
        seeded = True
    async with pipeline.db.transaction(None, readonly=True) as conn:
        if await tenant_by_slug(conn, PLATFORM_TENANT):
            return seeded
    await _seed_platform(pipeline, password)
    return True


async def _seed_platform(pipeline: Pipeline, password: str) -> None:
    """The platform's own tenant and its operator, a person who logs in like anyone."""
    tenant = await _call(
        pipeline,
        OPERATOR,
        "command",
        "create-tenant",
        {"slug": PLATFORM_TENANT, "displayName": "Platform"},
    )
    root = tenant["rootFolderId"]
    seeder = Actor(
        account_id="platform-seeder",
        kind="service",
        tenant_id=tenant["tenantId"],
        mechanism="internal",
        grants=(Grant(role="tenant-admin", folder_id=root), Grant("platform-operator", root)),
    )
    account = {"email": PLATFORM_OPERATOR, "displayName": "Operator", "password": password}
    made = await _call(pipeline, seeder, "command", "register-account", account)
    assignment = {"accountId": made["accountId"], "role": "platform-operator", "folderId": root}
    await _call(pipeline, seeder, "command", "assign-role", assignment)


async def _seed_tenant(pipeline: Pipeline, slug: str, password: str) -> None:
    tenant = await _call(
        pipeline, OPERATOR, "command", "create-tenant", {"slug": slug, "displayName": slug.title()}
    )
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
