"""The event store's side of benchmarks/partitions.py: the events it loads, what the
partition index costs an append, and the plan of a partition's read."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime

from ossature.kernel.context import Actor, Context, Grant
from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore, PendingAppend
from ossature.kernel.ids import new_id
from ossature.modules.projects.commands.create_project import ProjectCreated
from ossature.modules.projects.commands.rename_project import ProjectRenamed
from ossature.runtime.contexts import internal_context

PROJECTS_EACH = 5  # per transaction: their creations, then their renames


async def load(owner: Database, events: int, tenants: int) -> None:
    """Append `events` events (at least), a tenant's ten per transaction, tenants in turn."""
    ids = [new_id() for _ in range(tenants)]
    contexts = {t: _context(t) for t in ids}
    store, appended, now = EventStore(), 0, datetime.now(UTC)
    started = time.perf_counter()
    while appended < events:
        for tenant_id in ids:
            async with owner.transaction(tenant_id) as conn:
                await store.append(conn, contexts[tenant_id], tenant_id, now, _projects())
            appended += 2 * PROJECTS_EACH
    elapsed = time.perf_counter() - started
    print(f"loaded in {elapsed:.1f} s ({appended / elapsed:,.0f} events/s appended)")


def _context(tenant_id: str) -> Context:
    """An editor's, as a command of theirs would carry it."""
    grants = (Grant(role="editor", folder_id="folder"),)
    actor = Actor(
        account_id=new_id(), kind="user", tenant_id=tenant_id, mechanism="internal", grants=grants
    )
    return internal_context(actor)


def _projects() -> list[PendingAppend]:
    created = [
        ProjectCreated(project_id=new_id(), folder_id="folder", project_name=f"p{n}")
        for n in range(PROJECTS_EACH)
    ]
    renamed = [
        ProjectRenamed(project_id=c.project_id, new_name=f"{c.project_name}'", previous_name="")
        for c in created
    ]
    return [PendingAppend("project", c.project_id, 0, (c,)) for c in created] + [
        PendingAppend("project", r.project_id, 1, (r,)) for r in renamed
    ]


async def append_cost(owner: Database, rounds: int = 4, each: int = 50) -> None:
    """What the partition index costs an append: the same appends with it and without it
    (dropped, then made again), in turns, and the partition function's own cost per call."""
    tenant_id = new_id()
    ctx = _context(tenant_id)
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(rounds):
        for indexed in (True, False):
            await _index(owner, indexed)
            started = time.perf_counter()
            for _ in range(each):
                async with owner.transaction(tenant_id) as conn:
                    await EventStore().append(conn, ctx, tenant_id, datetime.now(UTC), _projects())
            times[indexed].append((time.perf_counter() - started) / (each * 2 * PROJECTS_EACH))
    await _index(owner, True)
    call = "select count(ossature_partition(md5(n::text), 16))"
    per_call = (await _timed(owner, call) - await _timed(owner, "select count(md5(n::text))")) / 1e5
    print(
        f"append, wall per event (10 a transaction), medians:"
        f" {1e6 * statistics.median(times[True]):.0f} µs with the partition index,"
        f" {1e6 * statistics.median(times[False]):.0f} µs without;"
        f" ossature_partition {1e6 * per_call:.1f} µs a call"
    )


async def _index(owner: Database, present: bool) -> None:
    async with owner.connection() as conn:
        if present:
            await conn.execute(
                "create index if not exists events_by_partition on events"
                " (ossature_partition(tenant_id, 16), transaction_id, position)"
            )
        else:
            await conn.execute("drop index if exists events_by_partition")


async def _timed(owner: Database, select: str) -> float:
    """The wall time of `select` over 100,000 numbers n, best of three."""
    async with owner.connection() as conn:
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            await conn.fetchval(f"{select} from generate_series(1, 100000) as n")
            best = min(best, time.perf_counter() - started)
        return best


async def plan(owner: Database) -> None:
    """The partition read's plan: served by the partition index, in order."""
    from ossature.kernel._eventstore_sql import _READ_PARTITION

    async with owner.connection() as conn:
        plan = await conn.fetch(
            f"explain (analyze, costs off) {_READ_PARTITION}",
            "0",
            0,
            200,
            ["project-created", "project-renamed"],
            3,
        )
    lines = [r[0] for r in plan]
    used = any("events_by_partition" in line for line in lines)
    took = next((line for line in lines if line.startswith("Execution Time")), "")
    print(f"partition read of 200: index used: {used}; {took}")
