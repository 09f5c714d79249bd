"""CPU and wall time per message pulled: nats-py's `fetch` against `BatchPull`, in the same
process, rounds interleaved.

The notifier and the projection runners pull their consumers with `kernel/pull.py`'s
`BatchPull`; this measures what it saves against nats-py's `PullSubscription.fetch`, which
takes each message with `next_msg` (a task and a timer per message). Uses the NATS of a
running `ossature up` (its var directory's engines.json) and a stream of its own, deleted
after.

Run: OSSATURE_VAR_DIR=var .venv/bin/python benchmarks/jetstream_fetch.py [--messages 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

import nats
from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig

from ossature.engines.nats_auth import NatsCredentials, service_options
from ossature.kernel.pull import BatchPull
from ossature.runtime.serving import run

STREAM, BATCH, PAYLOAD = "OSSATURE_FETCH_BENCH", 200, b"x" * 1200
Timing = tuple[float, float]  # CPU and wall seconds per message


async def _nats_py(js: Any, name: str, messages: int) -> Timing:
    config = ConsumerConfig(durable_name=name, ack_policy=AckPolicy.NONE)
    subscription = await js.pull_subscribe("fetchbench.>", durable=name, config=config)
    try:
        return await _timed(lambda: subscription.fetch(BATCH, timeout=5), messages)
    finally:
        await subscription.unsubscribe()


async def _batch_pull(nc: Any, name: str, messages: int) -> Timing:
    config = ConsumerConfig(durable_name=name, ack_policy=AckPolicy.NONE)
    await nc.jetstream().add_consumer(STREAM, config)
    pull = BatchPull(nc, STREAM, name)
    await pull.start()
    try:
        return await _timed(lambda: pull.fetch(BATCH, wait=5), messages)
    finally:
        await pull.stop()


async def _timed(fetch: Any, messages: int) -> Timing:
    cpu, wall, got = time.process_time(), time.perf_counter(), 0
    while got < messages:
        got += len(await fetch())
    return (time.process_time() - cpu) / got, (time.perf_counter() - wall) / got


async def _main(var_dir: Path, messages: int, rounds: int) -> None:
    engines = json.loads((var_dir / "engines.json").read_text())
    credentials = NatsCredentials.embedded(Path(engines["nats_credentials"]))
    nc = await nats.connect(engines["nats_url"], **service_options(credentials))
    js = nc.jetstream()
    await js.add_stream(StreamConfig(name=STREAM, subjects=["fetchbench.>"]))
    try:
        for _ in range(messages):
            await js.publish_async("fetchbench.m", PAYLOAD)
        await js.publish("fetchbench.m", PAYLOAD)  # the last ack: every message is stored
        pairs = [
            (await _nats_py(js, f"f{n}", messages), await _batch_pull(nc, f"b{n}", messages))
            for n in range(rounds)
        ]
    finally:
        await js.delete_stream(STREAM)
        await nc.close()
    for (cpu, wall), (pull_cpu, pull_wall) in pairs:
        print(
            f"fetch {cpu * 1e6:5.1f} µs CPU {wall * 1e6:5.1f} µs wall per message   "
            f"BatchPull {pull_cpu * 1e6:5.1f} µs CPU {pull_wall * 1e6:5.1f} µs wall"
        )
    ratio = statistics.median(pull[0] / fetched[0] for fetched, pull in pairs)
    print(f"BatchPull ÷ fetch, CPU per message (median of {rounds} rounds): {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    run(_main(Path(os.environ.get("OSSATURE_VAR_DIR", "var")), args.messages, args.rounds))


if __name__ == "__main__":
    main()
