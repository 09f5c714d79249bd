"""What a list-projects costs the client and the PostgreSQL backend, by how it is sent.

- transaction (3 round trips): BEGIN with the tenant and the session check (one simple
  query), `projects_list` inside it, COMMIT, as a query ran before list-projects was one
  statement;
- one statement: `projects_list` alone, out of any transaction, as `Database.call` sends it
  before the invocation's transaction began: `ossature_confine` sets the tenant and runs
  the session check first.

Both list the folder the bench lists (`bench list-projects`, 20 projects: run `ossature
bench` once first), as the tenant-admin who owns the open session found. Sequential, on one
connection of the application's role with its settings, rounds interleaved; the backend's
CPU is read from /proc. Uses the PostgreSQL of a running `ossature up` (its var directory).

Run: OSSATURE_VAR_DIR=var .venv/bin/python benchmarks/list_statements.py [--count 3000]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
from _statements import Call, arguments, compare, connect, open_session, var_dir

from ossature.kernel._sql import begin, call_statement
from ossature.modules.identity.projections import session_guard
from ossature.runtime.serving import run

_FOLDER = "bench list-projects"


async def main(var_dir: Path, count: int, rounds: int) -> None:
    session = await open_session(var_dir)
    owner = await asyncpg.connect(session.owner_url)
    folder, root = await owner.fetchrow(
        "select f.folder_id, r.folder_id from folders f join folders r"
        " on r.tenant_id = f.tenant_id and r.parent_id is null"
        " where f.tenant_id = $1 and f.name = $2",
        session.tenant_id,
        _FOLDER,
    ) or (None, None)
    await owner.close()
    if folder is None:
        raise SystemExit(f"no folder {_FOLDER!r} in the session's tenant: run `ossature bench`")
    conn = await connect(session.app_url, {"plan_cache_mode": "force_generic_plan"})
    tenant, guard = session.tenant_id, session_guard(session.session_id)
    arguments = ([root], folder, False)
    statement = call_statement("projects_list", len(arguments))

    async def in_a_transaction() -> Any:
        await conn.execute(begin(tenant, True, guard))
        rows = await conn.fetch(statement, tenant, "", *arguments)
        await conn.execute("commit")
        return rows

    async def alone() -> Any:
        return await conn.fetch(statement, tenant, guard, *arguments)

    if len(await in_a_transaction()) != len(await alone()):
        raise SystemExit("the two ways list different projects")
    ways: dict[str, tuple[Call, Any]] = {
        "transaction (3 round trips)": (in_a_transaction, conn),
        "one statement": (alone, conn),
    }
    await compare(ways, count, rounds, "list")
    await conn.close()


if __name__ == "__main__":
    args = arguments(__doc__, count=3000).parse_args()
    run(main(var_dir(), args.count, args.rounds))
