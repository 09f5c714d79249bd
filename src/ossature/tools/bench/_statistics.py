"""Whether PostgreSQL's planner statistics lag behind the tables list-projects reads.

Right after thousands of inserts (an earlier run's create-project), and until autovacuum has
analyzed `projects`, the planner may pick a plan several times costlier: the figures would
measure that, not the system. The bench says so rather than hiding it.
"""

from __future__ import annotations

import asyncpg

__all__ = ["stale_statistics"]

_TABLES = ["projects", "folders"]
# autovacuum's own rule, with its default threshold (50) and scale factor (0.1)
_STALE = """select s.relname, s.n_mod_since_analyze
    from pg_stat_user_tables s join pg_class c on c.oid = s.relid
    where s.relname = any($1::text[])
      and s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)"""


async def stale_statistics(database_url: str) -> list[str]:
    """One warning per table read by list-projects whose statistics autovacuum has yet to renew."""
    try:
        conn = await asyncpg.connect(database_url)
    except (OSError, asyncpg.PostgresError):
        return []
    try:
        rows = await conn.fetch(_STALE, _TABLES)
    finally:
        await conn.close()
    return [
        f"{row['relname']} has {row['n_mod_since_analyze']} rows changed since PostgreSQL last"
        f" analyzed it: until autovacuum does, list-projects may run a costlier plan"
        f" (wait a minute between runs, or run ANALYZE {row['relname']})"
        for row in rows
    ]
