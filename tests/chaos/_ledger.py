"""Where an acknowledged command must be, once each: the store, the read model, JetStream,
the audit log. Read as the owner (the store, the read model, the audit) and as Ossature's
service identity (JetStream)."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import asyncpg
import msgspec
import nats
from nats.js.api import DeliverPolicy

from ossature.engines import running_engines
from ossature.engines.nats_auth import NatsCredentials, service_options
from tests.chaos._load import Sent

__all__ = ["Counts", "count"]


class Counts(msgspec.Struct):
    """For each key: how many times its command is in each place."""

    store: Counter[str]
    read_model: Counter[str]
    jetstream: Counter[str]
    audit: Counter[str]


async def count(var_dir: Path, tenant_id: str, sent: list[Sent]) -> Counts:
    """Each place's count per key of `sent`, its projection and relay given time to catch up."""
    engines = running_engines(var_dir)
    assert engines is not None, "ossature up is not running"
    by_project = {s.project_id: s.key for s in sent}
    conn = await asyncpg.connect(engines.database_url, database="ossature")  # `up`'s database
    try:
        store = await _store(conn, by_project)
        read_model = await _until(lambda: _read_model(conn, by_project), len(sent))
        audit = await _audit(conn, tenant_id, {s.key for s in sent})
    finally:
        await conn.close()
    credentials = NatsCredentials.embedded(Path(engines.nats_credentials))
    jetstream = await _until(
        lambda: _jetstream(engines.nats_url, credentials, tenant_id, by_project), len(sent)
    )
    return Counts(store, read_model, jetstream, audit)


async def _store(conn: asyncpg.Connection, by_project: dict[str | None, str]) -> Counter[str]:
    rows = await conn.fetch(
        "select stream_id from events where event_type = 'project-created'"
        " and stream_id = any($1::text[])",
        [p for p in by_project if p],
    )
    return Counter(by_project[r["stream_id"]] for r in rows)


async def _read_model(conn: asyncpg.Connection, by_project: dict[str | None, str]) -> Counter[str]:
    rows = await conn.fetch(
        "select project_id from projects where project_id = any($1::text[])",
        [p for p in by_project if p],
    )
    return Counter(by_project[r["project_id"]] for r in rows)


async def _audit(conn: asyncpg.Connection, tenant_id: str, keys: set[str]) -> Counter[str]:
    """Entries of the commands' original executions (a repeat's entry is its own)."""
    rows = await conn.fetch(
        "select context->'trace'->>'externalInvocationId' as key from audit_entries"
        " where tenant_id = $1 and kind = 'command' and name = 'create-project'"
        " and status = 200 and repeat_of is null",
        tenant_id,
    )
    return Counter(r["key"] for r in rows if r["key"] in keys)


async def _jetstream(
    url: str, credentials: NatsCredentials, tenant_id: str, by_project: dict[str | None, str]
) -> Counter[str]:
    nc = await nats.connect(
        servers=url.split(","), allow_reconnect=False, **service_options(credentials)
    )
    try:
        js = nc.jetstream()
        subject = f"ossature.events.*.{tenant_id}.project.project-created"
        sub = await js.subscribe(subject, ordered_consumer=True, deliver_policy=DeliverPolicy.ALL)
        found: Counter[str] = Counter()
        while True:
            try:
                message = await sub.next_msg(timeout=2)
            except nats.errors.TimeoutError:
                return found
            stream_id = msgspec.json.decode(message.data)["streamId"]
            if stream_id in by_project:
                found[by_project[stream_id]] += 1
    finally:
        await nc.close()


async def _until(read: object, expected: int, deadline: float = 90.0) -> Counter[str]:
    """Read again until `expected` keys are found (the place catches up), or the deadline."""
    loop = asyncio.get_running_loop()
    until = loop.time() + deadline
    while True:
        try:
            found: Counter[str] = await read()  # type: ignore[operator]
        except nats.errors.TimeoutError:  # JetStream's API unanswered while a leader is elected
            found = Counter()
        if len(found) >= expected or loop.time() > until:
            return found
        await asyncio.sleep(0.5)
