"""Every answered invocation has its audit entry when its answer comes back: a command's is
committed with its effects, a repeat's names the invocation it repeats, any other's is
committed by the audit writer before the answer (decision 33)."""

from __future__ import annotations

import asyncio
from typing import Any

from ossature.kernel.ids import new_id
from ossature.runtime.system import System
from tests.integration.support import Tenant

_ENTRIES = """select kind, name, outcome, status, message_key, repeat_of
    from audit_entries where invocation_id = any($1::text[]) order by invocation_id"""


async def entries(tenant: Tenant, *invocation_ids: str) -> list[tuple[Any, ...]]:
    async with tenant.system.db.transaction(tenant.tenant_id) as conn:
        return [tuple(row) for row in await conn.fetch(_ENTRIES, list(invocation_ids))]


async def test_a_commands_entry_is_in_when_it_is_answered(system: System, tenant: Tenant) -> None:
    """No flush, no wait: the entry was committed with the project's event."""
    ctx = tenant.ctx("editor")
    payload = {"folderId": tenant.folders["France"], "name": "audited"}
    assert system.pipeline is not None

    result = await system.pipeline.invoke("command", "create-project", payload, ctx)

    found = await entries(tenant, ctx.trace.invocation_id)
    assert 200 == result.status
    assert [("command", "create-project", "allowed", 200, None, None)] == found


async def test_a_repeat_has_an_entry_of_its_own_that_names_the_first(
    system: System, tenant: Tenant
) -> None:
    """Three sends of one key: one entry that ran, two that name it as what they repeat."""
    key, payload = new_id(), {"folderId": tenant.folders["France"], "name": "thrice"}
    contexts = [tenant.ctx("editor", key) for _ in range(3)]
    assert system.pipeline is not None

    for ctx in contexts:
        await system.pipeline.invoke("command", "create-project", payload, ctx)

    first = contexts[0].trace.invocation_id
    found = await entries(tenant, *(ctx.trace.invocation_id for ctx in contexts))
    assert [None, first, first] == sorted(
        (row[5] for row in found), key=lambda repeat_of: repeat_of or ""
    )
    assert {("command", "create-project", "allowed", 200)} == {row[:4] for row in found}


async def test_queries_and_refusals_have_their_entries_when_answered(
    system: System, tenant: Tenant
) -> None:
    """A query, a refused command and an unknown query, run at once: each entry is in as soon
    as each answer is back."""
    assert system.pipeline is not None
    query, refused, unknown = (tenant.ctx(who) for who in ("viewer", "editor", "viewer"))
    denied = {"folderId": tenant.folders["US"], "name": "not here"}

    await asyncio.gather(
        system.pipeline.invoke("query", "list-projects", {}, query),
        system.pipeline.invoke("command", "create-project", denied, refused),
        system.pipeline.invoke("query", "brew-coffee", {}, unknown),
    )

    found = await entries(tenant, *(c.trace.invocation_id for c in (query, refused, unknown)))
    assert sorted(
        [
            ("query", "list-projects", "allowed", 200, None, None),
            ("command", "create-project", "denied", 403, "errors.denied", None),
            ("query", "unknown", "failed", 404, "errors.unknown-query", None),
        ]
    ) == sorted(found)
