"""What metering adds to a command's commit statement: the same one-event commits without a
meter and with one (`ossature_meter_commit`: a meter entry and the open cycle's count,
decision 75), one by one and in groups, client and backend CPU.

Sequential, on one connection of the application's role that wakes the relay itself (as the
application's pool does), rounds interleaved; the backend's CPU is read from /proc. Uses the
PostgreSQL of a running `ossature up` (its var directory) and one of its open sessions (log
in once first); what it appends and meters stays (events of type `bench-event` in streams
of type `bench`, counted in the session's tenant's open cycle: bench a throw-away var dir
whose tenant has no quota, or a big one).

Run: OSSATURE_VAR_DIR=var .venv/bin/python benchmarks/meter_statements.py [--size 8]
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import asyncpg
from _statements import arguments, compare, connect, var_dir

from ossature.kernel.context import Actor
from ossature.kernel.eventstore import EventStore, PendingAppend
from ossature.kernel.idempotency import IdempotencyKey, IdempotencyRecord
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Envelope, Event
from ossature.kernel.meter import Meter
from ossature.runtime.contexts import internal_context
from ossature.runtime.migrate import database_url_for
from ossature.runtime.serving import run


class BenchEvent(Event, frozen=True):
    name: ClassVar[str] = "bench-event"
    version: ClassVar[int] = 1
    note: str


async def _open_session(var_dir: Path) -> tuple[str, str, str, str]:
    """The application's URL and an open session's tenant, account and id (its guard)."""
    owner_url = json.loads((var_dir / "engines.json").read_text())["database_url"]
    owner_url = owner_url.replace("/postgres?", "/ossature?")
    owner = await asyncpg.connect(owner_url)
    found = await owner.fetchrow(
        "select tenant_id, account_id, credential_id from credentials"
        " where kind = 'session' and ended_at is null and expires_at > now() limit 1"
    )
    await owner.close()
    if found is None:
        raise SystemExit("no open session: log in once first (`ossature demo` does)")
    password = (var_dir / "secrets" / "app-db-password").read_text().strip()
    return database_url_for(owner_url, "ossature_app", password), *found


async def main(var_dir: Path, size: int, count: int, rounds: int) -> None:
    app_url, tenant_id, account_id, guard = await _open_session(var_dir)
    conn = await connect(app_url, {"ossature.wakes_relay": "on"})
    actor = Actor(account_id=account_id, kind="user", tenant_id=tenant_id, mechanism="internal")
    store = EventStore()
    root = await conn.fetchval("select root_folder_id from tenants where tenant_id = $1", tenant_id)
    meter = Meter("projects", root)  # as create-project at the tenant's root

    def staged() -> tuple[list[Envelope], list[PendingAppend], IdempotencyRecord]:
        ctx = internal_context(actor, new_id())
        pending = [PendingAppend("bench", new_id(), 0, (BenchEvent(note="n"),))]
        key = IdempotencyKey(tenant_id, account_id, ctx.trace.external_invocation_id)
        record = IdempotencyRecord(key, "bench", new_id(), {"ok": True})
        return store.stamped(ctx, key.tenant_id, datetime.now(UTC), pending), pending, record

    def alone(metered: Meter | None) -> object:
        async def call() -> None:
            for envelopes, pending, record in [staged() for _ in range(size)]:
                await store.append_stamped(conn, envelopes, pending, record, guard, metered)

        return call

    def grouped(metered: Meter | None) -> object:
        async def call() -> None:
            commits = [staged() for _ in range(size)]
            await store.append_group(
                conn, [(e[0], record, guard, metered) for e, _, record in commits]
            )

        return call

    ways = {
        f"{size} alone, no meter": (alone(None), conn),
        f"{size} alone, metered": (alone(meter), conn),
        f"{size} grouped, no meter": (grouped(None), conn),
        f"{size} grouped, metered": (grouped(meter), conn),
    }
    await compare(ways, max(count // size, 10), rounds, f"batch of {size}")  # type: ignore[arg-type]
    await conn.close()


if __name__ == "__main__":
    parser = arguments(__doc__, count=3000)
    parser.add_argument("--size", type=int, default=8)
    args = parser.parse_args()
    run(main(var_dir(), args.size, args.count, args.rounds))
