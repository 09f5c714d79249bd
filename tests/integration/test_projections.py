"""Projections: fed through JetStream, exactly once in effect, rebuildable from the store."""

from __future__ import annotations

import io
import json
import time
from typing import Any

import pytest
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from ossature.kernel.consumers import ProjectionRunner, apply_batch, rebuild, subjects_of
from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore
from ossature.kernel.logging import configure_logging
from ossature.kernel.projection import Projection, take_checkpoint
from ossature.kernel.relay import EVENT_STREAM, partition_of
from ossature.modules.projects import MODULE as PROJECTS
from ossature.runtime.system import System
from tests.integration.support import Tenant, eventually

CATALOG = PROJECTS.projections[0]


async def catalog(system: System, tenant: Tenant) -> list[dict[str, Any]]:
    async with system.db.transaction(tenant.tenant_id) as conn:
        return [dict(r) for r in await conn.fetch("select * from projects order by project_id")]


async def test_a_created_project_reaches_the_read_model(system: System, tenant: Tenant) -> None:
    """The relay and the durable consumer bring a new project into list-projects."""
    made = await tenant.command(
        "editor", "create-project", {"folderId": tenant.folders["France"], "name": "relayed"}
    )
    rows = await eventually(lambda: catalog(system, tenant), lambda rows: len(rows) == 1)
    assert [(made["projectId"], "relayed", 1)] == [
        (r["project_id"], r["name"], r["version"]) for r in rows
    ]


async def test_archiving_and_unarchiving_fold_onto_the_projects_row(
    system: System, tenant: Tenant
) -> None:
    """The catalog's row follows the project's own fold: archived, then back, version 3."""
    made = await tenant.command(
        "editor", "create-project", {"folderId": tenant.folders["France"], "name": "back"}
    )
    archived = await tenant.command("editor", "archive-project", {"projectId": made["projectId"]})
    back = await tenant.command("editor", "unarchive-project", {"projectId": made["projectId"]})
    rows = await eventually(
        lambda: catalog(system, tenant), lambda rows: [r["version"] for r in rows] == [3]
    )
    assert ([2, 3], [("back", False)]) == (
        [archived["version"], back["version"]],
        [(r["name"], r["archived"]) for r in rows],
    )


async def test_rebuilding_reproduces_the_read_model(system: System, tenant: Tenant) -> None:
    """Replaying the store into an emptied catalog gives back the same rows."""
    made = await tenant.command(
        "editor", "create-project", {"folderId": tenant.folders["France"], "name": "a"}
    )
    await tenant.command("editor", "rename-project", {"projectId": made["projectId"], "name": "b"})
    for name in ("c", "d"):  # consecutive creations: one run, one statement, on rebuild
        await tenant.command(
            "editor", "create-project", {"folderId": tenant.folders["France"], "name": name}
        )
    before = await eventually(
        lambda: catalog(system, tenant), lambda rows: {r["name"] for r in rows} == {"b", "c", "d"}
    )
    owner = await Database.connect(system.owner_url, min_size=1, max_size=2)
    try:
        await rebuild(owner, EventStore(system.app.event_types), CATALOG)
    finally:
        await owner.close()
    assert before == await catalog(system, tenant)


async def test_a_redelivered_batch_is_applied_once(system: System, tenant: Tenant) -> None:
    """Applying the same events twice (a redelivery) changes the read model once."""
    await tenant.command(
        "editor", "create-project", {"folderId": tenant.folders["France"], "name": "once"}
    )
    await eventually(lambda: catalog(system, tenant), lambda rows: len(rows) == 1)
    async with system.relay_db.connection() as reader:
        events = [
            e
            for e in await EventStore().read_all(reader, (0, 0), 100_000)
            if e.tenant_id == tenant.tenant_id
        ]
    assert system.worker_db is not None  # the checkpoints are the workers'
    async with system.worker_db.connection() as conn, conn.transaction():
        applied = await apply_batch(conn, CATALOG, partition_of(tenant.tenant_id), events)
    assert 0 == applied
    assert 1 == len(await catalog(system, tenant))


async def test_a_failed_batch_is_applied_later_never_skipped(
    system: System, tenant: Tenant
) -> None:
    """A batch that fails is applied on the next catch-up, once, with the events after it."""
    owner = await Database.connect(system.owner_url, min_size=1, max_size=1)
    async with owner.connection() as conn:
        await conn.execute("create table if not exists seen_under_test (event_id text primary key)")
        await conn.execute(
            "grant select, insert, delete on seen_under_test to ossature_app, ossature_worker"
        )
    await owner.close()
    failing = {"armed": True}

    async def seen(conn: Any, envelope: Any) -> None:
        if failing["armed"] and envelope.tenant_id == tenant.tenant_id:
            raise RuntimeError("the projection fails on this tenant's first event")
        await conn.execute("insert into seen_under_test values ($1)", envelope.event_id)

    projection = Projection("seen-under-test", {"project-created": seen}, ("seen_under_test",))
    runner = ProjectionRunner(system.worker_db, system.relay_db, system.nc, projection)
    await runner.catch_up()  # everything before this test's tenant
    france = tenant.folders["France"]
    for name in ("one", "two"):
        await tenant.command("editor", "create-project", {"folderId": france, "name": name})
    with pytest.raises(RuntimeError):
        await runner.catch_up()
    failing["armed"] = False
    await tenant.command("editor", "create-project", {"folderId": france, "name": "three"})
    ours = await _event_ids(system, tenant)

    async def applied() -> list[str]:  # "three" is read once no older transaction is open
        await runner.catch_up()
        async with system.db.connection() as conn:
            rows = await conn.fetch(
                "select event_id from seen_under_test where event_id = any($1)", ours
            )
        return sorted(r["event_id"] for r in rows)

    found = await eventually(applied, lambda found: len(found) == len(ours))
    await runner.catch_up()  # nothing left: a second apply would break the primary key

    assert sorted(ours) == found
    assert 3 == len(ours)


async def test_a_runner_moves_past_the_events_it_does_not_handle(
    system: System, tenant: Tenant
) -> None:
    """A projection of a rare event type, which the store does not even send the others,
    moves its checkpoint past them: its next catch-up starts after them instead of
    scanning them again (a cost that would grow with every event of other types)."""

    async def ignore(conn: Any, envelope: Any) -> None:
        raise AssertionError(f"no event of this type was appended: {envelope.event_id}")

    projection = Projection("rare-under-test", {"no-such-event": ignore}, ())
    runner = ProjectionRunner(system.worker_db, system.relay_db, system.nc, projection)
    made = await tenant.command(
        "editor", "create-project", {"folderId": tenant.folders["France"], "name": "other"}
    )

    async def readable() -> list[Any]:
        async with system.relay_db.connection() as reader:
            return await EventStore().read_all(reader, (0, 0), 100_000)

    events = await eventually(readable, lambda found: made["projectId"] in _streams(found))
    created = next(e for e in events if e.stream_id == made["projectId"])

    await runner.catch_up()

    assert system.worker_db is not None
    async with system.worker_db.connection() as conn, conn.transaction():
        checkpoint = await take_checkpoint(conn, projection.name, partition_of(tenant.tenant_id))
    assert checkpoint is not None
    assert checkpoint >= created.position


def _streams(events: list[Any]) -> set[str]:
    return {e.stream_id for e in events}


async def _event_ids(system: System, tenant: Tenant) -> list[str]:
    async with system.db.transaction(tenant.tenant_id) as conn:
        rows = await conn.fetch("select event_id from events where event_type = 'project-created'")
    return [r["event_id"] for r in rows]


async def test_a_consumer_made_acking_all_is_made_again_with_explicit_acks(
    system: System, tenant: Tenant
) -> None:
    """A projection consumer from before partitions, acking all at once (which JetStream
    cannot update), is replaced, and a handled batch leaves nothing waiting for an ack."""
    projection = Projection("ack-policy-under-test", {"project-created": _nothing}, ())
    js = system.nc.jetstream()
    runner = ProjectionRunner(system.worker_db, system.relay_db, system.nc, projection)
    old = ConsumerConfig(
        durable_name=runner.durable,
        ack_policy=AckPolicy.ALL,
        deliver_policy=DeliverPolicy.ALL,
        filter_subjects=subjects_of(projection),
    )
    await js.add_consumer(EVENT_STREAM, old)
    subscription = await runner.subscribe()
    await runner.catch_up()
    await _drain(runner, subscription)  # the bells of every earlier test
    for name in ("one", "two", "three"):
        body = {"folderId": tenant.folders["France"], "name": name}
        await tenant.command("editor", "create-project", body)
    handled = await _drain(runner, subscription, at_least=3)
    info = await js.consumer_info(EVENT_STREAM, runner.durable)
    expected = (AckPolicy.EXPLICIT, True, 0)

    actual = (info.config.ack_policy, handled >= 3, info.num_ack_pending)

    await subscription.stop()
    await js.delete_consumer(EVENT_STREAM, runner.durable)
    assert expected == actual


async def _drain(runner: ProjectionRunner, subscription: Any, at_least: int = 0) -> int:
    """Fetch and handle batches until one times out after `at_least` messages (or 30 s)."""
    handled, deadline = 0, time.monotonic() + 30
    while True:
        try:
            messages = await subscription.fetch(500, wait=1.0)
        except NatsTimeout:
            if handled >= at_least or time.monotonic() > deadline:
                return handled
            continue
        await runner.handle(messages)
        handled += len(messages)


async def _nothing(conn: Any, envelope: Any) -> None:
    return None


async def test_an_event_a_projection_fails_on_is_logged_with_its_invocation_s_ids(
    system: System, tenant: Tenant
) -> None:
    """The error line names the event and the invocation (and trace) that appended it."""
    assert system.pipeline is not None

    async def refuse(conn: Any, envelope: Any) -> None:
        if envelope.tenant_id == tenant.tenant_id:
            raise RuntimeError("this projection refuses the tenant's events")

    projection = Projection("refusing-under-test", {"project-created": refuse}, ())
    runner = ProjectionRunner(system.worker_db, system.relay_db, system.nc, projection)
    await runner.catch_up()
    ctx = tenant.ctx("editor")
    body = {"folderId": tenant.folders["France"], "name": "refused"}
    await system.pipeline.invoke("command", "create-project", body, ctx)
    stream = io.StringIO()
    configure_logging("json", "warning", stream)
    try:
        with pytest.raises(RuntimeError):
            await runner.catch_up()
    finally:
        configure_logging("json", "warning")
    [line] = [json.loads(text) for text in stream.getvalue().splitlines() if text]
    expected = ("projection.event-failed", "project-created", ctx.trace.invocation_id)

    actual = (line["event"], line["event_type"], line["invocation_id"])

    assert expected == actual
    assert ctx.trace.originating_trace_id == line["trace_id"]
