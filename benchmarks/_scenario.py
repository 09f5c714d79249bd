"""The bench's two scenarios, for the scripts that drive a running system themselves: the
plan `ossature bench` sends, clients sending it back to back, and a port for a system the
script starts and the wait until it is ready."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from dataclasses import dataclass

import httpx

from ossature.kernel.config import Settings
from ossature.tools.bench._http import HttpConnection
from ossature.tools.bench._plan import Plan
from ossature.tools.bench._prepare import prepare
from ossature.tools.bench._target import demo_password

PATHS = {"create-project": "/commands/create-project", "list-projects": "/queries/list-projects"}
WARMUP = 1.0  # seconds of load before the window


def plan_for(url: str, scenario: str, settings: Settings) -> Plan:
    """`scenario` against the system at `url`, as the demo tenant's admin, in the bench's
    folders (made, or topped up, first): what `ossature bench` sends."""
    workspace = prepare(url, "acme", "admin@acme.test", demo_password(settings, None))
    host, port = url.split("//", 1)[1].rsplit(":", 1)
    creates = scenario == "create-project"
    folder = workspace.run_folder_id if creates else workspace.list_folder_id
    return Plan(
        scenario, host, int(port), PATHS[scenario], workspace.token, folder, creates, creates
    )


@dataclass(frozen=True)
class Drive:
    """What the clients saw: (sent, answered) of each request sent inside the window, in
    seconds from its start, and every request sent, warm-up included."""

    answers: list[tuple[float, float]]
    sent: int

    @property
    def latencies(self) -> list[float]:
        return [done - began for began, done in self.answers]


async def drive(plan: Plan, clients: int, seconds: float) -> Drive:
    """`clients` keep-alive clients sending `plan` back to back, WARMUP s then `seconds` s,
    from this process; any answer but 200 ends the run."""
    connections = [HttpConnection(plan.host, plan.port) for _ in range(clients)]
    await asyncio.gather(*(connection.open() for connection in connections))
    requests, answers, sent = plan.requests(0), [], 0
    start = time.monotonic() + WARMUP
    end = start + seconds

    async def client(connection: HttpConnection) -> None:
        nonlocal sent
        while (began := time.monotonic()) < end:
            status, _ = await connection.send(next(requests))
            if status != 200:
                raise SystemExit(f"{plan.scenario} answered {status}")
            sent += 1
            if began >= start:
                answers.append((began - start, time.monotonic() - start))

    await asyncio.gather(*(client(connection) for connection in connections))
    for connection in connections:
        await connection.close()
    return Drive(answers, sent)


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now, for a system the script starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes], within: float = 90.0) -> None:
    """Until the system `process` serves at `url` answers ready; SystemExit if it ends first
    or is not ready `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{process.args!r} exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/health/ready", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} was not ready within {within:.0f} s")
