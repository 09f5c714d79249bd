"""A read of many streams at once (the notifier loads every stream of a batch) probes the
streams' index, one stream at a time, whatever the planner's statistics say: read as
`stream_id = any(...)`, a batch of 200 ids against a store grown since it was last analyzed
was planned as a scan of every event, and so its cost grew with the store."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import ClassVar

from ossature.kernel._eventstore_sql import _READ_STREAMS
from ossature.kernel.eventstore import EventStore, PendingAppend
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Event
from ossature.runtime.system import System
from tests.integration.support import Tenant, plan_nodes

STREAMS = 3000  # in the store, each with one event
READ = 200  # as many streams as a notifier's batch may name
STREAMS_INDEX = "events_stream_id_stream_version_key"


class Noted(Event, frozen=True):
    """An event no projection, saga or notice reacts to: the store holds it, nothing else."""

    name: ClassVar[str] = "plan-probe-noted"
    note: str


def _noted(stream_id: str, version: int = 0) -> PendingAppend:
    return PendingAppend("plan-probe", stream_id, version, (Noted(note=f"at {version}"),))


async def test_a_read_of_many_streams_probes_the_index_and_keeps_each_stream_in_order(
    system: System, tenant: Tenant
) -> None:
    """Every read of `events` goes through the streams' index (an index scan, or a bitmap of
    it without statistics), none scans the table, with the events just appended and not yet
    analyzed; the streams come back whole, each in version order."""
    store = EventStore()
    streams = [new_id() for _ in range(STREAMS)]
    async with system.db.transaction(tenant.tenant_id) as conn:
        ctx, now = tenant.ctx("admin"), datetime.now(UTC)
        await store.append(conn, ctx, tenant.tenant_id, now, [_noted(s) for s in streams])
        await store.append(conn, ctx, tenant.tenant_id, now, [_noted(streams[0], 1)])
    wanted = streams[:READ]
    async with system.db.transaction(tenant.tenant_id, readonly=True) as conn:
        loaded = await store.load_many(conn, wanted)
        plan = await conn.fetchval(f"explain (format json) {_READ_STREAMS}", wanted)
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes = plan_nodes(plan[0]["Plan"])
    reads = [n for n in nodes if n.get("Relation Name") == "events"]
    assert reads, "the statement reads events"
    assert {"Index Scan", "Bitmap Heap Scan"} >= {n["Node Type"] for n in reads}
    assert {STREAMS_INDEX} == {n["Index Name"] for n in nodes if "Index Name" in n}
    versions = {s: [e.stream_version for e in loaded[s].envelopes] for s in loaded}
    assert {s: [1] for s in wanted[1:]} | {streams[0]: [1, 2]} == versions
