"""The relay on the real engines: a republished batch is stored once."""

from __future__ import annotations

from typing import Any

from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from ossature.kernel.eventstore import EventStore
from ossature.kernel.relay import EVENT_STREAM, Relay
from ossature.runtime.system import System
from tests.integration.support import Tenant, eventually


async def _stored(js: Any, tenant_id: str) -> int:
    """The events of one tenant that the JetStream stream holds."""
    config = ConsumerConfig(
        ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL, inactive_threshold=5.0
    )
    subject = f"ossature.events.{tenant_id}.>"
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
    relay, republished = Relay(system.relay_db, js, EventStore()), 0
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
