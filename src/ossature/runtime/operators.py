"""Platform operators: people of the platform's own tenant, holding only the platform-operator
role there. They are no member of any customer's tenant (decision 72).

Made through the pipeline, as the seed makes the demo's, so an operator's account has its
events and audit entries like any other.
"""

from __future__ import annotations

from typing import Any

from ossature.kernel.context import Actor, Grant
from ossature.modules.tenancy.perimeter import PLATFORM_TENANT
from ossature.modules.tenancy.projections import tenant_by_slug
from ossature.runtime.contexts import OPERATOR, internal_context
from ossature.runtime.pipeline import Pipeline

__all__ = ["create_operator", "platform_tenant"]


async def _command(pipeline: Pipeline, actor: Actor, name: str, payload: Any) -> dict[str, Any]:
    result = await pipeline.invoke("command", name, payload, internal_context(actor))
    if result.error is not None:
        raise result.error
    return dict(result.body)


async def platform_tenant(pipeline: Pipeline) -> tuple[str, str]:
    """The platform tenant's id and root folder, the tenant made when absent."""
    async with pipeline.db.transaction(None, readonly=True) as conn:
        tenant = await tenant_by_slug(conn, PLATFORM_TENANT)
    if tenant is not None:
        return str(tenant["tenant_id"]), str(tenant["root_folder_id"])
    made = await _command(
        pipeline, OPERATOR, "create-tenant", {"slug": PLATFORM_TENANT, "displayName": "Platform"}
    )
    return made["tenantId"], made["rootFolderId"]


async def create_operator(pipeline: Pipeline, email: str, name: str, password: str) -> str:
    """A new operator account in the platform tenant (made when absent) with the
    platform-operator role at its root and no other; its account id. The DomainError of
    register-account when the email is already an account there (identity.email-taken)."""
    tenant_id, root = await platform_tenant(pipeline)
    seeder = Actor(
        account_id="platform-seeder",
        kind="service",
        tenant_id=tenant_id,
        mechanism="internal",
        grants=(Grant(role="tenant-admin", folder_id=root), Grant("platform-operator", root)),
    )
    account = {"email": email, "displayName": name, "password": password}
    made = await _command(pipeline, seeder, "register-account", account)
    assignment = {"accountId": made["accountId"], "role": "platform-operator", "folderId": root}
    await _command(pipeline, seeder, "assign-role", assignment)
    return str(made["accountId"])
