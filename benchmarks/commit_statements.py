"""What a command's commit costs the client and the PostgreSQL backend, by how it is sent.

- transaction: BEGIN with the tenant and the session check (one simple query), the
  idempotency record with the events (`EventStore.append_once`), COMMIT: three round trips;
- one statement: the same `EventStore.append_once` outside any transaction (it sets the
  tenant and runs the session check itself), from a session that skips the store's NOTIFY,
  as the application's pool does (it wakes the relay itself: decision 18);
- one statement, notifying: the same, from a session that notifies (a writer outside any
  pipeline);
- one statement, as arrays: the same event sent as `ossature_append_once`'s one-element
  arrays, as every commit was before `ossature_append_one` (kernel migration 0005).

Sequential, on one connection of the application's role, rounds interleaved; the backend's
CPU is read from /proc. Uses the PostgreSQL of a running `ossature up` (its var directory)
and one of its open sessions (log in once first); what it appends stays in the store
(events of type `bench-event` in a stream of type `bench`).

Run: OSSATURE_VAR_DIR=var .venv/bin/python benchmarks/commit_statements.py [--count 3000]
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import msgspec
from _statements import Call, arguments, compare, connect, open_session, var_dir

from ossature.kernel._eventstore_sql import _APPEND_ONCE, _columns
from ossature.kernel._sql import begin
from ossature.kernel.context import Actor, Context
from ossature.kernel.eventstore import EventStore, PendingAppend, _insert, _stamped
from ossature.kernel.idempotency import IdempotencyKey, IdempotencyRecord
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Event
from ossature.modules.identity.projections import session_guard
from ossature.runtime.contexts import internal_context
from ossature.runtime.serving import run


class BenchEvent(Event, frozen=True):
    name: ClassVar[str] = "bench-event"
    version: ClassVar[int] = 1
    note: str


async def main(var_dir: Path, count: int, rounds: int) -> None:
    session = await open_session(var_dir)
    tenant_id, account_id = session.tenant_id, session.account_id
    quiet = await connect(session.app_url, {"ossature.wakes_relay": "on"})
    loud = await connect(session.app_url, {})
    actor = Actor(account_id=account_id, kind="user", tenant_id=tenant_id, mechanism="internal")
    guard = session_guard(session.session_id)
    store = EventStore()

    def staged() -> tuple[Context, list[PendingAppend], IdempotencyRecord]:
        ctx = internal_context(actor, new_id())
        pending = [PendingAppend("bench", new_id(), 0, (BenchEvent(note="n"),))]
        key = IdempotencyKey(tenant_id, account_id, ctx.trace.external_invocation_id)
        return ctx, pending, IdempotencyRecord(key, "bench", new_id(), {"ok": True})

    async def in_a_transaction() -> None:
        ctx, pending, record = staged()
        await quiet.execute(begin(tenant_id, False, guard))
        await store.append_once(quiet, ctx, datetime.now(UTC), pending, record)
        await quiet.execute("commit")

    async def alone(conn: Any) -> None:
        ctx, pending, record = staged()
        await store.append_once(conn, ctx, datetime.now(UTC), pending, record, guard)

    async def as_arrays(conn: Any) -> None:
        ctx, pending, record = staged()
        key = record.key
        envelopes = _stamped(ctx, tenant_id, datetime.now(UTC), pending)
        row = [key.tenant_id, key.actor_id, key.key, record.command, record.invocation_id]
        recorded = [record.outcome, record.fingerprint, msgspec.to_builtins(ctx), datetime.now(UTC)]
        columns = _columns(envelopes)
        await _insert(conn, pending, _APPEND_ONCE, tenant_id, guard, *columns, *row, *recorded)

    ways: dict[str, tuple[Call, Any]] = {
        "transaction (3 round trips)": (in_a_transaction, quiet),
        "one statement": (lambda: alone(quiet), quiet),
        "one statement, notifying": (lambda: alone(loud), loud),
        "one statement, as arrays": (lambda: as_arrays(quiet), quiet),
    }
    await compare(ways, count, rounds, "commit")
    await quiet.close()
    await loud.close()


if __name__ == "__main__":
    args = arguments(__doc__, count=3000).parse_args()
    run(main(var_dir(), args.count, args.rounds))
