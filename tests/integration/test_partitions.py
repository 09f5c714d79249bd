"""Partitions: NATS, PostgreSQL and Python agree on a tenant's partition, and workers that
share a projection by partition apply every event once, each tenant's in order."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime
from typing import Any, ClassVar

from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from ossature.kernel.consumers import ProjectionRunner, rebuild
from ossature.kernel.context import Context
from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore, PendingAppend
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Event, Position
from ossature.kernel.projection import Projection, partition_checkpoint, take_checkpoint
from ossature.kernel.relay import EVENT_STREAM, PARTITIONS, ensure_event_stream, partition_of
from ossature.modules.projects import MODULE as PROJECTS
from ossature.runtime.contexts import internal_context
from ossature.runtime.migrate import database_url_for
from ossature.runtime.system import System
from tests.integration.support import Tenant, eventually, user

TENANTS = 60
EVENTS_EACH = 12


class Raced(Event, frozen=True):
    """An event of the race under test: its stream's version says its order."""

    name: ClassVar[str] = "partition-raced"

    n: int


def _tenant_ids(count: int) -> list[str]:
    """Tenant ids as made, and a few odd tokens (non-ASCII, long, short)."""
    return [new_id() for _ in range(count)] + ["é-ü-ß", "x", "t" * 200, "0", "ümlaut-Ω"]


async def test_nats_postgresql_and_python_agree_on_every_tenant_s_partition(
    system: System,
) -> None:
    """The partition token that the event stream stores each subject under is the one
    `ossature_partition` computes in SQL and `partition_of` in Python."""
    tenants = _tenant_ids(300)
    js = system.nc.jetstream()
    for tenant_id in tenants:
        await js.publish(f"ossature.events.{tenant_id}.partition-probe.probed", b"{}")
    stored = await _stored_partitions(js, len(tenants))
    async with system.db.connection() as conn:
        rows = await conn.fetch(
            "select t, ossature_partition(t, $2) as p from unnest($1::text[]) as t",
            tenants,
            PARTITIONS,
        )
    in_sql = {r["t"]: r["p"] for r in rows}
    expected = {t: partition_of(t) for t in tenants}

    assert (expected, expected) == (stored, in_sql)
    assert len(set(expected.values())) == PARTITIONS


async def _stored_partitions(js: Any, count: int) -> dict[str, int]:
    """Each probe's tenant and the partition its stored subject names."""
    config = ConsumerConfig(
        ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL, inactive_threshold=5.0
    )
    subject = "ossature.events.*.*.partition-probe.probed"
    subscription = await js.pull_subscribe(subject, stream=EVENT_STREAM, config=config)
    found: dict[str, int] = {}
    try:
        while len(found) < count:
            for message in await subscription.fetch(500, timeout=5):
                _, _, partition, tenant_id, *_ = message.subject.split(".")
                found[tenant_id] = int(partition)
    finally:
        await subscription.unsubscribe()
    return found


async def test_an_event_stream_made_before_partitions_is_partitioned_in_place(
    system: System,
) -> None:
    """The stream without its subject transform (as made before partitions) gets it back
    from `ensure_event_stream`, its messages kept."""
    js = system.nc.jetstream()
    before = await js.stream_info(EVENT_STREAM)
    await js.update_stream(dataclasses.replace(before.config, subject_transform=None))
    unpartitioned = (await js.stream_info(EVENT_STREAM)).config.subject_transform
    await ensure_event_stream(js)
    after = await js.stream_info(EVENT_STREAM)
    transform = after.config.subject_transform
    assert unpartitioned is None
    assert transform is not None
    assert ("ossature.events.*.*.*", f"{{{{partition({PARTITIONS},1)}}}}") == (
        transform.src,
        transform.dest.split(".")[2],
    )
    assert after.state.messages >= before.state.messages


async def test_the_partition_index_counts_the_partitions_the_code_does(system: System) -> None:
    """The store's partition index (kernel/migrations/live/ossature_partition.sql) names PARTITIONS."""
    async with system.db.connection() as conn:
        definition = await conn.fetchval(
            "select indexdef from pg_indexes where indexname = 'events_by_partition'"
        )
    assert f"ossature_partition(tenant_id, {PARTITIONS})" in definition


async def test_two_workers_racing_over_many_tenants_apply_each_event_once_in_order(
    system: System,
) -> None:
    """Two runners of one projection, each on connections of its own, catch up while events
    of 60 tenants are appended: every event is applied exactly once (a repeat would break
    the table's key), and each tenant's in the order of its stream."""
    owner = await Database.connect(system.owner_url, min_size=1, max_size=2)
    await _make_table(owner)
    runners, pools = await _runners(system, count=2)
    tenants = [new_id() for _ in range(TENANTS)]
    try:
        appending = asyncio.ensure_future(_append_rounds(owner, tenants))
        try:
            while not appending.done():
                await asyncio.gather(*(runner.catch_up() for runner in runners))
        finally:
            await appending

        async def applied() -> list[Any]:
            await asyncio.gather(*(runner.catch_up() for runner in runners))
            async with owner.connection() as conn:
                return list(
                    await conn.fetch(
                        "select tenant, n from raced_under_test where tenant = any($1)"
                        " order by applied",
                        tenants,
                    )
                )

        rows = await eventually(applied, lambda rows: len(rows) == TENANTS * EVENTS_EACH)
    finally:
        for pool in pools:
            await pool.close()
        await owner.close()
    by_tenant: dict[str, list[int]] = {}
    for row in rows:
        by_tenant.setdefault(row["tenant"], []).append(row["n"])
    assert {t: list(range(1, EVENTS_EACH + 1)) for t in tenants} == by_tenant


async def _make_table(owner: Database) -> None:
    """The race's table: no `tenant_id` column, for it is no tenant's (no RLS to check)."""
    async with owner.connection() as conn:
        await conn.execute(
            "create table if not exists raced_under_test (event_id text primary key,"
            " tenant text not null, n int not null,"
            " applied bigint generated always as identity)"
        )
        await conn.execute("grant select, insert on raced_under_test to ossature_worker")


async def _record(conn: Any, envelope: Any) -> None:
    await conn.execute(
        "insert into raced_under_test (event_id, tenant, n) values ($1, $2, $3)",
        envelope.event_id,
        envelope.tenant_id,
        envelope.payload["n"],
    )


RACED = Projection("raced-under-test", {Raced.name: _record}, ("raced_under_test",))


async def _runners(system: System, count: int) -> tuple[list[ProjectionRunner], list[Database]]:
    """Runners of RACED with small batches, each on pools of its own."""
    assert system.secrets is not None
    roles = system.secrets.database_roles
    runners, pools = [], []
    for _ in range(count):
        worker = await Database.connect(
            database_url_for(system.owner_url, "ossature_worker", roles["ossature_worker"]),
            min_size=1,
            max_size=2,
        )
        source = await Database.connect(
            database_url_for(system.owner_url, "ossature_relay", roles["ossature_relay"]),
            min_size=1,
            max_size=2,
        )
        pools += [worker, source]
        runners.append(ProjectionRunner(worker, source, system.nc, RACED, batch=5))
    return runners, pools


async def _append_rounds(owner: Database, tenants: list[str]) -> None:
    """Each round appends the next event of every tenant's stream, a tenant per commit."""
    streams = {t: new_id() for t in tenants}
    for n in range(1, EVENTS_EACH + 1):
        for tenant_id in tenants:
            pending = PendingAppend("race", streams[tenant_id], n - 1, (Raced(n=n),))
            async with owner.transaction(tenant_id) as conn:
                ctx = _context(tenant_id)
                await EventStore().append(conn, ctx, tenant_id, datetime.now(UTC), [pending])
        await asyncio.sleep(0)


def _context(tenant_id: str) -> Context:
    return internal_context(user(tenant_id, "editor", "folder"))


async def test_a_partition_another_worker_holds_is_caught_up_once_it_is_released(
    system: System,
) -> None:
    """A bell for a partition that another worker is applying is not lost: the catch-up
    waits for the partition once nothing else is left, and reads what came meanwhile."""
    assert system.worker_db is not None and system.relay_db is not None
    tenant_id, seen = new_id(), []

    async def see(conn: Any, envelope: Any) -> None:
        if envelope.tenant_id == tenant_id:
            seen.append(envelope.payload["n"])

    held = Projection(f"held-under-test-{new_id()}", {Raced.name: see}, ())
    runner = ProjectionRunner(system.worker_db, system.relay_db, system.nc, held)
    await runner.catch_up()
    owner = await Database.connect(system.owner_url, min_size=1, max_size=2)
    try:
        async with system.worker_db.connection() as conn, conn.transaction():
            await take_checkpoint(conn, held.name, partition_of(tenant_id))  # another worker's
            await _append_rounds(owner, [tenant_id])
            catching_up = asyncio.ensure_future(runner.catch_up({partition_of(tenant_id)}))
            await eventually(lambda: _waiting_for_a_checkpoint(owner), lambda n: n > 0)
        await catching_up
    finally:
        await owner.close()
    assert list(range(1, EVENTS_EACH + 1)) == seen


async def _waiting_for_a_checkpoint(owner: Database) -> int:
    async with owner.connection() as conn:
        return int(
            await conn.fetchval(
                "select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                " and query like '%from projection_checkpoints%'"
            )
        )


async def test_an_upgraded_projection_starts_each_partition_at_its_old_checkpoint(
    system: System, tenant: Tenant
) -> None:
    """A checkpoint kept before partitions (one per projection) is where each partition's
    starts: an upgraded worker replays nothing and skips nothing."""
    assert system.worker_db is not None
    name, old = f"upgraded-{new_id()}", (12_345, 678)
    async with system.worker_db.connection() as conn, conn.transaction():
        await conn.execute(
            "insert into projection_checkpoints (projection, transaction_id, position)"
            " values ($1, $2::text::xid8, $3)",
            name,
            str(old[0]),
            old[1],
        )
        taken = [await take_checkpoint(conn, name, p) for p in range(PARTITIONS)]
    assert [old] * PARTITIONS == taken


async def test_rebuilding_moves_every_partition_s_checkpoint_to_where_it_ended(
    system: System, tenant: Tenant
) -> None:
    """A rebuild replays every partition at once and leaves all their checkpoints at its end."""
    catalog = PROJECTS.projections[0]
    await tenant.command(
        "editor", "create-project", {"folderId": tenant.folders["France"], "name": "rebuilt"}
    )
    owner = await Database.connect(system.owner_url, min_size=1, max_size=2)
    try:
        await rebuild(owner, EventStore(system.app.event_types), catalog)
        async with owner.connection() as conn:
            rows = await conn.fetch(
                "select transaction_id::text::bigint as txid, position from projection_checkpoints"
                " where projection = any($1)",
                [partition_checkpoint(catalog.name, p) for p in range(PARTITIONS)],
            )
    finally:
        await owner.close()
    positions: set[Position] = {(r["txid"], r["position"]) for r in rows}
    assert (PARTITIONS, 1) == (len(rows), len(positions))
    assert (0, 0) < positions.pop()
