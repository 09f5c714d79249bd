"""What writing a batch of audit entries costs the client and the PostgreSQL backend, per entry.

- as arrays: ten arrays, one per column, spread by `unnest` (the writer before `c2e7d5b`);
- as one JSON document: the rows encoded by msgspec in one call, spread by
  `json_to_recordset` (the writer now: `modules/audit/writer.py`).

Batches of `--batch` entries (50: about what the writer gathers in its 50 ms at 1,000
requests a second) of one list-projects invocation by the open session's account, each
batch in its own transaction on one connection of the application's role, rounds
interleaved; the backend's CPU is read from /proc. What it writes stays in the audit trail
(name `bench-audit`). Uses the PostgreSQL of a running `ossature up` (its var directory).

Run: OSSATURE_VAR_DIR=var .venv/bin/python benchmarks/audit_batches.py [--count 200]
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
from _statements import Call, arguments, compare, connect, open_session, var_dir

from ossature.kernel._sql import begin
from ossature.kernel.context import Actor
from ossature.modules.audit.writer import _INSERT, AuditEntry, _row
from ossature.runtime.contexts import internal_context
from ossature.runtime.serving import run

_AS_ARRAYS = """insert into audit_entries (tenant_id, invocation_id, kind, name, actor_id,
    outcome, status, message_key, context, recorded_at)
    select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
        $6::text[], $7::int[], $8::text[], $9::jsonb[], $10::timestamptz[])"""


async def main(var_dir: Path, count: int, rounds: int, size: int) -> None:
    session = await open_session(var_dir)
    tenant = session.tenant_id
    actor = Actor(
        account_id=session.account_id, kind="user", tenant_id=tenant, mechanism="internal"
    )
    conn = await connect(session.app_url, {})

    def batch() -> list[AuditEntry]:
        now = datetime.now(UTC)
        return [
            AuditEntry(
                internal_context(actor), tenant, "query", "bench-audit", "allowed", 200, None, now
            )
            for _ in range(size)
        ]

    async def as_arrays() -> None:
        rows = [_array_row(entry) for entry in batch()]
        columns = [list(column) for column in zip(*rows, strict=True)]
        await conn.execute(begin(tenant, False, ""))
        await conn.execute(_AS_ARRAYS, *columns)
        await conn.execute("commit")

    async def as_json() -> None:
        rows = [_row(entry) for entry in batch()]
        await conn.execute(begin(tenant, False, ""))
        await conn.execute(_INSERT, rows)
        await conn.execute("commit")

    ways: dict[str, tuple[Call, Any]] = {
        f"as arrays ({size} a batch)": (as_arrays, conn),
        f"as one JSON document ({size})": (as_json, conn),
    }
    await compare(ways, count, rounds, "write")
    print(f"(per entry: divide by {size})")
    await conn.close()


def _array_row(entry: AuditEntry) -> tuple[Any, ...]:
    actor = entry.ctx.access.account_id if entry.ctx.access else None
    trace, context = entry.ctx.trace, msgspec.to_builtins(entry.ctx)
    return (
        entry.tenant_id,
        trace.invocation_id,
        entry.kind,
        entry.name,
        actor,
        entry.outcome,
        entry.status,
        entry.message_key,
        context,
        entry.recorded_at,
    )


if __name__ == "__main__":
    parser = arguments(__doc__, count=200)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()
    run(main(var_dir(), args.count, args.rounds, args.batch))
