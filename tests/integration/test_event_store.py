"""The event store on a real PostgreSQL: order, concurrency, append-only, late commits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from ossature.kernel._eventstore_sql import _READ_ALL, _READ_TYPES
from ossature.kernel.database import Database
from ossature.kernel.errors import ConcurrencyConflict
from ossature.kernel.eventstore import EventStore, PendingAppend
from ossature.kernel.idempotency import IdempotencyKey, IdempotencyRecord
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Envelope
from ossature.modules.projects.commands.create_project import ProjectCreated
from ossature.modules.projects.commands.rename_project import ProjectRenamed
from ossature.runtime.system import System
from tests.integration.support import Tenant, eventually

store = EventStore()


def created(project_id: str) -> PendingAppend:
    event = ProjectCreated(project_id=project_id, folder_id="f", project_name="p")
    return PendingAppend("project", project_id, 0, (event,))


async def append(db: Database, tenant: Tenant, pending: PendingAppend) -> None:
    async with db.transaction(tenant.tenant_id) as conn:
        await store.append(
            conn, tenant.ctx("admin"), tenant.tenant_id, datetime.now(UTC), [pending]
        )


async def test_a_stream_loads_in_version_order(system: System, tenant: Tenant) -> None:
    """Events appended to a stream load back in order, with their versions."""
    stream_id = new_id()
    renamed = ProjectRenamed(project_id=stream_id, new_name="q", previous_name="p")
    await append(system.db, tenant, created(stream_id))
    await append(system.db, tenant, PendingAppend("project", stream_id, 1, (renamed,)))
    async with system.db.transaction(tenant.tenant_id) as conn:
        stream = await store.load(conn, stream_id)
    assert [("project-created", 1), ("project-renamed", 2)] == [
        (e.event_type, e.stream_version) for e in stream.envelopes
    ]


async def test_appending_at_a_stale_version_is_a_conflict(system: System, tenant: Tenant) -> None:
    """Two writers that loaded the same version: the second append is refused."""
    stream_id = new_id()
    await append(system.db, tenant, created(stream_id))
    with pytest.raises(ConcurrencyConflict):
        await append(system.db, tenant, created(stream_id))


@pytest.mark.parametrize(
    "statement", ["update events set event_type = 'x'", "delete from events", "truncate events"]
)
async def test_events_cannot_be_changed_even_by_the_owner(
    system: System, tenant: Tenant, statement: str
) -> None:
    """The database refuses updates, deletes and truncation of events, whoever asks."""
    await append(system.db, tenant, created(new_id()))
    owner = await asyncpg.connect(system.owner_url)
    # Row-level security is forced on the owner too (unless it is a superuser): within the
    # tenant it sees the event, so the statement reaches a row, not an empty table.
    await owner.execute("select set_config('app.tenant_id', $1, false)", tenant.tenant_id)
    try:
        with pytest.raises(asyncpg.PostgresError):
            await owner.execute(statement)
    finally:
        await owner.close()


async def test_a_late_commit_is_read_in_its_place_not_skipped(
    system: System, tenant: Tenant
) -> None:
    """An event whose transaction commits after a later one is never skipped by a reader."""
    early, late = new_id(), new_id()
    ours = {early, late}
    async with system.relay_db.connection() as reader:
        before = await store.read_all(reader, (0, 0), 100_000)
        cursor = before[-1].position if before else (0, 0)
        async with system.db.pool.acquire() as slow:
            tx = slow.transaction()
            await tx.start()
            await slow.execute("select set_config('app.tenant_id', $1, true)", tenant.tenant_id)
            await store.append(
                slow, tenant.ctx("admin"), tenant.tenant_id, datetime.now(UTC), [created(early)]
            )
            await append(system.db, tenant, created(late))
            seen_while_open = [
                e.stream_id
                for e in await store.read_all(reader, cursor, 100_000)
                if e.stream_id in ours
            ]
            await tx.commit()

        async def ours_readable() -> list[str]:  # once no older transaction is open either
            return [
                e.stream_id
                for e in await store.read_all(reader, cursor, 100_000)
                if e.stream_id in ours
            ]

        seen_after = await eventually(ours_readable, lambda found: len(found) == 2)
    assert [] == seen_while_open
    assert [early, late] == seen_after


async def test_reading_by_type_returns_only_those_events_in_order(
    system: System, tenant: Tenant
) -> None:
    """A reader that asks for renames gets the renames alone, in global order."""
    assert system.relay_db is not None
    first, second = new_id(), new_id()
    async with system.relay_db.connection() as reader:
        before = await store.read_all(reader, (0, 0), 100_000)
        cursor = before[-1].position if before else (0, 0)
        for stream_id in (first, second):
            renamed = ProjectRenamed(project_id=stream_id, new_name="q", previous_name="p")
            await append(system.db, tenant, created(stream_id))
            await append(system.db, tenant, PendingAppend("project", stream_id, 1, (renamed,)))

        async def renames() -> list[Envelope]:  # readable once no older transaction is open
            return (await store.read_types(reader, cursor, {"project-renamed"}, 100_000)).envelopes

        read = await eventually(renames, lambda found: second in {e.stream_id for e in found})
    expected = [("project-renamed", first), ("project-renamed", second)]

    actual = [(e.event_type, e.stream_id) for e in read if e.stream_id in {first, second}]

    assert expected == actual
    assert {"project-renamed"} == {e.event_type for e in read}


async def test_a_read_by_type_sees_past_the_events_of_other_types(
    system: System, tenant: Tenant
) -> None:
    """A reader of renames that finds none after its cursor still learns that it has seen
    every event up to the last one readable, so its cursor moves past the others' events
    instead of scanning them again on each read; with the limit reached, it has seen up to
    the last event it got."""
    assert system.relay_db is not None
    first, second = new_id(), new_id()
    async with system.relay_db.connection() as reader:
        start = (await store.read_types(reader, (0, 0), {"no-such-event"}, 10)).seen_to
        for stream_id in (first, second):
            await append(system.db, tenant, created(stream_id))
        renamed = ProjectRenamed(project_id=first, new_name="q", previous_name="p")
        await append(system.db, tenant, PendingAppend("project", first, 1, (renamed,)))

        async def last_readable() -> list[Envelope]:
            return await store.read_all(reader, start, 100_000)

        readable = await eventually(  # all three readable: no older transaction holds back
            last_readable, lambda found: ("project-renamed", first) in _kinds(found)
        )
        none = await store.read_types(reader, start, {"no-such-event"}, 10)
        one = await store.read_types(reader, start, {"project-renamed"}, 1)
        both = await store.read_types(reader, start, {"project-created"}, 2)

    assert [] == none.envelopes
    assert none.seen_to >= readable[-1].position  # later events may have come since
    assert [first] == [e.stream_id for e in one.envelopes]
    assert one.seen_to == one.envelopes[0].position
    assert [first, second] == [e.stream_id for e in both.envelopes]
    assert both.seen_to == both.envelopes[-1].position < readable[-1].position


async def test_the_store_reader_walks_the_order_index_and_stops_at_the_limit(
    system: System,
) -> None:
    """Through the store reader's pool, the global read follows the order index and stops at
    the limit, never reading and sorting every event after the cursor (which makes each read
    cost the size of the backlog), even where the statistics make sorting look cheap: on
    this small test table the planner would otherwise sort."""
    assert system.relay_db is not None
    async with system.relay_db.connection() as reader:
        plan = await reader.fetchval(f"explain (format json) {_READ_ALL}", "0", 0, 10)
        typed = await reader.fetchval(
            f"explain (format json) {_READ_TYPES}", "0", 0, 10, ["project-created"]
        )
    assert ["Limit", "Index Scan"] == _plan_nodes(plan[0]["Plan"])
    limited = _limited(typed[0]["Plan"])
    assert 2 == len(limited)  # the page, and the last readable event
    assert {"Index Scan", "Index Only Scan"} >= {node["Node Type"] for node in limited}
    assert {"events_global_order"} == {node["Index Name"] for node in limited}


def _kinds(envelopes: list[Envelope]) -> set[tuple[str, str]]:
    return {(e.event_type, e.stream_id) for e in envelopes}


def _plan_nodes(node: dict[str, Any]) -> list[str]:
    return [node["Node Type"]] + [
        name for child in node.get("Plans", []) for name in _plan_nodes(child)
    ]


def _limited(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The nodes right under each Limit of a plan."""
    children = node.get("Plans", [])
    below = children if node["Node Type"] == "Limit" else []
    return below + [found for child in children for found in _limited(child)]


@pytest.mark.parametrize("count", [1, 2])
async def test_an_append_once_stores_each_event_as_stamped_and_a_repeat_stores_nothing(
    system: System, tenant: Tenant, count: int
) -> None:
    """One event (sent as plain values) or several (sent as arrays): every column read back
    is what the append stamped; the same key again appends nothing."""
    ctx = tenant.ctx("admin")
    pending = [created(new_id()) for _ in range(count)]
    key = IdempotencyKey(tenant.tenant_id, tenant.actors["admin"].account_id, new_id())
    record = IdempotencyRecord(key, "create-project", new_id(), {"ok": True})
    now = datetime.now(UTC)
    async with system.db.transaction(tenant.tenant_id) as conn:
        stamped = await store.append_once(conn, ctx, now, pending, record)
        again = await store.append_once(conn, ctx, now, [created(new_id())], record)
        loaded = await store.load_many(conn, [p.stream_id for p in pending])
    assert stamped is not None
    expected = ([_stored(e) for e in stamped], None)

    actual = ([_stored(e) for p in pending for e in loaded[p.stream_id].envelopes], again)

    assert expected == actual


def _stored(e: Envelope) -> tuple[Any, ...]:
    return (
        *(e.event_id, e.event_type, e.schema_version, e.stream_type, e.stream_id),
        *(e.stream_version, e.tenant_id, e.occurred_at, e.payload),
        *(e.context.trace.invocation_id, e.originating_event_id, e.causing_event_id),
    )
