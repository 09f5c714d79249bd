"""The relay on the real engines: a republished batch is stored once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import asyncpg
import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from ossature.engines.nats_auth import service_options
from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore, PendingAppend
from ossature.kernel.ids import new_id
from ossature.kernel.relay import EVENT_STREAM, WAKE_SUBJECT, Relay, RelayWaker
from ossature.modules.projects.commands.create_project import ProjectCreated
from ossature.runtime.migrate import database_url_for
from ossature.runtime.system import System
from tests.integration.support import Tenant, eventually


async def _stored(js: Any, tenant_id: str) -> int:
    """The events of one tenant that the JetStream stream holds."""
    config = ConsumerConfig(
        ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL, inactive_threshold=5.0
    )
    subject = f"ossature.events.*.{tenant_id}.>"
    subscription = await js.pull_subscribe(subject, stream=EVENT_STREAM, config=config)
    try:
        info = await subscription.consumer_info()
        return int(info.num_pending)
    finally:
        await subscription.unsubscribe()


async def test_a_relay_that_dies_before_moving_its_cursor_stores_nothing_twice(
    system: System, tenant: Tenant
) -> None:
    """The cursor put back as if the relay died after publishing: the batch is published
    again, and JetStream keeps each event once."""
    assert system.relay_db is not None
    js = system.nc.jetstream()
    for name in ("one", "two", "three"):
        body = {"folderId": tenant.folders["France"], "name": name}
        await tenant.command("editor", "create-project", body)
    async with system.db.transaction(tenant.tenant_id) as conn:
        ours = await conn.fetchval("select count(*) from events")
        first = await conn.fetchrow(
            "select transaction_id::text::bigint as txid, position from events"
            " where event_type = 'project-created' order by transaction_id, position limit 1"
        )
    await eventually(lambda: _stored(js, tenant.tenant_id), lambda n: n == ours, within=10)
    relay, republished = Relay(system.relay_db, system.nc, EventStore()), 0
    for _ in range(5):  # the running relay may take the batch first: then try again
        async with system.relay_db.connection() as conn:
            await conn.execute(
                "update relay_cursor set transaction_id = $1::text::xid8, position = $2"
                " where name = 'jetstream'",
                str(first["txid"]),
                first["position"] - 1,
            )
        republished = await relay.pump()
        if republished >= 3:
            break
    expected = (True, ours)

    actual = (republished >= 3, await _stored(js, tenant.tenant_id))

    assert expected == actual


async def test_only_writers_that_do_not_wake_the_relay_notify(
    system: System, tenant: Tenant
) -> None:
    """The application's pool appends without NOTIFY (its pipeline wakes the relay, directly
    or over NATS); a pool without that setting, a tool appending on its own, still notifies."""
    assert system.relay_db is not None and system.secrets is not None
    heard: list[str] = []
    listener = await asyncpg.connect(system.owner_url)
    await listener.add_listener("ossature_events", lambda *args: heard.append(args[2]))
    alone = await Database.connect(  # a pool that does not wake the relay
        database_url_for(system.owner_url, "ossature_app", system.secrets.app_db_password),
        min_size=1,
        max_size=1,
    )
    try:
        await _append_one(system.db, tenant)
        await asyncio.sleep(0.3)
        heard_from_the_application = len(heard)
        await _append_one(alone, tenant)
        await eventually(lambda: _count(heard), lambda count: count > 0)
    finally:
        await alone.close()
        await listener.close()

    assert 0 == heard_from_the_application
    assert 1 == len(heard)


async def test_a_command_that_appends_wakes_the_relay_in_its_process(
    system: System, tenant: Tenant
) -> None:
    """The pipeline wakes the relay after a command's commit appended events, and not after
    a query or a refused command."""
    assert system.pipeline is not None
    woken: list[str] = []
    wake, system.pipeline.on_appended = system.pipeline.on_appended, lambda: woken.append("!")
    try:
        made = await tenant.command(
            "editor", "create-project", {"folderId": tenant.folders["France"], "name": "w"}
        )
        after_command = len(woken)
        read = await tenant.invoke(
            "editor", "query", "get-project", {"projectId": made["projectId"]}
        )
        refused = await tenant.invoke(
            "viewer", "command", "rename-project", {"projectId": made["projectId"], "name": "x"}
        )
    finally:
        system.pipeline.on_appended = wake

    assert (1, 200, 403) == (after_command, read.status, refused.status)
    assert ["!"] == woken


async def _append_one(db: Database, tenant: Tenant) -> None:
    event = ProjectCreated(project_id=new_id(), folder_id="f", project_name="p")
    pending = PendingAppend("project", event.project_id, 0, (event,))
    async with db.transaction(tenant.tenant_id) as conn:
        await EventStore().append(
            conn, tenant.ctx("admin"), tenant.tenant_id, datetime.now(UTC), [pending]
        )


async def _count(heard: list[Any]) -> int:
    """How many notifications the listener has heard so far (a probe for `eventually`)."""
    return len(heard)


class _CountedRelay(Relay):
    """A relay that counts its pumps."""

    pumps = 0

    async def pump(self) -> int:
        self.pumps += 1
        return await super().pump()


async def test_a_writer_in_another_process_wakes_the_relay_over_nats(system: System) -> None:
    """A relay on its own NATS connection, which would otherwise wait a minute between pumps,
    pumps again soon after a RelayWaker on another connection is called."""
    assert system.relay_db is not None
    other = await nats.connect(
        servers=system.endpoints.nats_url.split(","), **service_options(system.endpoints.nats)
    )
    relay, waker = _CountedRelay(system.relay_db, other, EventStore()), RelayWaker(system.nc)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(relay.run(stop, idle=60)), asyncio.create_task(waker.run(stop))]
    try:
        after_start = await eventually(lambda: _pumps(relay), lambda pumps: pumps >= 1)
        await asyncio.sleep(0.1)  # its first pump done, it waits
        waker()
        after_wake = await eventually(lambda: _pumps(relay), lambda pumps: pumps > after_start)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        await other.close()

    assert (1, 2) == (after_start, after_wake)


async def test_a_burst_of_commits_sends_one_wake(system: System) -> None:
    """However many commits end before the waker runs, it sends one message for them."""
    received: list[bytes] = []

    async def count(message: Any) -> None:
        received.append(message.data)

    subscription = await system.nc.subscribe(WAKE_SUBJECT, cb=count)
    waker, stop = RelayWaker(system.nc), asyncio.Event()
    task = asyncio.create_task(waker.run(stop))
    try:
        for _ in range(100):
            waker()
        await eventually(lambda: _count(received), lambda count: count >= 1)
        await asyncio.sleep(0.3)  # room for any further message to arrive
    finally:
        stop.set()
        await task
        await subscription.unsubscribe()

    assert [b""] == received


async def _pumps(relay: _CountedRelay) -> int:
    return relay.pumps
