"""Helpers for integration tests: fresh tenants and actors, invocations through the pipeline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from ossature.kernel.context import Actor, Context, Grant
from ossature.kernel.ids import new_id
from ossature.modules.identity.projections import account_by_email as find_by_index
from ossature.modules.identity.service import IdentityService
from ossature.runtime.contexts import OPERATOR, internal_context, tenant_service
from ossature.runtime.pipeline import Kind, Result
from ossature.runtime.system import System

T = TypeVar("T")


@dataclass
class Tenant:
    """A tenant made for one test: its ids, folders by name, and actors by role name."""

    system: System
    tenant_id: str
    folders: dict[str, str]
    actors: dict[str, Actor] = field(default_factory=dict)

    def ctx(self, who: str, external_id: str | None = None) -> Context:
        return internal_context(self.actors[who], external_id)

    async def invoke(
        self, who: str, kind: Kind, name: str, payload: Any, external_id: str | None = None
    ) -> Result:
        assert self.system.pipeline is not None
        return await self.system.pipeline.invoke(kind, name, payload, self.ctx(who, external_id))

    async def command(self, who: str, name: str, payload: Any) -> dict[str, Any]:
        result = await self.invoke(who, "command", name, payload)
        assert result.status == 200, (name, result.status, result.error and result.error.key)
        return dict(result.body)


def user(tenant_id: str, role: str, folder_id: str) -> Actor:
    """A user acting without a session (no log-in): the runtime checks only sessions it has."""
    return Actor(
        account_id=new_id(),
        kind="user",
        tenant_id=tenant_id,
        mechanism="internal",
        grants=(Grant(role=role, folder_id=folder_id),),
    )


async def make_tenant(system: System, plan: str | None = "enterprise") -> Tenant:
    """A tenant with Global → EU → France, Global → US, and an admin, an editor and a viewer,
    on `plan` (by default enterprise: every product module, no quota; None: no plan set)."""
    assert system.pipeline is not None
    slug = f"t-{new_id().lower()[-12:]}"
    made = await system.pipeline.invoke(
        "command", "create-tenant", {"slug": slug, "displayName": slug}, internal_context(OPERATOR)
    )
    tenant_id, root = made.body["tenantId"], made.body["rootFolderId"]
    if plan is not None:
        await operate(system, "set-tenant-plan", {"tenantId": tenant_id, "plan": plan})
    tenant = Tenant(
        system, tenant_id, {"Global": root}, {"seeder": tenant_service(tenant_id, root)}
    )
    for name, parent in (("EU", "Global"), ("France", "EU"), ("US", "Global")):
        folder = await tenant.command(
            "seeder", "create-folder", {"parentId": tenant.folders[parent], "name": name}
        )
        tenant.folders[name] = folder["folderId"]
    tenant.actors["admin"] = user(tenant_id, "tenant-admin", root)
    tenant.actors["editor"] = user(tenant_id, "project-editor", tenant.folders["EU"])
    tenant.actors["viewer"] = user(tenant_id, "project-viewer", tenant.folders["US"])
    return tenant


async def operate(system: System, name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A platform operator's command (set-tenant-plan, enable-module, ...), which must succeed."""
    assert system.pipeline is not None
    result = await system.pipeline.invoke("command", name, payload, internal_context(OPERATOR))
    assert result.status == 200, (name, result.status, result.error and result.error.key)
    return dict(result.body)


async def eventually(
    probe: Callable[[], Awaitable[T]], done: Callable[[T], bool], within: float = 5.0
) -> T:
    """Poll `probe` until `done` holds for its value, or return the last value at the deadline."""
    deadline = time.monotonic() + within
    value = await probe()
    while not done(value) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        value = await probe()
    return value


async def open_session(system: System, tenant_id: str) -> str:
    """An open session's id, made directly in the credentials table: the guard an invocation
    made in it carries."""
    assert system.db is not None
    session_id = new_id()
    async with system.db.transaction(tenant_id) as conn:
        await conn.execute(
            "insert into credentials (tenant_id, credential_id, account_id, expires_at)"
            " values ($1, $2, $3, $4)",
            tenant_id,
            session_id,
            new_id(),
            datetime.now(UTC) + timedelta(hours=1),
        )
    return session_id


async def account_by_email(system: System, tenant_id: str, email: str) -> dict[str, Any] | None:
    """The tenant's account with this email, found as log-in finds it: by its blind index (its
    email and name are sealed, decision 93)."""
    assert system.db is not None and system.pipeline is not None
    identity = system.pipeline.services[IdentityService]
    assert isinstance(identity, IdentityService)
    async with system.db.transaction(tenant_id, readonly=True) as conn:
        return await find_by_index(conn, identity.index_of(tenant_id, email))


def plan_nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every node of an `explain (format json)` plan, the plan's own first."""
    return [plan] + [node for child in plan.get("Plans", []) for node in plan_nodes(child)]
