"""Events stored at an older version, as a circle-1 database holds them, reach the fold, the
history, the live projection and a rebuild in their type's newest shape (decision 97)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec

from ossature.kernel.consumers import rebuild
from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore
from ossature.kernel.ids import new_id
from ossature.modules.projects import MODULE as PROJECTS
from ossature.modules.projects.commands.rename_project import ProjectRenamed
from ossature.runtime.system import System
from tests.integration._push import PushTenant, listening, push_tenant, received
from tests.integration.support import Tenant, eventually

CATALOG = PROJECTS.projections[0]

_RAW_INSERT = """insert into events (event_id, event_type, schema_version, stream_type,
    stream_id, stream_version, tenant_id, occurred_at, payload, context)
    values ($1, $2, 1, 'project', $3, $4, $5, $6, $7::jsonb, $8::jsonb)"""


async def _store_v1_project(owner: Database, tenant: Tenant | PushTenant, project_id: str) -> None:
    """A project created then renamed, both rows written as version 1 wrote them."""
    context = msgspec.to_builtins(tenant.ctx("editor"))
    folder = tenant.folders["France"]
    created = {"projectId": project_id, "folderId": folder, "projectName": "Old"}
    renamed = {"projectId": project_id, "projectName": "New", "previousName": "Old"}
    now = datetime.now(UTC)
    async with owner.connection() as conn:
        for version, event_type, payload in [
            (1, "project-created", created),
            (2, "project-renamed", renamed),
        ]:
            await conn.execute(
                _RAW_INSERT,
                *(new_id(), event_type, project_id, version, tenant.tenant_id, now),
                *(payload, context),
            )


async def _catalog_row(system: System, tenant: Tenant, project_id: str) -> list[tuple[Any, ...]]:
    async with system.db.transaction(tenant.tenant_id) as conn:
        rows = await conn.fetch(
            "select name, version from projects where project_id = $1", project_id
        )
    return [(r["name"], r["version"]) for r in rows]


async def test_stored_v1_events_load_fold_and_replay_in_the_v2_shape(
    system: System, tenant: Tenant
) -> None:
    """The stream loads v2 project-renamed events, a rebuild folds them, a rename on top of
    them works and the live projection follows it."""
    assert system.pipeline is not None
    project_id = new_id()
    owner = await Database.connect(system.owner_url, min_size=1, max_size=2)
    try:
        await _store_v1_project(owner, tenant, project_id)
        async with system.db.transaction(tenant.tenant_id) as conn:
            stream = await system.pipeline.store.load(conn, project_id)
        await rebuild(owner, EventStore(system.app.event_types), CATALOG)
    finally:
        await owner.close()
    rebuilt = await _catalog_row(system, tenant, project_id)
    renamed = await tenant.command(
        "editor", "rename-project", {"projectId": project_id, "name": "Newer"}
    )
    live = await eventually(
        lambda: _catalog_row(system, tenant, project_id), lambda rows: rows == [("Newer", 3)]
    )
    history = await tenant.invoke(
        "editor", "query", "get-project-history", {"projectId": project_id}
    )
    entries = history.body["entries"]
    assert (
        ProjectRenamed(project_id=project_id, new_name="New", previous_name="Old"),
        [1, 2],
        [("New", 2)],
        3,
        [("Newer", 3)],
        [None, "New", "Newer"],
    ) == (
        stream.events[1],
        [e.schema_version for e in stream.envelopes],
        rebuilt,
        renamed["version"],
        live,
        [e["data"].get("newName") for e in entries],
    )


async def _description(system: System, tenant: Tenant, project_id: str) -> list[str]:
    async with system.db.transaction(tenant.tenant_id) as conn:
        rows = await conn.fetch(
            "select description from projects where project_id = $1", project_id
        )
    return [r["description"] for r in rows]


async def test_a_description_reaches_the_catalog_and_a_v1_creation_has_none(
    system: System, tenant: Tenant
) -> None:
    """The field added with a default is carried to the read model; events stored without
    it fold to an empty description."""
    made = await tenant.command(
        "editor",
        "create-project",
        {"folderId": tenant.folders["France"], "name": "Told", "description": "Why it exists"},
    )
    old = new_id()
    owner = await Database.connect(system.owner_url, min_size=1, max_size=2)
    try:
        await _store_v1_project(owner, tenant, old)
        await rebuild(owner, EventStore(system.app.event_types), CATALOG)
    finally:
        await owner.close()
    described = await eventually(
        lambda: _description(system, tenant, made["projectId"]), lambda rows: rows != []
    )
    assert (["Why it exists"], [""]) == (described, await _description(system, tenant, old))


async def test_the_notice_of_a_stored_v1_rename_is_pushed_in_the_v2_shape(system: System) -> None:
    """The notifier reads envelopes from JetStream, published as stored, and upcasts them:
    the rename's message still names the new name `projectName`."""
    acme = await push_tenant(system)
    project_id = new_id()
    async with listening(acme, "editor") as editor:
        owner = await Database.connect(system.owner_url, min_size=1, max_size=1)
        try:
            await _store_v1_project(owner, acme, project_id)
        finally:
            await owner.close()
        _, renamed = await received(editor, 2)
    assert ("project-renamed", {"projectName": "New", "previousName": "Old"}) == (
        renamed["eventType"],
        {k: renamed["params"][k] for k in ("projectName", "previousName")},
    )
