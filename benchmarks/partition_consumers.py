"""What a worker's idle pull loops cost: one durable consumer per projection (today's two) or
one per (projection, partition) (32), each pulled as a runner pulls it (decision 113).

Starts fresh embedded engines in a temporary directory and, for each count, makes that many
durable pull consumers of the event stream and pulls each in a loop with `BatchPull`
(`fetch(200, wait=0.5)`, as `ProjectionRunner` does) for `--seconds` with no event
published: the CPU this process and the nats-server spend per second (psutil).

Run: .venv/bin/python benchmarks/partition_consumers.py [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from ossature.kernel.config import Settings
from ossature.kernel.logging import configure_logging
from ossature.kernel.pull import BatchPull
from ossature.kernel.relay import EVENT_STREAM, filter_of
from ossature.runtime.endpoints import engines
from ossature.runtime.system import System


async def main(seconds: float) -> None:
    with tempfile.TemporaryDirectory(prefix="ossature-consumers-") as var:
        settings = Settings.from_env({"OSSATURE_VAR_DIR": var})
        with engines(settings) as endpoints:
            nats_pid = json.loads((Path(var) / "engines.json").read_text())["nats_pid"]
            system = System(settings, endpoints)
            await system.start(roles=())
            try:
                for count in (2, 32):
                    mine, server = await _idle(system.nc, count, seconds, psutil.Process(nats_pid))
                    print(
                        f"{count:2} consumers pulled idle: this process {1e3 * mine:.1f} ms CPU/s,"
                        f" nats-server {1e3 * server:.1f} ms CPU/s"
                    )
            finally:
                await system.stop()


async def _idle(nc: Any, count: int, seconds: float, server: psutil.Process) -> tuple[float, float]:
    """CPU seconds per second of this process and of the server while `count` loops pull."""
    js = nc.jetstream()
    names = [f"idle-{count}-{n}" for n in range(count)]
    for n, name in enumerate(names):
        config = ConsumerConfig(
            durable_name=name,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.NEW,
            filter_subjects=[filter_of(f"idle-type-{n}")],
        )
        await js.add_consumer(EVENT_STREAM, config)
    pulls = [BatchPull(nc, EVENT_STREAM, name) for name in names]
    for pull in pulls:
        await pull.start()
    stop = asyncio.Event()
    loops = [asyncio.ensure_future(_pull(pull, stop)) for pull in pulls]
    await asyncio.sleep(1.0)  # every loop has sent its first request
    mine, theirs, started = time.process_time(), _cpu(server), time.perf_counter()
    await asyncio.sleep(seconds)
    elapsed = time.perf_counter() - started
    result = ((time.process_time() - mine) / elapsed, (_cpu(server) - theirs) / elapsed)
    stop.set()
    await asyncio.gather(*loops)
    for pull, name in zip(pulls, names, strict=True):
        await pull.stop()
        await js.delete_consumer(EVENT_STREAM, name)
    return result


async def _pull(pull: BatchPull, stop: asyncio.Event) -> None:
    while not stop.is_set():
        with contextlib.suppress(NatsTimeout, TimeoutError):
            await pull.fetch(200, wait=0.5)


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    configure_logging("json", "warning")
    asyncio.run(main(args.seconds))
