"""Metering: each successful command of a product module is metered exactly once, in the
statement that keeps its effects, at the folder its authorization decided at."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any, ClassVar

import asyncpg

from ossature.kernel.context import Actor
from ossature.kernel.eventstore import EventStore, PendingAppend
from ossature.kernel.group_commit import GroupCommit
from ossature.kernel.idempotency import IdempotencyKey, IdempotencyRecord
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Event
from ossature.kernel.meter import Meter
from ossature.modules.billing.cycles import month_end, month_start
from ossature.modules.billing.errors import QUOTA_EXCEEDED
from ossature.runtime.contexts import internal_context
from ossature.runtime.system import System
from tests.integration._billing import cycle_of, meter_entries
from tests.integration.support import Tenant, open_session


class Noted(Event, frozen=True):
    name: ClassVar[str] = "meter-test-noted"
    version: ClassVar[int] = 1
    note: str


async def test_a_product_command_is_metered_once_at_its_folder(tenant: Tenant) -> None:
    """create-project in France: one entry (projects, create-project, France, this
    invocation) and the cycle counts one more."""
    before = await cycle_of(tenant.system, tenant.tenant_id)
    payload = {"folderId": tenant.folders["France"], "name": "Lyon"}
    # when
    result = await tenant.invoke("admin", "command", "create-project", payload, new_id())
    # then
    assert 200 == result.status
    entries = await meter_entries(tenant.system, tenant.tenant_id)
    assert [("projects", "create-project", tenant.folders["France"], before.cycle_id)] == [
        (e["module"], e["command"], e["folder_id"], e["cycle_id"]) for e in entries
    ]
    assert before.used + 1 == (await cycle_of(tenant.system, tenant.tenant_id)).used


async def test_a_retried_key_is_metered_once(tenant: Tenant) -> None:
    """The same Idempotency-Key sent three times: one answer repeated, one entry, one count."""
    key = new_id()
    payload = {"folderId": tenant.folders["EU"], "name": "Berlin"}
    # when
    first = await tenant.invoke("admin", "command", "create-project", payload, key)
    again = [await tenant.invoke("admin", "command", "create-project", payload, key) for _ in "ab"]
    # then
    assert [first.body] * 2 == [result.body for result in again]
    assert 1 == len(await meter_entries(tenant.system, tenant.tenant_id))
    assert 1 == (await cycle_of(tenant.system, tenant.tenant_id)).used


async def test_platform_commands_are_never_metered(tenant: Tenant) -> None:
    """create-folder (tenancy) and assign-role (access) change things and count nothing."""
    # when
    await tenant.command("admin", "create-folder", {"parentId": tenant.folders["US"], "name": "NY"})
    # then (make_tenant's own folders were not metered either)
    assert [] == await meter_entries(tenant.system, tenant.tenant_id)
    assert 0 == (await cycle_of(tenant.system, tenant.tenant_id)).used


async def test_a_refused_command_is_not_metered(tenant: Tenant) -> None:
    """A viewer's create-project is denied: no entry, no count."""
    payload = {"folderId": tenant.folders["US"], "name": "Denied"}
    # when
    result = await tenant.invoke("viewer", "command", "create-project", payload)
    # then
    assert 403 == result.status
    assert ([], 0) == (
        await meter_entries(tenant.system, tenant.tenant_id),
        (await cycle_of(tenant.system, tenant.tenant_id)).used,
    )


class _Meters:
    """One-event metered commits of one tenant through one GroupCommit."""

    def __init__(self, system: System, tenant: Tenant, guard: str) -> None:
        assert system.db is not None
        self.tenant, self.guard = tenant, guard
        self.group = GroupCommit(system.db.pool, EventStore())
        self.actor = Actor(
            account_id=new_id(), kind="user", tenant_id=tenant.tenant_id, mechanism="internal"
        )

    def append(self) -> Any:
        ctx = internal_context(self.actor, new_id())
        key = IdempotencyKey(self.tenant.tenant_id, self.actor.account_id, new_id())
        record = IdempotencyRecord(key, "note", ctx.trace.invocation_id, {"ok": True})
        pending = [PendingAppend("note", new_id(), 0, (Noted(note="n"),))]
        meter = Meter("projects", self.tenant.folders["US"])
        return self.group.append_once(ctx, datetime.now(UTC), pending, record, self.guard, meter)


async def test_a_group_with_one_commit_over_the_quota_answers_each_its_own(
    system: System, tenant: Tenant
) -> None:
    """Five metered commits at once with room for three: the group is given up, three go in
    alone and two are refused with the quota's SQLSTATE; the count stops at the quota."""
    assert system.db is not None
    async with system.db.transaction(tenant.tenant_id) as conn:
        await conn.execute("update billing_cycles set quota = 3 where closed_at is null")
    meters = _Meters(system, tenant, await open_session(system, tenant.tenant_id))
    # when
    answers = await asyncio.gather(*(meters.append() for _ in range(5)), return_exceptions=True)
    # then
    refused = [a for a in answers if isinstance(a, asyncpg.PostgresError)]
    assert [QUOTA_EXCEEDED] * 2 == [error.sqlstate for error in refused]
    assert 3 == len(await meter_entries(system, tenant.tenant_id))
    assert 3 == (await cycle_of(system, tenant.tenant_id)).used


async def _projects_in(tenant: Tenant, counts: dict[str, int]) -> None:
    for folder, count in counts.items():
        for n in range(count):
            payload = {"folderId": tenant.folders[folder], "name": f"{folder} {n}"}
            await tenant.command("admin", "create-project", payload)


async def _usage(tenant: Tenant, group_by: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    span = {"from": month_start(now).isoformat(), "to": month_end(now).isoformat()}
    span["groupBy"] = group_by
    result = await tenant.invoke("admin", "query", "get-usage", span)
    assert 200 == result.status, result.error and result.error.key
    return dict(result.body)


async def test_usage_rolls_up_the_folder_tree(tenant: Tenant) -> None:
    """3 projects in France, 2 in EU, 1 in US: France 3, EU 5, US 1, Global 6, in tree order."""
    await _projects_in(tenant, {"France": 3, "EU": 2, "US": 1})
    # when
    usage = await _usage(tenant, "folder")
    # then
    f = tenant.folders
    assert 6 == usage["total"]
    assert [
        (f["Global"], "Global", None, 6),
        (f["EU"], "EU", f["Global"], 5),
        (f["France"], "France", f["EU"], 3),
        (f["US"], "US", f["Global"], 1),
    ] == [(r["key"], r["name"], r["parentId"], r["count"]) for r in usage["rows"]]


async def test_usage_by_module_and_by_command(tenant: Tenant) -> None:
    """The same operations counted by module and by command."""
    await _projects_in(tenant, {"France": 1})
    made = await tenant.command(
        "admin", "create-project", {"folderId": tenant.folders["EU"], "name": "to rename"}
    )
    rename = {"projectId": made["projectId"], "name": "renamed", "expectedVersion": 1}
    await tenant.command("admin", "rename-project", rename)
    # when
    by_module, by_command = await _usage(tenant, "module"), await _usage(tenant, "command")
    # then
    assert [("projects", 3)] == [(r["key"], r["count"]) for r in by_module["rows"]]
    assert [("create-project", 2), ("rename-project", 1)] == [
        (r["key"], r["count"]) for r in by_command["rows"]
    ]


async def test_usage_outside_the_span_counts_nothing_and_a_bad_span_is_refused(
    tenant: Tenant,
) -> None:
    """A span that ends before today counts none; a reversed span is 422 and keyed."""
    await _projects_in(tenant, {"US": 1})
    past = {"from": "2001-01-01", "to": "2001-02-01", "groupBy": "folder"}
    reversed_span = {"from": "2001-02-01", "to": "2001-01-01", "groupBy": "folder"}
    # when
    empty = await tenant.invoke("admin", "query", "get-usage", past)
    refused = await tenant.invoke("admin", "query", "get-usage", reversed_span)
    # then
    assert (200, 0, []) == (empty.status, empty.body["total"], empty.body["rows"])
    assert (422, "billing.usage-span-invalid") == (
        refused.status,
        refused.error and refused.error.key,
    )


async def test_usage_is_read_by_the_tenant_admin_only(tenant: Tenant) -> None:
    """An editor may not read the tenant's usage."""
    span = {"from": "2001-01-01", "to": "2001-02-01", "groupBy": "module"}
    # when
    result = await tenant.invoke("editor", "query", "get-usage", span)
    # then
    assert 403 == result.status


async def test_a_group_of_metered_commits_counts_each_once(system: System, tenant: Tenant) -> None:
    """Ten metered commits made at once go in one group: ten entries, and the count is ten."""
    meters = _Meters(system, tenant, await open_session(system, tenant.tenant_id))
    # when
    answers = await asyncio.gather(*(meters.append() for _ in range(10)))
    # then
    invocations = sorted(a[0].context.trace.invocation_id for a in answers)
    entries = await meter_entries(system, tenant.tenant_id)
    assert (10, invocations) == (meters.group.grouped, sorted(e["invocation_id"] for e in entries))
    assert 10 == (await cycle_of(system, tenant.tenant_id)).used
