"""What the rule of contiguous stream versions (kernel migration 0011) costs a commit.

A one-event commit (`EventStore.append_once`, so `ossature_append_one`) of the first event
of a new stream (the rule has nothing to look up) and of the next event of an existing one
(it looks up the event before and locks it against removal), with the rule in place and with
the database as before it (no `previous_version` column, no foreign key), the two states
alternated round by round on the same table.

Sequential, on one connection of the application's role, in a scratch database made on the
PostgreSQL of a running `ossature up` (its var directory) and dropped after; the backend's
CPU is read from /proc.

Run: OSSATURE_VAR_DIR=var .venv/bin/python benchmarks/stream_versions.py [--count 2000]
"""

from __future__ import annotations

import json
import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import asyncpg
from _statements import arguments, connect, measure, var_dir

from ossature.kernel.context import Actor
from ossature.kernel.errors import ConcurrencyConflict
from ossature.kernel.eventstore import EventStore, PendingAppend
from ossature.kernel.idempotency import IdempotencyKey, IdempotencyRecord
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Event
from ossature.runtime.application import Application
from ossature.runtime.contexts import internal_context
from ossature.runtime.migrate import database_url_for, ensure_database, migrate
from ossature.runtime.serving import run

_BEFORE = """alter table events drop constraint events_stream_versions_contiguous;
    alter table events drop column previous_version"""
_AFTER = """alter table events add column previous_version int
        generated always as (nullif(stream_version - 1, 0)) stored;
    alter table events add constraint events_stream_versions_contiguous
        foreign key (stream_id, previous_version) references events (stream_id, stream_version)
        not valid"""


class BenchEvent(Event, frozen=True):
    name: ClassVar[str] = "bench-event"
    version: ClassVar[int] = 1
    note: str


class Appends:
    """One-event commits of one tenant: to new streams, or the next event of one stream."""

    def __init__(self, conn: Any) -> None:
        self.conn, self.store, self.tenant = conn, EventStore(), new_id()
        self.actor = Actor(
            account_id=new_id(), kind="user", tenant_id=self.tenant, mechanism="internal"
        )
        self.stream, self.version = new_id(), 0

    async def first(self) -> None:
        await self._append(new_id(), 0)

    async def next(self) -> None:
        await self._append(self.stream, self.version)
        self.version += 1

    async def skip_refused(self) -> bool:
        """Whether a commit past a stream's next version is refused (by the rule)."""
        stream = new_id()
        await self._append(stream, 0)
        try:
            await self._append(stream, 6)
        except ConcurrencyConflict:
            return True
        return False

    async def _append(self, stream: str, expected: int) -> None:
        ctx = internal_context(self.actor, new_id())
        pending = [PendingAppend("bench", stream, expected, (BenchEvent(note="n"),))]
        key = IdempotencyKey(self.tenant, self.actor.account_id, ctx.trace.external_invocation_id)
        record = IdempotencyRecord(key, "bench", new_id(), {"ok": True})
        await self.store.append_once(self.conn, ctx, datetime.now(UTC), pending, record)


async def main(var: Path, count: int, rounds: int) -> None:
    engines = json.loads((var / "engines.json").read_text())["database_url"]
    name = f"ossature_bench_{new_id().lower()[-10:]}"
    owner_url = await ensure_database(engines, name)
    try:
        await migrate(owner_url, Application.of().migration_folders(), {})
        await _compare(owner_url, var, count, rounds)
    finally:
        admin = await asyncpg.connect(engines)
        await admin.execute(f'drop database "{name}" with (force)')
        await admin.close()


async def _compare(owner_url: str, var: Path, count: int, rounds: int) -> None:
    password = (var / "secrets" / "app-db-password").read_text().strip()
    app = await connect(database_url_for(owner_url, "ossature_app", password), {})
    owner = await asyncpg.connect(owner_url)
    appends = Appends(app)
    figures: dict[str, list[tuple[float, float]]] = {}
    for _ in range(rounds):
        for state, change in (("with the rule", None), ("before it", _BEFORE)):
            if change:
                await owner.execute(change)
            assert (change is None) == await appends.skip_refused()  # the state is as named
            for way, call in (("first event", appends.first), ("next event", appends.next)):
                figures.setdefault(f"{way}, {state}", []).append(await measure(call, app, count))
            if change:
                await owner.execute(_AFTER)
    await app.close()
    await owner.close()
    print(f"{count} one-event commits a way, {rounds} rounds alternated; medians, µs per commit")
    for name, measured in figures.items():
        client, backend = (statistics.median(m[i] for m in measured) for i in (0, 1))
        print(f"{name:30s} client {client:6.0f}  backend {backend:6.0f}")


if __name__ == "__main__":
    args = arguments(__doc__, count=2000).parse_args()
    run(main(var_dir(), args.count, args.rounds))
