"""What recording spans costs a create-project: CPU per command with spans off and on, in
one run, rounds interleaved, as a ratio against off.

A system runs in this process (every role, on embedded engines of its own under a
temporary directory), so that its CPU per command counts all that a command costs the
process: the HTTP request (in process, through the gateway's ASGI app), the pipeline and
its commit, and the background work it causes (relay, projection, notifier). "On" is what
`OTEL_EXPORTER_OTLP_ENDPOINT` sets up: the SDK's provider, a BatchSpanProcessor and the
OTLP/HTTP exporter, sending to a local endpoint (a subprocess) that accepts and discards;
its queue is flushed before each round's CPU is read. "Off" installs nothing (the default).
PostgreSQL's CPU is not counted: spans cost it nothing.

Run: .venv/bin/python benchmarks/tracing_cost.py [--commands 400] [--clients 16] [--rounds 4]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time

import httpx
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from ossature.gateway.app import gateway_of
from ossature.kernel import spans
from ossature.kernel.config import Settings
from ossature.kernel.logging import configure_logging
from ossature.runtime.endpoints import Endpoints, engines
from ossature.runtime.serving import run
from ossature.runtime.system import System
from ossature.tools.trace_tree import tenant_admin

_DISCARD = """
import http.server, sys
class Discard(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Discard)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


async def _idle(quiet: float = 0.02, step: float = 0.2) -> None:
    """Wait until the process spends under `quiet` of a core over `step` seconds: the
    background work of the round (relay, projections, notifier) is done."""
    while True:
        before = time.process_time()
        await asyncio.sleep(step)
        if time.process_time() - before < quiet * step:
            return


async def _tenant(system: System) -> dict[str, str]:
    """A fresh tenant's admin: the folder and the token a round's commands are sent with."""
    admin = await tenant_admin(system)
    return {"folderId": admin.root_folder_id, "token": admin.token}


async def _round(
    http: httpx.AsyncClient, tenant: dict[str, str], commands: int, clients: int
) -> None:
    left = iter(range(commands))

    async def client() -> None:
        for number in left:
            answer = await http.post(
                "/commands/create-project",
                json={"folderId": tenant["folderId"], "name": f"p{number}"},
                headers={"Authorization": f"Bearer {tenant['token']}"},
            )
            if answer.status_code != 200:
                raise SystemExit(f"create-project answered {answer.status_code}: {answer.text}")

    await asyncio.gather(*(client() for _ in range(clients)))


async def _bench(
    settings: Settings, endpoints: Endpoints, args: argparse.Namespace, port: int
) -> None:
    system = System(settings, endpoints)
    await system.start()
    provider = TracerProvider()
    exporter = OTLPSpanExporter(endpoint=f"http://127.0.0.1:{port}/v1/traces")
    provider.add_span_processor(BatchSpanProcessor(exporter))
    try:
        transport = httpx.ASGITransport(app=gateway_of(system))
        cpu: dict[str, list[float]] = {"off": [], "on": []}
        rate: dict[str, list[float]] = {"off": [], "on": []}
        async with httpx.AsyncClient(transport=transport, base_url="http://ossature.test") as http:
            await _round(http, await _tenant(system), args.commands // 4, args.clients)  # warm-up
            for index in range(args.rounds * 2):
                mode = ("off", "on")[index % 2]
                spans.install(provider if mode == "on" else None)
                body = await _tenant(system)  # a tenant per round: far from its plan's quota
                await _idle()
                began, wall = time.process_time(), time.perf_counter()
                await _round(http, body, args.commands, args.clients)
                answered = time.perf_counter() - wall
                await _idle()
                provider.force_flush()
                spent = time.process_time() - began
                cpu[mode].append(spent / args.commands * 1e6)
                rate[mode].append(args.commands / answered)
                print(
                    f"round {index // 2 + 1} {mode:>3}: {cpu[mode][-1]:7.0f} us CPU/command, {rate[mode][-1]:6.0f} commands/s"
                )
        _report(cpu, rate, args)
    finally:
        spans.install(None)
        provider.shutdown()
        await system.stop()


def _report(
    cpu: dict[str, list[float]], rate: dict[str, list[float]], args: argparse.Namespace
) -> None:
    off, on = statistics.median(cpu["off"]), statistics.median(cpu["on"])
    rate_off, rate_on = statistics.median(rate["off"]), statistics.median(rate["on"])
    print(
        f"\n{args.commands} create-project x {args.rounds} rounds each, {args.clients} clients; medians"
    )
    print(
        f"  CPU per command (this process): off {off:.0f} us, on {on:.0f} us: on/off {on / off:.3f} (+{on - off:.0f} us)"
    )
    print(
        f"  commands/s:                     off {rate_off:.0f}, on {rate_on:.0f}: on/off {rate_on / rate_off:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--commands", type=int, default=400)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    configure_logging("json", "warning")
    discard = subprocess.Popen([sys.executable, "-c", _DISCARD], stdout=subprocess.PIPE, text=True)
    try:
        assert discard.stdout is not None
        port = int(discard.stdout.readline())
        with tempfile.TemporaryDirectory(prefix="ossature-tracing-") as var_dir:
            settings = Settings.from_env({"OSSATURE_VAR_DIR": var_dir})
            with engines(settings) as endpoints:
                run(_bench(settings, endpoints, args, port))
    finally:
        discard.terminate()
        discard.wait()


if __name__ == "__main__":
    main()
