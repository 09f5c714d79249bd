"""CPU per JetStream publish: `publish` (a request per message), nats-py's `publish_async`
(one wait for the whole batch) and `kernel/publish.py`'s `BatchPublisher` (acks gathered by
one callback), in the same process, rounds interleaved.

The relay and the notifier publish every event and every notification with
`BatchPublisher`; this measures what it saves them. Uses the NATS of a running
`ossature up` (its var directory's engines.json) and a stream of its own, deleted after.

Run: OSSATURE_VAR_DIR=var .venv/bin/python benchmarks/jetstream_publish.py [--batches 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

import nats
from nats.js.api import StreamConfig

from ossature.engines.nats_auth import NatsCredentials, service_options
from ossature.kernel.publish import BatchPublisher
from ossature.runtime.serving import run

STREAM, BATCH, PAYLOAD = "OSSATURE_PUBLISH_BENCH", 250, b"x" * 1200


async def _by_request(js: Any, tag: str, batches: int) -> float:
    started = time.process_time()
    for b in range(batches):
        await asyncio.gather(
            *(js.publish("bench.request", PAYLOAD, headers=_id(tag, b, i)) for i in range(BATCH))
        )
    return (time.process_time() - started) / (batches * BATCH)


async def _async(js: Any, tag: str, batches: int) -> float:
    started = time.process_time()
    for b in range(batches):
        acks = [
            await js.publish_async("bench.async", PAYLOAD, headers=_id(tag, b, i))
            for i in range(BATCH)
        ]
        await asyncio.wait_for(asyncio.gather(*acks), timeout=30)
    return (time.process_time() - started) / (batches * BATCH)


async def _batched(publisher: BatchPublisher, tag: str, batches: int) -> float:
    started = time.process_time()
    for b in range(batches):
        messages = [("bench.batched", PAYLOAD, _id(tag, b, i)) for i in range(BATCH)]
        await publisher.publish_all(messages, stream=STREAM)
    return (time.process_time() - started) / (batches * BATCH)


def _id(tag: str, batch: int, index: int) -> dict[str, str]:
    return {"Nats-Msg-Id": f"{tag}-{batch}-{index}"}


async def _main(var_dir: Path, batches: int, rounds: int) -> None:
    engines = json.loads((var_dir / "engines.json").read_text())
    credentials = NatsCredentials.embedded(Path(engines["nats_credentials"]))
    nc = await nats.connect(engines["nats_url"], **service_options(credentials))
    js = nc.jetstream()
    await js.add_stream(StreamConfig(name=STREAM, subjects=["bench.>"], max_msgs=100_000))
    publisher = BatchPublisher(nc)
    try:
        rounds_of = [
            (
                await _by_request(js, f"r{n}", batches),
                await _async(js, f"a{n}", batches),
                await _batched(publisher, f"b{n}", batches),
            )
            for n in range(rounds)
        ]
    finally:
        await js.delete_stream(STREAM)
        await nc.close()
    for request, promised, batched in rounds_of:
        print(
            f"publish {request * 1e6:5.1f} µs/msg   publish_async {promised * 1e6:5.1f} µs/msg"
            f"   BatchPublisher {batched * 1e6:5.1f} µs/msg"
        )
    ratio = statistics.median(promised / request for request, promised, _ in rounds_of)
    print(f"publish_async ÷ publish, CPU per message (median of {rounds} rounds): {ratio:.2f}")
    ratio = statistics.median(batched / promised for _, promised, batched in rounds_of)
    print(f"BatchPublisher ÷ publish_async (median of {rounds} rounds): {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=20, help=f"batches of {BATCH} per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    run(_main(Path(os.environ.get("OSSATURE_VAR_DIR", "var")), args.batches, args.rounds))


if __name__ == "__main__":
    main()
