"""Projections: fed through JetStream, exactly once in effect, rebuildable from the store."""

from __future__ import annotations

from typing import Any

from ossature.kernel.consumers import apply_batch, rebuild
from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore
from ossature.modules.projects.projections import CATALOG
from ossature.runtime.system import System
from tests.integration.support import Tenant, eventually


async def catalog(system: System, tenant: Tenant) -> list[dict[str, Any]]:
    async with system.db.transaction(tenant.tenant_id) as conn:
        return [dict(r) for r in await conn.fetch("select * from projects order by project_id")]


async def test_a_created_project_reaches_the_read_model(system: System, tenant: Tenant) -> None:
    """The relay and the durable consumer bring a new project into list-projects."""
    made = await tenant.command(
        "editor", "create-project", {"folderId": tenant.folders["France"], "name": "relayed"}
    )
    rows = await eventually(lambda: catalog(system, tenant), lambda rows: len(rows) == 1)
    assert [(made["projectId"], "relayed", 1)] == [
        (r["project_id"], r["name"], r["version"]) for r in rows
    ]


async def test_rebuilding_reproduces_the_read_model(system: System, tenant: Tenant) -> None:
    """Replaying the store into an emptied catalog gives back the same rows."""
    made = await tenant.command(
        "editor", "create-project", {"folderId": tenant.folders["France"], "name": "a"}
    )
    await tenant.command("editor", "rename-project", {"projectId": made["projectId"], "name": "b"})
    await tenant.command(
        "editor", "create-project", {"folderId": tenant.folders["France"], "name": "c"}
    )
    before = await eventually(
        lambda: catalog(system, tenant), lambda rows: {r["name"] for r in rows} == {"b", "c"}
    )
    owner = await Database.connect(system.owner_url, min_size=1, max_size=1)
    try:
        await rebuild(owner, EventStore(), CATALOG)
    finally:
        await owner.close()
    assert before == await catalog(system, tenant)


async def test_a_redelivered_batch_is_applied_once(system: System, tenant: Tenant) -> None:
    """Applying the same events twice (a redelivery) changes the read model once."""
    await tenant.command(
        "editor", "create-project", {"folderId": tenant.folders["France"], "name": "once"}
    )
    await eventually(lambda: catalog(system, tenant), lambda rows: len(rows) == 1)
    async with system.relay_db.connection() as reader:
        events = [
            e
            for e in await EventStore().read_all(reader, (0, 0), 100_000)
            if e.tenant_id == tenant.tenant_id
        ]
    async with system.db.connection() as conn, conn.transaction():
        applied = await apply_batch(conn, CATALOG, events)
    assert 0 == applied
    assert 1 == len(await catalog(system, tenant))
