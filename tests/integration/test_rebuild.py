"""A rebuild in bulk gives the rows the running projection built, and moves its checkpoints."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest

from ossature.kernel.consumers import rebuild
from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore
from ossature.kernel.ids import new_id
from ossature.kernel.projection import Projection
from ossature.kernel.relay import PARTITIONS
from ossature.modules.projects import MODULE as PROJECTS
from ossature.runtime.endpoints import Endpoints
from ossature.runtime.system import System
from ossature.tools.bench._rebuild import UnknownProjection, rebuild_timed
from tests.integration.support import Tenant, eventually, make_tenant

CATALOG = PROJECTS.projections[0]

_RAW_INSERT = """insert into events (event_id, event_type, schema_version, stream_type,
    stream_id, stream_version, tenant_id, occurred_at, payload, context)
    values ($1, $2, 1, 'project', $3, $4, $5, $6, $7::jsonb, $8::jsonb)"""


async def _mixed_streams(tenant: Tenant) -> dict[str, int]:
    """Projects created, renamed, archived and back: each project's id and last version."""
    folder = tenant.folders["France"]
    made = [
        (await tenant.command("editor", "create-project", {"folderId": folder, "name": name}))
        for name in (f"a-{new_id()}", f"b-{new_id()}", f"c-{new_id()}")
    ]
    first, second = made[0]["projectId"], made[1]["projectId"]
    await tenant.command("editor", "rename-project", {"projectId": first, "name": new_id()})
    await tenant.command("editor", "archive-project", {"projectId": first})
    await tenant.command("editor", "archive-project", {"projectId": second})
    await tenant.command("editor", "unarchive-project", {"projectId": second})
    return {made[0]["projectId"]: 3, second: 3, made[2]["projectId"]: 1}


async def _store_v1_project(owner: Database, tenant: Tenant) -> dict[str, int]:
    """A project created then renamed, as version 1 stored them (no description, the new name
    under `projectName`): its id and last version."""
    project_id, now = new_id(), datetime.now(UTC)
    context = msgspec.to_builtins(tenant.ctx("editor"))
    created = {"projectId": project_id, "folderId": tenant.folders["France"], "projectName": "Old"}
    renamed = {"projectId": project_id, "projectName": "New", "previousName": "Old"}
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
    return {project_id: 2}


async def _rows(owner: Database, tenants: list[Tenant]) -> list[dict[str, Any]]:
    async with owner.connection() as conn:
        rows = await conn.fetch(
            "select * from projects where tenant_id = any($1) order by project_id",
            [t.tenant_id for t in tenants],
        )
    return [dict(r) for r in rows]


async def _rebuilt(owner: Database, system: System, projection: Projection) -> int:
    return await rebuild(owner, EventStore(system.app.event_types), projection)


@pytest.fixture
async def owner(system: System) -> Any:
    connected = await Database.connect(system.owner_url, min_size=1, max_size=2)
    yield connected
    await connected.close()


async def test_a_bulk_rebuild_gives_the_rows_the_running_projection_built(
    system: System, tenant: Tenant, owner: Database
) -> None:
    """Over the streams of two tenants, with events stored at version 1 among them, the
    running projection, the rebuild in bulk and the rebuild event by event agree."""
    other = await make_tenant(system)
    versions = await _mixed_streams(tenant) | await _mixed_streams(other)
    versions |= await _store_v1_project(owner, other)
    built = await eventually(
        lambda: _rows(owner, [tenant, other]),
        lambda rows: {r["project_id"]: r["version"] for r in rows} == versions,
    )

    await _rebuilt(owner, system, CATALOG)
    in_bulk = await _rows(owner, [tenant, other])
    await _rebuilt(owner, system, dataclasses.replace(CATALOG, replay=None))
    one_by_one = await _rows(owner, [tenant, other])

    assert built == in_bulk
    assert built == one_by_one
    assert ("New", "") in {(r["name"], r["description"]) for r in in_bulk}  # upcast, defaulted


async def test_a_rebuild_moves_every_partition_s_checkpoint_past_the_store_s_last_event(
    system: System, tenant: Tenant, owner: Database
) -> None:
    """Each partition's checkpoint ends at the last event readable when the rebuild read,
    and the running projection applies what is appended after it."""
    versions = await _mixed_streams(tenant)
    async with owner.connection() as conn:
        last = await conn.fetchrow(
            "select transaction_id::text::bigint as txid, position from events"
            " where stream_id = any($1) order by transaction_id desc, position desc limit 1",
            list(versions),
        )

    await _rebuilt(owner, system, CATALOG)
    async with owner.connection() as conn:
        checkpoints = await conn.fetch(
            "select transaction_id::text::bigint as txid, position from projection_checkpoints"
            " where projection like 'projects-catalog/%'"
        )
    project_id = list(versions)[1]  # archived, then back: version 3
    await tenant.command("editor", "rename-project", {"projectId": project_id, "name": "after"})
    renamed = await eventually(
        lambda: _rows(owner, [tenant]),
        lambda rows: ("after", 4) in {(r["name"], r["version"]) for r in rows},
    )

    assert PARTITIONS == len(checkpoints)
    assert 1 == len({(c["txid"], c["position"]) for c in checkpoints})
    assert (checkpoints[0]["txid"], checkpoints[0]["position"]) >= (last["txid"], last["position"])
    assert 3 == len(renamed)


async def test_a_timed_rebuild_counts_the_events_it_replayed(
    system: System, tenant: Tenant, endpoints: Endpoints
) -> None:
    """`rebuild_timed`, behind the command and the bench, reports the projection, at least
    the events of this tenant's projects, and the time it took."""
    await _mixed_streams(tenant)

    rebuilt = await rebuild_timed(system.settings, endpoints, "projects-catalog")

    assert "projects-catalog" == rebuilt.projection
    assert rebuilt.events >= 7
    assert rebuilt.seconds > 0
    assert rebuilt.events / rebuilt.seconds == rebuilt.events_per_second


async def test_rebuilding_a_projection_no_module_declares_is_refused(
    system: System, endpoints: Endpoints
) -> None:
    """An unknown name is refused before anything starts, naming the known projections."""
    with pytest.raises(UnknownProjection, match="projects-catalog"):
        await rebuild_timed(system.settings, endpoints, "no-such-projection")


async def test_a_bulk_rebuild_on_a_pool_of_one_connection_is_refused(system: System) -> None:
    """It reads and writes on two connections: with one, it would wait for itself forever."""
    single = await Database.connect(system.owner_url, min_size=1, max_size=1)
    try:
        with pytest.raises(ValueError, match="two connections"):
            await _rebuilt(single, system, CATALOG)
    finally:
        await single.close()
