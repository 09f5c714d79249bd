"""Commands through the pipeline: idempotency under retries and races, authorization by scope."""

from __future__ import annotations

import asyncio
from typing import Any

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Event, Payload
from ossature.kernel.module import Anyone, CommandSpec, Module
from ossature.runtime.application import MODULES, Application
from ossature.runtime.pipeline import Pipeline
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


async def test_a_retry_its_handler_now_refuses_answers_the_first_outcome(
    system: System, tenant: Tenant
) -> None:
    """A rename at version 1, retried once the project is at version 2, answers as the first."""
    created = await tenant.command(
        "editor", "create-project", {"folderId": tenant.folders["France"], "name": "v1"}
    )
    key = new_id()
    rename = {"projectId": created["projectId"], "name": "v2", "expectedVersion": 1}
    first = await tenant.invoke("editor", "command", "rename-project", rename, key)
    second = await tenant.invoke("editor", "command", "rename-project", rename, key)
    fresh = await tenant.invoke("editor", "command", "rename-project", rename)
    expected = (200, first.body, 409)

    actual = (second.status, second.body, fresh.status)

    assert expected == actual


async def test_a_repeat_keeps_nothing_its_handler_wrote(system: System, tenant: Tenant) -> None:
    """A handler that writes directly runs again on a repeat, and the repeat is rolled back."""
    marker = f"direct-{new_id()}"

    async def write_directly(ctx: Context, payload: Any, deps: Deps) -> dict[str, Any]:
        async with deps.db.transaction(ctx.tenant_id) as conn:
            await conn.execute(
                "insert into projects (tenant_id, project_id, folder_id, name, version)"
                " values ($1, $2, $3, $4, 1)",
                ctx.tenant_id,
                new_id(),
                tenant.folders["France"],
                marker,
            )
        return {"written": True}

    spec = CommandSpec("write-directly", Payload, write_directly, Anyone())
    module = Module(name="direct-writes", commands=[spec], product=False)  # in no plan
    assert system.pipeline is not None
    base = system.pipeline
    pipeline = Pipeline(
        Application.of([*MODULES, module]), system.db, base.access, base.audit, base.services
    )
    ctx = tenant.ctx("editor", new_id())
    results = [await pipeline.invoke("command", "write-directly", {}, ctx) for _ in range(2)]
    async with system.db.transaction(tenant.tenant_id) as conn:
        rows = await conn.fetchval("select count(*) from projects where name = $1", marker)
    expected = ([200, 200], 1)

    actual = ([r.status for r in results], rows)

    assert expected == actual


class _Undeclared(Event, frozen=True):
    name = "thing-undeclared"


async def test_an_event_its_module_does_not_declare_is_refused_and_not_stored(
    system: System, tenant: Tenant
) -> None:
    """A command appending an event type missing from its module's table fails; nothing is stored."""
    stream = new_id()

    async def append_undeclared(ctx: Context, payload: Any, deps: Deps) -> dict[str, Any]:
        deps.uow.append("thing", stream, 0, [_Undeclared()])
        return {}

    spec = CommandSpec("append-undeclared", Payload, append_undeclared, Anyone())
    module = Module(name="careless", commands=[spec], product=False)  # in no plan
    assert system.pipeline is not None
    base = system.pipeline
    pipeline = Pipeline(
        Application.of([*MODULES, module]), system.db, base.access, base.audit, base.services
    )
    result = await pipeline.invoke(
        "command", "append-undeclared", {}, tenant.ctx("editor", new_id())
    )
    async with system.db.transaction(tenant.tenant_id) as conn:
        stored = await conn.fetchval("select count(*) from events where stream_id = $1", stream)

    assert (500, 0) == (result.status, stored)
