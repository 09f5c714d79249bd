"""Chaos across processes: each role and a NATS node SIGKILLed under a load of creates.

One PostgreSQL and a three-node NATS cluster (run by this test, as `ossature up` would),
and Ossature's roles as OS processes sharing them (tests/chaos/_roles.py: two gateways,
two workers, two `commands` processes, a scheduler). Clients create projects through both gateways, each command
with its Idempotency-Key, retried under the same key while unanswered. In turn, one
process of each role is SIGKILLed and started again (as an operator's supervisor would),
then the leader of the event stream's NATS node (started again by the engines'
supervisor). After each kill both gateways answer /health/ready within 10 s,
and every acknowledged command is then exactly once in the store, the read model,
JetStream and the audit log. The table of what was measured is printed.

Run alone: `.venv/bin/python -m pytest tests/chaos/test_roles_under_faults.py -s`.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import nats
import pytest

from ossature.engines import EmbeddedEngines, EngineEndpoints
from ossature.engines.nats_auth import NatsCredentials, service_options
from ossature.kernel.config import Settings
from ossature.kernel.logging import configure_logging
from ossature.kernel.relay import EVENT_STREAM
from ossature.runtime.endpoints import engines
from ossature.runtime.seed import seed_demo
from ossature.runtime.system import System
from tests.chaos._ledger import count
from tests.chaos._load import Load, Sent
from tests.chaos._roles import ROLES, Served, environment, nats_pids
from tests.chaos._system import PASSWORD
from tests.chaos.test_chaos import _editor

READY_WITHIN = 10.0  # seconds after a kill within which both gateways must be ready
CLIENTS = 2  # per gateway: two cores run seven processes, three nodes and the load
MORE = 20  # commands acknowledged after readiness, per gateway, before the load stops
FAULTS = (*(role for role, _ in ROLES), "nats-node")


@dataclass
class Roles:
    """The engines' endpoints and the role processes, by role."""

    var_dir: Path
    engines: EngineEndpoints
    served: dict[str, list[Served]]

    @property
    def gateways(self) -> list[Served]:
        return self.served["gateway"]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[Path, EngineEndpoints]]:
    """PostgreSQL and three NATS nodes on a var dir of their own, kept up by this process."""
    var_dir = tmp_path / "var"
    with EmbeddedEngines(var_dir, nats_nodes=3) as found:
        yield var_dir, found


@pytest.fixture
async def roles(cluster: tuple[Path, EngineEndpoints]) -> AsyncIterator[Roles]:
    """The demo seeded once, then every role's processes started and ready."""
    var_dir, found = cluster
    await _seed(var_dir)
    served = {
        role: [Served(var_dir, role, n) for n in range(1, how_many + 1)] for role, how_many in ROLES
    }
    everyone = [process for processes in served.values() for process in processes]
    try:
        for process in everyone:
            process.start()
        await asyncio.gather(*(asyncio.to_thread(p.wait_ready) for p in everyone))
        yield Roles(var_dir, found, served)
    finally:
        await asyncio.gather(*(asyncio.to_thread(p.stop) for p in everyone))


async def _seed(var_dir: Path) -> None:
    """Migrate and seed the demo tenants in this process, before the roles start."""
    settings = Settings.from_env(environment(var_dir))
    configure_logging("json", "warning")
    with engines(settings, attach=True) as endpoints:
        system = System(settings, endpoints)
        await system.start(())
        try:
            assert system.pipeline is not None
            await seed_demo(system.pipeline, PASSWORD)
        finally:
            await system.stop()


async def _leader_pid(found: EngineEndpoints, var_dir: Path) -> int:
    """The pid of the node that leads the event stream."""
    credentials = NatsCredentials.embedded(Path(found.nats_credentials))
    nc = await nats.connect(
        servers=found.nats_url.split(","), allow_reconnect=False, **service_options(credentials)
    )
    try:
        leader = (await nc.jetstream().stream_info(EVENT_STREAM)).cluster.leader
    finally:
        await nc.close()
    return nats_pids(var_dir)[int(leader.rsplit("-", 1)[1]) - 1]


def _fault(roles: Roles, fault: str, leader: int) -> Callable[[], None]:
    """What `fault` does: SIGKILL the first process of a role (started again), or a node."""
    if fault == "nats-node":
        return lambda: os.kill(leader, signal.SIGKILL)
    return roles.served[fault][0].kill_and_start_again


def _all_ready(gateways: list[Served], killed: float) -> float:
    """Seconds from the kill until every gateway answers /health/ready."""
    for gateway in gateways:
        gateway.wait_ready()
    return time.monotonic() - killed


async def _acknowledged(loads: list[Load], more: int) -> None:
    """Until each load has `more` commands acknowledged beyond what it has now."""
    targets = [len(load.acknowledged) + more for load in loads]
    async with asyncio.timeout(90):  # a guard against a hang
        while True:
            if all(len(load.acknowledged) >= t for load, t in zip(loads, targets, strict=True)):
                return
            await asyncio.sleep(0.1)


@dataclass
class Phase:
    fault: str
    sent: list[Sent]
    unanswered: int
    ready: float


async def _phase(roles: Roles, fault: str, token: str, folder_id: str) -> Phase:
    """Load through both gateways, kill mid-load, wait for readiness, stop, retry."""
    loads = [Load(g.base_url, token, folder_id, f"{fault}-{g.number}") for g in roles.gateways]
    sending = [asyncio.create_task(load.run(CLIENTS)) for load in loads]
    await asyncio.gather(*(load.warmed.wait() for load in loads))
    leader = await _leader_pid(roles.engines, roles.var_dir) if fault == "nats-node" else 0
    killed = time.monotonic()
    await asyncio.to_thread(_fault(roles, fault, leader))
    ready = await asyncio.to_thread(_all_ready, roles.gateways, killed)
    await _acknowledged(loads, MORE)
    for load in loads:
        load.stopping.set()
    await asyncio.gather(*sending)
    sent = [s for load in loads for s in load.sent]
    unanswered = len(sent) - sum(len(load.acknowledged) for load in loads)
    await asyncio.gather(*(load.retry_unanswered() for load in loads))
    if fault == "nats-node":
        await asyncio.to_thread(_restarted, roles.var_dir, leader)
    return Phase(fault, sent, unanswered, ready)


def _restarted(var_dir: Path, killed: int, deadline: float = 60.0) -> None:
    """Until the engines' supervisor has started the killed node again."""
    until = time.monotonic() + deadline
    while killed in nats_pids(var_dir) or 0 in nats_pids(var_dir):
        assert time.monotonic() < until, "the killed NATS node was not started again"
        time.sleep(0.1)


async def test_every_acknowledged_command_is_once_everywhere_when_each_role_dies(
    roles: Roles, capsys: pytest.CaptureFixture[str]
) -> None:
    """No acknowledged command lost or doubled in any place, readiness back within 10 s,
    after the kill of one process of each role and of a NATS node."""
    token, tenant_id, folder_id = await _editor(roles.gateways[0].base_url)
    rows = []
    for fault in FAULTS:
        phase = await _phase(roles, fault, token, folder_id)
        counts = await count(roles.var_dir, tenant_id, phase.sent)
        places = (counts.store, counts.read_model, counts.jetstream, counts.audit)
        keys = [s.key for s in phase.sent]
        lost = sum(1 for k in keys for place in places if place[k] == 0)
        doubled = sum(1 for k in keys for place in places if place[k] > 1)
        rows.append([fault, round(phase.ready, 1), len(keys), phase.unanswered, doubled, lost])
    header = ["fault", "s to ready", "acknowledged", "retried", "duplicates", "lost"]
    with capsys.disabled():
        print("\n" + " | ".join(header))
        for row in rows:
            print(" | ".join(str(cell) for cell in row))
    assert [[f, True, 0, 0] for f in FAULTS] == [
        [r[0], r[1] <= READY_WITHIN, r[4], r[5]] for r in rows
    ]
