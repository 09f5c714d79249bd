"""What a command's commit costs the client and the PostgreSQL backend, by how it is sent.

- transaction: BEGIN with the tenant and the session check (one simple query), the
  idempotency record with the events (`EventStore.append_once`), COMMIT: three round trips;
- one statement: the same `EventStore.append_once` outside any transaction (it sets the
  tenant and runs the session check itself), from a session that skips the store's NOTIFY,
  as the app pool of a process running the relay does;
- one statement, notifying: the same, from a session that notifies (a gateway on its own);
- one statement, as arrays: the same event sent as `ossature_append_once`'s one-element
  arrays, as every commit was before `ossature_append_one` (kernel migration 0005).

Sequential, on one connection of the application's role, rounds interleaved; the backend's
CPU is read from /proc. Uses the PostgreSQL of a running `ossature up` (its var directory)
and one of its open sessions (log in once first); what it appends stays in the store
(events of type `bench-event` in a stream of type `bench`).

Run: OSSATURE_VAR_DIR=var .venv/bin/python benchmarks/commit_statements.py [--count 3000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import asyncpg

from ossature.kernel.context import Actor, Context
from ossature.kernel.database import _begin, _init_connection
from ossature.kernel.eventstore import (
    _APPEND_ONCE,
    EventStore,
    PendingAppend,
    _columns,
    _insert,
    _stamped,
)
from ossature.kernel.idempotency import IdempotencyKey, IdempotencyRecord
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Event
from ossature.modules.identity.projections import session_guard
from ossature.runtime.contexts import internal_context
from ossature.runtime.migrate import database_url_for
from ossature.runtime.serving import run

Commit = Callable[[], Awaitable[None]]


class BenchEvent(Event, frozen=True):
    name: ClassVar[str] = "bench-event"
    version: ClassVar[int] = 1
    note: str


async def main(var_dir: Path, count: int, rounds: int) -> None:
    owner_url = json.loads((var_dir / "engines.json").read_text())["database_url"]
    owner_url = owner_url.replace("/postgres?", "/ossature?")
    owner = await asyncpg.connect(owner_url)
    session = await owner.fetchrow(
        "select tenant_id, account_id, session_id from sessions"
        " where ended_at is null and expires_at > now() limit 1"
    )
    await owner.close()
    if session is None:
        raise SystemExit("no open session: log in once first (`ossature demo` does)")
    tenant_id, account_id, session_id = session
    password = (var_dir / "secrets" / "app-db-password").read_text().strip()
    app_url = database_url_for(owner_url, "ossature_app", password)
    quiet = await _connect(app_url, {"ossature.wakes_relay": "on"})
    loud = await _connect(app_url, {})
    actor = Actor(account_id=account_id, kind="user", tenant_id=tenant_id, mechanism="internal")
    guard = session_guard(session_id)
    store = EventStore()

    def staged() -> tuple[Context, list[PendingAppend], IdempotencyRecord]:
        ctx = internal_context(actor, new_id())
        pending = [PendingAppend("bench", new_id(), 0, (BenchEvent(note="n"),))]
        key = IdempotencyKey(tenant_id, account_id, ctx.trace.external_invocation_id)
        return ctx, pending, IdempotencyRecord(key, "bench", new_id(), {"ok": True})

    async def in_a_transaction() -> None:
        ctx, pending, record = staged()
        await quiet.execute(_begin(tenant_id, False, guard))
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
        columns = _columns(envelopes)
        await _insert(conn, pending, _APPEND_ONCE, tenant_id, guard, *columns, *row, record.outcome)

    ways: dict[str, tuple[Commit, Any]] = {
        "transaction (3 round trips)": (in_a_transaction, quiet),
        "one statement": (lambda: alone(quiet), quiet),
        "one statement, notifying": (lambda: alone(loud), loud),
        "one statement, as arrays": (lambda: as_arrays(quiet), quiet),
    }
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in ways}
    for _ in range(rounds):
        for name, (commit, conn) in ways.items():
            figures[name].append(await _measure(commit, conn, count))
    base_client, base_backend = _medians(figures["transaction (3 round trips)"])
    print(f"{count} commits a way, {rounds} rounds interleaved; medians, µs per commit")
    for name, measured in figures.items():
        client, backend = _medians(measured)
        print(
            f"{name:30s} client {client:6.0f}  backend {backend:6.0f}"
            f"  ({client / base_client:.2f} and {backend / base_backend:.2f} of a transaction's)"
        )
    await quiet.close()
    await loud.close()


async def _connect(url: str, settings: dict[str, str]) -> Any:
    conn = await asyncpg.connect(url, server_settings=settings or None)
    await _init_connection(conn)
    return conn


async def _measure(commit: Commit, conn: Any, count: int) -> tuple[float, float]:
    backend = await conn.fetchval("select pg_backend_pid()")
    for _ in range(count // 10):  # warm the statement caches
        await commit()
    client, server = time.process_time(), _cpu_of(backend)
    for _ in range(count):
        await commit()
    return (
        1e6 * (time.process_time() - client) / count,
        1e6 * (_cpu_of(backend) - server) / count,
    )


def _cpu_of(pid: int) -> float:
    """User and system CPU seconds of a process on this machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _medians(measured: list[tuple[float, float]]) -> tuple[float, float]:
    return (
        statistics.median(m[0] for m in measured),
        statistics.median(m[1] for m in measured),
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    run(main(Path(os.environ.get("OSSATURE_VAR_DIR", "var")), args.count, args.rounds))
