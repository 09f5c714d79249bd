"""Server push figures: rename answer → MQTT message latency, and MQTT connect time (auth callout).

Starts `python -m ossature up` on a free port with a temporary var directory (or uses
`--url` and `--password` of a running one), then:
- connects an MQTT client CONNECTS times with an access token, timing CONNECT → CONNACK
  (TCP, the auth callout round trip, token verification and the session check);
- has admin@acme rename a project RENAMES times while editor@acme is subscribed, timing
  from the HTTP answer of each rename to the arrival of its notification.

Run: .venv/bin/python benchmarks/push_latency.py [--renames 200] [--connects 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiomqtt
import httpx
from _scenario import free_port, wait_ready

from ossature.tools.bench._push import mqtt_client, notification_topic

# pragma: allowlist nextline secret: a throwaway demo password for the benchmark's own system
PASSWORD = "push-benchmark-password"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", help="a running `ossature up` (else one is started)")
    parser.add_argument("--password", default=os.environ.get("OSSATURE_DEMO_PASSWORD", PASSWORD))
    parser.add_argument("--renames", type=int, default=200)
    parser.add_argument("--connects", type=int, default=50)
    args = parser.parse_args()
    if args.url:
        asyncio.run(measure(args.url, args.password, args.renames, args.connects))
        return
    with running_system() as url:
        asyncio.run(measure(url, PASSWORD, args.renames, args.connects))


@contextmanager
def running_system() -> Iterator[str]:
    """`ossature up` on a free port and a temporary var directory, stopped afterwards."""
    with tempfile.TemporaryDirectory() as var_dir:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("OSSATURE_")}
        env |= {"OSSATURE_VAR_DIR": var_dir, "OSSATURE_DEMO_PASSWORD": PASSWORD}
        env |= {"OSSATURE_LOG_LEVEL": "warning"}
        log = (Path(var_dir) / "up.log").open("wb")
        command = [sys.executable, "-m", "ossature", "up", "--port", str(port)]
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_ready(url, process)
            yield url
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
            log.close()


async def measure(url: str, password: str, renames: int, connects: int) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        mqtt_url = (await http.get("/.well-known/ossature-configuration")).json()["mqtt"]["url"]
        editor = await _log_in(http, "editor@acme.test", password)
        admin = await _log_in(http, "admin@acme.test", password)
        connect = await _connect_times(mqtt_url, editor, connects)
        latency = await _rename_latencies(http, mqtt_url, admin, editor, renames)
    print(f"MQTT connect incl. auth callout, {connects} connects: {_figures(connect)}")
    print(f"rename answer -> MQTT message, {renames} renames: {_figures(latency)}")


async def _connect_times(mqtt_url: str, token: str, count: int) -> list[float]:
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        async with mqtt_client(mqtt_url, token):
            timings.append(time.perf_counter() - started)
    return timings


async def _rename_latencies(
    http: httpx.AsyncClient, mqtt_url: str, admin: str, editor: str, count: int
) -> list[float]:
    project = await _france_project(http, admin)
    arrivals: dict[str, float] = {}
    arrived = asyncio.Event()
    async with mqtt_client(mqtt_url, editor) as client:
        await client.subscribe(notification_topic(editor))
        reader = asyncio.create_task(_read(client, arrivals, arrived))
        timings = []
        for n in range(count):
            name = f"Benchmark {n} {secrets.token_hex(3)}"
            await _call(
                http, "commands/rename-project", {"projectId": project, "name": name}, admin
            )
            answered = time.perf_counter()
            while name not in arrivals:
                arrived.clear()
                await asyncio.wait_for(arrived.wait(), timeout=10)
            timings.append(arrivals[name] - answered)
        reader.cancel()
    return timings


async def _read(client: aiomqtt.Client, arrivals: dict[str, float], arrived: asyncio.Event) -> None:
    async for message in client.messages:
        body = json.loads(bytes(message.payload or b""))
        arrivals[body["params"].get("projectName", "")] = time.perf_counter()
        arrived.set()


async def _france_project(http: httpx.AsyncClient, token: str) -> str:
    folders = (await _call(http, "queries/list-folders", {}, token))["folders"]
    france = next(folder["folderId"] for folder in folders if folder["name"] == "France")
    made = await _call(
        http, "commands/create-project", {"folderId": france, "name": "Bench"}, token
    )
    return str(made["projectId"])


async def _log_in(http: httpx.AsyncClient, email: str, password: str) -> str:
    tenant = email.split("@")[1].split(".")[0]
    body = {"tenant": tenant, "email": email, "password": password}
    return str((await _call(http, "commands/log-in", body, None))["accessToken"])


async def _call(
    http: httpx.AsyncClient, path: str, body: dict[str, str], token: str | None
) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await http.post(f"/{path}", json=body, headers=headers)
    response.raise_for_status()
    return dict(response.json())


def _figures(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (
        f"p50 {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms,"
        f" max {ordered[-1] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
