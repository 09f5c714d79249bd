"""The system on a three-node NATS cluster: streams kept on three nodes, a node's death
survived, the node back by itself and caught up."""

from __future__ import annotations

import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import nats
import pytest
from nats.js.api import DeliverPolicy

from ossature.engines import running_engines
from ossature.engines.nats_auth import service_options
from ossature.kernel.relay import EVENT_STREAM
from ossature.modules.notifications.topics import NOTIFICATION_STREAM, stream_subject
from ossature.runtime.system import System
from tests.integration._push import PushTenant, listening, push_tenant, received, until


@pytest.fixture
async def tenant(cluster_system: System) -> PushTenant:
    return await push_tenant(cluster_system)


@pytest.fixture
async def service(cluster_system: System) -> AsyncIterator[Any]:
    """A connection of Ossature's service identity to every node."""
    endpoints = cluster_system.endpoints
    nc = await nats.connect(
        servers=endpoints.nats_url.split(","),
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.25,
        **service_options(endpoints.nats),
    )
    yield nc
    await nc.close()


async def _create(tenant: PushTenant, names: list[str]) -> list[str]:
    france = tenant.folders["France"]
    made = [
        await tenant.command("editor", "create-project", {"folderId": france, "name": name})
        for name in names
    ]
    return [str(m["projectId"]) for m in made]


def _pids(system: System) -> tuple[int, ...]:
    found = running_engines(Path(system.settings.var_dir) / "engines")
    assert found is not None
    return tuple(found.nats_pids)


async def _projected(system: System, ids: list[str]) -> int:
    conn = await asyncpg.connect(system.owner_url)
    try:
        count = await conn.fetchval(
            "select count(*) from projects where project_id = any($1::text[])", ids
        )
        return int(count)
    finally:
        await conn.close()


async def _pushed(nc: Any, tenant: PushTenant, ids: list[str]) -> set[str]:
    """The projects the admin was sent a notification of, as the notification stream holds."""
    subject = stream_subject(tenant.tenant_id, tenant.account("admin"))
    sub = await nc.jetstream().subscribe(
        subject, stream=NOTIFICATION_STREAM, ordered_consumer=True, deliver_policy=DeliverPolicy.ALL
    )
    found: set[str] = set()
    try:
        while True:
            try:
                message = await sub.next_msg(timeout=2)
            except nats.errors.TimeoutError:
                return found & set(ids)
            found.add(str(msgspec.json.decode(message.data)["entity"]["id"]))
    finally:
        await sub.unsubscribe()


async def test_streams_are_kept_on_three_nodes(cluster_system: System, service: Any) -> None:
    """Each stream the system makes has three replicas, one per node."""
    info = await service.jetstream().stream_info(EVENT_STREAM)
    nodes = {info.cluster.leader, *(peer.name for peer in info.cluster.replicas or [])}
    assert (3, {"ossature-1", "ossature-2", "ossature-3"}) == (info.config.num_replicas, nodes)


async def test_an_mqtt_client_of_the_cluster_is_notified(tenant: PushTenant) -> None:
    """Push over MQTT works on a JetStream cluster: the admin is told of a new project."""
    async with listening(tenant, "admin") as admin:
        [made] = await _create(tenant, ["over mqtt"])
        [notification] = await received(admin, 1)
    assert made == notification["entity"]["id"]


async def test_commands_survive_the_death_of_the_event_streams_leader(
    cluster_system: System, tenant: PushTenant, service: Any
) -> None:
    """SIGKILL the node leading the event stream amid commands: every acknowledged command
    is projected and pushed, and the node comes back on its own and catches up."""
    js = service.jetstream()
    before = await _create(tenant, [f"before-{n}" for n in range(5)])
    leader = (await js.stream_info(EVENT_STREAM)).cluster.leader
    index = int(leader.rsplit("-", 1)[1]) - 1
    killed = _pids(cluster_system)[index]
    os.kill(killed, signal.SIGKILL)
    after = await _create(tenant, [f"after-{n}" for n in range(20)])
    ids = before + after

    async def projected() -> bool:
        return await _projected(cluster_system, ids) == len(ids)

    async def pushed() -> bool:
        try:
            return await _pushed(service, tenant, ids) == set(ids)
        except nats.errors.TimeoutError:  # JetStream's API unanswered while leaders are elected
            return False

    async def back_and_current() -> bool:
        if _pids(cluster_system)[index] in (0, killed):
            return False
        try:
            info = await js.stream_info(EVENT_STREAM)
        except nats.errors.TimeoutError:  # as above: not current yet
            return False
        peers = [*(info.cluster.replicas or [])]
        return len(peers) == 2 and all(p.current and not p.lag for p in peers)

    await until(projected)
    await until(pushed)
    await until(back_and_current)
