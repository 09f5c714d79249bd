"""What group commit saves: N one-event commits as N statements, against the same N in one
`ossature_append_group` statement (kernel migration 0009), client and backend CPU.

Sequential, on one connection of the application's role that wakes the relay itself (as the
application's pool does), rounds interleaved; the backend's CPU is read from /proc. Uses the
PostgreSQL of a running `ossature up` (its var directory) and one of its open sessions (log
in once first); what it appends stays in the store (events of type `bench-event` in streams
of type `bench`).

Run: OSSATURE_VAR_DIR=var .venv/bin/python benchmarks/group_statements.py [--size 8]
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from _statements import arguments, compare, connect, open_session, var_dir
from commit_statements import BenchEvent

from ossature.kernel.context import Actor
from ossature.kernel.eventstore import EventStore, PendingAppend
from ossature.kernel.idempotency import IdempotencyKey, IdempotencyRecord
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Envelope
from ossature.modules.identity.projections import session_guard
from ossature.runtime.contexts import internal_context
from ossature.runtime.serving import run


async def main(var_dir: Path, size: int, count: int, rounds: int) -> None:
    session = await open_session(var_dir)
    conn = await connect(session.app_url, {"ossature.wakes_relay": "on"})
    actor = Actor(
        account_id=session.account_id,
        kind="user",
        tenant_id=session.tenant_id,
        mechanism="internal",
    )
    guard = session_guard(session.session_id)
    store = EventStore()

    def staged() -> tuple[list[Envelope], list[PendingAppend], IdempotencyRecord]:
        ctx = internal_context(actor, new_id())
        pending = [PendingAppend("bench", new_id(), 0, (BenchEvent(note="n"),))]
        key = IdempotencyKey(
            session.tenant_id, session.account_id, ctx.trace.external_invocation_id
        )
        record = IdempotencyRecord(key, "bench", new_id(), {"ok": True})
        return store.stamped(ctx, key.tenant_id, datetime.now(UTC), pending), pending, record

    async def one_by_one() -> None:
        for envelopes, pending, record in [staged() for _ in range(size)]:
            await store.append_stamped(conn, envelopes, pending, record, guard)

    async def grouped() -> None:
        commits = [staged() for _ in range(size)]
        await store.append_group(conn, [(e[0], record, guard, None) for e, _, record in commits])

    ways = {f"{size} one by one": (one_by_one, conn), f"{size} in one statement": (grouped, conn)}
    await compare(ways, max(count // size, 10), rounds, f"group of {size}")
    await conn.close()


if __name__ == "__main__":
    parser = arguments(__doc__, count=3000)
    parser.add_argument("--size", type=int, default=8)
    args = parser.parse_args()
    run(main(var_dir(), args.size, args.count, args.rounds))
