"""Commands through the pipeline: idempotency under retries and races, authorization by scope."""

from __future__ import annotations

import asyncio

from ossature.kernel.ids import new_id
from ossature.runtime.system import System
from tests.integration.support import Tenant


async def project_events(system: System, tenant: Tenant, name: str) -> int:
    async with system.db.transaction(tenant.tenant_id) as conn:
        return await conn.fetchval(
            "select count(*) from events where event_type = 'project-created' and payload->>'projectName' = $1",
            name,
        )


async def test_a_retried_command_appends_once_and_answers_the_same(
    system: System, tenant: Tenant
) -> None:
    """The same command sent twice with one Idempotency-Key appends once and answers alike."""
    key, payload = new_id(), {"folderId": tenant.folders["France"], "name": "retried"}
    first = await tenant.invoke("editor", "command", "create-project", payload, key)
    second = await tenant.invoke("editor", "command", "create-project", payload, key)
    assert (200, first.body) == (second.status, second.body)
    assert 1 == await project_events(system, tenant, "retried")


async def test_concurrent_duplicates_append_once(system: System, tenant: Tenant) -> None:
    """Twenty concurrent copies of one command with one key: one append, one answer for all."""
    key, payload = new_id(), {"folderId": tenant.folders["France"], "name": "raced"}
    results = await asyncio.gather(
        *(tenant.invoke("editor", "command", "create-project", payload, key) for _ in range(20))
    )
    assert {200} == {r.status for r in results}
    assert 1 == len({r.body["projectId"] for r in results})
    assert 1 == await project_events(system, tenant, "raced")


async def test_an_assignment_at_eu_covers_france_but_not_us(system: System, tenant: Tenant) -> None:
    """The editor at EU may create in France (inherited), not in US."""
    france = await tenant.invoke(
        "editor", "command", "create-project", {"folderId": tenant.folders["France"], "name": "ok"}
    )
    us = await tenant.invoke(
        "editor", "command", "create-project", {"folderId": tenant.folders["US"], "name": "no"}
    )
    assert (200, 403) == (france.status, us.status)


async def test_a_refused_command_changes_nothing(system: System, tenant: Tenant) -> None:
    """A denied or invalid command appends no event."""
    await tenant.invoke(
        "viewer", "command", "create-project", {"folderId": tenant.folders["US"], "name": "denied"}
    )
    await tenant.invoke(
        "editor", "command", "create-project", {"folderId": tenant.folders["France"], "name": ""}
    )
    assert 0 == await project_events(system, tenant, "denied")
