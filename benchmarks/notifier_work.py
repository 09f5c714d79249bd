"""The notifier's CPU per event, by step: working out the deliveries (audience, parameters,
notification) and publishing them to the notification stream.

Reads the latest `project-created` events of one tenant (the tenant of the latest) from the
store of a running `ossature up` (run `ossature bench` or create some projects first), and
works out their deliveries in runs of `--run` events, as the notifier does for a batch, in
one transaction: the process's CPU per event (PostgreSQL's is not counted). Then publishes
as many notifications, in batches of the same size, each with a fresh message id (JetStream
would drop a repeat): CPU per notification. Rounds interleaved; medians.

Run: OSSATURE_VAR_DIR=var .venv/bin/python benchmarks/notifier_work.py [--events 2000]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from typing import Any

import msgspec

from ossature.kernel._eventstore_sql import _COLUMNS, _envelope
from ossature.kernel.config import Settings
from ossature.kernel.database import Database
from ossature.kernel.ids import new_id
from ossature.kernel.logging import configure_logging
from ossature.modules.notifications.message import Delivery
from ossature.modules.notifications.topics import NOTIFICATION_STREAM
from ossature.runtime.endpoints import engines
from ossature.runtime.migrate import database_url_for
from ossature.runtime.push import notifier_of
from ossature.runtime.serving import run
from ossature.runtime.system import _BATCH_READER, System

_READ = """with latest as (select tenant_id from events where event_type = 'project-created'
        order by transaction_id desc, position desc limit 1)
    select event_id from events where event_type = 'project-created'
        and tenant_id = (select tenant_id from latest)
    order by transaction_id desc, position desc limit $1"""


async def main(settings: Settings, endpoints: Any, events: int, size: int, rounds: int) -> None:
    system = System(settings, endpoints)
    await system.start(roles=())
    assert system.secrets is not None
    worker_url = database_url_for(
        system.owner_url, "ossature_worker", system.secrets.worker_db_password
    )
    system.worker_db = await Database.connect(worker_url, stateless=True, settings=_BATCH_READER)
    try:
        assert system.pipeline is not None
        notifier = notifier_of(system.worker_db, system.nc, system.app, system.pipeline)
        assert system.relay_db is not None
        async with system.relay_db.connection() as conn:
            ids = [row["event_id"] for row in await conn.fetch(_READ, events)]
            rows = await conn.fetch(
                f"select {_COLUMNS} from events where event_id = any($1::text[])"
                " order by transaction_id, position",
                ids,
            )
        envelopes = [_envelope(row) for row in rows]
        if len(envelopes) < size:
            raise SystemExit("too few project-created events: run `ossature bench` first")
        runs = [envelopes[i : i + size] for i in range(0, len(envelopes), size)]
        work: list[float] = []
        publish: list[float] = []
        deliveries: list[Delivery] = []
        for _ in range(rounds):
            started, deliveries = time.process_time(), []
            async with system.worker_db.transaction(None) as conn:
                for chunk in runs:
                    tenant = chunk[0].tenant_id
                    deliveries += await notifier._deliveries_of_run(conn, tenant, chunk)
            work.append((time.process_time() - started) / len(envelopes))
            fresh = [_fresh(d) for d in deliveries]
            started = time.process_time()
            for i in range(0, len(fresh), size):
                await notifier._publish(fresh[i : i + size])
            publish.append((time.process_time() - started) / max(len(fresh), 1))
        per_event = len(deliveries) / len(envelopes)
        print(
            f"{len(envelopes)} events in runs of {size}, {per_event:.2f} deliveries each;"
            f" {rounds} rounds, medians"
        )
        print(f"work out the deliveries  {1e6 * statistics.median(work):6.1f} µs per event")
        print(
            f"publish them             {1e6 * statistics.median(publish):6.1f} µs per notification"
            f" (stream {NOTIFICATION_STREAM})"
        )
    finally:
        await system.stop()


def _fresh(delivery: Delivery) -> Delivery:
    notification = msgspec.structs.replace(delivery.notification, event_id=new_id())
    return dataclasses.replace(delivery, notification=notification)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--run", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    settings = Settings.from_env()
    configure_logging(settings.log_format, "warning")
    with engines(settings, attach=True) as endpoints:
        run(main(settings, endpoints, args.events, args.run, args.rounds))
